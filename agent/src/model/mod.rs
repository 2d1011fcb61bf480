//! Models: the Isolation Forest over the feature matrix, k-means spending
//! profiles, the detectors, their calibration against the ledger, and the
//! fusion that turns them into one 0–100 risk score, a band and up to
//! three reasons per row.

pub(crate) mod calibrate;
pub(crate) mod clusters;
pub(crate) mod detectors;
pub mod fusion;
pub mod iforest;
pub(crate) mod sklearn_random;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Checked;
use crate::features::Features;
use crate::i18n::Text;
use crate::ingest::Ledger;
use crate::money::Currency;
use crate::vocabulary::{Band, DetectorKind};
use detectors::Context;
pub use fusion::Cut;
use iforest::{IsolationForest, Matrix};

#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// Which detector gave it; serialised as its code.
    #[serde(rename = "code")]
    pub kind: DetectorKind,
    pub text: Text,
    /// The score this reason alone would give (see `model::fusion`).
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
    /// Every finding's evidence in nats, by detector (the strongest three
    /// are `reasons`): what the supervised model learns from.
    pub evidence: Evidence,
    /// With a model learnt from reviews: the chance a reviewer confirms
    /// this row (`learn::next`).
    pub confidence: Option<f64>,
}

/// A row's evidence by detector, the detectors that found nothing left out
/// (most rows have none, so this is usually empty).
pub type Evidence = Vec<(DetectorKind, f32)>;

#[derive(Debug, Clone)]
pub struct ModelOutput {
    pub rows: Vec<RowVerdict>,
    pub cluster_names: Vec<Text>,
    pub silhouette: f64,
    /// How the band cut-offs were chosen.
    pub cut: Cut,
    /// Detectors that did not judge this ledger, and why.
    pub stepped_aside: Vec<(DetectorKind, Text)>,
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
            f64::from(f.vendor_account_count[i]) / f64::from(f.account_count(i).max(1));
        // Typed by the names list, so a column added to one and not the
        // other fails to compile.
        let row: [f64; IFOREST_FEATURES.len()] = [
            f.log_amount[i],
            f.dept_account(i).z,
            f.account(i).z,
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

/// One detector's finding at a row, as fusion weighs it.
struct Contribution {
    /// What counts toward the score: `seen` under the detector's learnt
    /// weight (`learn::weights`), or `seen` itself.
    evidence: f64,
    /// Under the configured weight: what the supervised model reads.
    seen: f64,
    kind: DetectorKind,
    finding: detectors::Finding,
    p: f64,
}

/// Runs every model over the features.
/// Scores a ledger's features: every detector, then the fusion; with a
/// model learnt from reviews, each row's evidence is blended with it
/// (`learn::supervised`) before the score and band are made.
pub fn run(
    ledger: &Ledger,
    f: &Features,
    config: &Checked,
    currency: Currency,
    learned: Option<&crate::learn::lessons::Lessons>,
) -> ModelOutput {
    // The forest's matrix (80 bytes a row) is gone before the detectors
    // run: only its scores are needed past here.
    let isolation = {
        let matrix = iforest_matrix(f);
        IsolationForest::fit(&matrix, config.forest(), config.seed).score(&matrix)
    };
    let clusters = clusters::cluster(f, config.seed);
    let cx = Context {
        ledger,
        features: f,
        config,
        isolation: &isolation,
        currency,
        months: months_covered(ledger),
    };

    // Each detector computes and calibrates on its own, so they run in
    // parallel; each keeps only the findings rare enough to count (p < α),
    // so a million rows do not hold fourteen dense columns at once.
    type Kept = Vec<(u32, detectors::Finding, f64)>;
    let judged: Vec<(DetectorKind, Result<Kept, Text>)> = detectors::ALL
        .par_iter()
        .map(|detector| {
            let kind = detector.kind();
            if let Some(why) = detector.steps_aside(&cx) {
                return (kind, Err(why));
            }
            let findings = detector.compute_all(&cx);
            let p = detector.calibrate(&cx, &findings);
            let kept: Kept = findings
                .into_iter()
                .zip(p)
                .enumerate()
                .filter_map(|(i, (finding, p))| {
                    finding
                        .filter(|_| p < fusion::ALPHA)
                        .map(|finding| (i as u32, finding, p))
                })
                .collect();
            (kind, Ok(kept))
        })
        .collect();
    let mut found: Vec<Vec<Contribution>> = (0..f.len).map(|_| Vec::new()).collect();
    let mut stepped_aside = Vec::new();
    for (kind, outcome) in judged {
        let kept = match outcome {
            Ok(kept) => kept,
            Err(why) => {
                stepped_aside.push((kind, why));
                continue;
            }
        };
        for (i, finding, p) in kept {
            let i = i as usize;
            let account = ledger.transactions[i].account as usize;
            let weights = &f.account_settings[account].weights;
            let seen = fusion::evidence(p, weights.get(kind));
            let learnt = learned.map_or(1.0, |l| l.factor(kind, weights));
            if seen > 0.0 {
                found[i].push(Contribution {
                    evidence: seen * learnt,
                    seen,
                    kind,
                    finding,
                    p,
                });
            }
        }
    }

    let (evidence, confidence): (Vec<f64>, Vec<Option<f64>>) = match learned {
        None => found.iter().map(|c| (total_of(c), None)).unzip(),
        Some(lessons) => blended(lessons, &found, &isolation)
            .into_iter()
            .map(|(e, j)| (e, Some(j.confidence)))
            .unzip(),
    };
    let scores: Vec<f64> = evidence.iter().map(|&e| fusion::score(e)).collect();
    let cut = Cut::choose(&scores, &config.bands);
    let rows = found
        .into_par_iter()
        .enumerate()
        .map(|(i, mut contributions)| {
            let score = scores[i];
            let settings = &f.account_settings[ledger.transactions[i].account as usize];
            // A category with its own score cut-offs keeps them.
            let band = match (settings.bands.high, settings.bands.medium) {
                (Some(_), Some(_)) if settings.bands != config.bands => {
                    Cut::choose(&[], &settings.bands).band(score)
                }
                _ => cut.band(score),
            };
            // Strongest first; ties in the detectors' order.
            contributions.sort_by(|a, b| {
                b.evidence
                    .total_cmp(&a.evidence)
                    .then(a.kind.index().cmp(&b.kind.index()))
            });
            let evidence = evidence_of(&contributions);
            let reasons = contributions
                .iter()
                .take(3)
                .map(|c| Reason {
                    kind: c.kind,
                    text: detectors::ALL[c.kind.index()].explain(&cx, i, &c.finding, c.p),
                    points: fusion::score(c.evidence),
                })
                .collect();
            RowVerdict {
                score,
                band,
                cluster: clusters.labels[i],
                isolation: isolation[i],
                reasons,
                evidence,
                confidence: confidence[i],
            }
        })
        .collect();
    ModelOutput {
        rows,
        cluster_names: clusters.names,
        silhouette: clusters.silhouette,
        cut,
        stepped_aside,
    }
}

/// A row's total evidence, its findings fused (`fusion::total`).
fn total_of(contributions: &[Contribution]) -> f64 {
    fusion::total(contributions.iter().map(|c| (c.kind, c.evidence)))
}

/// A row's findings as the supervised model's evidence.
fn evidence_of(contributions: &[Contribution]) -> Evidence {
    contributions
        .iter()
        .map(|c| (c.kind, c.seen as f32))
        .collect()
}

/// Each row's evidence blended with the reviews' model, and what the model
/// says of the row, a block of rows at a time (a row's features are a few
/// dozen bytes; a million at once would not be).
fn blended(
    lessons: &crate::learn::lessons::Lessons,
    found: &[Vec<Contribution>],
    isolation: &[f64],
) -> Vec<(f64, crate::learn::next::Judgement)> {
    use crate::learn::features::Row;
    const BLOCK: usize = 8192;
    found
        .par_chunks(BLOCK)
        .enumerate()
        .flat_map_iter(|(b, block)| {
            let rows: Vec<Row> = block
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    Row::new(&evidence_of(c), isolation[b * BLOCK + j]).with_total(total_of(c))
                })
                .collect();
            lessons.assess(&rows)
        })
        .collect()
}

/// Calendar months from the ledger's first payment to its last (0 when
/// empty).
fn months_covered(ledger: &Ledger) -> u32 {
    let months = ledger
        .transactions
        .iter()
        .map(|t| crate::features::calendar::month_index(t.date));
    match months.clone().min().zip(months.max()) {
        Some((first, last)) => last - first + 1,
        None => 0,
    }
}
