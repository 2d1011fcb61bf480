//! Moderated spreads: a group's spread of log amounts, shrunk toward the
//! ledger's typical group spread by empirical Bayes (Smyth 2004, the
//! "moderated t" of limma).
//!
//! A group's own spread is the MAD's standard deviation, or the reach of its
//! 90th percentile where that is wider ([`group_sd`]).
//!
//! A group of eight payments whose median absolute deviation happens to be
//! small would make an ordinary payment look extreme; a group of 500 with
//! the same small deviation really is tight. Each group's squared spread
//! `s²` (from its MAD) is treated as a scaled chi-square with `d` degrees
//! of freedom; the groups' spreads are themselves drawn from a scaled
//! inverse chi-square prior with `d0` degrees of freedom around `s0²`,
//! fitted to this ledger's groups by the method of moments on `ln s²`. The
//! moderated spread is the posterior `(d0·s0² + d·s²) / (d0 + d)`, and a z
//! against it has `d0 + d` degrees of freedom (Student's t): groups with
//! little history borrow the ledger's spread and are judged with the
//! uncertainty that remains. Nothing here is a constant of any data
//! source: `d0` and `s0` come from the ledger in hand.

use std::collections::HashMap;

use statrs::function::gamma::digamma;

use super::groups::RobustStats;

/// Asymptotic efficiency of the MAD against the standard deviation under
/// a normal: a MAD from `n` values carries the information of about
/// `0.368·n` values' standard deviation, so its chi-square has that many
/// degrees of freedom.
const MAD_EFFICIENCY: f64 = 0.367_7;

/// 1.4826 · MAD estimates a normal's standard deviation.
const MAD_TO_SD: f64 = 1.482_6;
/// A normal's 90th percentile lies 1.2816 standard deviations above its
/// median.
const Q90_TO_SD: f64 = 1.281_6;

/// A group's standard deviation of log amounts, as the upper tail sees it:
/// the MAD's, or the reach of the 90th percentile where that is wider (a
/// shop whose usual bill is one price but whose tenth-largest are ten
/// times it is not a tight group for a large payment). For a normal group
/// the two agree.
fn group_sd(s: &RobustStats) -> f64 {
    (MAD_TO_SD * s.mad).max(s.upper / Q90_TO_SD)
}

/// A group's spread after moderation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moderated {
    /// Standard deviation of log amounts.
    pub sd: f64,
    /// Degrees of freedom of a z against it.
    pub freedom: f64,
}

/// The ledger's prior on its groups' spreads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    /// Prior degrees of freedom (infinite when groups differ no more than
    /// sampling explains).
    pub freedom: f64,
    /// Prior variance of log amounts.
    pub variance: f64,
}

fn group_freedom(count: u32) -> f64 {
    MAD_EFFICIENCY * f64::from(count.saturating_sub(1))
}

impl Prior {
    /// Fitted to the groups with a positive spread and at least
    /// [`super::MIN_GROUP`] payments (the groups a norm is taken from: the
    /// MAD of two or three payments says too little, and its sampling
    /// variance would drown the spread between groups); `None` when fewer
    /// than three such groups exist (nothing to learn a spread of spreads
    /// from).
    pub fn fit<'a>(groups: impl Iterator<Item = &'a RobustStats>) -> Option<Prior> {
        let spread: Vec<(f64, f64)> = groups
            .filter(|s| s.count >= super::MIN_GROUP && group_sd(s) > 0.0)
            .map(|s| (group_sd(s).powi(2), group_freedom(s.count)))
            .collect();
        if spread.len() < 3 {
            return None;
        }
        let g = spread.len() as f64;
        // ln s² less its expectation's dependence on the group's freedom.
        let e: Vec<f64> = spread
            .iter()
            .map(|&(s2, d)| s2.ln() - digamma(d / 2.0) + (d / 2.0).ln())
            .collect();
        let mean = e.iter().sum::<f64>() / g;
        let sampling = spread.iter().map(|&(_, d)| trigamma(d / 2.0)).sum::<f64>() / g;
        let excess = e.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (g - 1.0) - sampling;
        if excess <= 0.0 {
            return Some(Prior {
                freedom: f64::INFINITY,
                variance: mean.exp(),
            });
        }
        let freedom = 2.0 * trigamma_inverse(excess);
        Some(Prior {
            freedom,
            variance: (mean + digamma(freedom / 2.0) - (freedom / 2.0).ln()).exp(),
        })
    }

    /// A group's moderated spread.
    pub fn moderate(&self, s: &RobustStats) -> Moderated {
        let d = group_freedom(s.count);
        let s2 = group_sd(s).powi(2);
        if self.freedom.is_infinite() {
            return Moderated {
                sd: self.variance.sqrt(),
                freedom: f64::INFINITY,
            };
        }
        Moderated {
            sd: ((self.freedom * self.variance + d * s2) / (self.freedom + d)).sqrt(),
            freedom: self.freedom + d,
        }
    }
}

/// Every group's moderated spread; a ledger with too few groups to fit a
/// prior keeps each group's own (at its own freedom).
pub fn moderated(stats: &HashMap<u64, RobustStats>) -> HashMap<u64, Moderated> {
    let prior = Prior::fit(stats.values());
    stats
        .iter()
        .map(|(k, s)| {
            let m = match prior {
                Some(p) => p.moderate(s),
                None => Moderated {
                    sd: group_sd(s),
                    freedom: group_freedom(s.count).max(1.0),
                },
            };
            (*k, m)
        })
        .collect()
}

/// ψ₁(x), the trigamma function, for x > 0: the recurrence up to 10, then
/// the asymptotic series.
pub(crate) fn trigamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 10.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    acc + 1.0 / x
        + x2 / 2.0
        + (1.0 / x) * x2 * (1.0 / 6.0 - x2 * (1.0 / 30.0 - x2 * (1.0 / 42.0 - x2 / 30.0)))
}

/// ψ₂(x), the tetragamma function, for x > 0.
fn tetragamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 2.0 / (x * x * x);
        x += 1.0;
    }
    let x2 = 1.0 / (x * x);
    acc - x2 - x2 / x - x2 * x2 * (0.5 - x2 * (1.0 / 6.0 - x2 * (1.0 / 6.0 - x2 * 0.3)))
}

/// The y > 0 with ψ₁(y) = x, by Newton's method on 1/ψ₁ (limma's
/// `trigammaInverse`).
fn trigamma_inverse(x: f64) -> f64 {
    if x > 1e7 {
        return 1.0 / x.sqrt();
    }
    if x < 1e-6 {
        return 1.0 / x;
    }
    let mut y = 0.5 + 1.0 / x;
    for _ in 0..50 {
        let tri = trigamma(y);
        let step = tri * (1.0 - tri / x) / tetragamma(y);
        y += step;
        if -step / y < 1e-8 {
            break;
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygamma_values() {
        // ψ₁(1) = π²/6, ψ₁(1/2) = π²/2, ψ₂(1) = −2ζ(3).
        let pi2 = std::f64::consts::PI.powi(2);
        assert!((trigamma(1.0) - pi2 / 6.0).abs() < 1e-10);
        assert!((trigamma(0.5) - pi2 / 2.0).abs() < 1e-10);
        assert!((tetragamma(1.0) + 2.0 * 1.202_056_903_159_594).abs() < 1e-10);
        for y in [0.3, 1.0, 4.2, 30.0] {
            assert!((trigamma_inverse(trigamma(y)) - y).abs() < 1e-6 * y, "{y}");
        }
    }

    fn group(mad: f64, count: u32) -> RobustStats {
        RobustStats {
            median: 0.0,
            mad,
            upper: 0.0,
            count,
        }
    }

    #[test]
    fn a_small_group_borrows_the_ledgers_spread_and_a_large_one_keeps_its_own() {
        // Forty ordinary groups with spreads around 0.5, one small group
        // that looks tight by chance, one large group that is tight.
        let mut stats: HashMap<u64, RobustStats> = (0..40u64)
            .map(|k| (k, group(0.4 + 0.2 * (k as f64 / 40.0), 30 + k as u32)))
            .collect();
        stats.insert(100, group(0.05, 8));
        stats.insert(101, group(0.05, 2000));
        let m = moderated(&stats);
        let own = MAD_TO_SD * 0.05;
        assert!(m[&100].sd > 4.0 * own, "small group: {}", m[&100].sd);
        assert!(m[&101].sd < 1.5 * own, "large group: {}", m[&101].sd);
        assert!(m[&101].freedom > m[&100].freedom);
    }

    #[test]
    fn a_long_upper_tail_widens_a_tight_core() {
        // Most bills one price (MAD 0.05) but the 90th percentile at 10x.
        let shop = RobustStats {
            median: 0.0,
            mad: 0.05,
            upper: 10f64.ln(),
            count: 300,
        };
        assert!((group_sd(&shop) - 10f64.ln() / Q90_TO_SD).abs() < 1e-12);
        // A normal group: the MAD's reading stands.
        let normal = RobustStats {
            median: 0.0,
            mad: 0.6745,
            upper: 1.2816 * 0.9,
            count: 300,
        };
        assert!((group_sd(&normal) - MAD_TO_SD * 0.6745).abs() < 1e-9);
    }

    #[test]
    fn too_few_groups_keep_their_own_spread() {
        let stats: HashMap<u64, RobustStats> = [(1, group(0.3, 10)), (2, group(0.6, 10))].into();
        let m = moderated(&stats);
        assert!((m[&1].sd - MAD_TO_SD * 0.3).abs() < 1e-12);
    }
}
