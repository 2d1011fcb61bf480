//! Store: the SQLite file that keeps every run, every scored row, every
//! review and a hash-chained audit trail, as evidence.
//!
//! Reviews are append-only: the latest per row key is current and all are
//! kept. The database runs in WAL mode with `synchronous=FULL`, so a write
//! call returns only once its transaction is on disk: a review acknowledged
//! to the user survives a crash. Every run, row and review is covered by a
//! keyed hash chain anchored outside the file (`audit`), which
//! [`Store::verify_audit`] checks.
//!
//! A damaged file is never written to: it is checked (`quick_check`) when
//! opened, and again before any write once a query has failed, and refused
//! with where the newest backup is; backups are taken automatically
//! (`backup`).

use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{explained, Explain, Kind};
use crate::hex::hex;
use crate::i18n::Text;
use crate::pipeline::ScoredLedger;
use crate::vocabulary::{Band, ReviewReason, ReviewStatus};

pub(crate) mod audit;
pub(crate) mod backup;
mod forecasters;
mod history;
mod models;
mod reviewed;
mod row_detail;
pub use audit::{Anchor, AuditCheck, Problem};
pub use history::{
    FlaggedRow, History, Outcomes, RepeatFlag, RowFilter, RunDetail, RunRecord, RunRow, RunRows,
    TransactionRecord,
};
pub use models::ReportStamp;
pub use reviewed::{Reviewed, ReviewedRow, Unflagged, UnflaggedRow};
pub use row_detail::RowWithGroup;

/// Schema migrations, applied in order; `PRAGMA user_version` records how
/// many have run.
const MIGRATIONS: &[&str] = &[
    r#"
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
"#,
    // 2: events name how their hash was made; older ones are plain SHA-256,
    // and the migration seals them under the key (`Store::seal_legacy`).
    r#"
ALTER TABLE audit_events ADD COLUMN alg TEXT NOT NULL DEFAULT 'sha256';
"#,
    // 3: why a reviewer gave the status (`ReviewReason`'s code), NULL for a
    // review without one and for every review written before reasons
    // existed. No CHECK: `insert_reviews` checks the reason against the
    // status, and a reason added to the vocabulary then needs no rebuild
    // of the table.
    r#"
ALTER TABLE reviews ADD COLUMN reason TEXT;
"#,
    // 4: what the supervised model learns from, per scored row
    // (`learn::features`; '' for rows scored before it was kept), and the
    // models trained on the reviews, each whole in one row: a model is
    // in use once its row is committed, and not before.
    r#"
ALTER TABLE scored_rows ADD COLUMN features TEXT NOT NULL DEFAULT '';
CREATE TABLE models (
    version        INTEGER PRIMARY KEY AUTOINCREMENT,
    trained_at     TEXT NOT NULL,
    -- The newest review it learnt from (reviews.id).
    through_review INTEGER NOT NULL,
    confirmed      INTEGER NOT NULL,
    normal         INTEGER NOT NULL,
    trees          INTEGER NOT NULL,
    model_json     TEXT NOT NULL
);
"#,
    // 5: the forecasters runs forecast with (`forecast::forecaster`), each
    // whole in one row, and which one each run used (NULL for a run
    // without forecasts and for every run before they were kept).
    r#"
CREATE TABLE forecast_models (
    number       INTEGER PRIMARY KEY AUTOINCREMENT,
    trained_at   TEXT NOT NULL,
    -- Forecaster::version: a digest of its parameters, data and weights.
    version      TEXT NOT NULL,
    -- The newest month it was trained on (YYYY-MM) and why it was trained.
    through      TEXT NOT NULL,
    refit        TEXT NOT NULL,
    description  TEXT NOT NULL,
    weights      BLOB NOT NULL
);
-- forecast_models.number (no REFERENCES: a column under a foreign key
-- cannot be dropped, and nothing here deletes a kept model).
ALTER TABLE runs ADD COLUMN forecast_model INTEGER;
"#,
    // 6: a run scored with a budget keeps its execution rates
    // (`budget::ExecutionRecord` as JSON; NULL for a run without one and
    // every run before they were kept), for the PDF report.
    r#"
ALTER TABLE runs ADD COLUMN execution_json TEXT;
"#,
];

#[derive(Debug)]
pub enum StoreError {
    Sqlite(rusqlite::Error),
    NewerSchema {
        found: i64,
        known: i64,
    },
    Damaged {
        path: PathBuf,
        detail: String,
        backup: Option<PathBuf>,
    },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    BadKey(PathBuf),
    MissingKey,
    BadAnchor(PathBuf),
    NotInterrupted(String),
    /// A review's reason explains another status (the door checks this
    /// first; the store refuses it as well, since the pairing is evidence).
    /// The text is `ReviewReason::fits`'s why.
    ReasonNotForStatus(Text),
}

impl StoreError {
    /// The database at `path` is damaged; the message names the newest backup.
    pub(crate) fn damaged(path: &Path, detail: impl Into<String>) -> StoreError {
        StoreError::Damaged {
            path: path.to_path_buf(),
            detail: detail.into(),
            backup: backup::newest(path),
        }
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// True for errors that mean the file itself is damaged.
    fn is_damage(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        )
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(e)
    }
}

impl Explain for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Damaged { .. } => "store_damaged",
            StoreError::MissingKey | StoreError::BadKey(_) => "audit_key_missing",
            StoreError::NotInterrupted(_) => "run_not_interrupted",
            StoreError::ReasonNotForStatus(_) => "reason_not_for_status",
            _ => "store",
        }
    }

    fn kind(&self) -> Kind {
        match self {
            // Nothing may be written until the user acts (restores a
            // backup or the key); the agent keeps serving what it can.
            StoreError::Damaged { .. } | StoreError::MissingKey | StoreError::BadKey(_) => {
                Kind::Unavailable
            }
            StoreError::NotInterrupted(_) => Kind::Conflict,
            StoreError::ReasonNotForStatus(_) => Kind::Invalid,
            _ => Kind::Internal,
        }
    }

    fn message(&self) -> Text {
        match self {
            StoreError::Damaged { path, detail, backup } => {
                let (ko, en) = match backup {
                    Some(b) => (
                        format!("가장 최근 백업: {} (에이전트를 멈추고 이 파일을 {} 자리에 복사하세요)", b.display(), path.display()),
                        format!("the newest backup is {} (stop the agent and copy it over {})", b.display(), path.display()),
                    ),
                    None => (
                        "백업이 없습니다".to_string(),
                        "there is no backup".to_string(),
                    ),
                };
                Text::new(
                    format!("데이터베이스 {}가 손상되어 쓰지 않습니다 ({detail}). {ko}", path.display()),
                    format!("the database {} is damaged and will not be written to ({detail}); {en}", path.display()),
                )
            }
            StoreError::Io { path, source } => Text::new(
                format!("{}: 파일 오류: {source}", path.display()),
                format!("{}: file error: {source}", path.display()),
            ),
            StoreError::BadKey(path) => Text::new(
                format!("감사 키 파일 {}이(가) 올바른 키가 아닙니다", path.display()),
                format!("the audit key file {} does not hold a key", path.display()),
            ),
            StoreError::MissingKey => Text::new(
                format!("감사 키 파일({})이 없어 기록할 수 없습니다. 백업해 둔 키를 데이터 폴더에 복원하세요", audit::KEY_FILE),
                format!("the audit key file ({}) is missing, so nothing can be recorded: restore your copy of it into the data folder", audit::KEY_FILE),
            ),
            StoreError::BadAnchor(path) => Text::new(
                format!("감사 앵커 파일 {}을(를) 읽을 수 없습니다", path.display()),
                format!("the audit anchor file {} cannot be read", path.display()),
            ),
            StoreError::NotInterrupted(run) => Text::new(
                format!("실행 {run}은(는) 중단된 실행이 아닙니다. 완료된 실행은 증거로 남으며 삭제할 수 없습니다"),
                format!("run {run} was not interrupted: a complete run is evidence and cannot be removed"),
            ),
            StoreError::ReasonNotForStatus(why) => why.clone(),
            StoreError::Sqlite(e) => Text::new(format!("데이터베이스 오류: {e}"), format!("database error: {e}")),
            StoreError::NewerSchema { found, known } => Text::new(
                format!("더 새로운 ledgerlens가 만든 데이터베이스입니다 (스키마 {found}, 이 버전은 {known}까지)"),
                format!("the database was written by a newer ledgerlens (schema {found}, this one knows {known})"),
            ),
        }
    }
}

explained!(StoreError);

/// The database file inside a data directory.
pub const DATABASE_FILE: &str = "ledgerlens.sqlite";

/// There is no run `id` in the store (the API's 404, the CLI's error).
pub fn no_such_run(id: &str) -> crate::error::Error {
    crate::error::Error::new(
        Kind::NotFound,
        "no_such_run",
        Text::new(
            format!("실행 {id}이(가) 없습니다"),
            format!("there is no run {id}"),
        ),
    )
}

/// The vocabulary's enums are stored as their codes.
macro_rules! stored_as_code {
    ($($name:ty),*) => {$(
        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.code().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let code = value.as_str()?;
                <$name>::from_code(code).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(format!("unknown {} {code:?}", stringify!($name)).into())
                })
            }
        }
    )*};
}

stored_as_code!(Band, ReviewStatus, ReviewReason);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub key: String,
    pub status: ReviewStatus,
    /// Why, where the reviewer said (older reviews have none).
    pub reason: Option<ReviewReason>,
    pub note: String,
    pub reviewer: String,
    pub at: String,
}

#[derive(Debug, Clone)]
pub struct NewReview {
    pub key: String,
    pub status: ReviewStatus,
    /// Must explain `status` (`ReviewReason::status`); the store refuses
    /// one that does not.
    pub reason: Option<ReviewReason>,
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
    /// The kept forecaster the run forecast with (`Store::keep_forecaster`).
    pub forecast_model: Option<i64>,
    /// Its execution against the budget it was scored with.
    pub execution: Option<crate::budget::ExecutionRecord>,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    key: Option<audit::AuditKey>,
    /// Set when a query failed as if the file were damaged: every write
    /// then checks the file first.
    suspect: bool,
}

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl Store {
    /// Opens (creating if needed) the database file, checks it is sound,
    /// and brings its schema up to date. A damaged file is refused, naming
    /// the newest backup.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        let damaged = |detail: String| StoreError::damaged(path, detail);
        let setup = || -> Result<(), StoreError> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // FULL: a commit is on disk before it returns, in WAL mode too.
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            // 64 MiB of page cache (the default is 2 MiB): recording a 100k-row
            // run touches the key index all over, and re-reading its pages from
            // disk was a third of the time.
            conn.pragma_update(None, "cache_size", -65_536)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            Ok(())
        };
        if let Err(e) = setup() {
            return Err(if e.is_damage() {
                damaged(e.to_string())
            } else {
                e
            });
        }
        let check = quick_check(&conn).map_err(|e| damaged(e.to_string()))?;
        if check != "ok" {
            return Err(damaged(check));
        }
        // A key may be made only for a database that never had one.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let keyed = version >= 2
            && conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM audit_events WHERE alg = ?1)",
                params![audit::KEYED],
                |r| r.get::<_, bool>(0),
            )?;
        let key = audit::AuditKey::load(path, !keyed)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            key,
            suspect: false,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
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
        if version == known {
            return Ok(());
        }
        // Every step in one transaction: a crash mid-upgrade leaves the
        // database as it was. The legacy seal (from schema 2 on) runs once
        // the tables are in their final shape, since it digests reviews as
        // today's code reads them (with their reason column).
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for sql in &MIGRATIONS[version as usize..] {
            tx.execute_batch(sql)?;
        }
        if version < 2 {
            Self::seal_legacy(&tx, self.key.as_ref())?;
        }
        tx.pragma_update(None, "user_version", known)?;
        tx.commit()?;
        self.anchor()?;
        Ok(())
    }

    /// Covers what a database held before the chain was keyed with one
    /// keyed event: its reviews' digest and each run's, so rewriting the
    /// plain-hashed past breaks the first keyed hash.
    fn seal_legacy(
        tx: &rusqlite::Transaction<'_>,
        key: Option<&audit::AuditKey>,
    ) -> Result<(), StoreError> {
        let through: i64 =
            tx.query_row("SELECT COALESCE(MAX(id), 0) FROM reviews", [], |r| r.get(0))?;
        let events: i64 = tx.query_row("SELECT COUNT(*) FROM audit_events", [], |r| r.get(0))?;
        if events == 0 && through == 0 {
            return Ok(());
        }
        let mut runs = Vec::new();
        for (id, complete) in audit::runs_and_completeness(tx)? {
            let digest = audit::run_digest(tx, &id)?.unwrap_or_default();
            let (rows, rows_digest) = if complete {
                let (n, d) = audit::rows_digest(tx, &id)?;
                (Some(n), Some(d))
            } else {
                (None, None)
            };
            runs.push(audit::SealedRun {
                run: id,
                digest,
                rows,
                rows_digest,
            });
        }
        let detail = serde_json::json!({
            "reviews_through": through,
            "reviews_digest": audit::legacy_reviews_digest(tx, through)?,
            "runs": runs,
        });
        audit::append(tx, key, "ledgerlens", "seal", &detail)
    }

    /// Before a write: a store a query found damaged is checked again, and
    /// refused if the check fails, so nothing is acknowledged into it.
    fn writable(&mut self) -> Result<(), StoreError> {
        if !self.suspect {
            return Ok(());
        }
        let check = quick_check(&self.conn).unwrap_or_else(|e| e.to_string());
        if check != "ok" {
            return Err(StoreError::damaged(&self.path, check));
        }
        self.suspect = false;
        Ok(())
    }

    /// Every write goes through here: a store found damaged is checked
    /// first, a failure that looks like damage is noted, and the anchor file
    /// follows the commit.
    fn write<T>(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.writable()?;
        let result = work(self);
        let done = self.noting(result)?;
        self.anchor()?;
        Ok(done)
    }

    /// Notes a failure that may mean damage, so the next write checks the
    /// file first; passes the result on.
    pub(crate) fn noting<T>(&mut self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(e) = &result {
            if e.is_damage() {
                self.suspect = true;
            }
        }
        result
    }

    /// After a commit that appended events: the anchor file follows.
    fn anchor(&self) -> Result<(), StoreError> {
        audit::write_anchor(&self.path, &audit::head(&self.conn)?)
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
        self.write(|store| store.insert_run_header(meta, scored))
    }

    fn insert_run_header(
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
        let execution = meta
            .execution
            .as_ref()
            .map(|e| serde_json::to_string(e).unwrap_or_default());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO runs (id, started_at, actor, workbook, sheet, input_sha256, rows, config_json, model_version, summary_json, ingest_s, score_s, forecast_model, execution_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
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
                scored.summary.timings.features_s + scored.summary.timings.model_s,
                meta.forecast_model,
                execution
            ],
        )?;
        let detail = serde_json::json!({
            "run": id,
            "workbook": meta.workbook,
            "rows": scored.rows.len(),
            "digest": audit::run_digest(&tx, &id)?,
        });
        audit::append(&tx, self.key.as_ref(), &meta.actor, "run", &detail)?;
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
        self.write(|store| store.insert_scored_rows(id, scored))
    }

    fn insert_scored_rows(&mut self, id: &str, scored: &ScoredLedger) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut digest = audit::RowsDigest::default();
        {
            let mut insert = tx.prepare(
                "INSERT INTO scored_rows (run_id, key, row, score, band, cluster, reasons_json, date, department, account, vendor, description, amount, features)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            let ledger = &scored.ledger;
            for (r, t) in scored.rows.iter().zip(&ledger.transactions) {
                // Reasons are what a reviewer reads of a flagged row; a low
                // row's are kept out of the history to keep runs fast to record.
                let reasons = if !r.band.is_flagged() {
                    String::from("[]")
                } else {
                    serde_json::to_string(&r.reasons).unwrap_or_default()
                };
                let fields = audit::ScoredRowFields {
                    key: &t.key,
                    row: i64::from(t.sheet_row),
                    score: r.score,
                    band: r.band.code(),
                    cluster: i64::from(r.cluster),
                    reasons: &reasons,
                    date: &t.date.format("%Y-%m-%d").to_string(),
                    department: ledger.departments.name(t.department),
                    account: ledger.accounts.name(t.account),
                    vendor: ledger.vendors.name(t.vendor),
                    description: &t.description,
                    amount: t.amount,
                };
                insert.execute(params![
                    id,
                    fields.key,
                    fields.row,
                    fields.score,
                    fields.band,
                    fields.cluster,
                    fields.reasons,
                    fields.date,
                    fields.department,
                    fields.account,
                    fields.vendor,
                    fields.description,
                    fields.amount,
                    // Model inputs, not evidence of what was paid: outside
                    // the row digest, like the run's timings.
                    crate::learn::features::Row::encode(&r.evidence, r.isolation)
                ])?;
                // The digest of exactly what was inserted; verify reads it back.
                digest.add(&fields);
            }
        }
        tx.execute(
            "UPDATE runs SET rows_recorded = 1 WHERE id = ?1",
            params![id],
        )?;
        let (rows, digest) = digest.finish();
        let detail = serde_json::json!({ "run": id, "rows": rows, "digest": digest });
        audit::append(&tx, self.key.as_ref(), "ledgerlens", "rows", &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Appends reviews in one transaction; returns only once they are on disk.
    pub fn add_reviews(&mut self, reviews: &[NewReview]) -> Result<usize, StoreError> {
        self.write(|store| store.insert_reviews(reviews))
    }

    fn insert_reviews(&mut self, reviews: &[NewReview]) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = now();
        for r in reviews {
            if let Some(Err(why)) = r.reason.map(|reason| reason.fits(r.status)) {
                return Err(StoreError::ReasonNotForStatus(why));
            }
            tx.prepare_cached(
                "INSERT INTO reviews (key, status, reason, note, reviewer, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![r.key, r.status, r.reason, r.note, r.reviewer, at])?;
            let review = tx.last_insert_rowid();
            let detail = serde_json::json!({
                "review": review,
                "key": r.key,
                "status": r.status,
                "reason": r.reason,
                "digest": audit::review_digest(&tx, review)?,
            });
            audit::append(&tx, self.key.as_ref(), &r.reviewer, "review", &detail)?;
        }
        tx.commit()?;
        Ok(reviews.len())
    }

    /// The latest review of every row key, oldest key first.
    pub fn latest_reviews(&self) -> Result<Vec<Review>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, status, reason, note, reviewer, at FROM reviews
             WHERE id IN (SELECT MAX(id) FROM reviews GROUP BY key) ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Review {
                key: r.get(0)?,
                status: r.get(1)?,
                reason: r.get(2)?,
                note: r.get(3)?,
                reviewer: r.get(4)?,
                at: r.get(5)?,
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

    /// Walks the audit chain and checks every run, row and review against
    /// it, and the chain against the anchor file and any `extra` anchors
    /// (from filed reports).
    pub fn verify_audit(&self, extra: &[(String, Anchor)]) -> Result<AuditCheck, StoreError> {
        let mut anchors = Vec::new();
        let anchor_file = audit::anchor_path(&self.path);
        if let Some(anchor) = audit::read_anchor(&self.path)? {
            anchors.push((anchor_file.display().to_string(), anchor));
        }
        anchors.extend(extra.iter().cloned());
        let mut check = audit::verify(&self.conn, self.key.as_ref(), &anchors)?;
        if check.events > 0 && !anchor_file.exists() {
            check.problems.push(Problem::AnchorMissing {
                path: anchor_file.display().to_string(),
            });
        }
        Ok(check)
    }

    /// The chain's head now, as history workbooks carry it.
    pub fn audit_head(&self) -> Result<Anchor, StoreError> {
        audit::head(&self.conn)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// A consistent copy of the database (`VACUUM INTO`), safe while in
    /// use, readable by the user only. `to` must not exist.
    pub fn backup(&self, to: &Path) -> Result<(), StoreError> {
        self.conn
            .execute("VACUUM INTO ?1", params![to.display().to_string()])?;
        crate::files::restrict(to).map_err(|e| StoreError::io(to, e))
    }

    /// The runs whose scored rows were cut off (a crash, or a failed write
    /// after the answer was sent). No job is writing while a caller holds
    /// the store, so an incomplete run is an interrupted one.
    pub fn interrupted_runs(&self) -> Result<Vec<String>, StoreError> {
        let runs = audit::runs_and_completeness(&self.conn)?;
        Ok(runs
            .into_iter()
            .filter_map(|(id, complete)| (!complete).then_some(id))
            .collect())
    }

    /// Removes an interrupted run and what rows of it got in, with an audit
    /// event saying who removed it; a complete run is evidence and stays.
    pub fn remove_interrupted_run(&mut self, id: &str, actor: &str) -> Result<bool, StoreError> {
        self.write(|store| store.delete_interrupted_run(id, actor))
    }

    fn delete_interrupted_run(&mut self, id: &str, actor: &str) -> Result<bool, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let complete: Option<bool> = tx
            .query_row(
                "SELECT rows_recorded FROM runs WHERE id = ?1",
                params![id],
                |r| r.get::<_, i64>(0).map(|v| v == 1),
            )
            .optional()?;
        match complete {
            None => return Ok(false),
            Some(true) => return Err(StoreError::NotInterrupted(id.to_string())),
            Some(false) => {}
        }
        let rows = tx.execute("DELETE FROM scored_rows WHERE run_id = ?1", params![id])?;
        tx.execute("DELETE FROM runs WHERE id = ?1", params![id])?;
        let detail =
            serde_json::json!({ "run": id, "partial_rows": rows, "reason": "interrupted" });
        audit::append(&tx, self.key.as_ref(), actor, "run_removed", &detail)?;
        tx.commit()?;
        Ok(true)
    }

    /// Records that an audit sample was drawn from a run (`detail`: the
    /// run, the plan, the seed and the rows drawn), so the sample an
    /// auditor concludes on is in the same evidence trail as the run and
    /// can be drawn again from it.
    pub fn record_sample(
        &mut self,
        actor: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.write(|store| {
            let tx = store
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            audit::append(&tx, store.key.as_ref(), actor, "sample", detail)?;
            tx.commit()?;
            Ok(())
        })
    }
}

/// `PRAGMA quick_check`: the structural half of `integrity_check`, fast
/// enough for every start.
fn quick_check(conn: &Connection) -> Result<String, StoreError> {
    Ok(conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?)
}

/// Reading beside the agent's own connection.
impl Store {
    /// A second, read-only connection to the same file, for reading beside
    /// the agent's own: WAL lets it read a consistent snapshot while the
    /// agent writes, so a long read (the training's reviews) holds no lock
    /// a Score or a Sync waits for.
    pub fn reader(&self) -> Result<Store, StoreError> {
        Store::open_reader(&self.path)
    }

    /// A read-only connection to the store at `path`, for a process that
    /// reads beside the agent (its training worker, `server::training`).
    pub fn open_reader(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            key: None,
            suspect: false,
        })
    }

    /// Runs `read` in one read transaction: every query in it sees the
    /// same snapshot, even while another connection commits.
    pub fn snapshot<T>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let result = read(self);
        // A read transaction has nothing to keep.
        let _ = self.conn.execute_batch("COMMIT");
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ledger_from_grid, IngestOptions};

    fn scored() -> ScoredLedger {
        let demo = crate::demo::generate(400, 2);
        let ledger =
            ledger_from_grid(demo.to_grid(), "demo.xlsx", &IngestOptions::default()).unwrap();
        crate::pipeline::score(ledger, &crate::config::Checked::default(), None).unwrap()
    }

    /// Spending is summed per currency, and a budgeted run's execution
    /// comes back as it was recorded, inside the run's audited digest.
    #[test]
    fn history_keeps_currencies_apart_and_a_runs_execution_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
        let won = scored();
        store.record_run(&meta(), &won).unwrap();
        let demo = crate::demo::generate(300, 9);
        let ledger =
            ledger_from_grid(demo.to_grid(), "usd.xlsx", &IngestOptions::default()).unwrap();
        let mut dollars =
            crate::pipeline::score(ledger, &crate::config::Checked::default(), None).unwrap();
        dollars.summary.currency = crate::money::Currency::Usd;
        let execution = crate::budget::ExecutionRecord {
            sheet: "예산".into(),
            year: 2024,
            through: 3,
            rows: Vec::new(),
        };
        let budgeted = RunMeta {
            execution: Some(execution.clone()),
            ..meta()
        };
        store.record_run(&budgeted, &dollars).unwrap();
        let history = store.history().unwrap();
        let total = |c: crate::money::Currency| -> f64 {
            history
                .spending_by_department_month
                .iter()
                .filter(|s| s.2 == c)
                .map(|s| s.3)
                .sum()
        };
        let sum =
            |s: &ScoredLedger| -> f64 { s.ledger.transactions.iter().map(|t| t.amount).sum() };
        assert!((total(crate::money::Currency::Usd) - sum(&dollars)).abs() < 1e-6);
        assert!((total(crate::money::Currency::Krw) - sum(&won)).abs() < 1e-3);
        assert_eq!(history.execution.as_ref().map(|e| &e.1), Some(&execution));
        assert!(store.verify_audit(&[]).unwrap().intact());
    }

    fn meta() -> RunMeta {
        RunMeta {
            actor: "tester".into(),
            workbook: "demo.xlsx".into(),
            input_sha256: "abc".into(),
            config_json: "{}".into(),
            ingest_s: 0.1,
            forecast_model: None,
            execution: None,
        }
    }

    fn review(key: &str, status: &str, note: &str) -> NewReview {
        let status = ReviewStatus::from_code(status).expect("a known status");
        NewReview {
            key: key.into(),
            status,
            reason: None,
            note: note.into(),
            reviewer: "김검토".into(),
        }
    }

    #[test]
    fn runs_reviews_and_audit_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledgerlens.sqlite");
        let scored = scored();
        let key = scored.key(0).to_string();
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
        assert_eq!(latest[0].status, ReviewStatus::Confirmed);
        assert_eq!(latest[0].note, "중복 확인");
        assert_eq!(store.review_count().unwrap(), 2, "every review is kept");
        let check = store.verify_audit(&[]).unwrap();
        assert_eq!(check.events, 4, "a run, its rows, two reviews");
        assert_eq!(check.keyed, 4);
        assert!(check.intact(), "{:?}", check.problems);
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    /// A store with a run and three reviews, and its path.
    fn evidence() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let mut store = Store::open(&path).unwrap();
        store.record_run(&meta(), &scored()).unwrap();
        store
            .add_reviews(&[
                review("k1", "normal", "a"),
                NewReview {
                    reason: Some(ReviewReason::FalseAlarm),
                    ..review("k2", "normal", "b")
                },
                review("k3", "normal", "c"),
            ])
            .unwrap();
        assert!(store.verify_audit(&[]).unwrap().intact());
        (dir, path)
    }

    /// Applies `attack` to the database file directly (as anyone with the
    /// file could) and returns what verify finds.
    fn after(attack: &str) -> Vec<Problem> {
        let (_dir, path) = evidence();
        Connection::open(&path)
            .unwrap()
            .execute_batch(attack)
            .unwrap();
        Store::open(&path)
            .unwrap()
            .verify_audit(&[])
            .unwrap()
            .problems
    }

    #[test]
    fn every_kind_of_tampering_is_found() {
        let found = after("UPDATE reviews SET status = 'confirmed' WHERE key = 'k2'");
        assert!(
            found.contains(&Problem::ReviewAltered { review: 2 }),
            "{found:?}"
        );
        // A review's reason is evidence too: changed, removed or given to
        // a review that had none.
        for attack in [
            "UPDATE reviews SET reason = 'allowed_by_rules' WHERE key = 'k2'",
            "UPDATE reviews SET reason = NULL WHERE key = 'k2'",
        ] {
            let found = after(attack);
            assert!(
                found.contains(&Problem::ReviewAltered { review: 2 }),
                "{attack}: {found:?}"
            );
        }
        let found = after("UPDATE reviews SET reason = 'false_alarm' WHERE key = 'k1'");
        assert!(
            found.contains(&Problem::ReviewAltered { review: 1 }),
            "{found:?}"
        );
        let found = after("DELETE FROM reviews WHERE key = 'k3'");
        assert!(
            found.contains(&Problem::ReviewDeleted { review: 3 }),
            "{found:?}"
        );
        let found = after("INSERT INTO reviews (key, status, note, reviewer, at) VALUES ('k9', 'normal', '', 'x', 'now')");
        assert!(
            found.contains(&Problem::ReviewAltered { review: 4 }),
            "{found:?}"
        );
        let found = after("UPDATE runs SET workbook = 'other.xlsx'");
        assert!(
            matches!(found[..], [Problem::RunAltered { .. }]),
            "{found:?}"
        );
        let found = after(
            "UPDATE scored_rows SET score = 0 WHERE rowid = (SELECT MAX(rowid) FROM scored_rows)",
        );
        assert!(
            matches!(found[..], [Problem::RowsAltered { .. }]),
            "{found:?}"
        );
        let found =
            after("DELETE FROM scored_rows WHERE rowid = (SELECT MIN(rowid) FROM scored_rows)");
        assert!(
            matches!(found[..], [Problem::RowsAltered { .. }]),
            "{found:?}"
        );
        let found = after("DELETE FROM scored_rows; DELETE FROM runs");
        assert!(
            matches!(found[..], [Problem::RunDeleted { .. }]),
            "{found:?}"
        );
        let found = after("UPDATE audit_events SET detail_json = '{}' WHERE id = 3");
        assert!(
            found.contains(&Problem::ChainBroken { event: 3 }),
            "{found:?}"
        );
    }

    /// Rewrites an event and recomputes the chain after it with plain
    /// SHA-256, as an attacker without the key can.
    fn recompute_without_key(path: &Path, from: i64) {
        let conn = Connection::open(path).unwrap();
        let mut prev: String = conn
            .query_row(
                "SELECT prev_hash FROM audit_events WHERE id = ?1",
                [from],
                |r| r.get(0),
            )
            .unwrap();
        let events: Vec<(i64, String, String, String, String)> = conn
            .prepare("SELECT id, at, actor, kind, detail_json FROM audit_events WHERE id >= ?1 ORDER BY id")
            .unwrap()
            .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (id, at, actor, kind, detail) in events {
            let mut h = Sha256::new();
            for part in [&prev, &at, &actor, &kind, &detail] {
                h.update(part.as_bytes());
                h.update([0x1f]);
            }
            let hash = hex(&h.finalize());
            conn.execute(
                "UPDATE audit_events SET prev_hash = ?1, hash = ?2, alg = ?3 WHERE id = ?4",
                params![prev, hash, audit::LEGACY, id],
            )
            .unwrap();
            prev = hash;
        }
    }

    #[test]
    fn a_chain_recomputed_without_the_key_is_found() {
        let (_dir, path) = evidence();
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE reviews SET status = 'confirmed' WHERE key = 'k2'",
            [],
        )
        .unwrap();
        drop(conn);
        recompute_without_key(&path, 1);
        let found = Store::open(&path)
            .unwrap()
            .verify_audit(&[])
            .unwrap()
            .problems;
        assert!(!found.is_empty(), "a plain-SHA-256 chain passed");
        assert!(
            found.iter().any(|p| matches!(
                p,
                Problem::AnchorMismatch { .. } | Problem::ChainBroken { .. }
            )),
            "{found:?}"
        );
    }

    #[test]
    fn cutting_off_or_wiping_events_is_found_against_the_anchors() {
        let (_dir, path) = evidence();
        let filed = Store::open(&path).unwrap().audit_head().unwrap();
        assert_eq!(filed.events, 5);
        // The last two events and the reviews they cover, cut off.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "DELETE FROM audit_events WHERE id > 3; DELETE FROM reviews WHERE id > 1",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let found = store.verify_audit(&[]).unwrap().problems;
        assert!(
            matches!(
                found[..],
                [Problem::AnchorMismatch {
                    anchored: 5,
                    found: 3,
                    ..
                }]
            ),
            "{found:?}"
        );
        drop(store);
        // Everything wiped, and the anchor file with it: a filed report's
        // anchor still finds it.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("DELETE FROM audit_events; DELETE FROM reviews; DELETE FROM scored_rows; DELETE FROM runs")
            .unwrap();
        drop(conn);
        std::fs::remove_file(audit::anchor_path(&path)).unwrap();
        let store = Store::open(&path).unwrap();
        assert!(
            store.verify_audit(&[]).unwrap().intact(),
            "nothing is left to compare with"
        );
        let found = store
            .verify_audit(&[("report.xlsx".into(), filed)])
            .unwrap()
            .problems;
        assert!(
            matches!(
                found[..],
                [Problem::AnchorMismatch {
                    anchored: 5,
                    found: 0,
                    ..
                }]
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_store_found_damaged_acknowledges_nothing_more() {
        let (_dir, path) = evidence();
        let mut store = Store::open(&path).unwrap();
        // Move everything into the main file, then put garbage over its
        // pages behind the store's back, as a failing disk would.
        store
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        for b in &mut bytes[4096..] {
            *b = 0x5a;
        }
        std::fs::write(&path, &bytes).unwrap();
        // Drop the pages the connection holds, so it reads the file again.
        store.conn.execute_batch("PRAGMA shrink_memory").unwrap();
        let read = store.latest_reviews();
        assert!(read.is_err(), "reading garbage fails");
        store.noting(read).unwrap_err();
        assert!(store.suspect);
        match store.add_reviews(&[review("k4", "normal", "")]) {
            Err(StoreError::Damaged { detail, .. }) => assert_ne!(detail, "ok"),
            other => panic!("a damaged store took a review: {other:?}"),
        }
        let err = Store::open(&path)
            .err()
            .expect("and it is refused when opened");
        assert!(
            err.message().en.contains("is damaged"),
            "{}",
            err.message().en
        );
    }

    #[test]
    fn a_lost_key_stops_writes_and_is_reported() {
        let (_dir, path) = evidence();
        std::fs::remove_file(audit::key_path(&path)).unwrap();
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.latest_reviews().unwrap().len(), 3, "reads still work");
        assert!(matches!(
            store.add_reviews(&[review("k4", "normal", "")]),
            Err(StoreError::MissingKey)
        ));
        assert_eq!(store.review_count().unwrap(), 3, "nothing half-written");
        let found = store.verify_audit(&[]).unwrap().problems;
        assert!(found.contains(&Problem::KeyMissing), "{found:?}");
        assert!(
            !audit::key_path(&path).exists(),
            "no new key replaces the lost one"
        );
    }

    #[test]
    fn an_interrupted_run_is_listed_and_removed_with_an_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let mut store = Store::open(&path).unwrap();
        let scored = scored();
        let done = store.record_run(&meta(), &scored).unwrap();
        let cut = store.record_run_header(&meta(), &scored).unwrap();
        assert_eq!(
            store.interrupted_runs().unwrap(),
            std::slice::from_ref(&cut)
        );
        let check = store.verify_audit(&[]).unwrap();
        assert!(check.intact(), "{:?}", check.problems);
        assert_eq!(check.interrupted_runs, std::slice::from_ref(&cut));
        assert!(matches!(
            store.remove_interrupted_run(&done, "관리자"),
            Err(StoreError::NotInterrupted(_))
        ));
        assert!(store.remove_interrupted_run(&cut, "관리자").unwrap());
        assert!(
            !store.remove_interrupted_run(&cut, "관리자").unwrap(),
            "already gone"
        );
        assert!(store.interrupted_runs().unwrap().is_empty());
        let check = store.verify_audit(&[]).unwrap();
        assert!(check.intact(), "{:?}", check.problems);
        let kind: String = store
            .conn
            .query_row(
                "SELECT kind FROM audit_events ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kind, "run_removed");
    }

    /// A database from before review reasons (schema 2: keyed events,
    /// reviews without the column) opens, gains the column, and its
    /// reviews still verify and read back without a reason.
    #[test]
    fn a_database_from_before_reasons_upgrades_and_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        {
            let mut store = Store::open(&path).unwrap();
            store.record_run(&meta(), &scored()).unwrap();
            store
                .add_reviews(&[review("k1", "normal", "a"), review("k2", "confirmed", "b")])
                .unwrap();
            store
                .conn
                .execute_batch(
                    "ALTER TABLE reviews DROP COLUMN reason;
                     ALTER TABLE scored_rows DROP COLUMN features; DROP TABLE models;
                     ALTER TABLE runs DROP COLUMN forecast_model; DROP TABLE forecast_models;
                     ALTER TABLE runs DROP COLUMN execution_json;
                     PRAGMA user_version = 2;",
                )
                .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        assert!(store.verify_audit(&[]).unwrap().intact());
        assert!(store
            .latest_reviews()
            .unwrap()
            .iter()
            .all(|r| r.reason.is_none()));
        store
            .add_reviews(&[NewReview {
                reason: Some(ReviewReason::OffPurpose),
                ..review("k1", "confirmed", "c")
            }])
            .unwrap();
        assert!(store.verify_audit(&[]).unwrap().intact());
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_legacy_database_is_sealed_under_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        {
            // Schema 1 with a plain-SHA-256 event and a review, as an
            // earlier ledgerlens wrote them.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO reviews (key, status, note, reviewer, at) VALUES ('k1', 'normal', '', 'r', 't')",
                [],
            )
            .unwrap();
            let mut h = Sha256::new();
            for part in [audit::GENESIS, "t", "r", "review", "{}"] {
                h.update(part.as_bytes());
                h.update([0x1f]);
            }
            conn.execute(
                "INSERT INTO audit_events (at, actor, kind, detail_json, prev_hash, hash) VALUES ('t', 'r', 'review', '{}', ?1, ?2)",
                params![audit::GENESIS, hex(&h.finalize())],
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let check = store.verify_audit(&[]).unwrap();
        assert!(check.intact(), "{:?}", check.problems);
        assert_eq!(
            (check.events, check.keyed),
            (2, 1),
            "one legacy event, one seal"
        );
        drop(store);
        // Rewriting the legacy review after the seal is found.
        Connection::open(&path)
            .unwrap()
            .execute("UPDATE reviews SET status = 'confirmed'", [])
            .unwrap();
        let found = Store::open(&path)
            .unwrap()
            .verify_audit(&[])
            .unwrap()
            .problems;
        assert_eq!(found, [Problem::SealedReviewsAltered { through: 1 }]);
    }

    /// The table takes every status of the vocabulary (a status added there
    /// needs a migration of the table's CHECK, and this fails until it has
    /// one).
    #[test]
    fn the_table_takes_every_review_status() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        for status in ReviewStatus::CODES {
            store.add_reviews(&[review("k", status, "")]).unwrap();
        }
        assert_eq!(
            store.review_count().unwrap(),
            ReviewStatus::CODES.len() as u64
        );
    }

    /// A reason is kept with its review and read back; one that explains
    /// another status is refused with nothing of the batch stored, and a
    /// review without one stays valid.
    #[test]
    fn a_review_keeps_its_reason_and_a_misfit_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let with = |key, status, reason| NewReview {
            reason: Some(reason),
            ..review(key, status, "")
        };
        store
            .add_reviews(&[
                with("k1", "confirmed", ReviewReason::Split),
                review("k2", "needs_evidence", ""),
            ])
            .unwrap();
        let latest = store.latest_reviews().unwrap();
        assert_eq!(latest[0].reason, Some(ReviewReason::Split));
        assert_eq!(latest[1].reason, None);
        assert_eq!(serde_json::to_value(&latest[0]).unwrap()["reason"], "split");
        let err = store
            .add_reviews(&[
                with("k3", "normal", ReviewReason::FalseAlarm),
                with("k4", "normal", ReviewReason::Duplicate),
            ])
            .unwrap_err();
        assert_eq!(err.code(), "reason_not_for_status");
        let message = err.message();
        assert!(
            message
                .en
                .contains("'Duplicate' explains 'Confirmed anomaly'"),
            "{}",
            message.en
        );
        assert!(
            message.ko.contains("규정상 허용 / 승인된 예외"),
            "{}",
            message.ko
        );
        assert_eq!(
            store.review_count().unwrap(),
            2,
            "nothing of the refused batch is kept"
        );
        assert!(store.verify_audit(&[]).unwrap().intact());
    }

    /// A status is a `ReviewStatus` by type; the table refuses any other
    /// code too, should something write it by hand.
    #[test]
    fn the_table_refuses_a_status_outside_the_vocabulary() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let err = store
            .conn
            .execute(
                "INSERT INTO reviews (key, status, note, reviewer, at) VALUES ('k', 'maybe', '', '', '')",
                [],
            )
            .unwrap_err();
        assert!(err.to_string().contains("CHECK"), "{err}");
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
        assert_eq!(restored.latest_reviews().unwrap().len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "a backup is the user's only");
        }
    }
}
