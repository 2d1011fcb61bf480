//! One forecasting run over a ledger (issue 13.3).
//!
//! **Holdout, by time.** Each series' newest `holdout` months (3) are the
//! test months and the `validation` months (6) before them the validation
//! months. Every model is fitted on the months before validation and
//! forecasts each validation month one step ahead (with the months before
//! it known, as it would have been at the time); the series keeps seasonal
//! naive unless a model beats it there by more than chance ([`choose`]),
//! or where the series is too short to choose. Then every model, refitted
//! on everything before the test months, forecasts those: the errors
//! reported per model (RMSE, MAPE) are on months no choice and no fit has
//! seen, beside the validation months' own.
//!
//! **Early warning.** The test months are the newest months: where one's
//! spending falls outside its chosen model's interval, `forecast ± z·σ`
//! (σ the model's root-mean-square one-step error on the last months it
//! was fitted on, z the normal quantile of `[forecast] interval`), it is
//! flagged with how far outside.
//!
//! The LSTM is trained once per window on the months before validation
//! of every series, and used for validation, test and next month alike
//! (it has then seen less than the baselines, never more).

use serde::Serialize;

use super::baselines::{seasonal_naive, Smoothing};
use super::forecaster::{Forecaster, Training};
use super::lstm::{LstmParams, Scaled};
use super::series::Series;
use super::windows::Padding;
use crate::vocabulary::{ForecastModel, ForecastSide};

/// How forecasts are made, checked once by [`ForecastParams::check`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForecastParams {
    /// Test months: the newest, on which models are judged and months flagged.
    pub holdout: usize,
    /// Validation months before them, on which each series' model is chosen.
    pub validation: usize,
    /// The central share of a month's outcomes its interval holds.
    pub interval: f64,
    pub padding: Padding,
    pub lstm: LstmParams,
}

impl Default for ForecastParams {
    fn default() -> Self {
        ForecastParams {
            holdout: 3,
            validation: 6,
            interval: 0.95,
            padding: Padding::Backfill,
            lstm: LstmParams::default(),
        }
    }
}

/// A series leaves seasonal naive only for a model whose validation
/// losses are lower by more than chance would make them, one-sided at this
/// level (a Diebold–Mariano test on the squared errors, with Student's t
/// for the few months). Choosing the least error outright let three to six
/// noisy months pick models that then lost to seasonal naive on the test
/// months of the real card-expense files (docs/BENCHMARKS.md "Forecasts").
const SWITCH_LEVEL: f64 = 0.1;

/// Seasonal naive, unless another model beats it significantly on the
/// validation months (`losses`: one row per model, in the vocabulary's
/// order; `critical`: the one-sided t it must pass); then the least loss
/// of those that do.
fn choose(losses: &[Vec<f64>], critical: f64) -> ForecastModel {
    let baseline = &losses[0];
    let k = baseline.len() as f64;
    let mut best = (baseline.iter().sum::<f64>(), ForecastModel::SeasonalNaive);
    for (i, &m) in ForecastModel::ALL.iter().enumerate().skip(1) {
        let d: Vec<f64> = losses[i].iter().zip(baseline).map(|(a, b)| a - b).collect();
        let mean = d.iter().sum::<f64>() / k;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (k - 1.0).max(1.0);
        // Lower, and by more than its spread allows by chance (an exactly
        // repeated difference has no spread: lower is then enough).
        let significant = mean < 0.0 && (var == 0.0 || -mean / (var / k).sqrt() > critical);
        let total = losses[i].iter().sum::<f64>();
        if significant && total < best.0 {
            best = (total, m);
        }
    }
    best.1
}

/// Months a series needs before validation for a choice to mean anything.
const MIN_FIT: usize = 3;
/// The residuals an interval is measured on: the last months fitted.
const RESIDUAL_MONTHS: usize = 12;
/// σ is at least this share of the series' mean month: a bill repeated to
/// the unit is not news for being a unit off.
const MIN_SIGMA_SHARE: f64 = 0.01;

impl ForecastParams {
    pub fn check(self) -> Result<ForecastParams, String> {
        if self.holdout == 0 || self.holdout > 12 {
            return Err(format!("holdout must be 1 to 12 months ({})", self.holdout));
        }
        if self.validation < 2 || self.validation > 24 {
            return Err(format!(
                "validation must be 2 to 24 months ({})",
                self.validation
            ));
        }
        if !(self.interval > 0.5 && self.interval < 1.0) {
            return Err(format!(
                "interval must be between 0.5 and 1 ({})",
                self.interval
            ));
        }
        let l = self.lstm;
        if l.hidden == 0 || l.epochs == 0 || l.batch == 0 || l.max_windows == 0 {
            return Err(
                "the LSTM's hidden size, epochs, batch and windows must be positive".into(),
            );
        }
        if !(l.learning_rate > 0.0 && l.learning_rate < 1.0) {
            return Err(format!(
                "the LSTM's learning rate must be in (0, 1) ({})",
                l.learning_rate
            ));
        }
        Ok(self)
    }

    /// Whether a series of `n` months is long enough to choose its model
    /// (and to count in the errors): test, validation and [`MIN_FIT`].
    pub fn choosable(&self, n: usize) -> bool {
        n >= self.holdout + self.validation + MIN_FIT
    }

    /// The one-sided critical t of [`SWITCH_LEVEL`] on `k` paired losses.
    fn multiple_one_sided(&self, k: usize) -> f64 {
        use statrs::distribution::{ContinuousCDF, StudentsT};
        StudentsT::new(0.0, 1.0, (k.max(2) - 1) as f64)
            .expect("positive degrees of freedom")
            .inverse_cdf(1.0 - SWITCH_LEVEL)
    }

    /// The two-sided interval's multiple of σ when σ was measured on `k`
    /// one-step errors: Student's t with k − 1 degrees of freedom, so that
    /// a σ from a handful of months gives a wide interval, not a flag a
    /// month; `None` below two errors (no spread can be measured).
    fn multiple(&self, k: usize) -> Option<f64> {
        use statrs::distribution::{ContinuousCDF, StudentsT};
        (k >= 2).then(|| {
            StudentsT::new(0.0, 1.0, (k - 1) as f64)
                .expect("positive degrees of freedom")
                .inverse_cdf(0.5 + self.interval / 2.0)
        })
    }
}

/// One model's forecast errors over a set of months.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Errors {
    pub months: usize,
    pub rmse: f64,
    /// Over the months with spending (a percentage of 0 is undefined).
    pub mape: Option<f64>,
}

#[derive(Default, Clone, Copy)]
struct Sums {
    n: usize,
    se: f64,
    ape: f64,
    n_ape: usize,
}

impl Sums {
    fn add(&mut self, actual: f64, forecast: f64) {
        self.n += 1;
        self.se += (actual - forecast).powi(2);
        if actual.abs() > 0.0 {
            self.ape += ((actual - forecast) / actual).abs();
            self.n_ape += 1;
        }
    }

    fn errors(&self) -> Errors {
        Errors {
            months: self.n,
            rmse: if self.n > 0 {
                (self.se / self.n as f64).sqrt()
            } else {
                0.0
            },
            mape: (self.n_ape > 0).then(|| 100.0 * self.ape / self.n_ape as f64),
        }
    }
}

/// A month of a series with its forecast and interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthForecast {
    pub month: String,
    pub actual: Option<f64>,
    pub forecast: f64,
    /// (low, high); none where the series has too few months to measure
    /// its spread.
    pub interval: Option<(f64, f64)>,
}

/// One series' forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesForecast {
    pub department: String,
    pub account: String,
    pub months: usize,
    pub model: ForecastModel,
    /// False where the series was too short to choose (seasonal naive).
    pub chosen_on_validation: bool,
    /// The test months, then the month after the ledger's latest.
    pub forecasts: Vec<MonthForecast>,
}

/// A newest month whose spending left its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthFlag {
    pub department: String,
    pub account: String,
    pub month: String,
    pub actual: f64,
    pub forecast: f64,
    pub low: f64,
    pub high: f64,
    pub side: ForecastSide,
    /// Above: actual ÷ the interval's top; below: actual ÷ its bottom.
    pub ratio: f64,
    pub model: ForecastModel,
}

impl MonthFlag {
    /// Why, in both languages, with amounts in `currency`: "2026-03 시설과 용역비
    /// 지출 7,200,000원: 예측 범위(1,000,000원–3,000,000원) 상한의 2.4배".
    pub fn reason(&self, currency: crate::money::Currency) -> crate::i18n::Text {
        let (ko, en) = (|v: f64| currency.ko(v), |v: f64| currency.en(v));
        let (m, a) = (&self.month, format!("{} {}", self.department, self.account));
        match self.side {
            ForecastSide::Above => crate::i18n::Text::new(
                format!(
                    "{m} {a} 지출 {}: 예측 범위({}–{}) 상한의 {:.1}배",
                    ko(self.actual),
                    ko(self.low),
                    ko(self.high),
                    self.ratio
                ),
                format!(
                    "{m} {a} spending of {} is {:.1}× the top of its forecast range ({}–{})",
                    en(self.actual),
                    self.ratio,
                    en(self.low),
                    en(self.high)
                ),
            ),
            ForecastSide::Below => {
                crate::i18n::Text::new(
                    format!(
                        "{m} {a} 지출 {}: 예측 범위({}–{}) 하한의 {:.0}%",
                        ko(self.actual),
                        ko(self.low),
                        ko(self.high),
                        100.0 * self.ratio
                    ),
                    format!(
                    "{m} {a} spending of {} is {:.0}% of the bottom of its forecast range ({}–{})",
                    en(self.actual), 100.0 * self.ratio, en(self.low), en(self.high)
                ),
                )
            }
        }
    }
}

/// A run's forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecasts {
    pub params: ForecastParams,
    pub series: Vec<SeriesForecast>,
    /// Each model's test errors over the series long enough to choose,
    /// then the chosen models' (`None`).
    pub errors: Vec<(Option<ForecastModel>, Errors)>,
    /// The same on the validation months the choice was made on (where
    /// the chosen models cannot do worse than seasonal naive).
    pub validation_errors: Vec<(Option<ForecastModel>, Errors)>,
    /// How many of those series each model was chosen for.
    pub chosen: Vec<(ForecastModel, usize)>,
    pub flags: Vec<MonthFlag>,
}

/// Every model's state for one series: the smoothing constants fitted on
/// a prefix; the LSTMs are shared.
#[derive(Clone, Copy)]
struct Fitted {
    smoothing: Smoothing,
}

impl Forecaster {
    /// `model`'s forecast of `s.values[end]` from the months before it.
    fn next(&mut self, model: ForecastModel, fitted: &Fitted, s: &Scaled<'_>, end: usize) -> f64 {
        let history = &s.values[..end];
        match model {
            ForecastModel::SeasonalNaive => seasonal_naive(history),
            ForecastModel::Smoothing => fitted.smoothing.next(history),
            _ => self.lstm(model).next(s, end),
        }
    }
}

/// Forecasts `all` with a forecaster trained on them.
pub fn forecast_series(all: &[Series], params: &ForecastParams) -> Forecasts {
    let training = Training::of(all, params);
    let mut models = Forecaster::train(&training, params, &[]);
    forecast_with(all, &training, &mut models)
}

/// Forecasts `all` (seen as `training` says) with `models` (see the
/// module's comment for the method).
pub fn forecast_with(
    all: &[Series],
    training: &Training<'_>,
    models: &mut Forecaster,
) -> Forecasts {
    let params = &{ models.params };
    let (h, v) = (params.holdout, params.validation);
    let scaled = &training.scaled;

    let mut test_sums = vec![Sums::default(); ForecastModel::ALL.len()];
    let mut validation_sums = vec![Sums::default(); ForecastModel::ALL.len()];
    let mut chosen_validation = Sums::default();
    let mut chosen_sums = Sums::default();
    let mut chosen_counts = vec![0usize; ForecastModel::ALL.len()];
    let mut out = Vec::with_capacity(all.len());
    let mut flags = Vec::new();
    for (s, sc) in all.iter().zip(scaled) {
        let n = s.values.len();
        let choosable = params.choosable(n);
        // Validation: fitted before it, one step ahead through it.
        let model = if choosable {
            let fitted = Fitted {
                smoothing: Smoothing::fit(&s.values[..n - h - v]),
            };
            let months = n - h - v..n - h;
            let forecasts: Vec<Vec<f64>> = ForecastModel::ALL
                .iter()
                .map(|&m| {
                    months
                        .clone()
                        .map(|t| models.next(m, &fitted, sc, t))
                        .collect()
                })
                .collect();
            let losses: Vec<Vec<f64>> = forecasts
                .iter()
                .map(|f| {
                    months
                        .clone()
                        .zip(f)
                        .map(|(t, f)| (s.values[t] - f).powi(2))
                        .collect()
                })
                .collect();
            let model = choose(&losses, params.multiple_one_sided(v));
            for (i, &m) in ForecastModel::ALL.iter().enumerate() {
                for (t, &f) in months.clone().zip(&forecasts[i]) {
                    validation_sums[i].add(s.values[t], f);
                    if m == model {
                        chosen_validation.add(s.values[t], f);
                    }
                }
            }
            model
        } else {
            ForecastModel::SeasonalNaive
        };
        // Test: refitted before it.
        let test_start = n.saturating_sub(h).max(1);
        let fitted = Fitted {
            smoothing: Smoothing::fit(&s.values[..test_start]),
        };
        if choosable {
            for (i, &m) in ForecastModel::ALL.iter().enumerate() {
                for t in test_start..n {
                    let f = models.next(m, &fitted, sc, t);
                    test_sums[i].add(s.values[t], f);
                    if m == model {
                        chosen_sums.add(s.values[t], f);
                    }
                }
            }
            chosen_counts[ForecastModel::ALL.iter().position(|&m| m == model).unwrap()] += 1;
        }
        // σ: the chosen model's one-step errors on its last fitted months.
        let from = test_start.saturating_sub(RESIDUAL_MONTHS).max(1);
        let residuals: Vec<f64> = (from..test_start)
            .map(|t| s.values[t] - models.next(model, &fitted, sc, t))
            .collect();
        let rms = if residuals.is_empty() {
            0.0
        } else {
            (residuals.iter().map(|e| e * e).sum::<f64>() / residuals.len() as f64).sqrt()
        };
        let sigma = rms.max(MIN_SIGMA_SHARE * sc.scale);
        let never_negative = s.values.iter().all(|&v| v >= 0.0);
        // Without two errors to measure σ on, no interval: nothing flagged.
        let z = params.multiple(residuals.len());
        let band = |f: f64| {
            z.map(|z| {
                let low = f - z * sigma;
                (
                    if never_negative { low.max(0.0) } else { low },
                    f + z * sigma,
                )
            })
        };
        let mut forecasts = Vec::new();
        // The month after the ledger's latest, from everything known (the
        // smoothing constants refitted only where smoothing is the model).
        let fitted_all = match model {
            ForecastModel::Smoothing => Fitted {
                smoothing: Smoothing::fit(&s.values),
            },
            _ => fitted,
        };
        for t in test_start..=n {
            let f = if t == n {
                models.next(model, &fitted_all, sc, n)
            } else {
                models.next(model, &fitted, sc, t)
            };
            let interval = band(f);
            let actual = s.values.get(t).copied();
            if let (Some(actual), Some((low, high))) = (actual, interval) {
                let side = if actual > high {
                    Some((ForecastSide::Above, actual / high))
                } else if actual < low && low > 0.0 {
                    Some((ForecastSide::Below, actual / low))
                } else {
                    None
                };
                if let Some((side, ratio)) = side {
                    flags.push(MonthFlag {
                        department: s.department.clone(),
                        account: s.account.clone(),
                        month: super::series::month_label(s.month(t)),
                        actual,
                        forecast: f,
                        low,
                        high,
                        side,
                        ratio,
                        model,
                    });
                }
            }
            forecasts.push(MonthForecast {
                month: super::series::month_label(s.month(t)),
                actual,
                forecast: f,
                interval,
            });
        }
        out.push(SeriesForecast {
            department: s.department.clone(),
            account: s.account.clone(),
            months: n,
            model,
            chosen_on_validation: choosable,
            forecasts,
        });
    }
    // Spending above its range first (what an audit looks for), furthest
    // first; then spending below, furthest first.
    flags.sort_by(|a, b| match (a.side, b.side) {
        (ForecastSide::Above, ForecastSide::Above) => b.ratio.total_cmp(&a.ratio),
        (ForecastSide::Below, ForecastSide::Below) => a.ratio.total_cmp(&b.ratio),
        (x, y) => x.cmp(&y),
    });
    // Each model's errors, then the chosen models' (`None`).
    let table = |per_model: &[Sums], chosen: &Sums| -> Vec<(Option<ForecastModel>, Errors)> {
        ForecastModel::ALL
            .iter()
            .zip(per_model)
            .map(|(&m, s)| (Some(m), s.errors()))
            .chain([(None, chosen.errors())])
            .collect()
    };
    Forecasts {
        params: *params,
        series: out,
        errors: table(&test_sums, &chosen_sums),
        validation_errors: table(&validation_sums, &chosen_validation),
        chosen: ForecastModel::ALL
            .iter()
            .copied()
            .zip(chosen_counts)
            .collect(),
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::series::month_index;

    fn params() -> ForecastParams {
        ForecastParams {
            lstm: LstmParams {
                epochs: 5,
                max_windows: 200,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn series(name: &str, values: Vec<f64>) -> Series {
        Series {
            department: "총무과".into(),
            account: name.into(),
            start: month_index(2023, 1),
            values,
        }
    }

    #[test]
    fn a_month_far_above_its_forecast_is_flagged_and_a_steady_bill_is_not() {
        // Three years of a bill that moves a little; the newest month of
        // the second triples.
        let wobble = |m: usize| 100_000.0 + 2_000.0 * ((m * 7) % 5) as f64;
        let steady: Vec<f64> = (0..36).map(wobble).collect();
        let mut jump = steady.clone();
        jump[35] *= 3.0;
        let f = forecast_series(
            &[series("임차료", steady), series("용역비", jump)],
            &params(),
        );
        assert_eq!(f.flags.len(), 1, "{:?}", f.flags);
        let flag = &f.flags[0];
        assert_eq!(
            (flag.account.as_str(), flag.month.as_str()),
            ("용역비", "2025-12")
        );
        assert_eq!(flag.side, ForecastSide::Above);
        assert!(flag.ratio > 2.0, "{}", flag.ratio);
        // Each series: the test months and the month after the ledger's.
        assert_eq!(f.series[0].forecasts.len(), 4);
        assert_eq!(f.series[0].forecasts[3].month, "2026-01");
        assert_eq!(f.series[0].forecasts[3].actual, None);
    }

    #[test]
    fn noise_does_not_move_a_series_off_seasonal_naive() {
        // Validation losses a hair lower for one candidate, with spread:
        // not significant, so seasonal naive stays.
        let losses = vec![
            vec![10.0, 1.0, 12.0, 2.0, 9.0, 3.0],
            vec![9.0, 3.0, 10.0, 4.0, 8.0, 1.0],
            vec![30.0; 6],
            vec![30.0; 6],
            vec![30.0; 6],
        ];
        let critical = params().multiple_one_sided(6);
        assert_eq!(choose(&losses, critical), ForecastModel::SeasonalNaive);
        // Lower every month: chosen.
        let mut clear = losses.clone();
        clear[1] = losses[0].iter().map(|v| v / 4.0).collect();
        assert_eq!(choose(&clear, critical), ForecastModel::Smoothing);
    }

    #[test]
    fn short_series_get_no_interval_and_no_flag() {
        let f = forecast_series(&[series("비품", vec![10.0, 900.0])], &params());
        assert!(f.flags.is_empty());
        assert!(!f.series[0].chosen_on_validation);
        assert!(f.series[0].forecasts.iter().all(|m| m.interval.is_none()));
    }
}
