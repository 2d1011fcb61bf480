//! Writers: the scored workbook (xlsx), the JSONL stream, the
//! supervisors' history workbook and their PDF report (`pdf/`).
//!
//! The scored workbook is written with rust_xlsxwriter in constant-memory
//! mode: it is a fresh file (never the input re-saved), and at a million
//! rows it writes about 2.5× faster than umya-spreadsheet while holding one
//! row in memory at a time. See docs/ARCHITECTURE.md for the choice.
//! The history workbook is small (a few sheets of summaries) and styled cell
//! by cell, which is what umya-spreadsheet is made for.

pub mod arrow;
pub mod distribution;
pub mod execution;
pub mod forecast;
pub mod history;
pub mod jsonl;
pub mod laid_out;
pub mod pdf;
pub mod workbook;
