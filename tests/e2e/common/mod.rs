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

/// Rewrites one entry of a zip (an xlsx) with new contents.
pub fn rewrite_entry(src: &[u8], entry: &str, contents: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(src)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(if name == entry { contents } else { &data })
            .unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A 29-row xlsx ledger (date, account, amount); with `far_cell`, one more
/// value at XFD1048576.
pub fn small_ledger_xlsx(far_cell: bool) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["집행일자", "계정과목", "집행금액"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..30u32 {
        sheet.write_string(r, 0, "2024-01-02").unwrap();
        sheet.write_string(r, 1, "여비").unwrap();
        sheet.write_number(r, 2, 1000.0 + f64::from(r)).unwrap();
    }
    if far_cell {
        sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The zip-bomb sheet: `mb` megabytes of one repeated byte.
pub fn bomb_sheet_xml(mb: usize) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    sheet.push_str(&" ".repeat(mb << 20));
    sheet.push_str("</sheetData></worksheet>");
    sheet.into_bytes()
}

/// A shared-string table declaring 10^18 entries.
pub const GIANT_SST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="1000000000000000000"><si><t>date</t></si></sst>"#;

pub mod agent;
