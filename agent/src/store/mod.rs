//! Store: the SQLite file that keeps every run, every scored row, every
//! review and a hash-chained audit trail, as evidence.
//!
//! Reviews are append-only: the latest per row key is current and all are
//! kept. The database runs in WAL mode with `synchronous=FULL`, so a write
//! call returns only once its transaction is on disk: a review acknowledged
//! to the user survives a crash. Each audit event carries the SHA-256 of its
//! predecessor, so editing or deleting one breaks the chain, which
//! [`Store::verify_audit`] finds.

use std::path::Path;

use chrono::{SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::hex::hex;
use crate::i18n::Text;
use crate::pipeline::ScoredLedger;

mod history;
pub use history::{
    FlaggedRow, History, Outcomes, RepeatFlag, RowFilter, RunDetail, RunRecord, RunRow, RunRows,
    TransactionRecord,
};

/// Schema migrations, applied in order; `PRAGMA user_version` records how
/// many have run.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    started_at    TEXT NOT NULL,
    actor         TEXT NOT NULL,
    workbook      TEXT NOT NULL,
    sheet         TEXT NOT NULL,
    input_sha256  TEXT NOT NULL,
    rows          INTEGER NOT NULL,
    config_json   TEXT NOT NULL,
    model_version TEXT NOT NULL,
    summary_json  TEXT NOT NULL,
    ingest_s      REAL NOT NULL,
    score_s       REAL NOT NULL,
    -- 1 once the run's scored rows are written (a second transaction).
    rows_recorded INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE scored_rows (
    run_id        TEXT NOT NULL REFERENCES runs(id),
    key           TEXT NOT NULL,
    row           INTEGER NOT NULL,
    score         REAL NOT NULL,
    band          TEXT NOT NULL,
    cluster       INTEGER NOT NULL,
    reasons_json  TEXT NOT NULL,
    -- What a supervisor's history sheets show of the transaction itself.
    date          TEXT NOT NULL,
    department    TEXT NOT NULL,
    account       TEXT NOT NULL,
    vendor        TEXT NOT NULL,
    description   TEXT NOT NULL,
    amount        REAL NOT NULL
);
-- Row keys are unique within a run by construction (an occurrence suffix
-- tells identical rows apart), so no composite primary key is kept: its
-- random-order inserts cost more than the rest of recording a run.
CREATE INDEX scored_rows_key ON scored_rows(key);
CREATE INDEX scored_rows_run ON scored_rows(run_id, band);
CREATE TABLE reviews (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    key       TEXT NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('confirmed', 'normal', 'needs_evidence')),
    note      TEXT NOT NULL,
    reviewer  TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX reviews_key ON reviews(key, id);
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
"#];

/// The hash before the first audit event.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("invalid review status {0:?}")]
    BadStatus(String),
    #[error(
        "the database was written by a newer ledgerlens (schema {found}, this one knows {known})"
    )]
    NewerSchema { found: i64, known: i64 },
}

impl StoreError {
    pub fn message(&self) -> Text {
        match self {
            StoreError::Sqlite(e) => Text::new(format!("데이터베이스 오류: {e}"), format!("database error: {e}")),
            StoreError::BadStatus(s) => Text::new(
                format!("검토 상태 {s:?}는 confirmed, normal, needs_evidence 중 하나여야 합니다"),
                format!("review status {s:?} must be one of confirmed, normal, needs_evidence"),
            ),
            StoreError::NewerSchema { found, known } => Text::new(
                format!("더 새로운 ledgerlens가 만든 데이터베이스입니다 (스키마 {found}, 이 버전은 {known}까지)"),
                format!("the database was written by a newer ledgerlens (schema {found}, this one knows {known})"),
            ),
        }
    }
}

/// The database file inside a data directory.
pub const DATABASE_FILE: &str = "ledgerlens.sqlite";

/// The data directory: `--data-dir` if given, else `LEDGERLENS_DATA_DIR`,
/// else the platform's per-user data folder (`%LOCALAPPDATA%`,
/// `~/Library/Application Support`, `$XDG_DATA_HOME` or
/// `~/.local/share`) + `ledgerlens`.
pub fn data_dir(explicit: Option<&Path>) -> std::path::PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("LEDGERLENS_DATA_DIR").filter(|d| !d.is_empty()) {
        return dir.into();
    }
    dirs::data_local_dir()
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("ledgerlens")
}

/// Review statuses, as the API and the sheet's dropdown name them.
pub const REVIEW_STATUSES: [&str; 3] = ["confirmed", "normal", "needs_evidence"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub key: String,
    pub status: String,
    pub note: String,
    pub reviewer: String,
    pub at: String,
}

#[derive(Debug, Clone)]
pub struct NewReview {
    pub key: String,
    pub status: String,
    pub note: String,
    pub reviewer: String,
}

/// What a run is recorded with besides its scored rows.
#[derive(Debug, Clone)]
pub struct RunMeta {
    pub actor: String,
    pub workbook: String,
    pub input_sha256: String,
    pub config_json: String,
    /// Seconds spent reading the input into a ledger.
    pub ingest_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditCheck {
    pub events: u64,
    /// Id of the first event whose hash does not follow, if any.
    pub broken_at: Option<i64>,
}

pub struct Store {
    conn: Connection,
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn event_hash(prev: &str, at: &str, actor: &str, kind: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, at, actor, kind, detail] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex(&h.finalize())
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before it returns, in WAL mode too.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 64 MiB of page cache (the default is 2 MiB): recording a 100k-row
        // run touches the key index all over, and re-reading its pages from
        // disk was a third of the time.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::NewerSchema {
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn append_event(
        tx: &rusqlite::Transaction<'_>,
        actor: &str,
        kind: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let prev: String = tx
            .query_row(
                "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| GENESIS.to_string());
        let at = now();
        let hash = event_hash(&prev, &at, actor, kind, detail);
        tx.execute(
            "INSERT INTO audit_events (at, actor, kind, detail_json, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![at, actor, kind, detail, prev, hash],
        )?;
        Ok(())
    }

    /// Records a run and its scored rows; returns the run id.
    pub fn record_run(
        &mut self,
        meta: &RunMeta,
        scored: &ScoredLedger,
    ) -> Result<String, StoreError> {
        let id = self.record_run_header(meta, scored)?;
        self.record_scored_rows(&id, scored)?;
        Ok(id)
    }

    /// Records a run (who, what, when, the summary) and its audit event, and
    /// returns the run id. Its scored rows follow with
    /// [`Store::record_scored_rows`]: the agent answers between the two.
    pub fn record_run_header(
        &mut self,
        meta: &RunMeta,
        scored: &ScoredLedger,
    ) -> Result<String, StoreError> {
        let started_at = now();
        let id = {
            let mut h = Sha256::new();
            h.update(started_at.as_bytes());
            h.update(meta.input_sha256.as_bytes());
            h.update(meta.workbook.as_bytes());
            format!(
                "{}-{}",
                Utc::now().format("%Y%m%dT%H%M%SZ"),
                &hex(&h.finalize())[..8]
            )
        };
        let summary = serde_json::to_string(&scored.summary).unwrap_or_default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO runs (id, started_at, actor, workbook, sheet, input_sha256, rows, config_json, model_version, summary_json, ingest_s, score_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                id,
                started_at,
                meta.actor,
                meta.workbook,
                scored.ledger.sheet,
                meta.input_sha256,
                scored.rows.len() as i64,
                meta.config_json,
                scored.summary.model_version,
                summary,
                meta.ingest_s,
                scored.summary.timings.features_s + scored.summary.timings.model_s
            ],
        )?;
        let detail =
            serde_json::json!({ "run": id, "workbook": meta.workbook, "rows": scored.rows.len() })
                .to_string();
        Self::append_event(&tx, &meta.actor, "run", &detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// Writes a recorded run's scored rows in one transaction and marks
    /// the run complete.
    pub fn record_scored_rows(
        &mut self,
        id: &str,
        scored: &ScoredLedger,
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO scored_rows (run_id, key, row, score, band, cluster, reasons_json, date, department, account, vendor, description, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            let ledger = &scored.ledger;
            for (r, t) in scored.rows.iter().zip(&ledger.transactions) {
                // Reasons are what a reviewer reads of a flagged row; a low
                // row's are kept out of the history to keep runs fast to record.
                let reasons = if r.band == crate::model::Band::Low {
                    String::from("[]")
                } else {
                    serde_json::to_string(&r.reasons).unwrap_or_default()
                };
                insert.execute(params![
                    id,
                    r.key,
                    r.row,
                    r.score,
                    r.band.code(),
                    r.cluster,
                    reasons,
                    t.date.format("%Y-%m-%d").to_string(),
                    ledger.departments.name(t.department),
                    ledger.accounts.name(t.account),
                    ledger.vendors.name(t.vendor),
                    &*t.description,
                    t.amount
                ])?;
            }
        }
        tx.execute(
            "UPDATE runs SET rows_recorded = 1 WHERE id = ?1",
            params![id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Appends reviews in one transaction; returns only once they are on disk.
    pub fn add_reviews(&mut self, reviews: &[NewReview]) -> Result<usize, StoreError> {
        if let Some(bad) = reviews
            .iter()
            .find(|r| !REVIEW_STATUSES.contains(&r.status.as_str()))
        {
            return Err(StoreError::BadStatus(bad.status.clone()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        {
            let mut insert = tx.prepare(
                "INSERT INTO reviews (key, status, note, reviewer, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for r in reviews {
                insert.execute(params![r.key, r.status, r.note, r.reviewer, at])?;
            }
        }
        for r in reviews {
            let detail =
                serde_json::json!({ "key": r.key, "status": r.status, "note": r.note }).to_string();
            Self::append_event(&tx, &r.reviewer, "review", &detail)?;
        }
        tx.commit()?;
        Ok(reviews.len())
    }

    /// The latest review of every row key, oldest key first.
    pub fn latest_reviews(&self) -> Result<Vec<Review>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, status, note, reviewer, at FROM reviews
             WHERE id IN (SELECT MAX(id) FROM reviews GROUP BY key) ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Review {
                key: r.get(0)?,
                status: r.get(1)?,
                note: r.get(2)?,
                reviewer: r.get(3)?,
                at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many reviews were ever written (all kept, the latest current).
    pub fn review_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM reviews", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Walks the audit chain and reports the first event that does not follow.
    pub fn verify_audit(&self) -> Result<AuditCheck, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, at, actor, kind, detail_json, prev_hash, hash FROM audit_events ORDER BY id")?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS.to_string();
        let mut events = 0;
        while let Some(r) = rows.next()? {
            events += 1;
            let id: i64 = r.get(0)?;
            let (at, actor, kind, detail, prev_hash, hash): (
                String,
                String,
                String,
                String,
                String,
                String,
            ) = (
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            );
            if prev_hash != prev || event_hash(&prev, &at, &actor, &kind, &detail) != hash {
                return Ok(AuditCheck {
                    events,
                    broken_at: Some(id),
                });
            }
            prev = hash;
        }
        Ok(AuditCheck {
            events,
            broken_at: None,
        })
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// A consistent copy of the database (`VACUUM INTO`), safe while in use.
    pub fn backup(&self, to: &Path) -> Result<(), StoreError> {
        self.conn
            .execute("VACUUM INTO ?1", params![to.display().to_string()])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::ingest::{ledger_from_grid, IngestOptions};

    fn scored() -> ScoredLedger {
        let demo = crate::demo::generate(400, 2);
        let ledger =
            ledger_from_grid(demo.to_grid(), "demo.xlsx", &IngestOptions::default()).unwrap();
        crate::pipeline::score(ledger, &Config::default()).unwrap()
    }

    fn meta() -> RunMeta {
        RunMeta {
            actor: "tester".into(),
            workbook: "demo.xlsx".into(),
            input_sha256: "abc".into(),
            config_json: "{}".into(),
            ingest_s: 0.1,
        }
    }

    fn review(key: &str, status: &str, note: &str) -> NewReview {
        NewReview {
            key: key.into(),
            status: status.into(),
            note: note.into(),
            reviewer: "김검토".into(),
        }
    }

    #[test]
    fn runs_reviews_and_audit_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledgerlens.sqlite");
        let scored = scored();
        let key = scored.rows[0].key.clone();
        {
            let mut store = Store::open(&path).unwrap();
            let run = store.record_run(&meta(), &scored).unwrap();
            assert!(run.contains('-'));
            assert_eq!(
                store
                    .add_reviews(&[review(&key, "needs_evidence", "영수증 요청")])
                    .unwrap(),
                1
            );
            assert_eq!(
                store
                    .add_reviews(&[review(&key, "confirmed", "중복 확인")])
                    .unwrap(),
                1
            );
        }
        let store = Store::open(&path).unwrap();
        let latest = store.latest_reviews().unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].status, "confirmed");
        assert_eq!(latest[0].note, "중복 확인");
        assert_eq!(store.review_count().unwrap(), 2, "every review is kept");
        assert_eq!(
            store.verify_audit().unwrap(),
            AuditCheck {
                events: 3,
                broken_at: None
            }
        );
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn tampering_breaks_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let mut store = Store::open(&path).unwrap();
        store
            .add_reviews(&[
                review("k1", "normal", "a"),
                review("k2", "normal", "b"),
                review("k3", "normal", "c"),
            ])
            .unwrap();
        store
            .conn
            .execute("UPDATE audit_events SET detail_json = '{\"key\":\"k2\",\"status\":\"confirmed\"}' WHERE id = 2", [])
            .unwrap();
        assert_eq!(store.verify_audit().unwrap().broken_at, Some(2));
    }

    #[test]
    fn bad_status_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let err = store
            .add_reviews(&[review("k1", "normal", ""), review("k2", "maybe", "")])
            .unwrap_err();
        assert!(err.message().en.contains("maybe"));
        assert_eq!(store.review_count().unwrap(), 0);
    }

    #[test]
    fn backup_is_a_working_copy() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        store.add_reviews(&[review("k1", "normal", "ok")]).unwrap();
        let copy = dir.path().join("backup.sqlite");
        store.backup(&copy).unwrap();
        let restored = Store::open(&copy).unwrap();
        assert_eq!(restored.latest_reviews().unwrap()[0].note, "ok");
        assert_eq!(restored.verify_audit().unwrap().broken_at, None);
    }
}
