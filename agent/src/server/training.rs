//! Learning from the reviews in the background (issue 12.2, 12.3).
//!
//! After reviews are saved, one training (never more: a request while it
//! runs makes it go round once more) reads the reviewed rows on a
//! read-only connection of its own, learns the detectors' weights and,
//! with enough reviews, trains the trees (`learn::lessons`,
//! single-threaded), and the agent commits them in one transaction
//! (`Store::record_model`). Scoring never waits for it: a Score takes the
//! model in use (`AppState::learned`, an `Arc` swapped only once a new
//! model is committed), and the agent's store is held only for the commit.
//! A crash before the commit leaves the previous model in use and every
//! review where it was: reviews are committed before their answer, and
//! training only reads them.
//!
//! **A Score runs as fast during a training as without one.** On Linux the
//! training is a worker process (`ledgerlens model learn`, the same
//! binary) that the agent stops (SIGSTOP) while any Score runs and lets go
//! on (SIGCONT) when the last one ends: a stopped process takes no core,
//! no cache and no memory bandwidth, which a lower priority alone does not
//! give (on this project's two-core machine a training thread at nice 19
//! still made a Score a third slower). The worker dies with the agent
//! (PR_SET_PDEATHSIG) and prints its lessons as one JSON line
//! (`lessons::TrainingOutput`). Elsewhere the training is a thread at
//! normal priority, and a Score during it shares the cores.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde::Serialize;

use super::AppState;
use crate::error::Error;
use crate::i18n::Text;
use crate::learn::lessons::{Learned, Lessons};
use crate::learn::report::ModelReport;

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

/// The training worker and the Scores it makes way for.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// The worker process running now, if any.
    worker: Option<u32>,
    /// Scores running now.
    scoring: usize,
}

/// Held while a Score runs: the training worker stays stopped meanwhile.
pub(crate) struct Scoring<'a>(&'a AppState);

impl Drop for Scoring<'_> {
    fn drop(&mut self) {
        let mut gate = self.0.gate();
        gate.scoring -= 1;
        if gate.scoring == 0 {
            if let Some(pid) = gate.worker {
                signal(pid, Signal::Continue);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Signal {
    Stop,
    Continue,
}

/// Stops or continues the worker. The pid is the agent's own child, not
/// yet waited for, so it cannot have been reused by another process.
#[cfg(target_os = "linux")]
fn signal(pid: u32, what: Signal) {
    let sig = match what {
        Signal::Stop => libc::SIGSTOP,
        Signal::Continue => libc::SIGCONT,
    };
    // SAFETY: kill(2) with a pid and a signal number; no memory is passed.
    if unsafe { libc::kill(pid as libc::pid_t, sig) } != 0 {
        tracing::debug!("training worker {pid} not signalled (it has ended)");
    }
}

#[cfg(not(target_os = "linux"))]
fn signal(_pid: u32, _what: Signal) {}

impl AppState {
    fn gate(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.gate.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks a Score running until the guard is dropped; the training
    /// worker, if one runs, is stopped until the last Score ends.
    pub(crate) fn scoring(&self) -> Scoring<'_> {
        let mut gate = self.gate();
        gate.scoring += 1;
        if gate.scoring == 1 {
            if let Some(pid) = gate.worker {
                signal(pid, Signal::Stop);
            }
        }
        Scoring(self)
    }

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
                while state.train_again.swap(false, Ordering::SeqCst) {
                    let outcome = state.train_once().unwrap_or_else(|e| {
                        tracing::error!("training failed: {}", e.message.en);
                        Outcome::Failed { why: e.message }
                    });
                    let mut last = state
                        .last_training
                        .lock()
                        .unwrap_or_else(|p| p.into_inner());
                    // A round that found nothing new is no training: what
                    // the last one said still stands.
                    if !matches!(outcome, Outcome::UpToDate) || last.is_none() {
                        *last = Some(outcome);
                    }
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

    /// One training: learn (in the worker), commit, swap.
    fn train_once(&self) -> Result<Outcome, Error> {
        // Nothing new since the model in use: no need to read the reviews.
        let reader = self.with_store(|s| s.reader())?;
        let in_use = self.learned().map(|l| l.version);
        let (newest, up_to_date) = reader.snapshot(|s| {
            let newest = s.newest_review()?;
            let reach = s.latest_model_reach()?;
            Ok((
                newest,
                reach
                    .is_some_and(|(version, through)| in_use == Some(version) && through >= newest),
            ))
        })?;
        drop(reader);
        if up_to_date {
            return Ok(Outcome::UpToDate);
        }
        // No review at all (every start of a new agent): nothing to start
        // a worker for.
        if newest == 0 {
            return Ok(Outcome::Waiting {
                why: crate::learn::supervised::too_few(0, 0),
            });
        }
        let path = self.with_store(|s| Ok(s.path().to_path_buf()))?;
        let (newest, lessons) = self.learn(&path)?;
        let Some(lessons) = lessons else {
            return Ok(Outcome::Waiting {
                why: crate::learn::supervised::too_few(0, 0),
            });
        };
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

    /// The lessons of the store at `path`, learnt by the training worker,
    /// stopped while Scores run (see the module).
    #[cfg(target_os = "linux")]
    fn learn(&self, path: &std::path::Path) -> Result<(i64, Option<Lessons>), Error> {
        use std::io::Read;
        use std::os::unix::process::CommandExt;
        let failed =
            |e: &dyn std::fmt::Display| Error::internal(format!("the training worker failed: {e}"));
        // This very binary, even if an update has replaced its file since
        // the agent started (`current_exe` would name the new one, or a
        // deleted path).
        let mut command = std::process::Command::new("/proc/self/exe");
        command
            .args([
                "model",
                "learn",
                "--seed",
                &self.config.seed.to_string(),
                "--store",
            ])
            .arg(path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit());
        // SAFETY: between fork and exec only two system calls, both
        // async-signal-safe, on the child itself: it dies with the thread
        // that started it (this one, which waits for it), and it runs at
        // the least priority when no Score holds it stopped.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                libc::setpriority(libc::PRIO_PROCESS, 0, 19);
                Ok(())
            });
        }
        let mut child = {
            // Registered under the gate, so a Score that began meanwhile
            // stops it at once.
            let mut gate = self.gate();
            let child = command.spawn().map_err(|e| failed(&e))?;
            gate.worker = Some(child.id());
            if gate.scoring > 0 {
                signal(child.id(), Signal::Stop);
            }
            child
        };
        let mut line = String::new();
        let read = child
            .stdout
            .take()
            .expect("stdout is piped")
            .read_to_string(&mut line);
        // Unregistered before it is waited for: only then can its pid be
        // taken by another process.
        self.gate().worker = None;
        let status = child.wait().map_err(|e| failed(&e))?;
        read.map_err(|e| failed(&e))?;
        if !status.success() {
            return Err(failed(&status));
        }
        crate::learn::lessons::TrainingOutput::read(&line)
    }

    /// The lessons of the store at `path`, learnt on this thread.
    #[cfg(not(target_os = "linux"))]
    fn learn(&self, path: &std::path::Path) -> Result<(i64, Option<Lessons>), Error> {
        let reader = crate::store::Store::open_reader(path)?;
        Lessons::from_store(&reader, self.config.seed)
    }
}
