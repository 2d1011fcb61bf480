//! Limits found from the data. A per-payment limit that people dodge
//! leaves a mark on the amounts: payments bunch just under it and thin out
//! just over it. This finds that mark without being told the limit.
//!
//! Candidates are the round amounts people set limits at (1, 2, 2.5, 3 and
//! 5 times a power of ten). For each, the payments in four bins of equal
//! width on the log scale around it are counted (two under, two over).
//! A smooth amount density (log-linear over the four bins) predicts the
//! ratio of the two inner bins from the two outer ones, so the test holds
//! on the falling tail of a distribution as well as on its flank; the
//! excess just under the candidate is tested against that prediction with
//! a one-sided binomial (normal) test, Bonferroni-corrected over the
//! candidates tried. A limit worth dodging sits above most payments, so
//! only candidates above the median are tried. The most significant
//! candidate is the likely limit; none may be.

/// The 1-2-2.5-3-5 series of round amounts limits are set at.
const MANTISSAS: [f64; 5] = [1.0, 2.0, 2.5, 3.0, 5.0];
/// Width of a bin: just under a limit is within a fifth of it
/// (`ln 1.25`, the same width over it).
pub(crate) const BIN_WIDTH: f64 = 0.223_143_551_314_209_7;
/// Fewest payments in the two inner bins for a candidate to be judged.
const MIN_INNER: u32 = 8;
/// The test's level before the Bonferroni correction.
const LEVEL: f64 = 0.05;

/// A limit read off the amounts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FoundLimit {
    pub amount: f64,
    /// Payments just under the limit and just over it.
    pub under: u32,
    pub over: u32,
    /// One-sided p-value of the excess under it (before the correction).
    pub p_value: f64,
}

/// Round amounts above `from` up to `to`, ascending.
pub(crate) fn round_amounts(from: f64, to: f64) -> impl Iterator<Item = f64> {
    let start = from.max(1.0).log10().floor() as i32;
    let end = to.max(1.0).log10().ceil() as i32;
    (start..=end)
        .flat_map(|k| MANTISSAS.iter().map(move |m| m * 10f64.powi(k)))
        .filter(move |&r| r > from && r <= to)
}

/// The smallest round amount above `amount`.
pub(crate) fn round_ceiling(amount: f64) -> f64 {
    let k = amount.max(1.0).log10().floor() as i32;
    (k..=k + 1)
        .flat_map(|k| MANTISSAS.iter().map(move |m| m * 10f64.powi(k)))
        .find(|&r| r > amount)
        .unwrap_or(10f64.powi(k + 1))
}

/// The likely limit of a set of positive amounts, if they show one.
pub fn find(amounts: &[f64]) -> Option<FoundLimit> {
    let mut logs: Vec<f64> = amounts
        .iter()
        .filter(|a| **a > 0.0 && a.is_finite())
        .map(|a| a.ln())
        .collect();
    if logs.len() < 4 * MIN_INNER as usize {
        return None;
    }
    logs.sort_by(f64::total_cmp);
    let median = logs[logs.len() / 2].exp();
    let largest = logs[logs.len() - 1].exp();
    let in_range = |lo: f64, hi: f64| -> u32 {
        (logs.partition_point(|&x| x < hi) - logs.partition_point(|&x| x < lo)) as u32
    };
    let candidates: Vec<f64> = round_amounts(median, largest).collect();
    let mut best: Option<FoundLimit> = None;
    for &limit in &candidates {
        let l = limit.ln();
        let w = BIN_WIDTH;
        let far_under = in_range(l - 2.0 * w, l - w);
        let under = in_range(l - w, l);
        let over = in_range(l, l + w);
        let far_over = in_range(l + w, l + 2.0 * w);
        if under + over < MIN_INNER {
            continue;
        }
        // Log-linear density: inner ratio = outer ratio^(1/3).
        let slope = ((f64::from(far_under) + 0.5) / (f64::from(far_over) + 0.5)).powf(1.0 / 3.0);
        let expected_share = slope / (1.0 + slope);
        let n = f64::from(under + over);
        let sd = (n * expected_share * (1.0 - expected_share)).sqrt();
        let z = (f64::from(under) - n * expected_share) / sd;
        let p_value = 0.5 * libm::erfc(z / std::f64::consts::SQRT_2);
        // A marked excess, not only a significant one: the odds of just
        // under against just over at least twice what the smooth density
        // predicts (retail price points such as 9,900 make small, real
        // excesses that no one dodges).
        let marked = (f64::from(under) + 0.5) / (f64::from(over) + 0.5) >= 2.0 * slope;
        if marked
            && p_value < LEVEL / candidates.len() as f64
            && best.is_none_or(|b| p_value < b.p_value)
        {
            best = Some(FoundLimit {
                amount: limit,
                under,
                over,
                p_value,
            });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_distr::{Distribution, LogNormal};

    /// Log-normal amounts, some of those over `limit` pulled just under it.
    fn ledger(limit: f64, dodged: f64, seed: u64) -> Vec<f64> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let d = LogNormal::new((120_000f64).ln(), 0.9).unwrap();
        (0..20_000)
            .map(|_| {
                let a: f64 = d.sample(&mut rng);
                if a >= limit && rng.gen_bool(dodged) {
                    (limit * rng.gen_range(0.85..0.999)).floor()
                } else {
                    a.floor()
                }
            })
            .collect()
    }

    #[test]
    fn a_dodged_limit_is_found_and_a_smooth_ledger_has_none() {
        let found = find(&ledger(500_000.0, 0.6, 1)).expect("bunching under 500,000");
        assert_eq!(found.amount, 500_000.0, "{found:?}");
        assert!(found.under > 2 * found.over, "{found:?}");
        for seed in 1..4 {
            assert_eq!(find(&ledger(500_000.0, 0.0, seed)), None, "seed {seed}");
        }
    }

    #[test]
    fn round_ceilings() {
        assert_eq!(round_ceiling(480_000.0), 500_000.0);
        assert_eq!(round_ceiling(500_000.0), 1_000_000.0);
        assert_eq!(round_ceiling(21.0), 25.0);
        assert_eq!(round_ceiling(9.99), 10.0);
        let r: Vec<f64> = round_amounts(150.0, 1000.0).collect();
        assert_eq!(r, vec![200.0, 250.0, 300.0, 500.0, 1000.0]);
    }
}
