//! Drift between what a forecaster was fitted on and what a ledger's
//! newest months look like (issue 13.3): the population stability index
//! (PSI) over the reference's quantile bins, judged against both the
//! conventional "major shift" level and what chance alone gives at the
//! sample sizes in hand.
//!
//! **Why both.** PSI = Σ (aᵢ − eᵢ)·ln(aᵢ / eᵢ) over bins of the reference
//! (shares eᵢ) and the new sample (shares aᵢ). The industry reads 0.25 as
//! a major shift, but that reading assumes thousands of values: between two
//! samples of one distribution, of m and n values in B bins, PSI is close
//! to (1/m + 1/n)·χ²(B − 1) (Yurdakul, "Statistical properties of the
//! population stability index", 2018). Three newest months of twenty
//! series are 60 values: chance alone then gives PSI about 0.2 on average
//! and above 0.4 one time in a hundred. So a sample is said to have
//! drifted only when its PSI passes 0.25 **and** the 0.99 quantile of that
//! chance distribution: a shift that is both large and real.

use serde::{Deserialize, Serialize};

/// The conventional PSI of a major shift.
pub const MAJOR_SHIFT: f64 = 0.25;
/// Drift must also be this unlikely under no change (one-sided).
const CHANCE_LEVEL: f64 = 0.01;
/// Quantile bins of the reference (fewer where its values tie).
const BINS: usize = 10;
/// Every bin of the new sample counts half a value more (additive,
/// Jeffreys smoothing): a few dozen values leave bins empty by chance,
/// and an empty bin's ln(a / e) would otherwise swamp the index (with a
/// floor of 1e-4 on the share, 28 of 50 same-distribution samples of 30
/// were called drifted; the chance bound assumes no empty bins).
const SMOOTHING: f64 = 0.5;
/// A floor on a kept reference's shares (every bin of a reference holds a
/// value by construction; this guards one read back from the store).
const EMPTY_SHARE: f64 = 1e-4;

/// A reference distribution: the inner edges of its quantile bins and
/// the share of its values in each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Bin i holds values v with edges[i-1] < v ≤ edges[i] (the first
    /// from −∞, the last to +∞).
    pub edges: Vec<f64>,
    pub shares: Vec<f64>,
    /// How many values it was measured on.
    pub n: usize,
}

/// One comparison of a sample with its reference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Psi {
    pub value: f64,
    /// The PSI chance alone passes one time in a hundred at these sizes.
    pub chance: f64,
    /// Values in the sample.
    pub n: usize,
    /// Above both [`MAJOR_SHIFT`] and `chance`.
    pub drifted: bool,
}

impl Reference {
    /// The reference of `values` (finite ones; `None` when there are none).
    pub fn of(values: &[f64]) -> Option<Reference> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let mut edges: Vec<f64> = (1..BINS)
            .map(|i| v[(i * v.len() / BINS).min(v.len() - 1)])
            .collect();
        edges.dedup();
        // A top edge equal to the maximum would leave its bin empty.
        if edges.last() == v.last() {
            edges.pop();
        }
        let shares = counts(&edges, &v)
            .into_iter()
            .map(|c| c as f64 / v.len() as f64)
            .collect();
        Some(Reference {
            edges,
            shares,
            n: v.len(),
        })
    }

    /// `values` against this reference (`None` when there are none).
    pub fn psi(&self, values: &[f64]) -> Option<Psi> {
        let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        let n = v.len();
        let bins = self.shares.len() as f64;
        let value = counts(&self.edges, &v)
            .into_iter()
            .zip(&self.shares)
            .map(|(c, &e)| {
                let a = (c as f64 + SMOOTHING) / (n as f64 + SMOOTHING * bins);
                let e = e.max(EMPTY_SHARE);
                (a - e) * (a / e).ln()
            })
            .sum::<f64>();
        let chance = self.chance(n);
        Some(Psi {
            value,
            chance,
            n,
            drifted: value > MAJOR_SHIFT && value > chance,
        })
    }

    /// (1/m + 1/n) times the (1 − [`CHANCE_LEVEL`]) quantile of χ²(B − 1).
    fn chance(&self, n: usize) -> f64 {
        use statrs::distribution::{ChiSquared, ContinuousCDF};
        let dof = self.shares.len().saturating_sub(1);
        if dof == 0 {
            return 0.0;
        }
        let q = ChiSquared::new(dof as f64)
            .expect("positive degrees of freedom")
            .inverse_cdf(1.0 - CHANCE_LEVEL);
        (1.0 / self.n as f64 + 1.0 / n as f64) * q
    }
}

/// How many of `values` fall in each bin of `edges`.
fn counts(edges: &[f64], values: &[f64]) -> Vec<usize> {
    let mut c = vec![0; edges.len() + 1];
    for &x in values {
        c[edges.partition_point(|&e| e < x)] += 1;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    fn normal(n: usize, mean: f64, seed: u64) -> Vec<f64> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let d = Normal::new(mean, 1.0).unwrap();
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    #[test]
    fn the_same_distribution_has_not_drifted_a_shifted_one_has() {
        let reference = Reference::of(&normal(5000, 0.0, 1)).unwrap();
        assert_eq!(reference.shares.len(), BINS);
        let same = reference.psi(&normal(5000, 0.0, 2)).unwrap();
        assert!(!same.drifted && same.value < 0.02, "{same:?}");
        let shifted = reference.psi(&normal(5000, 1.0, 3)).unwrap();
        assert!(shifted.drifted && shifted.value > 0.5, "{shifted:?}");
    }

    #[test]
    fn a_small_sample_must_pass_what_chance_gives_at_its_size() {
        let reference = Reference::of(&normal(200, 0.0, 4)).unwrap();
        // 30 values of the same distribution: PSI by chance is often past
        // 0.25, and not called drift.
        let (mut passed_major, mut drifted) = (0, 0);
        for seed in 0..50 {
            let p = reference.psi(&normal(30, 0.0, 100 + seed)).unwrap();
            passed_major += usize::from(p.value > MAJOR_SHIFT);
            drifted += usize::from(p.drifted);
            assert!(p.chance > 0.6, "{p:?}");
        }
        assert!(passed_major > 5, "{passed_major}");
        assert!(drifted <= 3, "{drifted} of 50 same-distribution samples");
        // Three standard deviations away is drift even at 30.
        assert!(reference.psi(&normal(30, 3.0, 9)).unwrap().drifted);
    }

    #[test]
    fn ties_merge_bins_and_nothing_is_infinite() {
        let mut values = vec![0.0; 80];
        values.extend((0..20).map(|i| i as f64));
        let reference = Reference::of(&values).unwrap();
        assert!(reference.shares.len() < BINS);
        assert!((reference.shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // Two values far out are not enough to tell drift from chance;
        // forty are.
        let p = reference.psi(&[1e9, 1e9]).unwrap();
        assert!(p.value.is_finite() && !p.drifted, "{p:?}");
        let p = reference.psi(&[1e9; 40]).unwrap();
        assert!(p.value.is_finite() && p.drifted, "{p:?}");
        assert!(Reference::of(&[f64::NAN]).is_none());
    }
}
