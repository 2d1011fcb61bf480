//! Learning from the reviews in the background (issue 12.2, 12.3).
//!
//! After reviews are saved, one training thread (never more: a request
//! while it runs makes it go round once more) reads the reviewed rows on a
//! read-only connection of its own (`Store::reader`), learns the
//! detectors' weights and, with enough reviews, trains the trees on one
//! core (`learn::lessons`, single-threaded), and commits them in one
//! transaction (`Store::record_model`). Scoring never waits for it: a Score
//! takes the model in use (`AppState::learned`, an `Arc` swapped only once
//! a new model is committed), and the agent's store is held only for the
//! commit. A crash before the commit leaves the previous model in
//! use and every review where it was: reviews are committed before their
//! answer, and training only reads them.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::Serialize;

use super::AppState;
use crate::error::Error;
use crate::i18n::Text;
use crate::learn::lessons::{Learned, Lessons};
use crate::learn::report::ModelReport;
use crate::learn::supervised::Example;

/// What the last training said, for `GET model/status`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// New lessons are in use; `waiting` says why they hold no trees yet
    /// (too few reviews of an outcome).
    Trained { version: i64, waiting: Option<Text> },
    /// The model in use already saw every review.
    UpToDate,
    /// No reviewed row with features to learn from yet.
    Waiting { why: Text },
    /// Training failed; the previous model stays in use.
    Failed { why: Text },
}

/// Lowers this thread's scheduling priority to the least (nice 19), so a
/// Score on the same cores takes them first: training is never urgent.
/// Linux only so far; elsewhere the thread runs at normal priority and a
/// Score during training shares the cores with it.
fn yield_to_scoring() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id; no memory
    // is passed. On Linux a thread id names one thread for setpriority.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        if libc::setpriority(libc::PRIO_PROCESS, tid, 19) != 0 {
            tracing::debug!("training thread keeps its priority");
        }
    }
}

impl AppState {
    /// The model scores are blended with now, if any.
    pub(crate) fn learned(&self) -> Option<Arc<Learned>> {
        self.learned
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The model report (`learn::report`), made again only when a review
    /// or a run was added or removed since: it trains a model of its own
    /// to judge, seconds at tens of thousands of reviews.
    pub(crate) fn model_report(&self) -> Result<ModelReport, Error> {
        let cache = || self.report_cache.lock().unwrap_or_else(|p| p.into_inner());
        let reader = self.with_store(|s| s.reader())?;
        let stamp = reader.report_stamp()?;
        if let Some((_, report)) = cache().as_ref().filter(|(at, _)| *at == stamp) {
            return Ok(report.clone());
        }
        // The stamp again inside the snapshot: the one the reviews are read at.
        let (stamp, reviewed) = reader.snapshot(|s| Ok((s.report_stamp()?, s.reviewed()?)))?;
        let report = crate::learn::report::report(&reviewed, &self.config);
        *cache() = Some((stamp, report.clone()));
        Ok(report)
    }

    /// Whether a training thread is running.
    pub(crate) fn is_training(&self) -> bool {
        self.training.load(Ordering::SeqCst)
    }

    pub(crate) fn last_training(&self) -> Option<Outcome> {
        self.last_training
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Trains in the background unless a training runs already, in which
    /// case that one goes round once more when it is done.
    pub(crate) fn train_soon(self: &Arc<Self>) {
        self.train_again.store(true, Ordering::SeqCst);
        if self.training.swap(true, Ordering::SeqCst) {
            return;
        }
        let state = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("ledgerlens-training".into())
            .spawn(move || {
                yield_to_scoring();
                while state.train_again.swap(false, Ordering::SeqCst) {
                    let outcome = state.train_once().unwrap_or_else(|e| {
                        tracing::error!("training failed: {}", e.message.en);
                        Outcome::Failed { why: e.message }
                    });
                    *state
                        .last_training
                        .lock()
                        .unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                }
                state.training.store(false, Ordering::SeqCst);
                // A request that came between the last round and the flag.
                if state.train_again.load(Ordering::SeqCst) {
                    state.train_soon();
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start training: {e}");
            self.training.store(false, Ordering::SeqCst);
        }
    }

    /// One training: read on its own connection, train, commit, swap.
    fn train_once(&self) -> Result<Outcome, Error> {
        // The read is the long part (every review joined to the row its
        // reviewer saw): on a second connection, in one snapshot, so the
        // agent's store stays free for Scores and Syncs meanwhile.
        let reader = self.with_store(|s| s.reader())?;
        let (newest, reviewed) = reader.snapshot(|s| {
            let newest = s.newest_review()?;
            // Nothing new since the model in use: no need to read the reviews.
            let in_use = self.learned().map(|l| l.version);
            if let Some((version, through)) = s.latest_model_reach()? {
                if in_use == Some(version) && through >= newest {
                    return Ok((newest, None));
                }
            }
            Ok((newest, Some(s.reviewed()?)))
        })?;
        drop(reader);
        let Some(reviewed) = reviewed else {
            return Ok(Outcome::UpToDate);
        };
        let examples = Example::from_reviewed(&reviewed.rows);
        if examples.is_empty() {
            return Ok(Outcome::Waiting {
                why: crate::learn::supervised::too_few(0, 0),
            });
        }
        let lessons = Lessons::learn(&examples, self.config.seed);
        let learned = self.with_store(|s| s.record_model(lessons, newest))?;
        let (version, waiting) = (learned.version, learned.lessons.waiting.clone());
        tracing::info!(
            "model {version} learnt from {} confirmed and {} normal reviews ({} trees)",
            learned.lessons.confirmed,
            learned.lessons.normal,
            learned.lessons.tree_count()
        );
        *self.learned.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(learned));
        Ok(Outcome::Trained { version, waiting })
    }
}
