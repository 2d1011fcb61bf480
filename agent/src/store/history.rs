//! The queries behind the supervisors' history sheets and the run list.
//!
//! A transaction scored in several runs counts once, as it stood in its
//! latest run: scoring the same ledger three times must not triple the
//! flags. "Flagged" means the high or medium band.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use std::collections::BTreeMap;

use super::{Store, StoreError};
use crate::vocabulary::{Band, ReviewReason, ReviewStatus};

/// One run as listed by `GET runs` and the history sheet.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    pub id: String,
    pub started_at: String,
    pub actor: String,
    pub workbook: String,
    pub sheet: String,
    pub input_sha256: String,
    pub rows: u64,
    /// The currency its amounts are in (the run's summary).
    pub currency: crate::money::Currency,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub model_version: String,
    pub ingest_s: f64,
    pub score_s: f64,
    /// False while (or if a crash stopped) its scored rows being written.
    pub complete: bool,
    /// Cut off before all its rows were recorded: no job writes while a
    /// reader holds the store, so an incomplete run seen here is one.
    pub interrupted: bool,
}

/// A run with its summary, configuration and flagged rows (`GET runs/{id}`).
#[derive(Debug, Clone, Serialize)]
pub struct RunDetail {
    #[serde(flatten)]
    pub run: RunRecord,
    pub summary: serde_json::Value,
    pub config: serde_json::Value,
    pub flagged: Vec<FlaggedRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlaggedRow {
    pub key: String,
    pub row: u32,
    pub score: f64,
    pub band: Band,
    pub reasons: serde_json::Value,
}

/// Review outcomes of the flagged transactions of one department or reviewer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcomes {
    pub group: String,
    /// Flagged transactions whose latest review has each status.
    #[serde(flatten)]
    pub reviewed: BTreeMap<ReviewStatus, u64>,
    /// Flagged and not reviewed yet (only in the by-department view).
    pub open: u64,
}

/// A transaction as it stood in its latest run.
#[derive(Debug, Clone, Serialize)]
pub struct TransactionRecord {
    pub key: String,
    pub date: String,
    pub department: String,
    pub account: String,
    pub vendor: String,
    pub description: String,
    pub amount: f64,
    pub score: f64,
    pub band: Band,
    pub reasons: serde_json::Value,
    /// The latest review's status, if any.
    pub review: Option<ReviewStatus>,
    /// The latest review's reason, if it gave one.
    pub review_reason: Option<ReviewReason>,
}

/// A transaction flagged in an earlier run that appeared again later.
#[derive(Debug, Clone, Serialize)]
pub struct RepeatFlag {
    pub record: TransactionRecord,
    pub runs_seen: u64,
    pub runs_flagged: u64,
    pub first_flagged: String,
    pub last_seen: String,
}

/// Which of a run's rows `GET runs/{id}/rows` returns.
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    /// Bands to keep; empty keeps all.
    pub bands: Vec<Band>,
    pub department: Option<String>,
    /// Text looked for in account, vendor and description.
    pub text: Option<String>,
    /// Only rows whose key has a review (the add-in's check for reviews
    /// of rows that have left the sheet).
    pub reviewed: bool,
    pub offset: u64,
    pub limit: u64,
}

/// One scored row of a run, with its transaction and latest review.
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    pub row: u32,
    pub cluster: u32,
    #[serde(flatten)]
    pub record: TransactionRecord,
}

/// A page of a run's rows, highest risk first.
#[derive(Debug, Clone, Serialize)]
pub struct RunRows {
    /// Rows matching the filter, over all pages.
    pub total: u64,
    /// Every department of the run, for a filter list.
    pub departments: Vec<String>,
    pub rows: Vec<RunRow>,
}

/// Everything the history workbook shows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct History {
    pub runs: Vec<RunRecord>,
    /// (department, month "YYYY-MM", flagged transactions)
    pub flags_by_department_month: Vec<(String, String, u64)>,
    /// (department, month "YYYY-MM", currency, the amount of every
    /// transaction): amounts of runs in other currencies are not summed
    /// together.
    pub spending_by_department_month: Vec<(String, String, crate::money::Currency, f64)>,
    /// The newest run scored with a budget: when it started, and its
    /// execution rates.
    pub execution: Option<(String, crate::budget::ExecutionRecord)>,
    pub outcomes_by_department: Vec<Outcomes>,
    pub outcomes_by_reviewer: Vec<Outcomes>,
    /// (month, its ten highest-risk transactions, highest first)
    pub top_by_month: Vec<(String, Vec<TransactionRecord>)>,
    pub repeats: Vec<RepeatFlag>,
    /// Every reviewed row with its score, for the model-quality sheet.
    pub reviewed: super::Reviewed,
    /// The audit chain's head when the history was read: filed with the
    /// workbook, it lets `history verify --against` find later cuts.
    pub anchor: super::Anchor,
}

/// The flagged bands' codes as an SQL list (`'high', 'medium'`), from the
/// vocabulary's `Band::is_flagged`: what the history calls flagged is what
/// the rows' reasons are kept for.
fn flagged_bands() -> String {
    Band::ALL
        .iter()
        .filter(|b| b.is_flagged())
        .map(|b| format!("'{}'", b.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each key's row from its latest run, with that key's latest review.
const LATEST: &str = "
WITH ranked AS (
    SELECT s.*, r.started_at,
           ROW_NUMBER() OVER (PARTITION BY s.key ORDER BY r.started_at DESC, r.id DESC) AS rn
    FROM scored_rows s JOIN runs r ON r.id = s.run_id
),
latest AS (SELECT * FROM ranked WHERE rn = 1),
review AS (
    SELECT key, status, reason, reviewer FROM reviews
    WHERE id IN (SELECT MAX(id) FROM reviews GROUP BY key)
)";

const RUN_COLUMNS: &str = "id, started_at, actor, workbook, sheet, input_sha256, rows, model_version, ingest_s, score_s, summary_json, rows_recorded";

fn run_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<(RunRecord, String)> {
    let summary: String = r.get(10)?;
    let parsed = serde_json::from_str::<serde_json::Value>(&summary).unwrap_or_default();
    let band = |band: Band| parsed["bands"][band.code()].as_u64().unwrap_or(0);
    let currency = serde_json::from_value(parsed["currency"].clone()).unwrap_or_default();
    Ok((
        RunRecord {
            id: r.get(0)?,
            started_at: r.get(1)?,
            actor: r.get(2)?,
            workbook: r.get(3)?,
            sheet: r.get(4)?,
            input_sha256: r.get(5)?,
            rows: r.get::<_, i64>(6)? as u64,
            currency,
            high: band(Band::High),
            medium: band(Band::Medium),
            low: band(Band::Low),
            model_version: r.get(7)?,
            ingest_s: r.get(8)?,
            score_s: r.get(9)?,
            complete: r.get::<_, i64>(11)? == 1,
            interrupted: r.get::<_, i64>(11)? != 1,
        },
        summary,
    ))
}

fn transaction_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<TransactionRecord> {
    let reasons: String = r.get(9)?;
    Ok(TransactionRecord {
        key: r.get(0)?,
        date: r.get(1)?,
        department: r.get(2)?,
        account: r.get(3)?,
        vendor: r.get(4)?,
        description: r.get(5)?,
        amount: r.get(6)?,
        score: r.get(7)?,
        band: r.get(8)?,
        reasons: serde_json::from_str(&reasons).unwrap_or_default(),
        review: r.get(10)?,
        review_reason: r.get(11)?,
    })
}

/// A run's row: `transaction_record`'s columns, then its row and cluster.
pub(super) fn run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        record: transaction_record(r)?,
        row: r.get(12)?,
        cluster: r.get(13)?,
    })
}

/// What `transaction_record` reads, in its order (columns after these are
/// the query's own).
pub(super) const RECORD_COLUMNS: &str = "l.key, l.date, l.department, l.account, l.vendor, l.description, l.amount, l.score, l.band, l.reasons_json, v.status, v.reason";

impl Store {
    /// Every run, newest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM runs ORDER BY started_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([], |r| run_record(r).map(|(run, _)| run))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One run with its summary, configuration and flagged rows.
    pub fn run(&self, id: &str) -> Result<Option<RunDetail>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS}, config_json FROM runs WHERE id = ?1"
        ))?;
        let mut rows = stmt.query(params![id])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let (run, summary) = run_record(r)?;
        let config: String = r.get(12)?;
        let flagged_bands = flagged_bands();
        let mut flagged = self.conn.prepare(&format!(
            "SELECT key, row, score, band, reasons_json FROM scored_rows
             WHERE run_id = ?1 AND band IN ({flagged_bands}) ORDER BY score DESC, row"
        ))?;
        let flagged = flagged
            .query_map(params![id], |r| {
                let reasons: String = r.get(4)?;
                Ok(FlaggedRow {
                    key: r.get(0)?,
                    row: r.get(1)?,
                    score: r.get(2)?,
                    band: r.get(3)?,
                    reasons: serde_json::from_str(&reasons).unwrap_or_default(),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(RunDetail {
            run,
            summary: serde_json::from_str(&summary).unwrap_or_default(),
            config: serde_json::from_str(&config).unwrap_or_default(),
            flagged,
        }))
    }

    pub(crate) fn run_exists(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM runs WHERE id = ?1")?
            .exists(params![id])?)
    }

    /// A page of one run's rows, highest risk first; `None` for an unknown run.
    pub fn run_rows(&self, id: &str, filter: &RowFilter) -> Result<Option<RunRows>, StoreError> {
        if !self.run_exists(id)? {
            return Ok(None);
        }
        // The filter is built from fixed clauses; every value is a parameter.
        let mut clauses = vec!["s.run_id = ?".to_string()];
        let mut values: Vec<rusqlite::types::Value> = vec![id.to_string().into()];
        if !filter.bands.is_empty() {
            clauses.push(format!(
                "s.band IN ({})",
                vec!["?"; filter.bands.len()].join(", ")
            ));
            values.extend(filter.bands.iter().map(|b| b.code().to_string().into()));
        }
        if let Some(department) = filter.department.as_ref().filter(|d| !d.is_empty()) {
            clauses.push("s.department = ?".into());
            values.push(department.clone().into());
        }
        if let Some(text) = filter.text.as_ref().filter(|t| !t.trim().is_empty()) {
            clauses.push(
                "(instr(s.account, ?) > 0 OR instr(s.vendor, ?) > 0 OR instr(s.description, ?) > 0)"
                    .into(),
            );
            let text = text.trim().to_string();
            values.extend(std::iter::repeat_n(text.into(), 3));
        }
        if filter.reviewed {
            clauses.push("EXISTS (SELECT 1 FROM reviews WHERE key = s.key)".into());
        }
        let filter_sql = clauses.join(" AND ");
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM scored_rows s WHERE {filter_sql}"),
            rusqlite::params_from_iter(values.iter()),
            |r| r.get(0),
        )?;
        let mut page_values = values.clone();
        page_values.push((filter.limit.min(1000) as i64).into());
        page_values.push((filter.offset as i64).into());
        let mut stmt = self.conn.prepare(&format!(
            "SELECT s.key, s.date, s.department, s.account, s.vendor, s.description, s.amount,
                    s.score, s.band, s.reasons_json, v.status, v.reason, s.row, s.cluster
             FROM scored_rows s
             LEFT JOIN reviews v ON v.id = (SELECT MAX(id) FROM reviews WHERE key = s.key)
             WHERE {filter_sql}
             ORDER BY s.score DESC, s.row LIMIT ? OFFSET ?"
        ))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(page_values.iter()), |r| {
                run_row(r)
            })?
            .collect::<Result<_, _>>()?;
        let departments = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT department FROM scored_rows WHERE run_id = ?1 ORDER BY department",
            )?
            .query_map(params![id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Some(RunRows {
            total: total as u64,
            departments,
            rows,
        }))
    }

    /// A run's rows no review has touched that some detector found
    /// something in, with their features (`learn::features`): what the
    /// review-next views rank (`learn::next`). `None` for an unknown run.
    pub fn unreviewed_findings(
        &self,
        id: &str,
    ) -> Result<Option<Vec<(RunRow, crate::learn::features::Row)>>, StoreError> {
        if !self.run_exists(id)? {
            return Ok(None);
        }
        // A row with no finding stores `{"isolation_score":…}` only: one
        // key, no comma. The rows are unreviewed, so the review columns
        // `RECORD_COLUMNS` reads are NULL: a join that matches nothing.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RECORD_COLUMNS}, l.row, l.cluster, l.features
             FROM scored_rows l
             LEFT JOIN reviews v ON 0
             WHERE l.run_id = ?1 AND instr(l.features, ',') > 0
               AND NOT EXISTS (SELECT 1 FROM reviews WHERE key = l.key)
             ORDER BY l.rowid"
        ))?;
        let rows = stmt
            .query_map(params![id], |r| {
                let features: String = r.get(14)?;
                Ok((run_row(r)?, crate::learn::features::Row::decode(&features)))
            })?
            .filter_map(|r| match r {
                Ok((row, Some(features))) if features.fired().next().is_some() => {
                    Some(Ok((row, features)))
                }
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
            .collect::<Result<_, _>>()?;
        Ok(Some(rows))
    }

    /// Every row key some review has touched: far fewer than a run's rows,
    /// so a Score's alert filters its rows against them in memory.
    pub fn reviewed_keys(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT key FROM reviews")?;
        let keys = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(keys)
    }

    /// Which of these keys were ever scored; reviews of others are reported back.
    pub fn unknown_keys<'a>(
        &self,
        keys: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM scored_rows WHERE key = ?1 LIMIT 1")?;
        let mut unknown = Vec::new();
        for key in keys {
            if !stmt.exists(params![key])? {
                unknown.push(key.to_string());
            }
        }
        Ok(unknown)
    }

    /// Everything the supervisors' history workbook shows.
    pub fn history(&self) -> Result<History, StoreError> {
        let runs = {
            let mut all = self.runs()?;
            all.reverse(); // oldest first: a time series
            all
        };

        let flagged_bands = flagged_bands();
        let mut stmt = self.conn.prepare(&format!(
            "{LATEST} SELECT department, substr(date, 1, 7) AS month, COUNT(*) FROM latest
             WHERE band IN ({flagged_bands}) GROUP BY department, month ORDER BY department, month"
        ))?;
        let flags_by_department_month = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
            })?
            .collect::<Result<_, _>>()?;

        // Summed per run, then per currency: a run's currency is in its
        // record (`runs` above), not in each of its rows.
        let currency_of: std::collections::HashMap<&str, crate::money::Currency> =
            runs.iter().map(|r| (r.id.as_str(), r.currency)).collect();
        let mut stmt = self.conn.prepare(&format!(
            "{LATEST} SELECT department, substr(date, 1, 7) AS month, run_id, SUM(amount) FROM latest
             GROUP BY department, month, run_id"
        ))?;
        let mut spending: BTreeMap<(String, String, crate::money::Currency), f64> = BTreeMap::new();
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, f64>(3)?,
            ))
        })? {
            let (department, month, run, amount) = row?;
            let currency = currency_of.get(run.as_str()).copied().unwrap_or_default();
            *spending.entry((department, month, currency)).or_default() += amount;
        }
        let spending_by_department_month = spending
            .into_iter()
            .map(|((d, m, c), v)| (d, m, c, v))
            .collect();

        let execution = self
            .conn
            .query_row(
                "SELECT started_at, execution_json FROM runs WHERE execution_json IS NOT NULL
                 ORDER BY started_at DESC, id DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .map(|(at, json)| {
                // Written by this program from the same type: one that does
                // not read back is damage, said as such.
                serde_json::from_str(&json)
                    .map(|record| (at.clone(), record))
                    .map_err(|e| {
                        StoreError::damaged(
                            &self.path,
                            format!("runs.execution_json of the run of {at}: {e}"),
                        )
                    })
            })
            .transpose()?;

        // One count per review status (codes from the vocabulary, not
        // from the caller), then the open ones.
        let per_status: String = ReviewStatus::ALL
            .iter()
            .map(|s| format!("SUM(v.status = '{}'), ", s.code()))
            .collect();
        let outcomes = |group: &str, filter: &str| -> Result<Vec<Outcomes>, StoreError> {
            let mut stmt = self.conn.prepare(&format!(
                "{LATEST} SELECT {group}, {per_status} SUM(v.status IS NULL)
                 FROM latest l LEFT JOIN review v ON v.key = l.key
                 WHERE l.band IN ({flagged_bands}) {filter}
                 GROUP BY 1 ORDER BY 1"
            ))?;
            let rows = stmt.query_map([], |r| {
                let n = |i: usize| r.get::<_, Option<i64>>(i).map(|v| v.unwrap_or(0) as u64);
                let mut reviewed = BTreeMap::new();
                for (i, &status) in ReviewStatus::ALL.iter().enumerate() {
                    reviewed.insert(status, n(1 + i)?);
                }
                Ok(Outcomes {
                    group: r.get(0)?,
                    reviewed,
                    open: n(1 + ReviewStatus::ALL.len())?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let outcomes_by_department = outcomes("l.department", "")?;
        let outcomes_by_reviewer = outcomes("v.reviewer", "AND v.status IS NOT NULL")?;

        let mut stmt = self.conn.prepare(&format!(
            "{LATEST}, ranked_month AS (
                SELECT l.*, ROW_NUMBER() OVER (PARTITION BY substr(l.date, 1, 7) ORDER BY l.score DESC, l.key) AS month_rank
                FROM latest l
             )
             SELECT {RECORD_COLUMNS} FROM ranked_month l LEFT JOIN review v ON v.key = l.key
             WHERE l.month_rank <= 10 ORDER BY substr(l.date, 1, 7), l.month_rank"
        ))?;
        let mut top_by_month: Vec<(String, Vec<TransactionRecord>)> = Vec::new();
        for record in stmt.query_map([], transaction_record)? {
            let record = record?;
            let month = record.date.get(..7).unwrap_or_default().to_string();
            match top_by_month.last_mut() {
                Some((m, rows)) if *m == month => rows.push(record),
                _ => top_by_month.push((month, vec![record])),
            }
        }

        let mut stmt = self.conn.prepare(&format!(
            "{LATEST}, seen AS (
                SELECT s.key, COUNT(*) AS runs_seen,
                       SUM(s.band IN ({flagged_bands})) AS runs_flagged,
                       MIN(CASE WHEN s.band IN ({flagged_bands}) THEN r.started_at END) AS first_flagged,
                       MAX(r.started_at) AS last_seen
                FROM scored_rows s JOIN runs r ON r.id = s.run_id GROUP BY s.key
             )
             SELECT {RECORD_COLUMNS}, seen.runs_seen, seen.runs_flagged, seen.first_flagged, seen.last_seen
             FROM latest l JOIN seen ON seen.key = l.key LEFT JOIN review v ON v.key = l.key
             WHERE seen.first_flagged IS NOT NULL AND seen.first_flagged < seen.last_seen
             ORDER BY seen.runs_flagged DESC, l.score DESC, l.key"
        ))?;
        let repeats = stmt
            .query_map([], |r| {
                Ok(RepeatFlag {
                    record: transaction_record(r)?,
                    runs_seen: r.get::<_, i64>(12)? as u64,
                    runs_flagged: r.get::<_, i64>(13)? as u64,
                    first_flagged: r.get(14)?,
                    last_seen: r.get(15)?,
                })
            })?
            .collect::<Result<_, _>>()?;

        Ok(History {
            runs,
            flags_by_department_month,
            spending_by_department_month,
            execution,
            outcomes_by_department,
            outcomes_by_reviewer,
            top_by_month,
            repeats,
            reviewed: self.reviewed()?,
            anchor: self.audit_head()?,
        })
    }
}
