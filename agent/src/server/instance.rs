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

pub fn claim(dir: &Path) -> std::io::Result<Claim> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => Ok(Claim::Claimed(InstanceLock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(Claim::Taken(
            std::fs::read(dir.join(INFO_FILE))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok()),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Records where this agent listens (after it has bound its port).
pub fn announce(dir: &Path, running: &Running) -> std::io::Result<()> {
    std::fs::write(
        dir.join(INFO_FILE),
        serde_json::to_vec_pretty(running).unwrap_or_default(),
    )
}
