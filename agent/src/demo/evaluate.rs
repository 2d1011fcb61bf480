//! How well a scored demo ledger ranks its injected anomalies.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::pipeline::ScoredLedger;
use crate::vocabulary::{Band, DetectorKind};

#[derive(Debug, Clone, Serialize)]
pub struct KindResult {
    pub kind: DetectorKind,
    pub injected: usize,
    /// Of those, how many rank in the top 2% of scores.
    pub in_top: usize,
}

impl KindResult {
    pub fn recall_top(&self) -> f64 {
        self.in_top as f64 / self.injected.max(1) as f64
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub rows: usize,
    pub injected: usize,
    /// Size of the "top 2%" window.
    pub top_n: usize,
    pub precision_at_100: f64,
    pub precision_top: f64,
    pub recall_top: f64,
    /// High band: precision and recall against all injected rows.
    pub high_precision: f64,
    pub high_recall: f64,
    pub flagged_precision: f64,
    pub flagged_recall: f64,
    pub kinds: Vec<KindResult>,
}

/// Scores `scored` against labels given as (sheet row, kind).
pub fn evaluate(scored: &ScoredLedger, labels: &[(u32, DetectorKind)]) -> Evaluation {
    let by_row: HashMap<u32, DetectorKind> = labels.iter().copied().collect();
    let ranking = scored.ranking();
    let n = ranking.len();
    let top_n = ((n as f64) * 0.02).ceil() as usize;
    let label_of = |i: usize| by_row.get(&scored.sheet_row(i)).copied();
    let hits = |k: usize| {
        ranking
            .iter()
            .take(k)
            .filter(|&&i| label_of(i).is_some())
            .count()
    };
    let injected = scored
        .ledger
        .transactions
        .iter()
        .filter(|t| by_row.contains_key(&t.sheet_row))
        .count();

    let mut kinds: BTreeMap<DetectorKind, KindResult> = BTreeMap::new();
    for (pos, &i) in ranking.iter().enumerate() {
        if let Some(k) = label_of(i) {
            let e = kinds.entry(k).or_insert(KindResult {
                kind: k,
                injected: 0,
                in_top: 0,
            });
            e.injected += 1;
            if pos < top_n {
                e.in_top += 1;
            }
        }
    }
    let band_pr = |pred: &dyn Fn(Band) -> bool| {
        let flagged: Vec<usize> = (0..n).filter(|&i| pred(scored.rows[i].band)).collect();
        let tp = flagged.iter().filter(|&&i| label_of(i).is_some()).count();
        (
            tp as f64 / flagged.len().max(1) as f64,
            tp as f64 / injected.max(1) as f64,
        )
    };
    let (high_precision, high_recall) = band_pr(&|b| b == Band::High);
    let (flagged_precision, flagged_recall) = band_pr(&|b| b != Band::Low);
    let top_hits = hits(top_n);
    Evaluation {
        rows: n,
        injected,
        top_n,
        precision_at_100: hits(100.min(n)) as f64 / 100.min(n).max(1) as f64,
        precision_top: top_hits as f64 / top_n.max(1) as f64,
        recall_top: top_hits as f64 / injected.max(1) as f64,
        high_precision,
        high_recall,
        flagged_precision,
        flagged_recall,
        kinds: kinds.into_values().collect(),
    }
}
