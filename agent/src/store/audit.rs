//! The audit trail: a keyed hash chain over every event, with every run,
//! every run's scored rows and every review covered by an event, and the
//! chain's head anchored outside the database.
//!
//! What it proves, and what it cannot, is in docs/ARCHITECTURE.md
//! ("Security"). In short:
//!
//! - Each event's hash is an HMAC-SHA-256, under a key kept in its own file
//!   (`audit.key`, readable by the user only) and never in the database,
//!   of its predecessor's hash and its own fields. Rewriting an event and
//!   recomputing the chain needs that key; plain SHA-256 will not do.
//! - A run's event carries a digest of the run's recorded fields; the
//!   `rows` event a digest of every scored row; a review's event the
//!   review's id and a digest of it. Changing or deleting a run, a row or
//!   a review is found, and so is a review or run that no event covers.
//! - After every commit the head (event count and last hash) is written to
//!   `audit.anchor` beside the database, and every history workbook and
//!   report carries it too. The chain must still hold the anchored event:
//!   cutting off the last events, or wiping them all, is found against the
//!   anchor file, and against any report filed since (`history verify
//!   --against REPORT`).
//!
//! Databases written before the key existed have plain SHA-256 events; the
//! migration seals them with one keyed event that covers their reviews and
//! runs, so a rewrite of the old part breaks the first keyed hash.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::hex::hex;
use crate::i18n::Text;

/// The hash before the first audit event.
pub(super) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The key's file, beside the database but never inside it.
pub const KEY_FILE: &str = "audit.key";
/// The head of the chain as last committed.
pub const ANCHOR_FILE: &str = "audit.anchor";

/// How an event's hash was made.
pub(super) const LEGACY: &str = "sha256";
pub(super) const KEYED: &str = "hmac-sha256";

/// The prefix a history workbook's anchor cell starts with.
pub const ANCHOR_MARK: &str = "ledgerlens-anchor:v1:";

/// The audit key, read from (or made in) its own file.
pub struct AuditKey(Vec<u8>);

impl AuditKey {
    /// Reads the key beside `database`, or makes one when the database has
    /// never used one (`may_create`). A missing key for a keyed database
    /// is `None`: reads still work, writes and verification say why not.
    pub(super) fn load(database: &Path, may_create: bool) -> Result<Option<AuditKey>, StoreError> {
        let path = key_path(database);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = crate::hex::unhex(text.trim())
                    .filter(|b| b.len() >= 32)
                    .ok_or_else(|| StoreError::BadKey(path.clone()))?;
                Ok(Some(AuditKey(bytes)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                let mut bytes = vec![0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
                crate::files::write_private(&path, hex(&bytes).as_bytes())
                    .map_err(|e| StoreError::io(&path, e))?;
                Ok(Some(AuditKey(bytes)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }
}

pub fn key_path(database: &Path) -> PathBuf {
    database.with_file_name(KEY_FILE)
}

pub fn anchor_path(database: &Path) -> PathBuf {
    database.with_file_name(ANCHOR_FILE)
}

/// Fields fed to a hash with their lengths, so no two lists of fields
/// hash alike.
#[derive(Default)]
struct Fields(Vec<u8>);

impl Fields {
    fn text(mut self, s: &str) -> Self {
        self.0.extend_from_slice(&(s.len() as u64).to_le_bytes());
        self.0.extend_from_slice(s.as_bytes());
        self
    }

    fn int(mut self, n: i64) -> Self {
        self.0.extend_from_slice(&n.to_le_bytes());
        self
    }

    fn real(mut self, x: f64) -> Self {
        // SQLite may keep a whole REAL as an integer and so give -0.0 back
        // as 0.0; adding 0.0 makes both the same before hashing.
        self.0.extend_from_slice(&(x + 0.0).to_bits().to_le_bytes());
        self
    }

    fn sha256(&self) -> String {
        hex(&Sha256::digest(&self.0))
    }
}

/// One event's hash: keyed for new events, plain for the legacy ones.
fn event_hash(
    key: Option<&AuditKey>,
    prev: &str,
    at: &str,
    actor: &str,
    kind: &str,
    detail: &str,
) -> String {
    match key {
        Some(key) => {
            let fields = Fields::default()
                .text(prev)
                .text(at)
                .text(actor)
                .text(kind)
                .text(detail);
            let mut mac =
                Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes a key of any length");
            mac.update(&fields.0);
            hex(&mac.finalize().into_bytes())
        }
        None => {
            let mut h = Sha256::new();
            for part in [prev, at, actor, kind, detail] {
                h.update(part.as_bytes());
                h.update([0x1f]);
            }
            hex(&h.finalize())
        }
    }
}

/// A review as the event that covers it saw it.
///
/// A review's reason is covered where it has one; a review without one
/// (every review written before reasons existed) digests as it always did,
/// so the events sealed then still verify.
pub(super) fn review_digest(conn: &Connection, id: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT key, status, note, reviewer, at, reason FROM reviews WHERE id = ?1",
        )?
        .query_row(params![id], |r| {
            let mut f = Fields::default().int(id);
            for i in 0..5 {
                f = f.text(&r.get::<_, String>(i)?);
            }
            if let Some(reason) = r.get::<_, Option<String>>(5)? {
                f = f.text(&reason);
            }
            Ok(f.sha256())
        })
        .optional()?)
}

/// A run's recorded fields (all but whether its rows are in yet).
pub(super) fn run_digest(conn: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT started_at, actor, workbook, sheet, input_sha256, rows, config_json,
                    model_version, summary_json, ingest_s, score_s, forecast_model,
                    execution_json
             FROM runs WHERE id = ?1",
        )?
        .query_row(params![id], |r| {
            let mut f = Fields::default().text(id);
            for i in 0..5 {
                f = f.text(&r.get::<_, String>(i)?);
            }
            f = f.int(r.get(5)?);
            for i in 6..9 {
                f = f.text(&r.get::<_, String>(i)?);
            }
            f = f.real(r.get(9)?).real(r.get(10)?);
            // Only where there is one: a run without forecasts, and every
            // run from before they were kept, digests as it always did.
            if let Some(model) = r.get::<_, Option<i64>>(11)? {
                f = f.int(model);
            }
            // The same for a run's execution rates (migration 6).
            if let Some(execution) = r.get::<_, Option<String>>(12)? {
                f = f.text(&execution);
            }
            Ok(f.sha256())
        })
        .optional()?)
}

/// One scored row as its digest sees it: the columns of `scored_rows`
/// but the run id, in table order.
pub(super) struct ScoredRowFields<'a> {
    pub key: &'a str,
    pub row: i64,
    pub score: f64,
    pub band: &'a str,
    pub cluster: i64,
    pub reasons: &'a str,
    pub date: &'a str,
    pub department: &'a str,
    pub account: &'a str,
    pub vendor: &'a str,
    pub description: &'a str,
    pub amount: f64,
}

/// The digest of a run's scored rows, fed row by row: by the writer with
/// the values it inserts (no read-back on the scoring path), by verify with
/// the values it reads.
#[derive(Default)]
pub(super) struct RowsDigest {
    hash: Sha256,
    rows: u64,
}

impl RowsDigest {
    pub fn add(&mut self, r: &ScoredRowFields<'_>) {
        let f = Fields::default()
            .text(r.key)
            .int(r.row)
            .real(r.score)
            .text(r.band)
            .int(r.cluster)
            .text(r.reasons)
            .text(r.date)
            .text(r.department)
            .text(r.account)
            .text(r.vendor)
            .text(r.description)
            .real(r.amount);
        self.hash.update(&f.0);
        self.rows += 1;
    }

    pub fn finish(self) -> (u64, String) {
        (self.rows, hex(&self.hash.finalize()))
    }
}

/// Every scored row of a run as stored, in the order they were written.
pub(super) fn rows_digest(conn: &Connection, run: &str) -> Result<(u64, String), StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, row, score, band, cluster, reasons_json, date, department, account,
                vendor, description, amount FROM scored_rows WHERE run_id = ?1 ORDER BY rowid",
    )?;
    let mut rows = stmt.query(params![run])?;
    let mut digest = RowsDigest::default();
    while let Some(r) = rows.next()? {
        let text = |i: usize| r.get_ref(i).and_then(|v| Ok(v.as_str()?));
        digest.add(&ScoredRowFields {
            key: text(0)?,
            row: r.get(1)?,
            score: r.get(2)?,
            band: text(3)?,
            cluster: r.get(4)?,
            reasons: text(5)?,
            date: text(6)?,
            department: text(7)?,
            account: text(8)?,
            vendor: text(9)?,
            description: text(10)?,
            amount: r.get(11)?,
        });
    }
    Ok(digest.finish())
}

/// The head of the chain: how many events, and the last one's hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub events: u64,
    pub head: String,
}

impl Anchor {
    /// The text a history workbook carries: one cell, easy to find again.
    pub fn to_mark(&self) -> String {
        format!("{ANCHOR_MARK}{}:{}", self.events, self.head)
    }

    pub fn from_mark(text: &str) -> Option<Anchor> {
        let rest = text.trim().strip_prefix(ANCHOR_MARK)?;
        let (events, head) = rest.split_once(':')?;
        let head = head.trim();
        let events = events.parse().ok()?;
        (head.len() == 64 && head.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Anchor {
            events,
            head: head.to_ascii_lowercase(),
        })
    }
}

/// Appends one event to the chain inside `tx`.
pub(super) fn append(
    tx: &Transaction<'_>,
    key: Option<&AuditKey>,
    actor: &str,
    kind: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    let key = key.ok_or(StoreError::MissingKey)?;
    let prev = last_hash(tx)?;
    let at = super::now();
    let detail = detail.to_string();
    let hash = event_hash(Some(key), &prev, &at, actor, kind, &detail);
    tx.prepare_cached(
        "INSERT INTO audit_events (at, actor, kind, detail_json, prev_hash, hash, alg)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![at, actor, kind, detail, prev, hash, KEYED])?;
    Ok(())
}

/// The last event's hash, or the genesis hash before the first.
fn last_hash(conn: &Connection) -> Result<String, StoreError> {
    Ok(conn
        .prepare_cached("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string()))
}

/// The head as the database holds it now.
pub(super) fn head(conn: &Connection) -> Result<Anchor, StoreError> {
    let events: i64 = conn.query_row("SELECT COUNT(*) FROM audit_events", [], |r| r.get(0))?;
    Ok(Anchor {
        events: events as u64,
        head: last_hash(conn)?,
    })
}

/// Every run, oldest first, and whether all its scored rows got in.
pub(super) fn runs_and_completeness(conn: &Connection) -> Result<Vec<(String, bool)>, StoreError> {
    let mut stmt = conn.prepare("SELECT id, rows_recorded FROM runs ORDER BY started_at, id")?;
    let runs = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? == 1)))?;
    Ok(runs.collect::<Result<_, _>>()?)
}

/// Writes the anchor file (atomically: a torn anchor would look like tampering).
pub(super) fn write_anchor(database: &Path, anchor: &Anchor) -> Result<(), StoreError> {
    let path = anchor_path(database);
    let text = serde_json::to_vec_pretty(anchor).expect("an anchor serialises");
    crate::files::write_private(&path, &text).map_err(|e| StoreError::io(&path, e))
}

pub(super) fn read_anchor(database: &Path) -> Result<Option<Anchor>, StoreError> {
    let path = anchor_path(database);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| StoreError::BadAnchor(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(&path, e)),
    }
}

/// One thing `history verify` found wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// An event whose hash does not follow from its predecessor and fields.
    ChainBroken {
        event: i64,
    },
    /// A plain-hash event after keyed ones: someone recomputed the chain.
    Downgraded {
        event: i64,
    },
    /// The database has keyed events and the key file is gone.
    KeyMissing,
    /// A review no event covers, or that differs from what its event saw.
    ReviewAltered {
        review: i64,
    },
    /// One of the reviews the seal covered (those made before the key)
    /// was changed, added or deleted since.
    SealedReviewsAltered {
        through: i64,
    },
    /// A review event whose review row is gone.
    ReviewDeleted {
        review: i64,
    },
    RunAltered {
        run: String,
    },
    RunDeleted {
        run: String,
    },
    /// Scored rows that differ from what their `rows` event saw.
    RowsAltered {
        run: String,
    },
    /// The database has events and the anchor file beside it is gone.
    AnchorMissing {
        path: String,
    },
    /// The anchor names more events than the chain holds, or another head.
    AnchorMismatch {
        source: String,
        anchored: u64,
        found: u64,
    },
}

impl Problem {
    pub fn message(&self) -> Text {
        match self {
            Problem::ChainBroken { event } => Text::new(
                format!("{event}번 감사 기록부터 해시 체인이 맞지 않습니다 (기록이 변경됨)"),
                format!("the hash chain breaks at audit event {event} (an event was changed)"),
            ),
            Problem::Downgraded { event } => Text::new(
                format!("{event}번 감사 기록이 키 없는 해시로 다시 계산되었습니다"),
                format!("audit event {event} was recomputed without the key"),
            ),
            Problem::KeyMissing => Text::new(
                format!("감사 키 파일({KEY_FILE})이 없어 해시 체인을 확인할 수 없습니다. 백업에서 복원하세요"),
                format!("the audit key file ({KEY_FILE}) is missing, so the chain cannot be checked: restore it from a backup"),
            ),
            Problem::ReviewAltered { review } => Text::new(
                format!("검토 {review}번이 감사 기록과 다릅니다 (변경되었거나 기록 없이 추가됨)"),
                format!("review {review} differs from its audit event (changed, or added without one)"),
            ),
            Problem::SealedReviewsAltered { through } => Text::new(
                format!("감사 키 도입 전의 검토(1–{through}번) 중 봉인 이후 변경·추가·삭제된 것이 있습니다"),
                format!("a review made before the audit key (reviews 1–{through}) was changed, added or deleted after they were sealed"),
            ),
            Problem::ReviewDeleted { review } => Text::new(
                format!("검토 {review}번이 삭제되었습니다"),
                format!("review {review} was deleted"),
            ),
            Problem::RunAltered { run } => Text::new(
                format!("실행 {run}의 기록이 감사 기록과 다릅니다"),
                format!("run {run} differs from its audit event"),
            ),
            Problem::RunDeleted { run } => Text::new(
                format!("실행 {run}이(가) 감사 기록 없이 삭제되었습니다"),
                format!("run {run} was deleted without an audit event"),
            ),
            Problem::RowsAltered { run } => Text::new(
                format!("실행 {run}의 점수 행이 감사 기록과 다릅니다"),
                format!("the scored rows of run {run} differ from their audit event"),
            ),
            Problem::AnchorMissing { path } => Text::new(
                format!("감사 앵커 파일 {path}이(가) 없습니다 (지워짐)"),
                format!("the audit anchor file {path} is missing (deleted)"),
            ),
            Problem::AnchorMismatch { source, anchored, found } => Text::new(
                format!("{source}에는 감사 기록 {anchored}건이 있었으나 지금 체인은 {found}건이거나 다른 기록입니다 (잘리거나 지워짐)"),
                format!("{source} anchored {anchored} audit events, but the chain now holds {found} or different ones (cut off or wiped)"),
            ),
        }
    }
}

/// What `history verify` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditCheck {
    pub events: u64,
    /// Events made with the key (the rest predate it).
    pub keyed: u64,
    pub head: Anchor,
    pub problems: Vec<Problem>,
    /// Runs whose scored rows were cut off (a crash): not tampering, but
    /// their rows are not all there.
    pub interrupted_runs: Vec<String>,
}

impl AuditCheck {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Deserialize)]
struct Covered {
    review: Option<i64>,
    run: Option<String>,
    digest: Option<String>,
    rows: Option<u64>,
    /// A seal's legacy reviews (ids up to this) and their digest.
    reviews_through: Option<i64>,
    reviews_digest: Option<String>,
    runs: Option<Vec<SealedRun>>,
}

#[derive(Deserialize, Serialize)]
pub(super) struct SealedRun {
    pub run: String,
    pub digest: String,
    /// Absent for a run whose rows never all got in.
    pub rows: Option<u64>,
    pub rows_digest: Option<String>,
}

/// The digest of every review up to `through`, for the seal.
pub(super) fn legacy_reviews_digest(conn: &Connection, through: i64) -> Result<String, StoreError> {
    let mut stmt = conn.prepare("SELECT id FROM reviews WHERE id <= ?1 ORDER BY id")?;
    let ids: Vec<i64> = stmt
        .query_map(params![through], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut h = Sha256::new();
    for id in ids {
        h.update(review_digest(conn, id)?.unwrap_or_default().as_bytes());
    }
    Ok(hex(&h.finalize()))
}

/// Walks the chain and checks every run, row and review against it.
pub(super) fn verify(
    conn: &Connection,
    key: Option<&AuditKey>,
    anchors: &[(String, Anchor)],
) -> Result<AuditCheck, StoreError> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, kind, detail_json, prev_hash, hash, alg FROM audit_events ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let (mut events, mut keyed) = (0u64, 0u64);
    // The hashes at the anchored positions, as the walk passes them.
    let mut at_anchors: std::collections::HashMap<u64, String> = anchors
        .iter()
        .map(|(_, anchor)| (anchor.events, String::new()))
        .collect();
    let mut covered_reviews = std::collections::HashMap::new();
    let mut covered_runs = std::collections::HashMap::new();
    let mut covered_rows = std::collections::HashMap::new();
    let mut removed_runs = std::collections::HashSet::new();
    let mut sealed_through = 0i64;
    while let Some(r) = rows.next()? {
        events += 1;
        let id: i64 = r.get(0)?;
        let text = |i: usize| r.get::<_, String>(i);
        let (at, actor, kind, detail) = (text(1)?, text(2)?, text(3)?, text(4)?);
        let (prev_hash, hash, alg) = (text(5)?, text(6)?, text(7)?);
        let expected = if alg == KEYED {
            keyed += 1;
            key.map(|key| event_hash(Some(key), &prev, &at, &actor, &kind, &detail))
        } else if alg == LEGACY {
            if keyed > 0 {
                problems.push(Problem::Downgraded { event: id });
            }
            Some(event_hash(None, &prev, &at, &actor, &kind, &detail))
        } else {
            // No hash this version makes: nothing can vouch for it.
            Some(String::new())
        };
        if prev_hash != prev || expected.is_some_and(|e| e != hash) {
            problems.push(Problem::ChainBroken { event: id });
            // The rest cannot be trusted to follow; report the first break.
            break;
        }
        if let Some(slot) = at_anchors.get_mut(&events) {
            slot.clone_from(&hash);
        }
        prev = hash;
        // Only keyed events vouch for what they cover.
        if alg != KEYED {
            continue;
        }
        let Ok(covered) = serde_json::from_str::<Covered>(&detail) else {
            continue;
        };
        match kind.as_str() {
            "review" => {
                if let (Some(review), Some(digest)) = (covered.review, covered.digest) {
                    covered_reviews.insert(review, digest);
                }
            }
            "run" => {
                if let (Some(run), Some(digest)) = (covered.run, covered.digest) {
                    covered_runs.insert(run, digest);
                }
            }
            "rows" => {
                if let (Some(run), Some(digest), Some(n)) =
                    (covered.run, covered.digest, covered.rows)
                {
                    covered_rows.insert(run, (n, digest));
                }
            }
            "run_removed" => {
                if let Some(run) = covered.run {
                    removed_runs.insert(run);
                }
            }
            "seal" => {
                if let (Some(through), Some(digest)) =
                    (covered.reviews_through, covered.reviews_digest)
                {
                    sealed_through = through;
                    if legacy_reviews_digest(conn, through)? != digest {
                        problems.push(Problem::SealedReviewsAltered { through });
                    }
                }
                for run in covered.runs.unwrap_or_default() {
                    covered_runs.insert(run.run.clone(), run.digest);
                    if let (Some(n), Some(digest)) = (run.rows, run.rows_digest) {
                        covered_rows.insert(run.run, (n, digest));
                    }
                }
            }
            _ => {}
        }
    }
    drop(rows);
    drop(stmt);
    if keyed > 0 && key.is_none() {
        problems.push(Problem::KeyMissing);
    }

    // Reviews: each covered by its event, each event's review still there.
    let mut stmt = conn.prepare("SELECT id FROM reviews ORDER BY id")?;
    let review_ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let present: std::collections::HashSet<i64> = review_ids.iter().copied().collect();
    for id in review_ids {
        if id <= sealed_through {
            continue;
        }
        match covered_reviews.get(&id) {
            Some(digest) if review_digest(conn, id)?.as_deref() == Some(digest) => {}
            _ => problems.push(Problem::ReviewAltered { review: id }),
        }
    }
    let mut gone: Vec<i64> = covered_reviews
        .keys()
        .filter(|id| !present.contains(id))
        .copied()
        .collect();
    gone.sort_unstable();
    problems.extend(
        gone.into_iter()
            .map(|review| Problem::ReviewDeleted { review }),
    );

    // Runs and their rows.
    let runs = runs_and_completeness(conn)?;
    let mut interrupted_runs = Vec::new();
    let run_ids: std::collections::HashSet<&str> = runs.iter().map(|(id, _)| id.as_str()).collect();
    for (id, complete) in &runs {
        match covered_runs.get(id) {
            Some(digest) if run_digest(conn, id)?.as_deref() == Some(digest) => {}
            _ => problems.push(Problem::RunAltered { run: id.clone() }),
        }
        match covered_rows.get(id) {
            Some((n, digest)) => {
                if rows_digest(conn, id)? != (*n, digest.clone()) || !complete {
                    problems.push(Problem::RowsAltered { run: id.clone() });
                }
            }
            None if *complete => problems.push(Problem::RowsAltered { run: id.clone() }),
            None => interrupted_runs.push(id.clone()),
        }
    }
    let mut deleted: Vec<&String> = covered_runs
        .keys()
        .filter(|id| !run_ids.contains(id.as_str()) && !removed_runs.contains(*id))
        .collect();
    deleted.sort();
    problems.extend(
        deleted
            .into_iter()
            .map(|run| Problem::RunDeleted { run: run.clone() }),
    );

    // Anchors kept outside the database: the anchored event must still be
    // there, with the anchored hash.
    for (source, anchor) in anchors {
        let holds = anchor.events == 0 || at_anchors[&anchor.events] == anchor.head;
        if !holds {
            problems.push(Problem::AnchorMismatch {
                source: source.clone(),
                anchored: anchor.events,
                found: events,
            });
        }
    }
    Ok(AuditCheck {
        events,
        keyed,
        head: head(conn)?,
        problems,
        interrupted_runs,
    })
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn a_negative_zero_hashes_as_sqlite_gives_it_back() {
        assert_eq!(
            Fields::default().real(-0.0).sha256(),
            Fields::default().real(0.0).sha256()
        );
        assert_ne!(
            Fields::default().real(1.0).sha256(),
            Fields::default().real(-1.0).sha256()
        );
    }
}
