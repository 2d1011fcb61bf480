//! Review next (issue 12.5): what the lessons in use say of a row no one
//! has reviewed yet, so a reviewer can take first the rows the reviews say
//! are most likely confirmed, or the rows whose answer would teach the
//! model most.
//!
//! **Confidence**: the chance a reviewer confirms the row.
//! - With trees (`supervised.rs`): the model's probability `p`, moved
//!   toward the reviews' confirmed share `π` as far as the reviews do not
//!   know rows like this one (the support `c`): `logit π + c·(logit p −
//!   logit π)`, the same update the blend makes of the score.
//! - With the learnt weights only (fewer than 30 reviews of an outcome):
//!   the row's findings combined as independent evidence (naive Bayes),
//!   `logit π + Σ (logit q_k − logit π)` over the detectors `k` that found
//!   something, `q_k` each one's shrunk precision (`weights.rs`), and `c`
//!   the least of their `n / (n + PRIOR_REVIEWS)`.
//!
//! A row with no finding, or one the reviews have not touched, sits at
//! `π`: the reviews say nothing of it.
//!
//! **What a review would teach**: `(1 − c) + c·H(confidence)`, `H` the
//! binary entropy in bits. Uncertainty sampling, with unfamiliarity
//! counted as uncertainty: where `c` is 0 the model's own probability
//! means nothing, so a row whose findings no review has touched teaches
//! all there is (1); a well-known row teaches as much as the model is
//! unsure of it (1 at an even chance, 0 when it is sure).

use serde::Serialize;

use super::features::Row;
use super::supervised::{logit, sigmoid, PRIOR_REVIEWS};
use super::weights::DetectorWeights;
use crate::vocabulary::NextView;

/// What the lessons in use say of one row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judgement {
    /// The chance a reviewer confirms it (0 to 1).
    pub confidence: f64,
    /// How far the reviews know rows like it (0 to 1).
    pub support: f64,
}

impl Judgement {
    /// What its review would teach (0 to 1; see the module).
    pub fn teaching(&self) -> f64 {
        (1.0 - self.support) + self.support * entropy_bits(self.confidence)
    }

    /// The judgement of a row the reviews say nothing of.
    fn unknown(base_rate: f64) -> Judgement {
        Judgement {
            confidence: base_rate,
            support: 0.0,
        }
    }

    /// The trees' probability `p`, moved toward `π` by the support `c`.
    pub(crate) fn from_model(base_log_odds: f64, p: f64, support: f64) -> Judgement {
        Judgement {
            confidence: sigmoid(base_log_odds + support * (logit(p) - base_log_odds)),
            support,
        }
    }

    /// The order `view` lists rows in: higher first.
    pub fn rank(&self, view: NextView) -> f64 {
        match view {
            NextView::Sure => self.confidence,
            NextView::Teach => self.teaching(),
        }
    }
}

impl DetectorWeights {
    /// `row` judged by its findings' precisions alone (see the module).
    pub fn judge(&self, row: &Row) -> Judgement {
        let pi = self.base_rate;
        if pi <= 0.0 || pi >= 1.0 {
            return Judgement::unknown(pi);
        }
        let mut log_odds = logit(pi);
        let mut support = 1.0_f64;
        let mut any = false;
        for kind in row.fired() {
            let Some(d) = self.detectors.iter().find(|d| d.kind == kind) else {
                // A detector the stored weights did not know: unreviewed.
                support = 0.0;
                continue;
            };
            let q = super::weights::precision(d.reviewed, d.confirmed, pi);
            log_odds += logit(q) - logit(pi);
            let n = f64::from(d.reviewed);
            support = support.min(n / (n + PRIOR_REVIEWS));
            any = true;
        }
        if !any {
            return Judgement::unknown(pi);
        }
        Judgement {
            confidence: sigmoid(log_odds),
            support,
        }
    }
}

/// The rows to review next under `view`: indices into `judged`, the
/// highest first, ties by the unsupervised `scores` (higher first), then
/// by position; at most `limit`.
pub fn order(judged: &[Judgement], scores: &[f64], view: NextView, limit: usize) -> Vec<usize> {
    let mut ix: Vec<usize> = (0..judged.len()).collect();
    ix.sort_by(|&a, &b| {
        judged[b]
            .rank(view)
            .total_cmp(&judged[a].rank(view))
            .then(scores[b].total_cmp(&scores[a]))
            .then(a.cmp(&b))
    });
    ix.truncate(limit);
    ix
}

/// The binary entropy of `p`, in bits (1 at ½).
fn entropy_bits(p: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 {
        return 0.0;
    }
    -(p * p.log2() + (1.0 - p) * (1.0 - p).log2())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::weights::fixtures::duplicates_and_round_amounts;
    use crate::vocabulary::DetectorKind;

    fn weights() -> DetectorWeights {
        DetectorWeights::learn(&duplicates_and_round_amounts())
    }

    fn row(kinds: &[DetectorKind]) -> Row {
        Row::new(&kinds.iter().map(|&k| (k, 2.0)).collect(), 0.5)
    }

    #[test]
    fn the_weights_judge_a_row_by_its_findings_precisions() {
        let w = weights();
        // q = (36 + 4) / 50 = 0.8 for duplicates; 0.16 for round amounts.
        let dup = w.judge(&row(&[DetectorKind::Duplicate]));
        assert!((dup.confidence - 0.8).abs() < 1e-12, "{dup:?}");
        assert!((dup.support - 40.0 / 50.0).abs() < 1e-12);
        let round = w.judge(&row(&[DetectorKind::RoundAmount]));
        assert!((round.confidence - 0.16).abs() < 1e-12);
        // Both: logit 0.4 + (logit 0.8 − logit 0.4) + (logit 0.16 − logit 0.4).
        let both = w.judge(&row(&[DetectorKind::Duplicate, DetectorKind::RoundAmount]));
        let expected = sigmoid(logit(0.8) + logit(0.16) - logit(0.4));
        assert!((both.confidence - expected).abs() < 1e-12);
        // A finding never reviewed: the reviews say nothing; it teaches all.
        let split = w.judge(&row(&[DetectorKind::Split, DetectorKind::Duplicate]));
        assert_eq!(split.support, 0.0);
        assert_eq!(split.teaching(), 1.0);
        assert_eq!(w.judge(&row(&[])), Judgement::unknown(0.4));
        // Well known and sure teaches less than well known and unsure.
        assert!(dup.teaching() < 1.0 && round.teaching() < dup.teaching());
    }

    #[test]
    fn the_views_order_by_confidence_or_by_what_a_review_would_teach() {
        let w = weights();
        let rows = [
            row(&[DetectorKind::RoundAmount]),
            row(&[DetectorKind::Duplicate]),
            row(&[DetectorKind::Split]),
        ];
        let judged: Vec<Judgement> = rows.iter().map(|r| w.judge(r)).collect();
        let scores = [50.0, 40.0, 30.0];
        assert_eq!(order(&judged, &scores, NextView::Sure, 10), vec![1, 2, 0]);
        assert_eq!(order(&judged, &scores, NextView::Teach, 2), vec![2, 1]);
        // Ties go to the higher unsupervised score.
        let same = [judged[2], judged[2]];
        assert_eq!(order(&same, &[1.0, 9.0], NextView::Sure, 10), vec![1, 0]);
    }

    #[test]
    fn the_trees_confidence_is_their_probability_as_far_as_the_reviews_know() {
        let pi = logit(0.3);
        assert!((Judgement::from_model(pi, 0.9, 1.0).confidence - 0.9).abs() < 1e-12);
        assert!((Judgement::from_model(pi, 0.9, 0.0).confidence - 0.3).abs() < 1e-12);
        let half = Judgement::from_model(pi, 0.9, 0.5).confidence;
        assert!(half > 0.3 && half < 0.9);
        assert!((entropy_bits(0.5) - 1.0).abs() < 1e-12);
    }
}
