//! scikit-learn's random streams, reproduced so that our Isolation Forest
//! grows the very trees scikit-learn grows for the same `random_state`.
//!
//! Three generators are involved: numpy's legacy `RandomState` (MT19937
//! with masked rejection for bounded integers and Fisher–Yates for
//! permutations) for the forest's per-tree seeds and each tree's sample;
//! scikit-learn's own `sample_without_replacement`; and the xorshift
//! `our_rand_r` its tree splitters draw features and thresholds from.
//! Matching them makes `ledgerlens bench iforest --seeds N` give the same
//! per-seed AUROC as `IsolationForest(random_state=seed)`.

use std::collections::HashSet;

use rand_mt::Mt;

/// numpy's `np.iinfo(np.int32).max`, scikit-learn's MAX_INT for seeds.
pub const MAX_INT32: u64 = 0x7FFF_FFFF;
/// scikit-learn's RAND_R_MAX (`_utils.pxd`).
pub const RAND_R_MAX: u32 = 0x7FFF_FFFF;

/// numpy's legacy `RandomState(seed)`.
pub struct RandomState(Mt);

impl RandomState {
    pub fn new(seed: u32) -> RandomState {
        RandomState(Mt::new(seed))
    }

    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    fn next_u64(&mut self) -> u64 {
        (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32())
    }

    /// The smallest all-ones mask covering `max`.
    fn mask(max: u64) -> u64 {
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16, 32] {
            mask |= mask >> shift;
        }
        mask
    }

    /// `randint(high)`: uniform in 0..high by masked rejection, as numpy's
    /// legacy bounded integers draw (32-bit draws while the range fits).
    pub fn randint(&mut self, high: u64) -> u64 {
        let max = high - 1;
        if max == 0 {
            return 0;
        }
        let mask = Self::mask(max);
        loop {
            let v = if max <= 0xFFFF_FFFF {
                u64::from(self.next_u32()) & mask
            } else {
                self.next_u64() & mask
            };
            if v <= max {
                return v;
            }
        }
    }

    /// numpy's legacy `random_interval(max)`: uniform in 0..=max.
    fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        self.randint(max + 1)
    }

    /// `permutation(n)`: Fisher–Yates from the end, as numpy's legacy shuffle.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut out: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.interval(i as u64) as usize;
            out.swap(i, j);
        }
        out
    }
}

/// `sklearn.utils.random.sample_without_replacement(n_population,
/// n_samples, method="auto")`.
pub fn sample_without_replacement(
    n_population: usize,
    n_samples: usize,
    rng: &mut RandomState,
) -> Vec<usize> {
    let ratio = if n_population == 0 {
        1.0
    } else {
        n_samples as f64 / n_population as f64
    };
    if ratio > 0.01 && ratio < 0.99 {
        let mut p = rng.permutation(n_population);
        p.truncate(n_samples);
        return p;
    }
    if ratio < 0.2 {
        // Tracking selection: draw until unseen.
        let mut selected = HashSet::with_capacity(n_samples);
        let mut out = Vec::with_capacity(n_samples);
        for _ in 0..n_samples {
            let mut j = rng.randint(n_population as u64) as usize;
            while selected.contains(&j) {
                j = rng.randint(n_population as u64) as usize;
            }
            selected.insert(j);
            out.push(j);
        }
        return out;
    }
    // Reservoir sampling.
    let mut out: Vec<usize> = (0..n_samples).collect();
    for i in n_samples..n_population {
        let j = rng.randint(i as u64 + 1) as usize;
        if j < n_samples {
            out[j] = i;
        }
    }
    out
}

/// scikit-learn's `our_rand_r` xorshift, the splitters' generator.
pub struct RandR(u32);

impl RandR {
    pub fn new(state: u32) -> RandR {
        RandR(state)
    }

    fn next(&mut self) -> u32 {
        const DEFAULT_SEED: u32 = 1;
        if self.0 == 0 {
            self.0 = DEFAULT_SEED;
        }
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0 % (RAND_R_MAX.wrapping_add(1))
    }

    /// `rand_int(low, high)`: in low..high.
    pub fn int(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() as usize) % (high - low)
    }

    /// `rand_uniform(low, high)`: in [low, high].
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        (high - low) * f64::from(self.next()) / f64::from(RAND_R_MAX) + low
    }
}

/// What one tree of `IsolationForest(random_state=seed)` is grown from.
pub struct TreePlan {
    /// The rows it is grown on (ascending, as the splitter holds them).
    pub rows: Vec<u32>,
    /// The splitter's `our_rand_r` state.
    pub rand_r_state: u32,
}

/// The per-tree seeds of a forest: `BaseBagging._fit` draws one per tree
/// from `RandomState(seed)`.
pub fn forest_seeds(seed: u32, trees: usize) -> Vec<u32> {
    let mut forest = RandomState::new(seed);
    (0..trees)
        .map(|_| forest.randint(MAX_INT32) as u32)
        .collect()
}

/// One tree's plan from its seed: the seed gives the tree its own
/// `random_state` (its first draw) and, from a fresh generator, the bagged
/// features (all of them, no draw) and rows.
pub fn tree_plan(tree_seed: u32, n_rows: usize, n_features: usize, max_samples: usize) -> TreePlan {
    let own_seed = RandomState::new(tree_seed).randint(MAX_INT32) as u32;
    let rand_r_state = RandomState::new(own_seed).randint(u64::from(RAND_R_MAX)) as u32;
    let mut bagging = RandomState::new(tree_seed);
    let _features = sample_without_replacement(n_features, n_features, &mut bagging);
    let mut rows: Vec<u32> = sample_without_replacement(n_rows, max_samples, &mut bagging)
        .into_iter()
        .map(|r| r as u32)
        .collect();
    rows.sort_unstable();
    TreePlan { rows, rand_r_state }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by numpy 2.4 / scikit-learn 1.9.1.
    #[test]
    fn numpy_random_state_streams() {
        let mut rs = RandomState::new(0);
        let got: Vec<u64> = (0..5).map(|_| rs.randint(MAX_INT32)).collect();
        assert_eq!(
            got,
            vec![209652396, 398764591, 924231285, 1478610112, 441365315]
        );
        assert_eq!(
            RandomState::new(3).permutation(10),
            vec![5, 4, 1, 2, 9, 6, 7, 0, 3, 8]
        );
        // IsolationForest(random_state=0): first tree's own random_state.
        assert_eq!(RandomState::new(209652396).randint(MAX_INT32), 2087557356);
    }

    #[test]
    fn first_tree_rows_match_sklearn() {
        // cardio.csv: 1831 rows, 21 features.
        let seeds = forest_seeds(0, 3);
        assert_eq!(seeds, vec![209652396, 398764591, 924231285]);
        let plan = tree_plan(seeds[0], 1831, 21, 256);
        assert_eq!(&plan.rows[..10], &[7, 10, 15, 17, 18, 28, 34, 42, 44, 50]);
        assert_eq!(plan.rows.len(), 256);
    }
}
