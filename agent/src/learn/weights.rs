//! Detectors that learn their weight from the reviews (issue 12.3).
//!
//! A detector's findings are worth what reviewers find behind them. Among
//! the reviewed rows (확인된 이상 or 정상; 증빙 필요 is no verdict yet) that
//! a detector found something in, `k` of `n` were confirmed; among all the
//! reviewed rows, a share `π`. The detector's precision, shrunk toward `π`
//! by a Beta prior worth [`PRIOR_REVIEWS`] reviews, is
//! `q = (k + PRIOR_REVIEWS·π) / (n + PRIOR_REVIEWS)`, and its weight is
//! the configured (or default) weight times `q / π` (at most [`CEILING`]
//! times): a detector whose findings are confirmed as often as the
//! average reviewed row's keeps its weight;
//! one whose findings reviewers call normal twice as often as that is
//! worth half; one no reviewed row has touched keeps its weight exactly
//! (`q = π`), as does every detector while its `n` is small against the
//! prior.
//!
//! Why the ratio to `π` and not `q` itself: reviewers work the top of the
//! list, so even a good detector's precision among them says as much about
//! how many rows were reviewed as about the detector. Against `π` it says
//! how the detector does beside the others on the same reviews, and the
//! unreviewed detectors, held at `π`, are neither favoured nor penalised
//! for not having been looked at.
//!
//! A weight the user names in the config (`[weights] split = 0.8`, or a
//! category's) is pinned: the reviews do not move it (`config::Weights`).
//!
//! The learnt factors apply to the sum that makes the score, not to the
//! features the supervised model reads (`features.rs`): those stay in the
//! configured weights, so a model trained on last month's rows reads this
//! month's on the same scale whatever the factors did meanwhile. Once
//! there are trees, they take the factors' place: the trees learn each
//! detector's precision from the same reviews, and the blend starts from
//! the configured evidence so as not to count those reviews twice
//! (`supervised.rs`).

use serde::{Deserialize, Serialize};

use super::features::Row;
use super::supervised::{Example, PRIOR_REVIEWS};
use crate::config::Weights;
use crate::i18n::{pick, Lang};
use crate::vocabulary::DetectorKind;

/// How far the reviews can raise a weight: by this factor at most. A
/// detector twice as precise as the average reviewed row counts up to
/// twice; past that the few rows behind such a precision (reviewers see
/// the strongest findings first) are not worth more.
pub const CEILING: f64 = 2.0;

/// One detector's reviewed record and the factor it earned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectorRecord {
    pub kind: DetectorKind,
    /// Reviewed rows (with a verdict) it found something in.
    pub reviewed: u32,
    /// Of those, the confirmed ones.
    pub confirmed: u32,
    /// `q / π` (see the module), the configured weight's multiplier.
    pub factor: f64,
}

/// Every detector's learnt factor, and the base rate behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectorWeights {
    /// `π`: the confirmed share of the reviewed rows.
    pub base_rate: f64,
    /// In [`DetectorKind::ALL`]'s order.
    pub detectors: Vec<DetectorRecord>,
}

impl Default for DetectorWeights {
    /// No reviews: every factor 1.
    fn default() -> Self {
        DetectorWeights::learn(&[])
    }
}

impl DetectorWeights {
    /// The factors `examples` give.
    pub fn learn(examples: &[Example]) -> DetectorWeights {
        let mut reviewed = [0u32; DetectorKind::COUNT];
        let mut confirmed = [0u32; DetectorKind::COUNT];
        for e in examples {
            for kind in e.features.fired() {
                reviewed[kind.index()] += 1;
                confirmed[kind.index()] += u32::from(e.confirmed);
            }
        }
        let total_confirmed = examples.iter().filter(|e| e.confirmed).count();
        let base_rate = if examples.is_empty() {
            0.0
        } else {
            total_confirmed as f64 / examples.len() as f64
        };
        let detectors = DetectorKind::ALL
            .iter()
            .map(|&kind| {
                let (n, k) = (reviewed[kind.index()], confirmed[kind.index()]);
                DetectorRecord {
                    kind,
                    reviewed: n,
                    confirmed: k,
                    factor: factor(n, k, base_rate),
                }
            })
            .collect();
        DetectorWeights {
            base_rate,
            detectors,
        }
    }

    /// What `kind`'s configured weight is multiplied by (1 for a detector
    /// a stored model did not know).
    pub fn factor(&self, kind: DetectorKind) -> f64 {
        self.detectors
            .iter()
            .find(|d| d.kind == kind)
            .map_or(1.0, |d| d.factor)
    }

    /// The factor in force for `kind` under `configured`: 1 where the
    /// config pins its weight.
    pub fn factor_under(&self, kind: DetectorKind, configured: &Weights) -> f64 {
        if configured.is_pinned(kind) {
            1.0
        } else {
            self.factor(kind)
        }
    }

    /// `row` with its total evidence made again under these factors; its
    /// features (what the supervised model reads) stay as they are.
    pub fn reweigh(&self, row: &Row, configured: &Weights) -> Row {
        row.with_total(crate::model::fusion::total(
            DetectorKind::ALL
                .iter()
                .map(|&k| (k, self.factor_under(k, configured) * row.evidence(k))),
        ))
    }

    /// Every detector's weight as shown to people: configured, learnt, in
    /// force, and the counts behind it.
    pub fn shown(&self, configured: &Weights) -> Vec<ShownWeight> {
        self.detectors
            .iter()
            .map(|d| {
                let pinned = configured.is_pinned(d.kind);
                let factor = self.factor_under(d.kind, configured);
                ShownWeight {
                    kind: d.kind,
                    configured: configured.get(d.kind),
                    pinned,
                    reviewed: d.reviewed,
                    confirmed: d.confirmed,
                    factor,
                    weight: configured.get(d.kind) * factor,
                }
            })
            .collect()
    }
}

/// One detector's weight, for the API, the command line, the 모델 품질
/// sheet and the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownWeight {
    #[serde(rename = "code")]
    pub kind: DetectorKind,
    /// The config's weight (or the default).
    pub configured: f64,
    /// Named in the config, so the reviews leave it be.
    pub pinned: bool,
    pub reviewed: u32,
    pub confirmed: u32,
    /// The learnt multiplier in force (1 when pinned).
    pub factor: f64,
    /// The weight in force: `configured × factor`.
    pub weight: f64,
}

/// What a shown weight's columns are called, Korean and English: the
/// command line's lines and the 모델 품질 sheet (the pages have theirs in
/// i18n.js).
pub const SHOWN_COLUMNS: [(&str, &str); 6] = [
    ("탐지기", "detector"),
    ("설정", "configured"),
    ("검토", "reviewed"),
    ("확인", "confirmed"),
    ("배율", "factor"),
    ("적용", "in force"),
];

/// The title of the weights' table.
pub fn shown_title(lang: Lang) -> &'static str {
    pick(
        lang,
        "탐지기 가중치 (전체 검토로 학습; 트리 모델이 학습되면 점수에는 그 모델이 대신 반영)",
        "detector weights (learnt from all reviews; once trees are trained, they take the weights' place in the score)",
    )
}

impl ShownWeight {
    /// What a pinned weight is marked with.
    pub fn pinned_word(lang: Lang) -> &'static str {
        pick(lang, "설정 고정", "pinned by the config")
    }
}

/// `q / π` with `q` the shrunk precision, within `[0, CEILING]`; 1 when
/// nothing is known (no reviews, or every reviewed row of one outcome:
/// then no detector can be told apart from another).
fn factor(reviewed: u32, confirmed: u32, base_rate: f64) -> f64 {
    if base_rate <= 0.0 || base_rate >= 1.0 {
        return 1.0;
    }
    (precision(reviewed, confirmed, base_rate) / base_rate).min(CEILING)
}

/// A detector's precision among the reviewed rows it fired on, `k` of `n`
/// confirmed, shrunk toward the reviews' base rate by [`PRIOR_REVIEWS`]:
/// `q = (k + PRIOR_REVIEWS·π) / (n + PRIOR_REVIEWS)`.
pub(crate) fn precision(reviewed: u32, confirmed: u32, base_rate: f64) -> f64 {
    (f64::from(confirmed) + PRIOR_REVIEWS * base_rate) / (f64::from(reviewed) + PRIOR_REVIEWS)
}

/// Reviewed rows for the tests of the weights and of what they judge.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// A reviewed row with one finding of `kind` (2 nats), or none.
    pub fn example(kind: Option<DetectorKind>, confirmed: bool) -> Example {
        let evidence: Vec<(DetectorKind, f32)> = kind.into_iter().map(|k| (k, 2.0)).collect();
        Example {
            features: Row::new(&evidence, 0.5),
            confirmed,
        }
    }

    /// 40 duplicates, 36 confirmed; 40 round amounts, 4 confirmed; 20
    /// rows with no finding, none confirmed. π = 40/100.
    pub fn duplicates_and_round_amounts() -> Vec<Example> {
        let mut examples = Vec::new();
        for i in 0..40 {
            examples.push(example(Some(DetectorKind::Duplicate), i < 36));
            examples.push(example(Some(DetectorKind::RoundAmount), i < 4));
        }
        for _ in 0..20 {
            examples.push(example(None, false));
        }
        examples
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{duplicates_and_round_amounts, example};
    use super::*;

    #[test]
    fn precision_moves_a_weight_shrunk_toward_the_average_while_thin() {
        let w = DetectorWeights::learn(&duplicates_and_round_amounts());
        assert!((w.base_rate - 0.4).abs() < 1e-12);
        // q = (36 + 4) / 50 = 0.8 → 2.0; q = (4 + 4) / 50 = 0.16 → 0.4.
        assert!((w.factor(DetectorKind::Duplicate) - 2.0).abs() < 1e-12);
        assert!((w.factor(DetectorKind::RoundAmount) - 0.4).abs() < 1e-12);
        assert_eq!(w.factor(DetectorKind::Split), 1.0, "never reviewed");
        let dup = &w.detectors[DetectorKind::Duplicate.index()];
        assert_eq!((dup.reviewed, dup.confirmed), (40, 36));
        // Two reviews say little: (0 + 4) / 12 = 1/3 → 0.83.
        let thin = DetectorWeights::learn(&[
            example(Some(DetectorKind::Split), false),
            example(Some(DetectorKind::Split), false),
            example(Some(DetectorKind::Duplicate), true),
            example(None, true),
            example(None, false),
        ]);
        assert!((thin.base_rate - 0.4).abs() < 1e-12);
        assert!((thin.factor(DetectorKind::Split) - (4.0 / 12.0) / 0.4).abs() < 1e-12);
        // The total is made again; the features are not.
        let row = Row::new(
            &vec![
                (DetectorKind::Duplicate, 1.0),
                (DetectorKind::RoundAmount, 3.0),
            ],
            0.5,
        );
        let again = w.reweigh(&row, &Weights::default());
        assert!((again.total() - (2.0 + 1.2)).abs() < 1e-6);
        assert_eq!(again.evidence(DetectorKind::RoundAmount), 3.0);
        // A weight the config names is pinned: the reviews leave it be.
        let mut pinned = Weights::default();
        pinned.set(DetectorKind::RoundAmount, 1.0);
        assert!((w.reweigh(&row, &pinned).total() - (2.0 + 3.0)).abs() < 1e-6);
        let shown = w.shown(&pinned);
        let round = &shown[DetectorKind::RoundAmount.index()];
        assert!(round.pinned && round.factor == 1.0 && round.reviewed == 40);
        assert!((shown[DetectorKind::Duplicate.index()].weight - 2.0).abs() < 1e-12);
    }

    #[test]
    fn one_outcome_or_none_moves_nothing() {
        assert!(DetectorWeights::default()
            .detectors
            .iter()
            .all(|d| d.factor == 1.0));
        let all_confirmed: Vec<Example> = (0..50)
            .map(|_| example(Some(DetectorKind::Split), true))
            .collect();
        assert_eq!(
            DetectorWeights::learn(&all_confirmed).factor(DetectorKind::Split),
            1.0
        );
    }
}
