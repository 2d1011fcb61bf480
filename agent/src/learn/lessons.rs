//! What the reviews taught, as one model in use: every detector's learnt
//! weight (`weights.rs`, from the first review on) and, once there are
//! enough reviews of both outcomes, the trees (`supervised.rs`). Stored
//! whole in one row of `models`; a run scored with it names its version.

use serde::{Deserialize, Serialize};

use super::features::Row;
use super::supervised::{Example, Model};
use super::weights::DetectorWeights;
use crate::error::Error;
use crate::i18n::Text;

#[derive(Debug, Serialize, Deserialize)]
pub struct Lessons {
    pub weights: DetectorWeights,
    /// The supervised model; `None` with `waiting` saying why.
    pub trees: Option<Model>,
    pub waiting: Option<Text>,
    pub confirmed: usize,
    pub normal: usize,
}

impl Lessons {
    /// Learns from `examples` (deterministic for a seed).
    pub fn learn(examples: &[Example], seed: u64) -> Lessons {
        let confirmed = examples.iter().filter(|e| e.confirmed).count();
        let (trees, waiting) = match Model::train(examples, seed) {
            Ok(model) => (Some(model), None),
            Err(why) => (None, Some(why)),
        };
        Lessons {
            weights: DetectorWeights::learn(examples),
            trees,
            waiting,
            confirmed,
            normal: examples.len() - confirmed,
        }
    }

    /// How many trees are in use (0 without a supervised model).
    pub fn tree_count(&self) -> usize {
        self.trees.as_ref().map_or(0, |m| m.trees)
    }

    /// Each row's evidence: its total (already under the learnt weights,
    /// see `weights::DetectorWeights::reweigh`) blended with the trees when
    /// there are some.
    pub fn evidence(&self, rows: &[Row]) -> Vec<f64> {
        match &self.trees {
            Some(model) => model.blend(rows),
            None => rows.iter().map(Row::total).collect(),
        }
    }

    /// The stored form (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("lessons serialise")
    }

    /// Reads stored lessons back; refuses trees of other features.
    pub fn from_json(json: &str) -> Result<Lessons, Error> {
        let mut lessons: Lessons = serde_json::from_str(json).map_err(Error::internal)?;
        if let Some(model) = lessons.trees.take() {
            lessons.trees = Some(model.loaded()?);
        }
        Ok(lessons)
    }
}

/// The lessons in use: what the store keeps of them and the version runs
/// name.
#[derive(Debug)]
pub struct Learned {
    pub version: i64,
    pub trained_at: String,
    pub lessons: Lessons,
}

impl Learned {
    /// What a run scored with it records as its model version.
    pub fn run_version(&self) -> String {
        format!(
            "{}+reviews-{}",
            crate::pipeline::MODEL_VERSION,
            self.version
        )
    }
}
