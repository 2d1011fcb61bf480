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
//! More than the semantics: the random streams are scikit-learn's too (see
//! [`super::sklearn_random`]), so for a given seed the forest is the one
//! `IsolationForest(n_estimators, max_samples, random_state=seed)` grows,
//! tree for tree. Values are held as f32 and thresholds as f64, as
//! scikit-learn's trees do. Trees are built and rows scored in parallel with
//! rayon; each tree's plan is drawn up front, so results do not depend on
//! the number of threads.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::sklearn_random::{forest_seeds, tree_plan, RandR};
use crate::error::Error;
use crate::i18n::Text;

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
        /// scikit-learn's threshold, a double.
        threshold: f64,
        /// The largest f32 not above `threshold`: for an f32 value x,
        /// `x <= threshold_f32` exactly when `x as f64 <= threshold`, so
        /// scoring compares in f32 and stays exact.
        threshold_f32: f32,
        left: u32,
        right: u32,
    },
    /// depth + c(training rows in the leaf), in f64 as scikit-learn sums it.
    Leaf { path: f64 },
}

#[derive(Debug, Clone)]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn path_length(&self, x: &[f32]) -> f64 {
        let mut at = 0usize;
        loop {
            match self.nodes[at] {
                Node::Leaf { path } => return path,
                Node::Split {
                    feature,
                    threshold_f32,
                    left,
                    right,
                    ..
                } => {
                    at = if x[feature as usize] <= threshold_f32 {
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

/// The forest's parameters as configured (`[iforest]` in the TOML): the
/// one params type, checked once by [`Params::check`] before any fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    pub trees: usize,
    pub max_samples: usize,
}

impl Default for Params {
    /// scikit-learn's defaults.
    fn default() -> Self {
        Params {
            trees: 100,
            max_samples: 256,
        }
    }
}

/// Parameters that passed [`Params::check`]: the only kind `fit` takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Checked(Params);

impl Params {
    pub fn check(self) -> Result<Checked, Error> {
        if (1..=10_000).contains(&self.trees) && (2..=1_000_000).contains(&self.max_samples) {
            return Ok(Checked(self));
        }
        Err(Error::invalid(
            "bad_config",
            Text::new(
                "iforest: trees는 1–10,000, max_samples는 2–1,000,000 이어야 합니다",
                "iforest: need 1 ≤ trees ≤ 10,000 and 2 ≤ max_samples ≤ 1,000,000",
            ),
        ))
    }
}

impl Default for Checked {
    fn default() -> Self {
        Params::default()
            .check()
            .expect("the defaults are in range")
    }
}

/// Below this spread a feature counts as constant in a node (scikit-learn's
/// FEATURE_THRESHOLD, a float32, compared in float32).
const FEATURE_THRESHOLD: f32 = 1e-7;

/// The largest f32 that is not above `t`.
fn f32_at_or_below(t: f64) -> f32 {
    let near = t as f32;
    if f64::from(near) > t {
        near.next_down()
    } else {
        near
    }
}

/// A node waiting on the builder's stack.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    n_constant: usize,
    /// (parent node, is left child).
    parent: Option<(usize, bool)>,
}

/// scikit-learn's DepthFirstTreeBuilder with its random splitter and
/// `max_features=1`: a stack (right child pushed first, so left is grown
/// first), one `features` array permuted in place across the whole tree,
/// and known-constant features carried to the children.
///
/// One rule is not modelled: scikit-learn also stops at a node whose
/// random regression targets (`y = uniform(size=n)`, which IsolationForest
/// fits against) have a variance below machine epsilon. For two rows that
/// takes targets within ~3e-8 of each other, about one two-row node in
/// 10^7, so a tree differs from scikit-learn's that rarely.
fn grow_tree(x: &Matrix, mut rows: Vec<u32>, rand_r_state: u32, max_depth: usize) -> Tree {
    let mut rng = RandR::new(rand_r_state);
    let n_features = x.cols;
    let mut features: Vec<usize> = (0..n_features).collect();
    let mut constant_features: Vec<usize> = vec![0; n_features];
    let mut nodes: Vec<Node> = Vec::with_capacity(2 * rows.len());
    let mut stack = vec![Pending {
        start: 0,
        end: rows.len(),
        depth: 0,
        n_constant: 0,
        parent: None,
    }];
    while let Some(node) = stack.pop() {
        let Pending {
            start,
            end,
            depth,
            n_constant,
            parent,
        } = node;
        let n = end - start;
        let mut split: Option<(usize, f64, usize)> = None;
        let mut n_total_constants = n_constant;
        if depth < max_depth && n >= 2 {
            // node_split_random
            let n_known_constants = n_constant;
            let mut f_i = n_features;
            let (mut n_visited, mut n_found, mut n_drawn) = (0usize, 0usize, 0usize);
            while f_i > n_total_constants && (n_visited < 1 || n_visited <= n_found + n_drawn) {
                n_visited += 1;
                let mut f_j = rng.int(n_drawn, f_i - n_found);
                if f_j < n_known_constants {
                    features.swap(n_drawn, f_j);
                    n_drawn += 1;
                    continue;
                }
                f_j += n_found;
                let feature = features[f_j];
                let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
                for &r in &rows[start..end] {
                    let v = x.get(r as usize, feature);
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
                if hi <= lo + FEATURE_THRESHOLD {
                    features.swap(f_j, n_total_constants);
                    n_found += 1;
                    n_total_constants += 1;
                    continue;
                }
                f_i -= 1;
                features.swap(f_i, f_j);
                let mut threshold = rng.uniform(f64::from(lo), f64::from(hi));
                if threshold == f64::from(hi) {
                    threshold = f64::from(lo);
                }
                // Partition: rows <= threshold first.
                let mut p = start;
                for i in start..end {
                    if f64::from(x.get(rows[i] as usize, feature)) <= threshold {
                        rows.swap(i, p);
                        p += 1;
                    }
                }
                if p > start && p < end {
                    split = Some((feature, threshold, p));
                }
            }
            // Keep the known constants in front, in their order, for the
            // siblings; record the new ones for the children.
            features[..n_known_constants].copy_from_slice(&constant_features[..n_known_constants]);
            constant_features[n_known_constants..n_known_constants + n_found]
                .copy_from_slice(&features[n_known_constants..n_known_constants + n_found]);
        }
        let id = nodes.len();
        nodes.push(match split {
            Some((feature, threshold, _)) => Node::Split {
                feature: feature as u32,
                threshold,
                threshold_f32: f32_at_or_below(threshold),
                left: 0,
                right: 0,
            },
            None => Node::Leaf {
                path: depth as f64 + average_path_length(n),
            },
        });
        if let Some((parent, is_left)) = parent {
            if let Node::Split { left, right, .. } = &mut nodes[parent] {
                if is_left {
                    *left = id as u32;
                } else {
                    *right = id as u32;
                }
            }
        }
        if let Some((_, _, pos)) = split {
            let child = |start, end, left| Pending {
                start,
                end,
                depth: depth + 1,
                n_constant: n_total_constants,
                parent: Some((id, left)),
            };
            stack.push(child(pos, end, false));
            stack.push(child(start, pos, true));
        }
    }
    Tree { nodes }
}

impl IsolationForest {
    /// Grows the forest; `seed` is numpy's (32-bit: higher bits are ignored).
    pub fn fit(x: &Matrix, params: Checked, seed: u64) -> IsolationForest {
        let Checked(params) = params;
        let sample_size = params.max_samples.min(x.rows).max(1);
        let max_depth = (sample_size.max(2) as f64).log2().ceil() as usize;
        let trees = forest_seeds((seed & 0xFFFF_FFFF) as u32, params.trees)
            .into_par_iter()
            .map(|seed| {
                let plan = tree_plan(seed, x.rows, x.cols, sample_size);
                grow_tree(x, plan.rows, plan.rand_r_state, max_depth)
            })
            .collect();
        IsolationForest {
            trees,
            normaliser: average_path_length(sample_size),
        }
    }

    /// The nodes of one tree in scikit-learn's order (depth first, left
    /// first): `Some((feature, threshold))` for a split, `None` for a leaf.
    /// For comparing a tree with `estimators_[tree].tree_`.
    pub fn tree_nodes(&self, tree: usize) -> Vec<Option<(u32, f64)>> {
        self.trees[tree]
            .nodes
            .iter()
            .map(|n| match *n {
                Node::Split {
                    feature, threshold, ..
                } => Some((feature, threshold)),
                Node::Leaf { .. } => None,
            })
            .collect()
    }

    /// Anomaly score of each row of `x`, in (0, 1]: higher is more anomalous.
    pub fn score(&self, x: &Matrix) -> Vec<f64> {
        const CHUNK: usize = 2048;
        let mut out = vec![0.0; x.rows];
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| {
                let start = c * CHUNK;
                // Tree by tree over the chunk, so one tree's nodes stay in
                // the L1 cache; each row still adds its path lengths in tree
                // order, so the sums are bit-identical to row by row.
                for slot in chunk.iter_mut() {
                    *slot = 0.0;
                }
                for tree in &self.trees {
                    for (j, slot) in chunk.iter_mut().enumerate() {
                        *slot += tree.path_length(x.row(start + j));
                    }
                }
                for slot in chunk.iter_mut() {
                    let mean = *slot / self.trees.len() as f64;
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
        for i in 0..999u32 {
            data.push((i % 37) as f32 / 37.0);
            data.push((i % 23) as f32 / 23.0);
        }
        data.extend([8.0, 8.0]);
        let x = Matrix::new(1000, 2, data);
        let f = IsolationForest::fit(&x, Checked::default(), 3);
        let s = f.score(&x);
        let top = (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
        assert_eq!(top, 999);
        assert!(s[999] > 0.7, "{}", s[999]);
        let again = IsolationForest::fit(&x, Checked::default(), 3).score(&x);
        assert_eq!(s, again);
    }

    #[test]
    fn f32_thresholds_keep_double_comparisons() {
        for t in [0.1f64, -0.1, 1.0, 1e-30, -3.3333333333, 0.0] {
            let t32 = f32_at_or_below(t);
            assert!(f64::from(t32) <= t);
            let above = t32.next_up();
            assert!(f64::from(above) > t, "{t}");
        }
    }

    #[test]
    fn constant_data_does_not_split() {
        let x = Matrix::new(10, 2, vec![1.0; 20]);
        let s = IsolationForest::fit(&x, Checked::default(), 0).score(&x);
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
