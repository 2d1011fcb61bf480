//! Isolation Forest with scikit-learn's semantics (Liu, Ting & Zhou 2008;
//! `sklearn.ensemble.IsolationForest`):
//!
//! - each tree is grown on `max_samples` rows drawn without replacement
//!   (at most the number of rows), to depth `ceil(log2(max_samples))`;
//! - a node splits on a feature drawn at random among those not constant
//!   in the node, at a threshold uniform between the node's min and max,
//!   rows `<= threshold` going left; a node of one row, or of rows equal in
//!   every feature, is a leaf;
//! - a row's path length is the depth of its leaf plus `c(n)` for the `n`
//!   training rows that reached the leaf, and its anomaly score is
//!   `2^(-E[h(x)] / c(max_samples))`, between 0 and 1, higher = stranger.
//!   (`score_samples` in scikit-learn is the negative of this.)
//!
//! Values are held as f32, as scikit-learn's trees do. Trees are built and
//! rows scored in parallel with rayon; each tree draws from its own
//! generator seeded from (seed, tree index), so results do not depend on
//! the number of threads.

use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

/// Average path length of an unsuccessful binary-search-tree search among
/// `n` points: the normaliser c(n) of the paper.
pub fn average_path_length(n: usize) -> f64 {
    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * ((n - 1.0).ln() + EULER_GAMMA) - 2.0 * (n - 1.0) / n
        }
    }
}

/// A dense row-major matrix of f32 features.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Matrix {
    pub fn new(rows: usize, cols: usize, data: Vec<f32>) -> Matrix {
        assert_eq!(data.len(), rows * cols, "matrix shape");
        Matrix { rows, cols, data }
    }

    #[inline]
    pub fn get(&self, row: usize, col: usize) -> f32 {
        self.data[row * self.cols + col]
    }

    pub fn row(&self, row: usize) -> &[f32] {
        &self.data[row * self.cols..(row + 1) * self.cols]
    }
}

#[derive(Debug, Clone, Copy)]
enum Node {
    Split {
        feature: u32,
        threshold: f32,
        left: u32,
        right: u32,
    },
    /// depth + c(training rows in the leaf).
    Leaf { path: f32 },
}

#[derive(Debug, Clone)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn path_length(&self, x: &[f32]) -> f32 {
        let mut at = 0usize;
        loop {
            match self.nodes[at] {
                Node::Leaf { path } => return path,
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    at = if x[feature as usize] <= threshold {
                        left as usize
                    } else {
                        right as usize
                    };
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct IsolationForest {
    trees: Vec<Tree>,
    /// c(max_samples actually used), the score normaliser.
    normaliser: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub trees: usize,
    pub max_samples: usize,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            trees: 100,
            max_samples: 256,
            seed: 0,
        }
    }
}

/// Below this spread a feature counts as constant in a node (scikit-learn's
/// FEATURE_THRESHOLD).
const FEATURE_THRESHOLD: f32 = 1e-7;

struct Builder<'a> {
    x: &'a Matrix,
    max_depth: usize,
    rng: Xoshiro256PlusPlus,
    nodes: Vec<Node>,
}

impl Builder<'_> {
    /// Grows the subtree over `rows` and returns its node index.
    fn grow(&mut self, rows: &mut [u32], depth: usize) -> u32 {
        let index = self.nodes.len() as u32;
        self.nodes.push(Node::Leaf { path: 0.0 });
        let leaf = |depth: usize, n: usize| Node::Leaf {
            path: (depth as f64 + average_path_length(n)) as f32,
        };
        if depth >= self.max_depth || rows.len() <= 1 {
            self.nodes[index as usize] = leaf(depth, rows.len());
            return index;
        }
        // Draw features without replacement until one varies in this node.
        let cols = self.x.cols;
        let mut candidates: Vec<u32> = (0..cols as u32).collect();
        let mut chosen = None;
        while !candidates.is_empty() {
            let pick = self.rng.gen_range(0..candidates.len());
            let f = candidates.swap_remove(pick) as usize;
            let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
            for &r in rows.iter() {
                let v = self.x.get(r as usize, f);
                lo = lo.min(v);
                hi = hi.max(v);
            }
            if hi - lo > FEATURE_THRESHOLD {
                chosen = Some((f, lo, hi));
                break;
            }
        }
        let Some((feature, lo, hi)) = chosen else {
            self.nodes[index as usize] = leaf(depth, rows.len());
            return index;
        };
        let mut threshold = lo + (hi - lo) * self.rng.gen::<f32>();
        if threshold >= hi {
            threshold = lo;
        }
        // Partition in place: rows <= threshold first.
        let mut split = 0;
        for i in 0..rows.len() {
            if self.x.get(rows[i] as usize, feature) <= threshold {
                rows.swap(i, split);
                split += 1;
            }
        }
        let (left_rows, right_rows) = rows.split_at_mut(split);
        let left = self.grow(left_rows, depth + 1);
        let right = self.grow(right_rows, depth + 1);
        self.nodes[index as usize] = Node::Split {
            feature: feature as u32,
            threshold,
            left,
            right,
        };
        index
    }
}

fn tree_rng(seed: u64, tree: usize) -> Xoshiro256PlusPlus {
    // SplitMix-style mixing so neighbouring seeds and trees diverge.
    let mut z = seed ^ (tree as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(z ^ (z >> 31))
}

impl IsolationForest {
    pub fn fit(x: &Matrix, params: Params) -> IsolationForest {
        let sample_size = params.max_samples.min(x.rows).max(1);
        let max_depth = (sample_size.max(2) as f64).log2().ceil() as usize;
        let trees = (0..params.trees)
            .into_par_iter()
            .map(|t| {
                let mut rng = tree_rng(params.seed, t);
                let mut rows: Vec<u32> = sample(&mut rng, x.rows, sample_size)
                    .into_iter()
                    .map(|i| i as u32)
                    .collect();
                let mut builder = Builder {
                    x,
                    max_depth,
                    rng,
                    nodes: Vec::with_capacity(2 * sample_size),
                };
                builder.grow(&mut rows, 0);
                Tree {
                    nodes: builder.nodes,
                }
            })
            .collect();
        IsolationForest {
            trees,
            normaliser: average_path_length(sample_size),
        }
    }

    /// Anomaly score of each row of `x`, in (0, 1]: higher is more anomalous.
    pub fn score(&self, x: &Matrix) -> Vec<f64> {
        const CHUNK: usize = 2048;
        let mut out = vec![0.0; x.rows];
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| {
                let start = c * CHUNK;
                for (j, slot) in chunk.iter_mut().enumerate() {
                    let row = x.row(start + j);
                    let total: f64 = self
                        .trees
                        .iter()
                        .map(|t| f64::from(t.path_length(row)))
                        .sum();
                    let mean = total / self.trees.len() as f64;
                    *slot = if self.normaliser > 0.0 {
                        2f64.powf(-mean / self.normaliser)
                    } else {
                        // One training row: everything is equally (un)usual.
                        0.5
                    };
                }
            });
        out
    }
}

/// Area under the ROC curve of `scores` for binary `labels` (true =
/// positive), with tied scores given their average rank (Mann-Whitney U).
pub fn auroc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            if labels[k] {
                rank_sum_pos += avg_rank;
            }
        }
        i = j + 1;
    }
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum_pos - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_length_normaliser_matches_sklearn() {
        // Values from sklearn.ensemble._iforest._average_path_length.
        assert_eq!(average_path_length(1), 0.0);
        assert_eq!(average_path_length(2), 1.0);
        assert!((average_path_length(256) - 10.244_770_920_116_851).abs() < 1e-9);
        assert!((average_path_length(3) - 1.207_392_357_589_639_2).abs() < 1e-9);
    }

    #[test]
    fn isolated_point_scores_highest_and_is_deterministic() {
        let mut data = Vec::new();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for _ in 0..999 {
            data.push(rng.gen::<f32>());
            data.push(rng.gen::<f32>());
        }
        data.extend([8.0, 8.0]);
        let x = Matrix::new(1000, 2, data);
        let params = Params {
            seed: 3,
            ..Params::default()
        };
        let f = IsolationForest::fit(&x, params);
        let s = f.score(&x);
        let top = (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
        assert_eq!(top, 999);
        assert!(s[999] > 0.7, "{}", s[999]);
        let again = IsolationForest::fit(&x, params).score(&x);
        assert_eq!(s, again);
    }

    #[test]
    fn constant_data_does_not_split() {
        let x = Matrix::new(10, 2, vec![1.0; 20]);
        let s = IsolationForest::fit(&x, Params::default()).score(&x);
        assert!(s.iter().all(|&v| (v - s[0]).abs() < 1e-12));
    }

    #[test]
    fn auroc_counts_ties_as_half() {
        assert_eq!(auroc(&[0.1, 0.9], &[false, true]), 1.0);
        assert_eq!(auroc(&[0.9, 0.1], &[false, true]), 0.0);
        assert_eq!(auroc(&[0.5, 0.5], &[false, true]), 0.5);
        assert!(auroc(&[0.5], &[true]).is_nan());
    }
}
