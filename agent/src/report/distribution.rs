//! Where one amount sits among its comparison group's (the row page's
//! small chart): the group's amounts in bins even on a log scale (spending
//! is heavy-tailed: on a linear scale one large payment squeezes every
//! other into the first bin), the median, and the share of the group at
//! or below the amount.

use serde::Serialize;

/// At most this many bins; fewer for a small group (about two rows a bin).
const BINS: usize = 24;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    pub count: usize,
    pub median: f64,
    /// The share of the group at or below `amount` (its empirical CDF).
    pub share_at_or_below: f64,
    pub amount: f64,
    /// Positive amounts, binned; refunds and zeros are counted apart.
    pub bins: Vec<Bin>,
    pub not_positive: usize,
}

impl Distribution {
    pub fn of(group: &[f64], amount: f64) -> Distribution {
        let mut sorted: Vec<f64> = group.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n {
            0 => 0.0,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        let at_or_below = sorted.partition_point(|&v| v <= amount);
        let positive: Vec<f64> = sorted.iter().copied().filter(|&v| v > 0.0).collect();
        let bins = match (positive.first(), positive.last()) {
            (Some(&lo), Some(&hi)) => {
                let count = BINS.min(positive.len().div_ceil(2)).max(1);
                let (a, b) = (lo.ln(), hi.ln());
                let width = ((b - a) / count as f64).max(f64::EPSILON);
                // The ends exactly the group's least and greatest.
                let edge = |i: usize| match i {
                    0 => lo,
                    _ if i == count => hi,
                    _ => (a + width * i as f64).exp(),
                };
                let mut bins: Vec<Bin> = (0..count)
                    .map(|i| Bin {
                        low: edge(i),
                        high: edge(i + 1),
                        count: 0,
                    })
                    .collect();
                for v in &positive {
                    let i = (((v.ln() - a) / width) as usize).min(count - 1);
                    bins[i].count += 1;
                }
                bins
            }
            _ => Vec::new(),
        };
        Distribution {
            count: n,
            median,
            share_at_or_below: if n == 0 {
                0.0
            } else {
                at_or_below as f64 / n as f64
            },
            amount,
            bins,
            not_positive: n - positive.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_amount_is_in_one_bin_and_the_share_is_the_empirical_cdf() {
        let group = [10.0, 20.0, 20.0, 40.0, 80.0, 160.0, 100_000.0, 0.0, -5.0];
        let d = Distribution::of(&group, 80.0);
        assert_eq!(d.count, 9);
        assert_eq!(d.median, 20.0);
        assert!((d.share_at_or_below - 7.0 / 9.0).abs() < 1e-12);
        assert_eq!(d.not_positive, 2);
        assert_eq!(d.bins.iter().map(|b| b.count).sum::<usize>(), 7);
        assert_eq!(d.bins.first().unwrap().low, 10.0);
        assert_eq!(d.bins.last().unwrap().high, 100_000.0);
        // Log bins: the lone large payment does not crowd the rest into one.
        assert!(d.bins[0].count < 6, "{:?}", d.bins);
        for pair in d.bins.windows(2) {
            assert!((pair[0].high - pair[1].low).abs() < 1e-9);
        }
    }

    #[test]
    fn an_empty_or_single_group_is_described_not_divided_by_zero() {
        assert_eq!(Distribution::of(&[], 5.0).bins, vec![]);
        let one = Distribution::of(&[5.0], 5.0);
        assert_eq!(
            (one.count, one.median, one.share_at_or_below),
            (1, 5.0, 1.0)
        );
        assert_eq!(one.bins.len(), 1);
        assert_eq!(one.bins[0].count, 1);
    }
}
