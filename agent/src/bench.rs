//! `ledgerlens bench iforest`: the Isolation Forest alone on a numeric CSV
//! with a `label` column, for checking it against scikit-learn's.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context};

use crate::model::iforest::{auroc, IsolationForest, Matrix, Params};

/// A numeric data set: features and binary labels.
pub struct LabelledData {
    pub x: Matrix,
    pub labels: Vec<bool>,
}

pub fn read_labelled_csv(path: &Path) -> anyhow::Result<LabelledData> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("{}", path.display()))?;
    let headers = reader.headers()?.clone();
    let Some(label_col) = headers.iter().position(|h| h.trim() == "label") else {
        bail!(
            "{}: no 'label' column (headers: {})",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(", ")
        );
    };
    let cols = headers.len() - 1;
    let mut data = Vec::new();
    let mut labels = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{} line {}", path.display(), i + 2))?;
        for (c, field) in record.iter().enumerate() {
            let v: f64 = field.trim().parse().with_context(|| {
                format!(
                    "{} line {} column {}: not a number: {field:?}",
                    path.display(),
                    i + 2,
                    headers.get(c).unwrap_or("?")
                )
            })?;
            if c == label_col {
                labels.push(v != 0.0);
            } else {
                data.push(v as f32);
            }
        }
    }
    if labels.is_empty() {
        bail!("{}: no data rows", path.display());
    }
    Ok(LabelledData {
        x: Matrix::new(labels.len(), cols, data),
        labels,
    })
}

pub struct SeedResult {
    pub seed: u64,
    pub auroc: f64,
    pub fit_s: f64,
    pub score_s: f64,
}

/// Fits and scores once per seed (100 trees, 256 samples).
pub fn run_iforest(data: &LabelledData, seeds: u64) -> Vec<SeedResult> {
    (0..seeds)
        .map(|seed| {
            let t0 = Instant::now();
            let forest = IsolationForest::fit(
                &data.x,
                Params {
                    trees: 100,
                    max_samples: 256,
                    seed,
                },
            );
            let fit_s = t0.elapsed().as_secs_f64();
            let t1 = Instant::now();
            let scores = forest.score(&data.x);
            let score_s = t1.elapsed().as_secs_f64();
            SeedResult {
                seed,
                auroc: auroc(&scores, &data.labels),
                fit_s,
                score_s,
            }
        })
        .collect()
}
