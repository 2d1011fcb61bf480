//! Models: the Isolation Forest over the feature matrix, k-means spending
//! profiles, the audit-rule signals, and the ensemble that turns them into
//! one 0–100 risk score, a band and up to three reasons per row.

pub(crate) mod clusters;
pub mod iforest;
pub(crate) mod signals;
pub(crate) mod sklearn_random;

use serde::Serialize;

use crate::config::Checked;
use crate::features::Features;
use crate::i18n::Text;
use crate::ingest::Ledger;
use crate::vocabulary::{Band, DetectorKind};
use iforest::{IsolationForest, Matrix};
use signals::Signal;

#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// Which detector gave it; serialised as its code.
    #[serde(rename = "code")]
    pub kind: DetectorKind,
    pub text: Text,
    /// Points this reason contributes before combination (weight × strength × 100).
    pub points: f64,
}

/// What the models say about one row.
#[derive(Debug, Clone)]
pub struct RowVerdict {
    pub score: f64,
    pub band: Band,
    pub cluster: u32,
    pub isolation: f64,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone)]
pub struct ModelOutput {
    pub rows: Vec<RowVerdict>,
    pub cluster_names: Vec<Text>,
    pub silhouette: f64,
}

/// Names of the Isolation Forest's input columns, in order.
pub const IFOREST_FEATURES: [&str; 20] = [
    "log_amount",
    "z_dept_account",
    "z_account",
    "log_vendor_count",
    "vendor_account_share",
    "vendor_department_share",
    "duplicate",
    "split",
    "log_recurring_ratio",
    "small_repeat_ratio",
    "department_small_month_ratio",
    "non_working_day",
    "month_end",
    "month_end_share",
    "late_december",
    "log_year_end_ratio",
    "round_level",
    "account_round_share",
    "benford_vendor_mad",
    "benford_department_mad",
];

/// The Isolation Forest's view of each row.
pub fn iforest_matrix(f: &Features) -> Matrix {
    let cols = IFOREST_FEATURES.len();
    let mut data = Vec::with_capacity(f.len * cols);
    for i in 0..f.len {
        let pair_share =
            f64::from(f.vendor_account_count[i]) / f64::from(f.account_count[i].max(1));
        // Typed by the names list, so a column added to one and not the
        // other fails to compile.
        let row: [f64; IFOREST_FEATURES.len()] = [
            f.log_amount[i],
            f.dept_account[i].z,
            f.account[i].z,
            f64::from(f.vendor_count[i].max(1)).ln(),
            pair_share,
            f.vendor_dept_share[i],
            f.duplicate[i].map_or(0.0, |d| if d.exact { 1.0 } else { 0.5 }),
            f64::from(f.split[i].is_some()),
            f.recurrence[i].map_or(0.0, |r| r.ratio.max(1e-3).ln()),
            f.small_repeat[i].map_or(0.0, |s| f64::from(s.count) / s.usual_count.max(1.0)),
            f.dept_small_month_ratio[i],
            f64::from(f.calendar[i].non_working),
            f64::from(f.calendar[i].month_end),
            f.month_end_share[i],
            f64::from(f.calendar[i].late_december),
            f.year_end[i].map_or(0.0, |y| y.ratio.max(1e-3).ln()),
            f64::from(f.round_level[i]),
            f.account_round_share[i],
            f.benford_vendor_of_row(i).map_or(0.0, |b| b.mad),
            f.benford_department_of_row(i).map_or(0.0, |b| b.mad),
        ];
        data.extend(
            row.iter()
                .map(|&v| if v.is_finite() { v as f32 } else { 0.0 }),
        );
    }
    Matrix::new(f.len, cols, data)
}

/// Combines signals as a noisy-OR of weight × strength.
fn combine(
    signals: &[Signal],
    weight_of: impl Fn(DetectorKind) -> f64,
) -> (f64, Vec<(f64, usize)>) {
    let mut keep = 1.0;
    let mut contributions: Vec<(f64, usize)> = Vec::with_capacity(signals.len());
    for (j, s) in signals.iter().enumerate() {
        let c = (weight_of(s.kind) * s.strength).clamp(0.0, 1.0);
        keep *= 1.0 - c;
        contributions.push((c, j));
    }
    contributions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ((1.0 - keep) * 100.0, contributions)
}

/// Runs every model over the features.
pub fn run(ledger: &Ledger, f: &Features, config: &Checked) -> ModelOutput {
    let matrix = iforest_matrix(f);
    let forest = IsolationForest::fit(&matrix, config.forest(), config.seed);
    let isolation = forest.score(&matrix);
    let clusters = clusters::cluster(f, config.seed, config.limits.small_payment_limit);

    let rows = (0..f.len)
        .map(|i| {
            let settings = &f.account_settings[ledger.transactions[i].account as usize];
            let signals = signals::evaluate(i, ledger, f, config, isolation[i]);
            let (score, contributions) = combine(&signals, |k| settings.weights.get(k));
            let score = (score * 10.0).round() / 10.0;
            let band = if score >= settings.bands.high {
                Band::High
            } else if score >= settings.bands.medium {
                Band::Medium
            } else {
                Band::Low
            };
            let reasons = contributions
                .iter()
                .filter(|(c, _)| *c > 0.0)
                .take(3)
                .map(|&(c, j)| Reason {
                    kind: signals[j].kind,
                    text: signals[j].reason.clone(),
                    points: (c * 1000.0).round() / 10.0,
                })
                .collect();
            RowVerdict {
                score,
                band,
                cluster: clusters.labels[i],
                isolation: isolation[i],
                reasons,
            }
        })
        .collect();
    ModelOutput {
        rows,
        cluster_names: clusters.names,
        silhouette: clusters.silhouette,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noisy_or_orders_reasons_by_contribution() {
        let s = |kind, strength| Signal {
            kind,
            strength,
            reason: Text::new("", ""),
        };
        let signals = [
            s(DetectorKind::NonWorkingDay, 1.0),
            s(DetectorKind::Duplicate, 1.0),
        ];
        let w = crate::config::Weights::default();
        let (score, contributions) = combine(&signals, |k| w.get(k));
        let expected = (1.0
            - (1.0 - w.get(DetectorKind::NonWorkingDay)) * (1.0 - w.get(DetectorKind::Duplicate)))
            * 100.0;
        assert!((score - expected).abs() < 1e-9);
        assert_eq!(contributions[0].1, 1, "duplicate weighs more");
        let (none, _) = combine(&[], |k| w.get(k));
        assert_eq!(none, 0.0);
    }
}
