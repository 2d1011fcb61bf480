//! The reviewed rows with the score each had when it was reviewed: what
//! the model report (and, later, the supervised model) learns from.
//!
//! A row counts once, by its key's latest review. Its score is the one of
//! the latest run of that key that started at or before the review (what
//! the reviewer was looking at), or of its latest run where none did (a
//! review synced before its run was recorded). 증빙 필요 is no outcome yet
//! and is counted apart; a key no run has scored has no score to judge.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, StoreError};
use crate::money::Currency;
use crate::vocabulary::{Band, ReviewReason, ReviewStatus};

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
    /// What the supervised model learns from: the features of the row the
    /// reviewer saw (`None` for a run scored before they were kept).
    #[serde(skip)]
    pub features: Option<crate::learn::features::Row>,
    /// The review's id (its place in the append-only log).
    pub id: i64,
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
                 SELECT v.id AS review, s.score, s.features,
                        ROW_NUMBER() OVER (
                            PARTITION BY v.id
                            ORDER BY (r.started_at <= v.at) DESC, r.started_at DESC, r.id DESC
                        ) AS nth
                 FROM latest v
                 JOIN scored_rows s ON s.key = v.key
                 JOIN runs r ON r.id = s.run_id
             )
             SELECT v.key, v.status, v.reason, v.at, p.score, p.features, v.id
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
            out.rows.push(ReviewedRow {
                key: r.get(0)?,
                confirmed,
                reason: r.get(2)?,
                at: r.get(3)?,
                score,
                features: crate::learn::features::Row::decode(&r.get::<_, String>(5)?),
                id: r.get(6)?,
            });
        }
        Ok(out)
    }
}

/// A row of a run that the scoring left in the low band: the population a
/// sample of the rows not flagged is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct UnflaggedRow {
    pub key: String,
    pub row: u32,
    pub date: String,
    pub department: String,
    pub account: String,
    pub vendor: String,
    pub description: String,
    pub amount: f64,
}

/// A run's rows not flagged, and what a sample of them is told with.
#[derive(Debug, Clone, PartialEq)]
pub struct Unflagged {
    /// In the ledger's order.
    pub rows: Vec<UnflaggedRow>,
    /// How many of the run's rows were flagged (left to the reviewers).
    pub flagged: u64,
    /// The currency the run's amounts are in.
    pub currency: Currency,
}

impl Store {
    /// A run's rows in the low band; None when there is no such run.
    pub fn unflagged_rows(&self, run: &str) -> Result<Option<Unflagged>, StoreError> {
        let Some(summary) = self
            .conn
            .query_row(
                "SELECT summary_json FROM runs WHERE id = ?1",
                params![run],
                |r| r.get::<_, String>(0),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let currency = serde_json::from_str::<serde_json::Value>(&summary)
            .ok()
            .and_then(|s| s["currency"].as_str().and_then(Currency::parse))
            .unwrap_or_default();
        let low = Band::Low;
        // Rows were inserted in the ledger's order (files in order, then
        // rows): rowid keeps it, where the row number alone would
        // interleave the files of a run read from several.
        let mut stmt = self.conn.prepare(
            "SELECT key, row, date, department, account, vendor, description, amount
             FROM scored_rows WHERE run_id = ?1 AND band = ?2 ORDER BY rowid",
        )?;
        let rows = stmt
            .query_map(params![run, low], |r| {
                Ok(UnflaggedRow {
                    key: r.get(0)?,
                    row: r.get(1)?,
                    date: r.get(2)?,
                    department: r.get(3)?,
                    account: r.get(4)?,
                    vendor: r.get(5)?,
                    description: r.get(6)?,
                    amount: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let flagged: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM scored_rows WHERE run_id = ?1 AND band <> ?2",
            params![run, low],
            |r| r.get(0),
        )?;
        Ok(Some(Unflagged {
            rows,
            flagged: flagged as u64,
            currency,
        }))
    }
}
