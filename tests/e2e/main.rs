//! The end-to-end tests: the real binary, the real agent over HTTPS and the
//! real pipeline, on generated and malformed files. One test binary with a
//! module per area (as ripgrep does), so a change to the crate links it
//! once rather than once per file.

mod common;

mod agent;
mod agent_security;
mod cli;
mod demo_quality;
mod doors;
mod history;
mod iforest_adbench;
mod learning;
mod malformed_input;
mod manifest;
mod many_files;
mod metrics_sklearn;
mod real_exports;
mod report_pdf;
mod sampling;
mod tray;

/// A file in this folder that is not declared above would never compile or
/// run; this keeps the list and the folder the same.
#[test]
fn every_test_file_is_declared() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e");
    let declared = include_str!("main.rs");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let is_module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
        if name == "main" || !is_module {
            continue;
        }
        assert!(
            declared.contains(&format!("\nmod {name};")),
            "tests/e2e/{name} is not declared in tests/e2e/main.rs, so it never runs"
        );
    }
}
