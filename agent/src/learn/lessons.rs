//! What the reviews taught, as one model in use: every detector's learnt
//! weight (`weights.rs`, from the first review on) and, once there are
//! enough reviews of both outcomes, the trees (`supervised.rs`). Stored
//! whole in one row of `models`; a run scored with it names its version.

use serde::{Deserialize, Serialize};

use super::features::Row;
use super::next::Judgement;
use super::supervised::{Example, Model};
use super::weights::DetectorWeights;
use crate::error::Error;
use crate::i18n::Text;
use crate::store::Store;

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

    /// Each row's evidence: with trees, the configured weights' evidence
    /// blended with them (the trees take the learnt weights' place,
    /// `supervised.rs`); without, its total under the learnt weights
    /// (`weights::DetectorWeights::reweigh`). And what the lessons say of the row
    /// (`next::Judgement`): by the trees where there are some, else by the
    /// learnt weights.
    pub fn assess(&self, rows: &[Row]) -> Vec<(f64, Judgement)> {
        match self.trees_in_force() {
            Some(model) => model.assess(rows),
            None => rows
                .iter()
                .map(|r| (r.total(), self.weights.judge(r)))
                .collect(),
        }
    }

    /// The trees, when there are some: they take the learnt weights'
    /// place (`supervised.rs`).
    fn trees_in_force(&self) -> Option<&Model> {
        self.trees.as_ref().filter(|m| m.trees > 0)
    }

    /// What `kind`'s configured weight is multiplied by now: its learnt
    /// factor until there are trees (1 where the config pins it), then 1.
    pub fn factor(
        &self,
        kind: crate::vocabulary::DetectorKind,
        configured: &crate::config::Weights,
    ) -> f64 {
        if self.trees_in_force().is_some() {
            1.0
        } else {
            self.weights.factor_under(kind, configured)
        }
    }

    /// Every detector's weight as shown to people, its factor the one in
    /// force now ([`Lessons::factor`]: 1 once the trees score).
    pub fn shown_weights(
        &self,
        configured: &crate::config::Weights,
    ) -> Vec<super::weights::ShownWeight> {
        let mut shown = self.weights.shown(configured);
        for w in &mut shown {
            w.factor = self.factor(w.kind, configured);
            w.weight = w.configured * w.factor;
        }
        shown
    }

    /// What the reviews in `store` teach, read in one snapshot: the
    /// newest review read, and the lessons (`None` while no reviewed row
    /// has features to learn from). The training's whole work, done in
    /// the agent's training worker (`server::training`).
    pub fn from_store(store: &Store, seed: u64) -> Result<(i64, Option<Lessons>), Error> {
        let (newest, reviewed) = store.snapshot(|s| Ok((s.newest_review()?, s.reviewed()?)))?;
        let examples = Example::from_reviewed(&reviewed.rows);
        if examples.is_empty() {
            return Ok((newest, None));
        }
        Ok((newest, Some(Lessons::learn(&examples, seed))))
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

/// What the agent's training worker (`ledgerlens model learn`) prints on
/// one line for the agent (`server::training`).
#[derive(Debug, Serialize, Deserialize)]
pub struct TrainingOutput {
    /// The newest review it read.
    pub newest: i64,
    /// The lessons in their stored form; `None` with nothing to learn from.
    pub lessons: Option<String>,
}

impl TrainingOutput {
    pub fn new(newest: i64, lessons: Option<&Lessons>) -> TrainingOutput {
        TrainingOutput {
            newest,
            lessons: lessons.map(Lessons::to_json),
        }
    }

    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a training's output serialises")
    }

    /// The worker's line read back, its lessons ready to score with.
    pub fn read(line: &str) -> Result<(i64, Option<Lessons>), Error> {
        let output: TrainingOutput = serde_json::from_str(line.trim()).map_err(Error::internal)?;
        let lessons = output
            .lessons
            .as_deref()
            .map(Lessons::from_json)
            .transpose()?;
        Ok((output.newest, lessons))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Weights;
    use crate::learn::weights::fixtures::duplicates_and_round_amounts;
    use crate::vocabulary::DetectorKind;

    /// The learnt weights score until there are trees, then give way: the
    /// factor in force, and the one shown, are 1 once the trees score.
    #[test]
    fn the_trees_take_the_learnt_weights_place() {
        let examples = duplicates_and_round_amounts();
        let weights = Weights::default();
        let with_trees = Lessons::learn(&examples, 1);
        assert!(
            with_trees.tree_count() > 0,
            "40 confirmed, 60 normal: trees"
        );
        assert_eq!(with_trees.factor(DetectorKind::Duplicate, &weights), 1.0);
        let shown = with_trees.shown_weights(&weights);
        assert!(shown
            .iter()
            .all(|w| w.factor == 1.0 && w.weight == w.configured));
        assert!(
            shown[DetectorKind::Duplicate.index()].reviewed == 40,
            "the counts are still shown"
        );
        // Twenty reviews: too few for trees, the weights are in force.
        let few = Lessons::learn(&examples[..20], 1);
        assert_eq!(few.tree_count(), 0);
        let learnt = few.weights.factor(DetectorKind::Duplicate);
        assert_ne!(learnt, 1.0);
        assert_eq!(few.factor(DetectorKind::Duplicate, &weights), learnt);
    }
}
