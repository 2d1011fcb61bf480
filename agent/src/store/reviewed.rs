//! The reviewed rows with the score each had when it was reviewed: what
//! the model report (and, later, the supervised model) learns from.
//!
//! A row counts once, by its key's latest review. Its score is the one of
//! the latest run of that key that started at or before the review (what
//! the reviewer was looking at), or of its latest run where none did (a
//! review synced before its run was recorded). 증빙 필요 is no outcome yet
//! and is counted apart; a key no run has scored has no score to judge.

use rusqlite::params;
use serde::Serialize;

use super::{Store, StoreError};
use crate::vocabulary::{DetectorKind, ReviewReason, ReviewStatus};

/// One reviewed row with an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewedRow {
    pub key: String,
    /// Confirmed anomaly (true) or normal (false).
    pub confirmed: bool,
    pub reason: Option<ReviewReason>,
    /// When the review was written (RFC 3339, UTC).
    pub at: String,
    pub score: f64,
    /// The detectors behind the row's reasons in that run (a flagged
    /// row's; a low row's reasons are not kept).
    pub detectors: Vec<DetectorKind>,
}

/// The reviewed rows, and the reviews that could not be used.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reviewed {
    /// Oldest review first.
    pub rows: Vec<ReviewedRow>,
    /// Latest reviews that are 증빙 필요: no outcome yet.
    pub needs_evidence: u64,
    /// Latest reviews of keys no run has scored.
    pub unscored: u64,
}

impl Store {
    /// Every key's latest review with its score at the time (see the module).
    pub fn reviewed(&self) -> Result<Reviewed, StoreError> {
        let mut stmt = self.conn.prepare(
            "WITH latest AS (
                 SELECT id, key, status, reason, at FROM reviews
                 WHERE id IN (SELECT MAX(id) FROM reviews GROUP BY key)
             ),
             seen AS (
                 SELECT v.id AS review, s.score, s.reasons_json,
                        ROW_NUMBER() OVER (
                            PARTITION BY v.id
                            ORDER BY (r.started_at <= v.at) DESC, r.started_at DESC, r.id DESC
                        ) AS nth
                 FROM latest v
                 JOIN scored_rows s ON s.key = v.key
                 JOIN runs r ON r.id = s.run_id
             )
             SELECT v.key, v.status, v.reason, v.at, p.score, p.reasons_json
             FROM latest v LEFT JOIN seen p ON p.review = v.id AND p.nth = 1
             ORDER BY v.at, v.id",
        )?;
        let mut out = Reviewed::default();
        let mut rows = stmt.query(params![])?;
        while let Some(r) = rows.next()? {
            let status: ReviewStatus = r.get(1)?;
            let confirmed = match status {
                ReviewStatus::Confirmed => true,
                ReviewStatus::Normal => false,
                ReviewStatus::NeedsEvidence => {
                    out.needs_evidence += 1;
                    continue;
                }
            };
            let Some(score) = r.get::<_, Option<f64>>(4)? else {
                out.unscored += 1;
                continue;
            };
            let reasons: String = r.get(5)?;
            let detectors = serde_json::from_str::<Vec<serde_json::Value>>(&reasons)
                .unwrap_or_default()
                .iter()
                .filter_map(|x| x["code"].as_str().and_then(DetectorKind::from_code))
                .collect();
            out.rows.push(ReviewedRow {
                key: r.get(0)?,
                confirmed,
                reason: r.get(2)?,
                at: r.get(3)?,
                score,
                detectors,
            });
        }
        Ok(out)
    }
}
