//! The models trained on the reviews (`learn::supervised`), each kept whole
//! in one row of `models` with an audit event: the newest committed one is
//! the one in use, so a training that dies before its commit leaves the
//! previous model in use and every review where it was.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{audit, now, Store, StoreError};
use crate::learn::lessons::{Learned, Lessons};

/// `(newest review, runs, newest run)`: see [`Store::report_stamp`].
pub type ReportStamp = (i64, i64, i64);

impl Store {
    /// Records a trained model; returns it as the model in use, with its
    /// version and when it was recorded.
    pub fn record_model(
        &mut self,
        lessons: Lessons,
        through_review: i64,
    ) -> Result<Learned, StoreError> {
        let trained_at = now();
        self.write(|store| {
            let tx = store
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO models (trained_at, through_review, confirmed, normal, trees, model_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    trained_at,
                    through_review,
                    lessons.confirmed as i64,
                    lessons.normal as i64,
                    lessons.tree_count() as i64,
                    lessons.to_json()
                ],
            )?;
            let version = tx.last_insert_rowid();
            let detail = serde_json::json!({
                "version": version,
                "through_review": through_review,
                "confirmed": lessons.confirmed,
                "normal": lessons.normal,
                "trees": lessons.tree_count(),
            });
            audit::append(&tx, store.key.as_ref(), "ledgerlens", "model", &detail)?;
            tx.commit()?;
            Ok(version)
        })
        .map(|version| Learned {
            version,
            trained_at,
            lessons,
        })
    }

    /// The newest model, if any has been trained.
    pub fn latest_model(&self) -> Result<Option<Learned>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT version, trained_at, model_json FROM models ORDER BY version DESC LIMIT 1",
                params![],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((version, trained_at, json)) = found else {
            return Ok(None);
        };
        let lessons = Lessons::from_json(&json).map_err(|e| {
            StoreError::damaged(&self.path, format!("model {version}: {}", e.message.en))
        })?;
        Ok(Some(Learned {
            version,
            trained_at,
            lessons,
        }))
    }

    /// What the model report depends on: the newest review, and the runs
    /// (their count and newest row, so a removed run counts too). The same
    /// stamp, the same report.
    pub fn report_stamp(&self) -> Result<ReportStamp, StoreError> {
        let (runs, newest_run): (i64, i64) = self.conn.query_row(
            "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM runs",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((self.newest_review()?, runs, newest_run))
    }

    /// The newest review's id (0 when there is none): what a model trained
    /// now would have seen.
    pub fn newest_review(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM reviews", params![], |r| {
                r.get(0)
            })?)
    }

    /// The version of the newest model and the newest review it saw.
    pub fn latest_model_reach(&self) -> Result<Option<(i64, i64)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT version, through_review FROM models ORDER BY version DESC LIMIT 1",
                params![],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}
