//! The trained part of a forecast run: the LSTMs of every window, what
//! they were trained on (the month they reach, a digest of the data) and
//! the reference distributions drift is measured against
//! (`forecast::drift`). The baselines refit in microseconds and are not
//! kept; the LSTMs are, so that a run can reuse the model of the run
//! before it (`forecast::watch` decides) and say which model it used.
//!
//! **The model version** is the digest of the parameters, the data
//! trained on and every weight: two runs with the same digest forecast with
//! the same model, at any door. The store numbers the models it keeps as
//! well; the digest is what identifies one without a store.

use sha2::{Digest, Sha256};

use super::drift::Reference;
use super::lstm::{Lstm, Scaled};
use super::run::ForecastParams;
use super::series::{MonthIndex, Series};
use crate::vocabulary::ForecastModel;

/// A trained forecaster.
pub struct Forecaster {
    pub params: ForecastParams,
    /// The newest month a training window's target was in.
    pub through: MonthIndex,
    /// A digest of the months trained on: the same data, the same model.
    pub training: String,
    pub(super) lstms: Vec<(ForecastModel, Lstm)>,
    /// Every training month's spending over its series' scale.
    pub features: Option<Reference>,
    /// The risk scores of the rows in the training months.
    pub scores: Option<Reference>,
}

/// A forecaster as the store keeps it: its description in JSON and its
/// weights as little-endian `f64`s.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptForecaster {
    pub description: String,
    pub weights: Vec<u8>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Description {
    /// `ForecastParams` as JSON: a model is reused only under the same.
    params: String,
    through: MonthIndex,
    training: String,
    windows: Vec<ForecastModel>,
    features: Option<Reference>,
    scores: Option<Reference>,
}

/// The window of an LSTM model; `None` for the baselines.
pub(super) fn lstm_window(model: ForecastModel) -> Option<usize> {
    match model {
        ForecastModel::Lstm3 => Some(3),
        ForecastModel::Lstm6 => Some(6),
        ForecastModel::Lstm12 => Some(12),
        _ => None,
    }
}

fn scale(values: &[f64]) -> f64 {
    let mean = values.iter().map(|v| v.abs()).sum::<f64>() / values.len().max(1) as f64;
    if mean > 0.0 {
        mean
    } else {
        1.0
    }
}

/// How many of a series' first months are fitted on: those before its
/// validation and test months (at least one).
fn fit_end(s: &Series, params: &ForecastParams) -> usize {
    s.values
        .len()
        .saturating_sub(params.holdout + params.validation)
        .max(1)
}

/// What a forecaster trained on a ledger's series sees, worked out once
/// per run: each series scaled by its mean on the months fitted on (the
/// LSTM's view of it), those months of the series with at least two of
/// them (one month has nothing to learn from), the newest month trained
/// on, and a digest of it all (the same data, the same model).
pub struct Training<'a> {
    pub scaled: Vec<Scaled<'a>>,
    data: Vec<Scaled<'a>>,
    pub through: MonthIndex,
    pub digest: String,
}

impl<'a> Training<'a> {
    pub fn of(all: &'a [Series], params: &ForecastParams) -> Training<'a> {
        let scaled: Vec<Scaled<'a>> = all
            .iter()
            .map(|s| Scaled {
                values: &s.values,
                start: s.start,
                scale: scale(&s.values[..fit_end(s, params)]),
            })
            .collect();
        let data: Vec<Scaled<'a>> = all
            .iter()
            .zip(&scaled)
            .map(|(s, sc)| Scaled {
                values: &s.values[..fit_end(s, params)],
                ..*sc
            })
            .filter(|s| s.values.len() >= 2)
            .collect();
        let through = data
            .iter()
            .map(|s| s.start + s.values.len() as i32 - 1)
            .max()
            .unwrap_or(MonthIndex::MIN);
        let mut h = Sha256::new();
        for s in &data {
            h.update(s.start.to_le_bytes());
            h.update(s.scale.to_le_bytes());
            h.update((s.values.len() as u64).to_le_bytes());
            for v in s.values {
                h.update(v.to_le_bytes());
            }
        }
        Training {
            scaled,
            data,
            through,
            digest: crate::hex::hex(&h.finalize())[..16].to_string(),
        }
    }

    /// The newest months' features: each series' test months over its
    /// scale.
    pub fn newest_features(&self, params: &ForecastParams) -> Vec<f64> {
        self.scaled
            .iter()
            .flat_map(|s| {
                let from = s.values.len().saturating_sub(params.holdout);
                s.values[from..].iter().map(move |v| v / s.scale)
            })
            .collect()
    }
}

/// The scores of the rows in months `months` (inclusive).
pub(super) fn scores_in(
    row_scores: &[(MonthIndex, f64)],
    months: std::ops::RangeInclusive<MonthIndex>,
) -> Vec<f64> {
    row_scores
        .iter()
        .filter(|(m, _)| months.contains(m))
        .map(|&(_, s)| s)
        .collect()
}

impl Forecaster {
    /// Trains every window's LSTM on the months before each series'
    /// validation, and measures the references drift is judged against
    /// (`row_scores`: each scored row's month and risk score).
    pub fn train(
        training: &Training<'_>,
        params: &ForecastParams,
        row_scores: &[(MonthIndex, f64)],
    ) -> Forecaster {
        let data = &training.data;
        let lstms = ForecastModel::ALL
            .iter()
            .filter_map(|&m| lstm_window(m).map(|w| (m, w)))
            .map(|(m, w)| (m, Lstm::train(data, w, params.padding, &params.lstm)))
            .collect();
        let features: Vec<f64> = data
            .iter()
            .flat_map(|s| s.values.iter().map(move |v| v / s.scale))
            .collect();
        let through = training.through;
        Forecaster {
            params: *params,
            through,
            training: training.digest.clone(),
            lstms,
            features: Reference::of(&features),
            scores: Reference::of(&scores_in(row_scores, MonthIndex::MIN..=through)),
        }
    }

    /// The model version: a digest of the parameters, the data trained on
    /// and every weight (not the references: they are kept as JSON text,
    /// whose floats need not read back to the bit).
    pub fn version(&self) -> String {
        let mut h = Sha256::new();
        h.update(serde_json::to_string(&self.params).unwrap_or_default());
        h.update(self.through.to_le_bytes());
        h.update(self.training.as_bytes());
        h.update(self.weight_bytes());
        crate::hex::hex(&h.finalize())[..12].to_string()
    }

    /// Every LSTM's weights, in order, as little-endian `f64`s.
    fn weight_bytes(&self) -> Vec<u8> {
        self.lstms
            .iter()
            .flat_map(|(_, l)| l.weights())
            .flat_map(f64::to_le_bytes)
            .collect()
    }

    /// The forecaster as the store keeps it.
    pub fn keep(&self) -> KeptForecaster {
        let description = Description {
            params: serde_json::to_string(&self.params).unwrap_or_default(),
            through: self.through,
            training: self.training.clone(),
            windows: self.lstms.iter().map(|(m, _)| *m).collect(),
            features: self.features.clone(),
            scores: self.scores.clone(),
        };
        KeptForecaster {
            description: serde_json::to_string(&description).unwrap_or_default(),
            weights: self.weight_bytes(),
        }
    }

    /// A kept forecaster read back: `Ok(None)` when it was trained under
    /// other parameters than `params` (it cannot be reused), `Err` with
    /// what is wrong when the kept bytes do not make a model.
    pub fn read(
        kept: &KeptForecaster,
        params: &ForecastParams,
    ) -> Result<Option<Forecaster>, String> {
        let d: Description = serde_json::from_str(&kept.description)
            .map_err(|e| format!("forecast model description: {e}"))?;
        if d.params != serde_json::to_string(params).unwrap_or_default() {
            return Ok(None);
        }
        let hidden = params.lstm.hidden;
        let per = Lstm::weight_count(hidden) * 8;
        if kept.weights.len() != per * d.windows.len() {
            return Err(format!(
                "forecast model weights: {} bytes for {} networks of {hidden}",
                kept.weights.len(),
                d.windows.len()
            ));
        }
        let mut lstms = Vec::with_capacity(d.windows.len());
        for (model, bytes) in d.windows.iter().zip(kept.weights.chunks(per)) {
            let window = lstm_window(*model)
                .ok_or_else(|| format!("forecast model: {} is not an LSTM", model.code()))?;
            let weights: Vec<f64> = bytes
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().expect("eight bytes")))
                .collect();
            let lstm = Lstm::from_weights(window, params.padding, hidden, &weights)
                .expect("the length was checked");
            lstms.push((*model, lstm));
        }
        Ok(Some(Forecaster {
            params: *params,
            through: d.through,
            training: d.training,
            lstms,
            features: d.features,
            scores: d.scores,
        }))
    }

    /// `model`'s LSTM.
    pub(super) fn lstm(&mut self, model: ForecastModel) -> &mut Lstm {
        &mut self
            .lstms
            .iter_mut()
            .find(|(m, _)| *m == model)
            .expect("every LSTM window is trained")
            .1
    }
}
