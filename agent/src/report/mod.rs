//! Writers: the scored workbook (xlsx) and the JSONL stream.
//!
//! The scored workbook is written with rust_xlsxwriter in constant-memory
//! mode: it is a fresh file (never the input re-saved), and at a million
//! rows it writes about 2.5× faster than umya-spreadsheet while holding one
//! row in memory at a time. See docs/ARCHITECTURE.md for the choice.

pub mod jsonl;
pub mod workbook;
