//! The model report: how well a score separates what reviewers confirmed
//! from what they called normal, on every review and on the later ones.
//!
//! "Later" is the most recent third of the reviews by when they were
//! written: the rows a model trained on the earlier two thirds is judged on
//! (issue 12: train on earlier reviews, measure on later ones), so every
//! score is reported on the same later rows. A figure that cannot be
//! computed (no confirmed row yet, or no normal one) says why instead.

use serde::Serialize;

use super::features::Row;
use super::metrics::{self, Separation};
use super::supervised::{Example, Model};
use super::weights::{self, DetectorWeights, ShownWeight};
use crate::config::Config;
use crate::i18n::{Lang, Text};
use crate::store::{Reviewed, ReviewedRow};
use crate::vocabulary::{ReviewSet, ScoreKind};

/// The share of the reviews, newest first, that is held out as "later".
pub const LATER_SHARE: f64 = 1.0 / 3.0;

/// The score thresholds of the threshold table.
pub const THRESHOLDS: [f64; 9] = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0];

/// One score on one set of reviewed rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judged {
    pub on: ReviewSet,
    pub rows: usize,
    pub figures: Option<Separation>,
    /// Why `figures` is missing.
    pub missing: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelReport {
    pub confirmed: usize,
    pub normal: usize,
    pub needs_evidence: u64,
    pub unscored: u64,
    /// When the later reviews begin.
    pub later_from: Option<String>,
    /// The unsupervised score (the detectors' fused evidence), on all
    /// reviews and on the later ones.
    pub unsupervised: [Judged; 2],
    /// The unsupervised score under the weights learnt from the earlier
    /// reviews, on the later ones (`None` before any review has features).
    pub weighted: Option<Judged>,
    /// A model trained on the earlier reviews only (`supervised.rs`), its
    /// probability ×100, on the later ones; `None` with `learning` saying
    /// why when there are too few earlier reviews of an outcome.
    pub supervised: Option<Judged>,
    /// The blend of that model with the unsupervised score, on the later
    /// reviews.
    pub blend: Option<Judged>,
    /// Why no model could be trained on the earlier reviews.
    pub learning: Option<Text>,
    /// Every detector's weight as learnt from all the reviews (what the
    /// agent scores with), with the counts behind it.
    pub weights: Vec<ShownWeight>,
}

/// The unsupervised score of a reviewed row: from its features where they
/// were kept (so a run blended with an earlier model is judged on its
/// unsupervised part), else the score the reviewer saw.
fn unsupervised_score(r: &ReviewedRow) -> f64 {
    r.features
        .as_ref()
        .map_or(r.score, |f| crate::model::fusion::score(f.total()))
}

/// The report on `reviewed` (oldest review first, as the store gives it)
/// under `config` (the model's seed, the pinned weights).
pub fn report(reviewed: &Reviewed, config: &Config) -> ModelReport {
    let seed = config.seed;
    let rows = &reviewed.rows;
    let later_start = rows.len() - (rows.len() as f64 * LATER_SHARE).round() as usize;
    let judge = |on: ReviewSet, part: &[ReviewedRow], scores: Vec<f64>| {
        let positive: Vec<bool> = part.iter().map(|r| r.confirmed).collect();
        match metrics::separation(&scores, &positive, &THRESHOLDS) {
            Ok(figures) => Judged {
                on,
                rows: part.len(),
                figures: Some(figures),
                missing: None,
            },
            Err(e) => Judged {
                on,
                rows: part.len(),
                figures: None,
                missing: Some(e.message),
            },
        }
    };
    let unsupervised = |part: &[ReviewedRow]| part.iter().map(unsupervised_score).collect();
    let (earlier, later) = rows.split_at(later_start);
    // The model judged on the later reviews learns from the earlier ones
    // only, and only from rows whose features were kept.
    let examples = Example::from_reviewed(earlier);
    // The later rows a learnt model can read: those whose features were kept.
    let part: Vec<ReviewedRow> = later
        .iter()
        .filter(|r| r.features.is_some())
        .cloned()
        .collect();
    let weights = DetectorWeights::learn(&examples);
    let features: Vec<Row> = part
        .iter()
        .filter_map(|r| r.features.as_ref())
        .map(|f| weights.reweigh(f, &config.weights))
        .collect();
    let weighted = (!examples.is_empty()).then(|| {
        let scores = features
            .iter()
            .map(|f| crate::model::fusion::score(f.total()))
            .collect();
        judge(ReviewSet::Later, &part, scores)
    });
    let (supervised, blend, learning) = match Model::train(&examples, seed) {
        Ok(model) => {
            let p = model.probability(&features);
            let blended = model
                .blend(&features)
                .into_iter()
                .map(crate::model::fusion::score)
                .collect();
            (
                Some(judge(
                    ReviewSet::Later,
                    &part,
                    p.iter().map(|p| 100.0 * p).collect(),
                )),
                Some(judge(ReviewSet::Later, &part, blended)),
                None,
            )
        }
        Err(why) => (None, None, Some(why)),
    };
    let confirmed = rows.iter().filter(|r| r.confirmed).count();
    ModelReport {
        confirmed,
        normal: rows.len() - confirmed,
        needs_evidence: reviewed.needs_evidence,
        unscored: reviewed.unscored,
        later_from: rows.get(later_start).map(|r| r.at.clone()),
        unsupervised: [
            judge(ReviewSet::All, rows, unsupervised(rows)),
            judge(ReviewSet::Later, later, unsupervised(later)),
        ],
        weighted,
        supervised,
        blend,
        learning,
        weights: DetectorWeights::learn(&Example::from_reviewed(rows)).shown(&config.weights),
    }
}

impl ModelReport {
    /// Every score's figures, unsupervised first: what the command line,
    /// the 모델 품질 sheet and the dashboard show, in this order.
    pub fn judged(&self) -> impl Iterator<Item = (ScoreKind, &Judged)> {
        let unsupervised = self
            .unsupervised
            .iter()
            .map(|j| (ScoreKind::Unsupervised, j));
        let weighted = self.weighted.iter().map(|j| (ScoreKind::Weighted, j));
        let supervised = self.supervised.iter().map(|j| (ScoreKind::Supervised, j));
        let blend = self.blend.iter().map(|j| (ScoreKind::Blend, j));
        unsupervised.chain(weighted).chain(supervised).chain(blend)
    }

    /// The report as lines of text, for the command line.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let mut out = vec![match lang {
            Lang::Ko => format!(
                "검토된 행: 확인된 이상 {} · 정상 {} (증빙 필요 {}건은 결과가 아직 없어 제외, 점수 없는 행 {}건 제외)",
                self.confirmed, self.normal, self.needs_evidence, self.unscored
            ),
            Lang::En => format!(
                "reviewed rows: {} confirmed · {} normal ({} needing evidence have no outcome yet, {} without a score: left out)",
                self.confirmed, self.normal, self.needs_evidence, self.unscored
            ),
        }];
        if let Some(from) = &self.later_from {
            out.push(match lang {
                Lang::Ko => format!("나중 검토: {from} 이후 (가장 최근 1/3)"),
                Lang::En => format!("later reviews: from {from} (the newest third)"),
            });
        }
        for (kind, judged) in self.judged() {
            let what = kind.word(lang);
            let title = match (lang, judged.on) {
                (Lang::Ko, ReviewSet::All) => format!("{what}, 전체 검토 {}건", judged.rows),
                (Lang::Ko, _) => format!("{what}, 나중 검토 {}건", judged.rows),
                (Lang::En, ReviewSet::All) => format!("{what}, all {} reviews", judged.rows),
                (Lang::En, _) => format!("{what}, the {} later reviews", judged.rows),
            };
            match (&judged.figures, &judged.missing) {
                (Some(f), _) => {
                    out.push(format!(
                        "{title}: AUC {:.3} · PR-AUC {:.3} · KS {:.3} ({} {:.1}) · Gini {:.3}",
                        f.auc,
                        f.pr_auc,
                        f.ks,
                        crate::i18n::pick(lang, "점수", "at score"),
                        f.ks_at,
                        f.gini
                    ));
                    out.push(
                        crate::i18n::pick(
                            lang,
                            "  기준 ≥ | 플래그 | 정확도 | 정밀도 | 재현율 | F1",
                            "  score ≥ | flagged | accuracy | precision | recall | F1",
                        )
                        .to_string(),
                    );
                    for t in &f.thresholds {
                        out.push(format!(
                            "  {:>5.0} | {:>6} | {:.3} | {:.3} | {:.3} | {:.3}",
                            t.threshold, t.flagged, t.accuracy, t.precision, t.recall, t.f1
                        ));
                    }
                }
                (None, Some(why)) => out.push(format!("{title}: {}", why.get(lang))),
                (None, None) => {}
            }
        }
        if let Some(why) = &self.learning {
            out.push(format!(
                "{}: {}",
                crate::i18n::pick(lang, "지도 모델", "supervised model"),
                why.get(lang)
            ));
        }
        let columns: Vec<&str> = weights::SHOWN_COLUMNS
            .iter()
            .map(|&(ko, en)| crate::i18n::pick(lang, ko, en))
            .collect();
        out.push(format!(
            "{}: {}",
            weights::shown_title(lang),
            columns.join(" | ")
        ));
        for w in &self.weights {
            let pinned = if w.pinned {
                format!(" ({})", ShownWeight::pinned_word(lang))
            } else {
                String::new()
            };
            out.push(format!(
                "  {} | {:.2} | {} | {} | {:.2} | {:.2}{pinned}",
                w.kind.word(lang),
                w.configured,
                w.reviewed,
                w.confirmed,
                w.factor,
                w.weight
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ReviewedRow;

    fn row(at: &str, score: f64, confirmed: bool) -> ReviewedRow {
        ReviewedRow {
            key: at.into(),
            confirmed,
            reason: None,
            at: at.into(),
            score,
            features: None,
            id: 0,
        }
    }

    #[test]
    fn the_later_third_is_held_out_and_one_outcome_says_why() {
        let reviewed = Reviewed {
            rows: vec![
                row("2026-01-01", 90.0, true),
                row("2026-01-02", 10.0, false),
                row("2026-01-03", 80.0, true),
                row("2026-01-04", 20.0, false),
                row("2026-01-05", 70.0, true),
                row("2026-01-06", 60.0, true),
            ],
            needs_evidence: 1,
            unscored: 0,
        };
        let r = report(&reviewed, &Config::default());
        assert_eq!((r.confirmed, r.normal), (4, 2));
        assert_eq!(r.later_from.as_deref(), Some("2026-01-05"));
        assert_eq!(r.unsupervised[0].figures.as_ref().unwrap().auc, 1.0);
        let later = &r.unsupervised[1];
        assert_eq!(later.rows, 2);
        assert!(later.figures.is_none(), "both later rows are confirmed");
        assert!(later
            .missing
            .as_ref()
            .unwrap()
            .en
            .contains("need rows of both outcomes"));
        let text = r.lines(Lang::En).join("\n");
        assert!(
            text.contains("unsupervised score, all 6 reviews: AUC 1.000"),
            "{text}"
        );
        assert!(r.lines(Lang::Ko).join("\n").contains("증빙 필요 1건"));
    }
}
