//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The real `ledgerlens` binary cargo built for these tests.
pub fn ledgerlens() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ledgerlens"))
}

pub fn run(args: &[&str]) -> Output {
    ledgerlens().args(args).output().expect("run ledgerlens")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// ../shared/datasets beside the repository.
pub fn shared_datasets() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets");
    assert!(
        root.is_dir(),
        "shared datasets not found at {} (the repository's ../shared/datasets)",
        root.display()
    );
    root
}

/// Writes a small ledger as CSV text.
pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write test file");
}

pub mod agent;
