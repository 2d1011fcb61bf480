//! The supervised model: gradient-boosted trees (forust-ml) trained on the
//! reviewed rows' features (`features.rs`) against the reviewers' verdicts,
//! and the rule that blends it with the unsupervised score.
//!
//! **When.** Only with at least [`MIN_PER_OUTCOME`] reviewed rows of each
//! outcome (확인된 이상 and 정상; 증빙 필요 is no verdict). With fewer, the
//! minority class fills a handful of leaves and the model's probabilities
//! are those few rows' labels; 30 is also where the later third that the
//! model is judged on (`report.rs`) has about ten of each, the least a
//! PR-AUC means anything on.
//!
//! **The blend.** A Bayesian update of the unsupervised evidence. That
//! evidence is in nats, log-odds units (`model::fusion`), and stays the
//! prior; the model, which never sees it (`features.rs`), says how much
//! more or less often than the average reviewed row rows like this one
//! were confirmed: `logit p − logit π`, `π` the confirmed share of the
//! reviews. It is added as far as the reviews know rows like this one:
//! `E' = E + c·(logit p − logit π)` (0 at least), `c` the support: for each
//! detector that found something in the row, `n / (n + PRIOR_REVIEWS)`
//! with `n` the reviewed rows that detector found something in, and the
//! smallest of these (a row is as well known as its least-reviewed
//! finding). A row with a finding no review has touched gets `c = 0` and
//! keeps its unsupervised score exactly; so does a row with no finding
//! when no reviewed row was one.
//!
//! The prior is the evidence under the configured weights, not under the
//! weights the reviews taught (`weights.rs`): the trees read each
//! detector's evidence and learn its precision from the same reviews the
//! weights learn it from, so starting them from the reweighted evidence
//! counts those reviews twice. Measured on the review streams, that lost
//! PR-AUC on the demo bed after 200 reviews (0.809 unsupervised → 0.769,
//! against 0.829 from the configured evidence; docs/BENCHMARKS.md). So the
//! learnt weights score the rows until there are trees, and then give way.
//!
//! Why not replace the score by the model's probability where the reviews
//! are thick: reviewers work the top of the list, so the model has seen
//! strong findings only, and its flat leaves would give a weak finding
//! the same odds as a strong one. The first version did (the model's
//! log-odds mapped onto nats by one offset) and lost PR-AUC on 8 of 10
//! beds after 200 reviews; the update gains on all 10 (docs/BENCHMARKS.md).

use forust_ml::{GradientBooster, Matrix};
use serde::{Deserialize, Serialize};

use super::features::{self, Row};
use super::next::Judgement;
use crate::error::Error;
use crate::i18n::Text;
use crate::store::ReviewedRow;
use crate::vocabulary::DetectorKind;

/// Reviewed rows of each outcome a model needs before it is trained.
pub const MIN_PER_OUTCOME: usize = 30;

/// How many reviews the unsupervised score is worth in the blend: a
/// detector's rows are half governed by the learnt model once this many of
/// them have been reviewed. Also the detectors' weight prior (issue 12.3).
pub const PRIOR_REVIEWS: f64 = 10.0;

/// The trees' settings. Shallow and slow-learning: a few hundred noisy
/// reviews, 16 columns; depth 3 still lets two detectors interact.
const TREES: usize = 100;
const LEARNING_RATE: f32 = 0.1;
const DEPTH: usize = 3;
/// Hessian mass per leaf (about four rows at p = ½).
const MIN_LEAF_WEIGHT: f32 = 1.0;

/// One reviewed row.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Row,
    pub confirmed: bool,
}

impl Example {
    /// The reviewed rows a model can learn from: those whose features
    /// were kept (runs scored before features were stored have none).
    pub fn from_reviewed<'a>(rows: impl IntoIterator<Item = &'a ReviewedRow>) -> Vec<Example> {
        rows.into_iter()
            .filter_map(|r| {
                Some(Example {
                    features: r.features.clone()?,
                    confirmed: r.confirmed,
                })
            })
            .collect()
    }
}

/// A trained model, with what the blend needs of its training set.
#[derive(Serialize, Deserialize)]
pub struct Model {
    /// The booster as forust-ml writes it (JSON).
    booster: String,
    #[serde(skip)]
    loaded: Option<GradientBooster>,
    /// The log-odds of a confirmed row among the reviewed ones.
    base_log_odds: f64,
    /// How many trees cross-validation kept (0: nothing the reviews say
    /// generalises, and the blend is the unsupervised score).
    pub trees: usize,
    /// Reviewed rows each detector found something in, by code.
    support: std::collections::BTreeMap<String, u32>,
    /// Reviewed rows no detector found anything in.
    support_none: u32,
    pub confirmed: usize,
    pub normal: usize,
    pub seed: u64,
    /// The feature columns it was trained on, in order.
    pub features: Vec<String>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("confirmed", &self.confirmed)
            .field("normal", &self.normal)
            .field("base_log_odds", &self.base_log_odds)
            .finish_non_exhaustive()
    }
}

/// Why no model could be trained.
pub fn too_few(confirmed: usize, normal: usize) -> Text {
    Text::new(
        format!(
            "검토가 더 필요합니다: 확인된 이상 {confirmed}건, 정상 {normal}건 (각각 {MIN_PER_OUTCOME}건 이상이어야 학습합니다)"
        ),
        format!(
            "more reviews needed: {confirmed} confirmed and {normal} normal (it learns from {MIN_PER_OUTCOME} of each)"
        ),
    )
}

/// Column-major, as forust-ml reads a matrix.
fn columns(rows: &[&Row]) -> Vec<f64> {
    let mut data = Vec::with_capacity(rows.len() * features::WIDTH);
    for j in 0..features::WIDTH {
        data.extend(rows.iter().map(|r| r.0[j]));
    }
    data
}

pub(crate) fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).ln()
}

pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The cross-validation folds the tree count is chosen on.
const FOLDS: usize = 5;

fn booster(trees: usize, seed: u64) -> GradientBooster {
    GradientBooster::default()
        .set_iterations(trees)
        .set_learning_rate(LEARNING_RATE)
        .set_max_depth(DEPTH)
        .set_min_leaf_weight(MIN_LEAF_WEIGHT)
        .set_seed(seed)
        // One thread: training runs beside scoring and must not take its
        // cores; and one thread is deterministic by construction.
        .set_parallel(false)
}

fn failed(e: impl std::fmt::Display) -> Text {
    Text::new(format!("학습 실패: {e}"), format!("training failed: {e}"))
}

/// Fits `trees` trees on `rows`; with `held_out`, the log loss on it after
/// each tree is kept in the booster's `evaluation_history`.
fn fit(
    rows: &[&Row],
    y: &[f64],
    trees: usize,
    seed: u64,
    held_out: Option<(&[&Row], &[f64])>,
) -> Result<GradientBooster, Text> {
    let data = columns(rows);
    let matrix = Matrix::new(&data, rows.len(), features::WIDTH);
    let mut booster = booster(trees, seed);
    match held_out {
        None => booster.fit_unweighted(&matrix, y, None).map_err(failed)?,
        Some((eval_rows, eval_y)) => {
            let eval_data = columns(eval_rows);
            let weights = vec![1.0; eval_rows.len()];
            let eval = (
                Matrix::new(&eval_data, eval_rows.len(), features::WIDTH),
                eval_y,
                weights.as_slice(),
            );
            booster = booster.set_evaluation_metric(Some(forust_ml::metric::Metric::LogLoss));
            booster
                .fit_unweighted(&matrix, y, Some(vec![eval]))
                .map_err(failed)?;
        }
    }
    Ok(booster)
}

/// How many trees generalise: the count (0 to `TREES`) with the least log
/// loss on held-out reviews, over `FOLDS` folds that each keep both
/// outcomes. Noisy reviews (a careless answer in ten) are fitted within a
/// few dozen trees; past that a model learns the noise, and where no tree
/// beats the base rate it learns nothing at all.
fn chosen_trees(rows: &[&Row], y: &[f64], seed: u64) -> Result<usize, Text> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut fold = vec![0usize; rows.len()];
    for outcome in [0.0, 1.0] {
        let mut these: Vec<usize> = (0..rows.len()).filter(|&i| y[i] == outcome).collect();
        these.shuffle(&mut rng);
        for (k, i) in these.into_iter().enumerate() {
            fold[i] = k % FOLDS;
        }
    }
    // loss[m]: the summed held-out log loss with m trees.
    let mut loss = vec![0.0; TREES + 1];
    for f in 0..FOLDS {
        let (train, test): (Vec<usize>, Vec<usize>) = (0..rows.len()).partition(|&i| fold[i] != f);
        let pick = |ix: &[usize]| -> (Vec<&Row>, Vec<f64>) {
            (
                ix.iter().map(|&i| rows[i]).collect(),
                ix.iter().map(|&i| y[i]).collect(),
            )
        };
        let ((train_rows, train_y), (test_rows, test_y)) = (pick(&train), pick(&test));
        let base = (train_y.iter().sum::<f64>() / train_y.len() as f64).clamp(1e-9, 1.0 - 1e-9);
        loss[0] += test_y
            .iter()
            .map(|&t| -(t * base.ln() + (1.0 - t) * (1.0 - base).ln()))
            .sum::<f64>();
        let booster = fit(
            &train_rows,
            &train_y,
            TREES,
            seed,
            Some((&test_rows, &test_y)),
        )?;
        let history = booster
            .evaluation_history
            .as_ref()
            .ok_or_else(|| failed("no held-out history"))?;
        for (m, slot) in loss.iter_mut().enumerate().skip(1) {
            // The metric is the fold's mean; summed, folds weigh by size.
            *slot += history.get(m - 1, 0) * test_rows.len() as f64;
        }
    }
    Ok((0..=TREES)
        .min_by(|&a, &b| loss[a].total_cmp(&loss[b]).then(a.cmp(&b)))
        .unwrap_or(0))
}

impl Model {
    /// Trains on `examples` (deterministic for a seed), or says why not.
    pub fn train(examples: &[Example], seed: u64) -> Result<Model, Text> {
        let confirmed = examples.iter().filter(|e| e.confirmed).count();
        let normal = examples.len() - confirmed;
        if confirmed < MIN_PER_OUTCOME || normal < MIN_PER_OUTCOME {
            return Err(too_few(confirmed, normal));
        }
        let rows: Vec<&Row> = examples.iter().map(|e| &e.features).collect();
        let y: Vec<f64> = examples
            .iter()
            .map(|e| f64::from(u8::from(e.confirmed)))
            .collect();
        let trees = chosen_trees(&rows, &y, seed)?;
        let booster = if trees == 0 {
            None
        } else {
            Some(fit(&rows, &y, trees, seed, None)?)
        };
        let mut support = std::collections::BTreeMap::new();
        let mut support_none = 0;
        for row in &rows {
            let mut any = false;
            for kind in row.fired() {
                *support.entry(kind.code().to_string()).or_insert(0) += 1;
                any = true;
            }
            support_none += u32::from(!any);
        }
        let booster_json = match &booster {
            Some(b) => b
                .json_dump()
                .map_err(|e| Text::new(format!("저장 실패: {e}"), format!("cannot save: {e}")))?,
            None => String::new(),
        };
        Ok(Model {
            booster: booster_json,
            loaded: booster,
            trees,
            base_log_odds: logit(confirmed as f64 / examples.len() as f64),
            support,
            support_none,
            confirmed,
            normal,
            seed,
            features: features::names().into_iter().map(String::from).collect(),
        })
    }

    /// The stored form (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a model serialises")
    }

    /// Reads a stored model back.
    pub fn from_json(json: &str) -> Result<Model, Error> {
        serde_json::from_str::<Model>(json)
            .map_err(Error::internal)?
            .loaded()
    }

    /// This model, read back from its stored form, with its booster ready.
    pub(crate) fn loaded(self) -> Result<Model, Error> {
        let mut model = self;
        // A model's columns are positions: one trained before a detector
        // was added would read every later column wrongly.
        if model.features != features::names() {
            return Err(Error::internal(format!(
                "the model was trained on other features ({}), this version has {}",
                model.features.join(", "),
                features::names().join(", ")
            )));
        }
        if model.trees > 0 {
            model.loaded =
                Some(GradientBooster::from_json(&model.booster).map_err(Error::internal)?);
        }
        Ok(model)
    }

    /// The model's probability that each row is a confirmed anomaly.
    pub fn probability(&self, rows: &[Row]) -> Vec<f64> {
        if rows.is_empty() {
            return Vec::new();
        }
        let Some(booster) = &self.loaded else {
            return vec![sigmoid(self.base_log_odds); rows.len()];
        };
        let refs: Vec<&Row> = rows.iter().collect();
        let data = columns(&refs);
        booster
            .predict(&Matrix::new(&data, rows.len(), features::WIDTH), false)
            .into_iter()
            .map(sigmoid)
            .collect()
    }

    /// How far the reviews know rows like this one (0 to 1; see the module).
    pub fn support(&self, row: &Row) -> f64 {
        let share = |n: u32| f64::from(n) / (f64::from(n) + PRIOR_REVIEWS);
        let mut fired = row.fired().peekable();
        if fired.peek().is_none() {
            return share(self.support_none);
        }
        fired
            .map(|k| share(self.support.get(k.code()).copied().unwrap_or(0)))
            .fold(1.0, f64::min)
    }

    /// Reviewed rows `kind` found something in.
    pub fn reviewed_with(&self, kind: DetectorKind) -> u32 {
        self.support.get(kind.code()).copied().unwrap_or(0)
    }

    /// Each row's blended evidence (nats), from its features.
    pub fn blend(&self, rows: &[Row]) -> Vec<f64> {
        self.assess(rows).into_iter().map(|(e, _)| e).collect()
    }

    /// Each row's blended evidence and what the model says of it
    /// (`next::Judgement`): one pass of the trees for both.
    pub fn assess(&self, rows: &[Row]) -> Vec<(f64, Judgement)> {
        let p = self.probability(rows);
        rows.iter()
            .zip(p)
            .map(|(row, p)| {
                let c = self.support(row);
                // From the configured weights' evidence, never the learnt
                // weights' (see the module).
                let evidence =
                    (row.configured_total() + c * (logit(p) - self.base_log_odds)).max(0.0);
                (evidence, Judgement::from_model(self.base_log_odds, p, c))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Rows where `duplicate` findings are real and `round_amount` ones are
    /// not, whatever their evidence, as a reviewer would have found.
    fn examples(n: usize, seed: u64) -> Vec<Example> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..n)
            .map(|i| {
                let kind = if i % 2 == 0 {
                    DetectorKind::Duplicate
                } else {
                    DetectorKind::RoundAmount
                };
                let nats: f32 = rng.gen_range(1.0..6.0);
                Example {
                    features: Row::new(&vec![(kind, nats)], rng.gen_range(0.3..0.6)),
                    confirmed: kind == DetectorKind::Duplicate,
                }
            })
            .collect()
    }

    #[test]
    fn too_few_of_an_outcome_trains_nothing_and_says_how_many() {
        let mut few = examples(100, 1);
        for e in &mut few {
            e.confirmed = false;
        }
        few[0].confirmed = true;
        let why = Model::train(&few, 1).unwrap_err();
        assert!(why.en.contains("1 confirmed and 99 normal"), "{}", why.en);
        assert!(why.ko.contains("확인된 이상 1건"), "{}", why.ko);
    }

    #[test]
    fn it_learns_which_findings_are_real_deterministically_and_reads_back() {
        let train = examples(120, 2);
        let model = Model::train(&train, 7).unwrap();
        let again = Model::train(&train, 7).unwrap();
        let test: Vec<Row> = examples(40, 3).into_iter().map(|e| e.features).collect();
        let p = model.probability(&test);
        assert_eq!(p, again.probability(&test), "same seed, same model");
        for (row, p) in test.iter().zip(&p) {
            if row.evidence(DetectorKind::Duplicate) > 0.0 {
                assert!(*p > 0.8, "{p}");
            } else {
                assert!(*p < 0.2, "{p}");
            }
        }
        let back = Model::from_json(&model.to_json()).unwrap();
        assert_eq!(back.probability(&test), p);
        // Blended: a weak duplicate now outranks a strong round amount.
        let weak_duplicate = Row::new(&vec![(DetectorKind::Duplicate, 1.2)], 0.4);
        let strong_round = Row::new(&vec![(DetectorKind::RoundAmount, 5.8)], 0.4);
        let b = model.blend(&[weak_duplicate, strong_round]);
        assert!(b[0] > b[1], "{b:?}");
    }

    #[test]
    fn a_row_unlike_anything_reviewed_keeps_its_evidence() {
        let model = Model::train(&examples(120, 4), 1).unwrap();
        let split = Row::new(&vec![(DetectorKind::Split, 3.5)], 0.5);
        let mixed = Row::new(
            &vec![
                (DetectorKind::Duplicate, 2.0),
                (DetectorKind::LateNight, 1.0),
            ],
            0.5,
        );
        let nothing = Row::new(&vec![], 0.4);
        assert_eq!(model.support(&split), 0.0);
        assert_eq!(model.support(&mixed), 0.0, "late-night was never reviewed");
        assert_eq!(
            model.support(&nothing),
            0.0,
            "no reviewed row was without findings"
        );
        assert_eq!(model.blend(&[split, mixed, nothing]), vec![3.5, 3.0, 0.0]);
        // 60 reviewed duplicates: 60 / 70 of the way to the model.
        let dup = Row::new(&vec![(DetectorKind::Duplicate, 2.0)], 0.5);
        assert!((model.support(&dup) - 60.0 / 70.0).abs() < 1e-12);
    }
}
