//! The two baselines every series is forecast with (issue 13.3).
//!
//! **Seasonal naive**: next month is the same month a year before; with
//! less than a year of history, the month before (naive). What a person
//! checking by hand compares with, and the bar every other model must
//! clear on the holdout.
//!
//! **Exponential smoothing** (the classical one): with two years of
//! history to fit on, additive Holt-Winters without trend (a level and
//! twelve seasonal terms, period 12); with less, simple exponential
//! smoothing (a level). Its smoothing constants are the ones that give the
//! least squared one-step error on the months it is fitted on, found on a
//! grid: with at most a few dozen months a series, a grid is exact enough
//! and cannot fail to converge.

/// Months in a season.
pub const PERIOD: usize = 12;

/// Seasonal naive: the month a year before `history`'s end, else its last.
pub fn seasonal_naive(history: &[f64]) -> f64 {
    let n = history.len();
    if n >= PERIOD {
        history[n - PERIOD]
    } else {
        history[n - 1]
    }
}

/// Exponential smoothing's constants, fitted on a series' first months.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Smoothing {
    pub alpha: f64,
    /// The seasonal terms' constant; `None`: simple smoothing (no season).
    pub gamma: Option<f64>,
}

impl Smoothing {
    /// The constants with the least one-step squared error on `fit`.
    pub fn fit(fit: &[f64]) -> Smoothing {
        let alphas = (1..=19).map(|i| i as f64 * 0.05);
        let seasonal = fit.len() >= 2 * PERIOD;
        let gammas: Vec<Option<f64>> = if seasonal {
            (0..=5).map(|i| Some(i as f64 * 0.1)).collect()
        } else {
            vec![None]
        };
        let mut best = (
            f64::INFINITY,
            Smoothing {
                alpha: 0.5,
                gamma: gammas[0],
            },
        );
        for alpha in alphas {
            for &gamma in &gammas {
                let s = Smoothing { alpha, gamma };
                let sse = s.run(fit).1;
                if sse < best.0 {
                    best = (sse, s);
                }
            }
        }
        best.1
    }

    /// The forecast of the month after `history`.
    pub fn next(&self, history: &[f64]) -> f64 {
        self.run(history).0
    }

    /// Runs the filter over `y`: the forecast of the month after it, and
    /// the sum of squared one-step errors on the way.
    fn run(&self, y: &[f64]) -> (f64, f64) {
        let a = self.alpha;
        match self.gamma {
            // With a season: the first year sets the level and the terms.
            Some(g) if y.len() >= PERIOD => {
                let mut level = y[..PERIOD].iter().sum::<f64>() / PERIOD as f64;
                let mut season: Vec<f64> = y[..PERIOD].iter().map(|v| v - level).collect();
                let mut sse = 0.0;
                for (t, &v) in y.iter().enumerate().skip(PERIOD) {
                    let s = season[t % PERIOD];
                    let e = v - (level + s);
                    sse += e * e;
                    let new_level = a * (v - s) + (1.0 - a) * level;
                    season[t % PERIOD] = g * (v - new_level) + (1.0 - g) * s;
                    level = new_level;
                }
                (level + season[y.len() % PERIOD], sse)
            }
            _ => {
                let mut level = y[0];
                let mut sse = 0.0;
                for &v in &y[1..] {
                    let e = v - level;
                    sse += e * e;
                    level = a * v + (1.0 - a) * level;
                }
                (level, sse)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_naive_is_last_year_or_last_month() {
        let y: Vec<f64> = (0..14).map(f64::from).collect();
        assert_eq!(seasonal_naive(&y), 2.0);
        assert_eq!(seasonal_naive(&y[..5]), 4.0);
    }

    #[test]
    fn smoothing_follows_a_season_it_has_seen_twice() {
        // Three years of the same year: the forecast is that year's month.
        let year = [
            10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0,
        ];
        let y: Vec<f64> = year.iter().cycle().take(36).copied().collect();
        let s = Smoothing::fit(&y);
        assert!(s.gamma.is_some());
        assert!((s.next(&y) - 10.0).abs() < 1e-6, "{}", s.next(&y));
        assert!((s.next(&y[..30]) - 70.0).abs() < 1e-6);
        // A flat series: simple smoothing gives its level.
        let flat = [5.0; 10];
        let s = Smoothing::fit(&flat);
        assert_eq!(s.gamma, None);
        assert!((s.next(&flat) - 5.0).abs() < 1e-12);
    }
}
