//! A simulated review stream (`ledgerlens bench reviews`): does learning
//! from reviews rank the rows that come later better than the
//! unsupervised score alone?
//!
//! The ledger is cut in time at its middle row by date. A reviewer works
//! through the earlier half from the highest unsupervised score down, as
//! a flagged list is worked, and answers from the truth (the injected
//! labels) but wrong one time in ten at random, as a careless reviewer
//! would. After `n` reviews the model is trained on them and every row of
//! the later half is ranked twice, by its unsupervised evidence and by the
//! blend; each ranking's PR-AUC (average precision) and ROC AUC against the
//! truth are reported. Both rankings use the unrounded evidence, so
//! neither gains or loses by the score's one decimal.

use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::features::Row;
use super::metrics;
use super::supervised::{Example, Model};
use super::weights::DetectorWeights;

/// One row of the ledger as the stream sees it.
pub struct StreamRow {
    pub features: Row,
    /// Its place in time (a date's ordinal; ties keep ledger order).
    pub when: i64,
    pub truth: bool,
}

/// What one review count gave.
#[derive(Debug, Serialize)]
pub struct StreamPoint {
    pub reviews: usize,
    pub confirmed: usize,
    pub normal: usize,
    /// False when too few of an outcome: the blend is the unsupervised score.
    pub trained: bool,
    pub later_rows: usize,
    pub later_positives: usize,
    pub unsupervised_pr_auc: f64,
    /// The unsupervised score under the detectors' learnt weights.
    pub weighted_pr_auc: f64,
    /// The blend, on the learnt weights' evidence.
    pub blend_pr_auc: f64,
    pub unsupervised_auc: f64,
    pub weighted_auc: f64,
    pub blend_auc: f64,
}

/// Runs the stream for each review count in `counts`.
pub fn simulate(
    rows: &[StreamRow],
    counts: &[usize],
    flip: f64,
    seed: u64,
) -> Result<Vec<StreamPoint>, crate::error::Error> {
    let mut by_time: Vec<usize> = (0..rows.len()).collect();
    by_time.sort_by_key(|&i| (rows[i].when, i));
    let (earlier, later) = by_time.split_at(rows.len() / 2);
    let mut queue: Vec<usize> = earlier.to_vec();
    queue.sort_by(|&a, &b| {
        rows[b]
            .features
            .total()
            .total_cmp(&rows[a].features.total())
            .then(
                rows[b]
                    .features
                    .isolation()
                    .total_cmp(&rows[a].features.isolation()),
            )
            .then(a.cmp(&b))
    });
    // One careless answer stream for the whole queue, so 200 reviews are the
    // first 100 and 100 more.
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let answers: Vec<bool> = queue
        .iter()
        .map(|&i| rows[i].truth ^ rng.gen_bool(flip))
        .collect();
    let later_rows: Vec<Row> = later.iter().map(|&i| rows[i].features.clone()).collect();
    let truth: Vec<bool> = later.iter().map(|&i| rows[i].truth).collect();
    let unsupervised: Vec<f64> = later_rows.iter().map(Row::total).collect();
    let unsupervised_pr_auc = metrics::average_precision(&unsupervised, &truth)?;
    let unsupervised_auc = metrics::roc_auc(&unsupervised, &truth)?;
    let mut points = Vec::new();
    for &n in counts {
        let n = n.min(queue.len());
        let examples: Vec<Example> = queue[..n]
            .iter()
            .zip(&answers)
            .map(|(&i, &confirmed)| Example {
                features: rows[i].features.clone(),
                confirmed,
            })
            .collect();
        let confirmed = examples.iter().filter(|e| e.confirmed).count();
        let weights = DetectorWeights::learn(&examples);
        let reweighed: Vec<Row> = later_rows
            .iter()
            .map(|r| weights.reweigh(r, &crate::config::Weights::default()))
            .collect();
        let weighted: Vec<f64> = reweighed.iter().map(Row::total).collect();
        let (trained, blend) = match Model::train(&examples, seed) {
            Ok(model) => (true, model.blend(&reweighed)),
            Err(_) => (false, weighted.clone()),
        };
        points.push(StreamPoint {
            reviews: n,
            confirmed,
            normal: n - confirmed,
            trained,
            later_rows: later.len(),
            later_positives: truth.iter().filter(|t| **t).count(),
            unsupervised_pr_auc,
            weighted_pr_auc: metrics::average_precision(&weighted, &truth)?,
            blend_pr_auc: metrics::average_precision(&blend, &truth)?,
            unsupervised_auc,
            weighted_auc: metrics::roc_auc(&weighted, &truth)?,
            blend_auc: metrics::roc_auc(&blend, &truth)?,
        });
    }
    Ok(points)
}
