//! A scored ledger's forecasts, with the model chosen to make them
//! (issue 13.3: "when the newest months' features or scores drift from
//! the model's, say so and re-fit; every run records its model version").
//! The one way to forecasts for every door: the command line, the agent.
//!
//! The forecaster kept from an earlier run is reused unless one of these
//! holds, in this order (the first is the reason told):
//!
//! 1. nothing is kept (the command line keeps nothing);
//! 2. it was trained under other parameters;
//! 3. it was trained on months this run validates or tests on: its
//!    errors would be measured on months it has seen;
//! 4. the newest months' spending (over each series' scale) or the risk
//!    scores of their rows have drifted from those it was trained on
//!    (`drift`: PSI past both 0.25 and chance).
//!
//! A kept forecaster trained on exactly the data this run would train on
//! is reused whatever the drift: re-fitting would give the same weights,
//! and would be asked for again at every run.

use serde::Serialize;

use super::drift::Psi;
use super::forecaster::{scores_in, Forecaster, Training};
use super::run::{forecast_with, ForecastParams, Forecasts};
use super::series::{month_index, month_label, monthly_series, MonthIndex, Period};
use crate::i18n::{pick, Lang, Text};
use crate::pipeline::ScoredLedger;
use crate::vocabulary::ForecastRefit;
use chrono::Datelike;

/// What a door has kept from earlier runs.
pub enum Kept {
    Nothing,
    /// A forecaster trained under other parameters.
    OtherParams,
    Model {
        /// The store's number for it.
        number: i64,
        forecaster: Box<Forecaster>,
    },
}

/// Which model a run forecast with, and why it was trained or reused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelUse {
    /// `Forecaster::version`: the same model at any door.
    pub version: String,
    /// The store's number for it; none where nothing is kept.
    pub number: Option<i64>,
    /// Why it was trained by this run; none when it was reused.
    pub refit: Option<ForecastRefit>,
    /// The newest month it was trained on.
    pub through: String,
    /// The newest months against the kept model's references.
    pub features: Option<Psi>,
    pub scores: Option<Psi>,
}

/// A run's forecasts.
pub struct Watch {
    pub period: Option<Period>,
    pub forecasts: Forecasts,
    pub model: ModelUse,
    /// The forecaster used: a door that keeps models keeps it when
    /// `model.refit` says it is new.
    pub forecaster: Forecaster,
}

/// Forecasts `scored`'s monthly series with the kept forecaster or a
/// new one (see the module's comment).
pub fn watch(scored: &ScoredLedger, params: &ForecastParams, kept: Kept) -> Watch {
    let (period, series) = monthly_series(&scored.ledger);
    let row_scores: Vec<(MonthIndex, f64)> = scored
        .ledger
        .transactions
        .iter()
        .zip(&scored.rows)
        .map(|(t, r)| (month_index(t.date.year(), t.date.month()), r.score))
        .collect();
    let newest = period
        .as_ref()
        .map(|p| p.last + 1 - params.holdout as i32..=p.last);
    let newest_scores = newest
        .map(|months| scores_in(&row_scores, months))
        .unwrap_or_default();
    let training = Training::of(&series, params);
    let newest_features = training.newest_features(params);

    let (reused, refit, features, scores) = match kept {
        Kept::Nothing => (None, Some(ForecastRefit::NoModel), None, None),
        Kept::OtherParams => (None, Some(ForecastRefit::ParamsChanged), None, None),
        Kept::Model { number, forecaster } => {
            let features = forecaster
                .features
                .as_ref()
                .and_then(|r| r.psi(&newest_features));
            let scores = forecaster
                .scores
                .as_ref()
                .and_then(|r| r.psi(&newest_scores));
            let drifted = |p: &Option<Psi>| p.is_some_and(|p| p.drifted);
            let refit = if forecaster.training == training.digest {
                None
            } else if forecaster.through > training.through {
                Some(ForecastRefit::SawHoldout)
            } else if drifted(&features) {
                Some(ForecastRefit::FeaturesDrifted)
            } else if drifted(&scores) {
                Some(ForecastRefit::ScoresDrifted)
            } else {
                None
            };
            let reused = refit.is_none().then_some((number, *forecaster));
            (reused, refit, features, scores)
        }
    };
    let (number, mut forecaster) = match reused {
        Some((number, f)) => (Some(number), f),
        None => (None, Forecaster::train(&training, params, &row_scores)),
    };
    let forecasts = forecast_with(&series, &training, &mut forecaster);
    Watch {
        period,
        forecasts,
        model: ModelUse {
            version: forecaster.version(),
            number,
            refit,
            through: month_label(forecaster.through),
            features,
            scores,
        },
        forecaster,
    }
}

impl ModelUse {
    /// One line for a summary: the model, whether it was trained now and
    /// why, and the drift measured.
    pub fn describe(&self) -> Text {
        Text::new(self.line(Lang::Ko), self.line(Lang::En))
    }

    fn line(&self, lang: Lang) -> String {
        let mut line = format!(
            "{} {}",
            pick(lang, "예측 모델", "forecast model"),
            self.version
        );
        if let Some(n) = self.number {
            line += &format!(" ({} #{n})", pick(lang, "보관", "kept as"));
        }
        line += &match lang {
            Lang::Ko => format!(" ({} 까지 학습) ", self.through),
            Lang::En => format!(" (trained through {}) ", self.through),
        };
        line += &match self.refit {
            None => pick(lang, "재사용", "reused").to_string(),
            Some(r) => format!(
                "{}: {}",
                pick(lang, "새로 학습", "trained now"),
                r.word(lang)
            ),
        };
        let drift: Vec<String> = [
            (&self.features, pick(lang, "지출", "spending")),
            (&self.scores, pick(lang, "위험 점수", "risk scores")),
        ]
        .into_iter()
        .filter_map(|(p, word)| {
            p.map(|p| {
                let chance = pick(lang, "우연 한계", "chance");
                format!("{word} PSI {:.2} ({chance} {:.2})", p.value, p.chance)
            })
        })
        .collect();
        if !drift.is_empty() {
            line += &format!(" · {}", drift.join(", "));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::lstm::LstmParams;

    fn params() -> ForecastParams {
        ForecastParams {
            lstm: LstmParams {
                epochs: 3,
                max_windows: 200,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn scored(rows: &crate::demo::DemoLedger) -> ScoredLedger {
        let ledger =
            crate::ingest::ledger_from_grid(rows.to_grid(), "원장.xlsx", &Default::default())
                .unwrap();
        crate::pipeline::score(ledger, &Default::default(), None).unwrap()
    }

    /// The model a watch used, as the store would keep and read it back.
    fn kept(w: &Watch, number: i64) -> Kept {
        let forecaster = Forecaster::read(&w.forecaster.keep(), &params())
            .unwrap()
            .unwrap();
        Kept::Model {
            number,
            forecaster: Box::new(forecaster),
        }
    }

    #[test]
    fn the_same_ledger_reuses_its_model_a_drifted_or_older_one_refits() {
        use chrono::Datelike;
        let demo = crate::demo::generate(3000, 7);
        let month = |r: &crate::demo::DemoRow| month_index(r.date.year(), r.date.month());
        let newest = demo.rows.iter().map(month).max().unwrap();
        // The ledger three months ago.
        let mut earlier = demo.clone();
        earlier.rows.retain(|r| month(r) + 3 <= newest);
        let first = watch(&scored(&earlier), &params(), Kept::Nothing);
        assert_eq!(first.model.refit, Some(ForecastRefit::NoModel));
        // Read back from the store's form: reused, and the very same
        // forecasts (bit for bit) under the very same version.
        let again = watch(&scored(&earlier), &params(), kept(&first, 1));
        assert_eq!(again.model.refit, None);
        assert_eq!(
            (again.model.number, &again.model.version),
            (Some(1), &first.model.version)
        );
        assert_eq!(again.forecasts, first.forecasts);
        // Under other settings: trained afresh.
        let other = ForecastParams {
            holdout: 4,
            ..params()
        };
        let kept_other = match Forecaster::read(&first.forecaster.keep(), &other).unwrap() {
            None => Kept::OtherParams,
            Some(_) => panic!("read under other parameters"),
        };
        let w = watch(&scored(&earlier), &other, kept_other);
        assert_eq!(w.model.refit, Some(ForecastRefit::ParamsChanged));

        // Three months on, spending five times what it was: drift, refit.
        let mut shifted = demo.clone();
        for r in shifted.rows.iter_mut() {
            if month(r) + 3 > newest {
                r.amount *= 5.0;
            }
        }
        let later = watch(&scored(&shifted), &params(), kept(&first, 1));
        let features = later.model.features.unwrap();
        assert!(features.drifted, "{features:?}");
        assert_eq!(later.model.refit, Some(ForecastRefit::FeaturesDrifted));
        assert_ne!(later.model.version, first.model.version);

        // The earlier ledger again, with the later model kept: that model
        // was trained on months the earlier ledger validates on.
        let w = watch(&scored(&earlier), &params(), kept(&later, 2));
        assert_eq!(w.model.refit, Some(ForecastRefit::SawHoldout));
    }
}
