//! `ledgerlens bench iforest`: the Isolation Forest alone on a numeric CSV
//! with a `label` column, for checking it against scikit-learn's; and the
//! labels of a bench bed for `bench reviews`.

use std::path::Path;
use std::time::Instant;

use crate::error::Error;
use crate::i18n::Text;

fn bad_data(ko: String, en: String) -> Error {
    Error::invalid("bad_data", Text::new(ko, en))
}
use crate::model::iforest::{auroc, Checked, IsolationForest, Matrix};

/// A numeric data set: features and binary labels.
pub struct LabelledData {
    pub x: Matrix,
    pub labels: Vec<bool>,
}

pub fn read_labelled_csv(path: &Path) -> Result<LabelledData, Error> {
    let file = path.display();
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        bad_data(
            format!("{file}: 읽을 수 없습니다 ({e})"),
            format!("{file}: cannot read ({e})"),
        )
    })?;
    let headers = reader
        .headers()
        .map_err(|e| {
            bad_data(
                format!("{file}: 머리글 오류 ({e})"),
                format!("{file}: bad header ({e})"),
            )
        })?
        .clone();
    let Some(label_col) = headers.iter().position(|h| h.trim() == "label") else {
        let found = headers.iter().collect::<Vec<_>>().join(", ");
        return Err(bad_data(
            format!("{file}: 'label' 열이 없습니다 (머리글: {found})"),
            format!("{file}: no 'label' column (headers: {found})"),
        ));
    };
    let cols = headers.len() - 1;
    let mut data = Vec::new();
    let mut labels = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| {
            bad_data(
                format!("{file} {line}행: {e}"),
                format!("{file} line {line}: {e}"),
            )
        })?;
        for (c, field) in record.iter().enumerate() {
            let column = headers.get(c).unwrap_or("?");
            let v: f64 = field.trim().parse().map_err(|_| {
                bad_data(
                    format!("{file} {line}행 {column} 열: 숫자가 아닙니다: {field:?}"),
                    format!("{file} line {line} column {column}: not a number: {field:?}"),
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
        return Err(bad_data(
            format!("{file}: 데이터 행이 없습니다"),
            format!("{file}: no data rows"),
        ));
    }
    if data.len() != labels.len() * cols {
        return Err(bad_data(
            format!("{file}: 행마다 열 수가 다릅니다"),
            format!("{file}: rows have different numbers of columns"),
        ));
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

/// Fits and scores once per seed (100 trees, 256 samples: the defaults).
pub fn run_iforest(data: &LabelledData, seeds: u64) -> Vec<SeedResult> {
    (0..seeds)
        .map(|seed| {
            let t0 = Instant::now();
            let forest = IsolationForest::fit(&data.x, Checked::default(), seed);
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

/// The sheet rows named in a labels CSV's `row` column (a bench bed's
/// injected anomalies; the header is row 1), for `bench reviews`.
pub fn read_injected_rows(path: &Path) -> Result<std::collections::HashSet<u32>, Error> {
    let file = path.display();
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        bad_data(
            format!("{file}: 읽을 수 없습니다 ({e})"),
            format!("{file}: cannot read ({e})"),
        )
    })?;
    let headers = reader.headers().map_err(|e| {
        bad_data(
            format!("{file}: 머리글 오류 ({e})"),
            format!("{file}: bad header ({e})"),
        )
    })?;
    let Some(at) = headers.iter().position(|h| h.trim() == "row") else {
        return Err(bad_data(
            format!("{file}: 'row' 열이 없습니다"),
            format!("{file}: no 'row' column"),
        ));
    };
    let mut rows = std::collections::HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| {
            bad_data(
                format!("{file}: {line}행을 읽을 수 없습니다 ({e})"),
                format!("{file}: cannot read line {line} ({e})"),
            )
        })?;
        let value = record.get(at).unwrap_or_default().trim();
        let row = value.parse().map_err(|_| {
            bad_data(
                format!("{file}: {line}행 'row' 열: 행 번호가 아닙니다: {value:?}"),
                format!("{file}: line {line}, column 'row': not a row number: {value:?}"),
            )
        })?;
        rows.insert(row);
    }
    Ok(rows)
}
