//! First-digit tests: how far a group's leading digits stray from what
//! honest amounts would show. Invented amounts rarely follow it.
//!
//! Plain Benford (log10(1 + 1/d)) only holds for amounts spread over
//! several orders of magnitude; one vendor's invoices usually are not
//! (a restaurant's bills cluster around its prices), and testing them
//! against Benford flags every honest vendor. So the expectation is
//! adjusted to the group's own scale: the first-digit shares a log-normal
//! with the group's log-mean and spread would give. For wide groups this
//! *is* Benford's distribution; for narrow ones it follows their scale,
//! and what remains is the shape of the digits, which invention distorts.

/// Expected share of first digit d (index d-1).
pub fn expected(d: usize) -> f64 {
    (1.0 + 1.0 / d as f64).log10()
}

/// The first significant digit of |amount|, for amounts of 10 won or more
/// (smaller ones say nothing about how amounts were made up).
pub fn first_digit(amount: f64) -> Option<usize> {
    let a = amount.abs();
    if !a.is_finite() || a < 10.0 {
        return None;
    }
    let mut x = a;
    while x >= 10.0 {
        x /= 10.0;
    }
    Some(x as usize).filter(|d| (1..=9).contains(d))
}

/// The standard normal CDF, from the complementary error function
/// (Numerical Recipes' erfc, relative error below 1.2e-7).
fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    0.5 * if x >= 0.0 { erfc } else { 2.0 - erfc }
}

/// First-digit shares of a log-normal with log-mean `mu` and spread `sigma`
/// (natural log): the probability mass of [d·10^k, (d+1)·10^k) summed over k.
pub fn expected_lognormal(mu: f64, sigma: f64) -> [f64; 9] {
    let sigma = sigma.max(0.05);
    let mut out = [0.0; 9];
    for (i, slot) in out.iter_mut().enumerate() {
        let d = (i + 1) as f64;
        for k in -2..=14 {
            let lo = (d * 10f64.powi(k)).ln();
            let hi = ((d + 1.0) * 10f64.powi(k)).ln();
            *slot += normal_cdf((hi - mu) / sigma) - normal_cdf((lo - mu) / sigma);
        }
    }
    let total: f64 = out.iter().sum();
    out.map(|p| p / total.max(1e-12))
}

/// Benford's shares of the nine first digits.
pub fn benford_shares() -> [f64; 9] {
    std::array::from_fn(|i| expected(i + 1))
}

/// Counts of first digits 1..9 in a group of amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DigitCounts(pub [u32; 9]);

impl DigitCounts {
    pub fn add(&mut self, amount: f64) {
        if let Some(d) = first_digit(amount) {
            self.0[d - 1] += 1;
        }
    }

    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    fn share(&self, d: usize) -> f64 {
        f64::from(self.0[d - 1]) / f64::from(self.total().max(1))
    }

    /// Mean absolute deviation of the observed shares from `expected`:
    /// Nigrini's conformity measure (above 0.015 is non-conformity for
    /// first digits against Benford).
    pub fn mad(&self, expected: &[f64; 9]) -> f64 {
        (1..=9)
            .map(|d| (self.share(d) - expected[d - 1]).abs())
            .sum::<f64>()
            / 9.0
    }

    /// Pearson's chi-square against `expected` (8 degrees of freedom).
    pub fn chi_square(&self, expected: &[f64; 9]) -> f64 {
        let n = f64::from(self.total());
        (1..=9)
            .map(|d| {
                let e = (n * expected[d - 1]).max(1e-3);
                (f64::from(self.0[d - 1]) - e).powi(2) / e
            })
            .sum()
    }

    /// The most over-represented digit relative to `expected`, for reasons.
    pub fn most_excess_digit(&self, expected: &[f64; 9]) -> usize {
        (1..=9)
            .max_by(|&a, &b| {
                (self.share(a) - expected[a - 1]).total_cmp(&(self.share(b) - expected[b - 1]))
            })
            .unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_digits() {
        assert_eq!(first_digit(1_234_000.0), Some(1));
        assert_eq!(first_digit(-98_000.0), Some(9));
        assert_eq!(first_digit(5.0), None);
        assert_eq!(first_digit(f64::NAN), None);
    }

    #[test]
    fn benford_shaped_counts_conform_and_invented_ones_do_not() {
        let mut good = DigitCounts::default();
        for d in 1..=9usize {
            good.0[d - 1] = (expected(d) * 10_000.0).round() as u32;
        }
        let benford = benford_shares();
        assert!(good.mad(&benford) < 0.001);
        assert!(good.chi_square(&benford) < 1.0);
        let mut bad = DigitCounts::default();
        for a in [9_100_000.0, 8_700_000.0, 9_500_000.0, 7_900_000.0] {
            for _ in 0..10 {
                bad.add(a);
            }
        }
        assert!(bad.mad(&benford) > 0.1);
        assert_eq!(bad.most_excess_digit(&benford), 9);
    }

    #[test]
    fn wide_lognormal_expectation_is_benford() {
        let wide = expected_lognormal(12.0, 4.0);
        for d in 1..=9 {
            assert!(
                (wide[d - 1] - expected(d)).abs() < 0.002,
                "{d}: {}",
                wide[d - 1]
            );
        }
        // A narrow group around 250,000 mostly starts with 2.
        let narrow = expected_lognormal(250_000f64.ln(), 0.1);
        assert!(narrow[1] > 0.9, "{narrow:?}");
        assert!((narrow.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn normal_cdf_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.96) - 0.975_002).abs() < 1e-5);
        assert!((normal_cdf(-1.0) - 0.158_655).abs() < 1e-5);
    }
}
