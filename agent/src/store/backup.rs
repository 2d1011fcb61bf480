//! Automatic backups: a consistent copy of the database (`VACUUM INTO`)
//! in `backups/` beside it, taken when the newest is a day old or enough
//! runs have been recorded since, the newest few kept.
//!
//! A backup is only taken of a file that passes `quick_check`, and is
//! written under a temporary name and renamed once complete, so the
//! backups kept are always sound copies: a damaged store can never rotate
//! the last good backup away.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use rusqlite::params;

use super::{quick_check, Store, StoreError};

/// The folder, beside the database.
pub const BACKUP_DIR: &str = "backups";
const PREFIX: &str = "ledgerlens-";
const SUFFIX: &str = ".sqlite";
const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// When to take a backup, and how many to keep.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// A backup after this many runs since the newest one.
    pub every_runs: u32,
    /// A backup when the newest is older than this.
    pub max_age: Duration,
    /// Backups kept; older ones are deleted.
    pub keep: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            every_runs: 10,
            max_age: Duration::from_secs(24 * 3600),
            keep: 7,
        }
    }
}

pub fn dir(database: &Path) -> PathBuf {
    database.with_file_name(BACKUP_DIR)
}

fn stamp_of(path: &Path) -> Option<NaiveDateTime> {
    let name = path.file_name()?.to_str()?;
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    NaiveDateTime::parse_from_str(stamp, STAMP).ok()
}

/// Every backup of `database`, oldest first.
pub fn list(database: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir(database)) else {
        return Vec::new();
    };
    let mut found: Vec<(NaiveDateTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter_map(|p| stamp_of(&p).map(|t| (t, p)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// The newest backup, which a damaged store's message points to.
pub fn newest(database: &Path) -> Option<PathBuf> {
    list(database).pop()
}

impl Store {
    /// Takes a backup if `policy` says one is due; returns its path.
    pub fn backup_if_due(&mut self, policy: &Policy) -> Result<Option<PathBuf>, StoreError> {
        let newest = newest(&self.path);
        let since = newest.as_deref().and_then(stamp_of);
        let due = match since {
            None => {
                let used: bool =
                    self.conn
                        .query_row("SELECT EXISTS (SELECT 1 FROM audit_events)", [], |r| {
                            r.get(0)
                        })?;
                used
            }
            Some(at) => {
                let age = (Utc::now().naive_utc() - at).to_std().unwrap_or_default();
                let runs: i64 = self.conn.query_row(
                    "SELECT COUNT(*) FROM runs WHERE started_at > ?1",
                    params![at
                        .and_utc()
                        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)],
                    |r| r.get(0),
                )?;
                age >= policy.max_age || runs >= i64::from(policy.every_runs)
            }
        };
        if !due {
            return Ok(None);
        }
        let check = quick_check(&self.conn)?;
        if check != "ok" {
            self.suspect = true;
            return Err(StoreError::damaged(&self.path, check));
        }
        let folder = dir(&self.path);
        std::fs::create_dir_all(&folder).map_err(|e| StoreError::io(&folder, e))?;
        crate::files::restrict_dir(&folder).map_err(|e| StoreError::io(&folder, e))?;
        let name = format!("{PREFIX}{}{SUFFIX}", Utc::now().format(STAMP));
        let path = folder.join(name);
        if path.exists() {
            return Ok(None);
        }
        let partial = folder.join(".partial.sqlite");
        let _ = std::fs::remove_file(&partial);
        self.backup(&partial)?;
        std::fs::rename(&partial, &path).map_err(|e| StoreError::io(&path, e))?;
        let all = list(&self.path);
        for old in all
            .iter()
            .take(all.len().saturating_sub(policy.keep.max(1)))
        {
            let _ = std::fs::remove_file(old);
        }
        Ok(Some(path))
    }
}
