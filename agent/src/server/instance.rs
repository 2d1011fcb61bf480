//! One agent per data folder. The first holds an exclusive lock on
//! `agent.lock` for as long as it runs and writes where it listens to
//! `agent.json`; a second start reads that and says where the first is.
//! The operating system drops the lock when the process ends, however it
//! ends, so a crash never leaves a stale lock behind.

use std::fs::File;
use std::path::Path;

use serde::{Deserialize, Serialize};

const LOCK_FILE: &str = "agent.lock";
const INFO_FILE: &str = "agent.json";

#[derive(Debug, Serialize, Deserialize)]
pub struct Running {
    pub port: u16,
    pub pid: u32,
    pub url: String,
}

/// Held for the agent's lifetime.
pub struct InstanceLock {
    _file: File,
}

pub enum Claim {
    Claimed(InstanceLock),
    /// Another agent holds the folder; where it listens, if it said.
    Taken(Option<Running>),
}

/// How long a start waits for a lock whose announced agent has ended.
const DYING_HOLDER_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

pub fn claim(dir: &Path) -> std::io::Result<Claim> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Claim::Claimed(InstanceLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => {
                let running: Option<Running> = std::fs::read(dir.join(INFO_FILE))
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok());
                // The agent that announced itself has ended, yet the lock
                // is held: by a child it forked (the training worker)
                // that has not yet exec'd or died with it. That lasts
                // moments; an agent restarted at once waits it out rather
                // than point at an agent that is gone.
                let ended = running.as_ref().is_some_and(|r| !alive(r.pid));
                if !ended || started.elapsed() > DYING_HOLDER_WAIT {
                    return Ok(Claim::Taken(running));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Whether process `pid` still exists (where that cannot be asked,
/// assumed so: the start then reports the folder taken, as before).
fn alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        // Signal 0 checks for the process without signalling it; EPERM
        // means it exists under another user.
        // SAFETY: kill(2) with signal 0 reads nothing of ours and sends
        // nothing.
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        true
    }
}

/// Records where this agent listens (after it has bound its port).
pub fn announce(dir: &Path, running: &Running) -> std::io::Result<()> {
    std::fs::write(
        dir.join(INFO_FILE),
        serde_json::to_vec_pretty(running).unwrap_or_default(),
    )
}
