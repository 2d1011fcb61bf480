//! Bad input gets a clear error naming the file (and sheet, row, column
//! where it applies) and exit code 1, or a data-quality entry; never a panic.

mod common;

use std::path::Path;

use common::{run, stderr, write};

/// Runs `score` and returns (exit code, stderr, jsonl text if any).
fn score(input: &Path, extra: &[&str]) -> (i32, String, Option<String>) {
    let jsonl = input.with_extension("jsonl");
    let mut args = vec![
        "score",
        input.to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let code = o.status.code().expect("exited, not killed");
    assert_ne!(code, 101, "panicked: {}", stderr(&o));
    (code, stderr(&o), std::fs::read_to_string(&jsonl).ok())
}

fn ledger_csv(rows: &[&str]) -> String {
    let mut s = String::from("집행일자,부서명,계정과목,거래처,적요,집행금액\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

#[test]
fn missing_amount_column_lists_headers_found() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("no_amount.csv");
    write(
        &f,
        "집행일자,부서명,계정과목,거래처\n2024-01-02,총무과,여비,코레일\n",
    );
    let (code, err, _) = score(&f, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("no_amount.csv"), "{err}");
    assert!(err.contains("집행금액"), "names the missing field: {err}");
    assert!(
        err.contains("거래처") && err.contains("계정과목"),
        "lists headers found: {err}"
    );
    let (_, err_en, _) = score(&f, &["--lang", "en"]);
    assert!(
        err_en.contains("required columns missing: Amount"),
        "{err_en}"
    );
}

#[test]
fn text_amounts_and_broken_dates_become_quality_entries() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("dirty.csv");
    let mut rows = vec![
        "2024-01-02,총무과,사무용품비,문구사,복사지,\"1,234,000\"",
        "2024-01-03,총무과,사무용품비,문구사,복사지,abc",
        "2024-13-45,총무과,사무용품비,문구사,복사지,5000",
        "어제,총무과,사무용품비,문구사,복사지,5000",
        "2024-01-04,총무과,사무용품비,문구사,복사지,(3000)",
        ",,,,,",
        "합계,,,,,9999999",
        "2024-01-05,총무과,사무용품비,문구사,복사지,",
    ];
    let filler: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "2024-02-{:02},재무과,소모품비,마트{},휴지,{}",
                1 + i % 28,
                i % 5,
                20_000 + i * 37
            )
        })
        .collect();
    rows.extend(filler.iter().map(String::as_str));
    write(&f, &ledger_csv(&rows));
    let (code, err, jsonl) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        jsonl.unwrap().lines().count(),
        42,
        "two good rows + 40 filler"
    );
    for expected in [
        "Amount is not a number (skipped): 1",
        "Date not understood (skipped): 2",
        "Blank row (skipped): 1",
        "Subtotal or total row (skipped): 1",
        "No amount (skipped): 1",
        "Amount converted from text: 1",
        "Amount in parentheses read as negative: 1",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn empty_sheet_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("empty.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("빈시트").unwrap();
    wb.save(&f).unwrap();
    let (code, err, _) = score(&f, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("empty.xlsx") && err.contains("빈시트") && err.contains("비어"),
        "{err}"
    );
}

#[test]
fn corrupt_and_truncated_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.xlsx");
    std::fs::write(&garbage, b"this is not a workbook at all").unwrap();
    let (code, err, _) = score(&garbage, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("garbage.xlsx") && err.contains("not a zip"),
        "{err}"
    );

    let good = dir.path().join("good.xlsx");
    ledgerlens::demo::generate(2000, 1)
        .write_xlsx(&good)
        .unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("truncated.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, err, _) = score(&cut, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("truncated.xlsx") && err.contains("damaged"),
        "{err}"
    );
}

#[test]
fn password_protected_workbook_is_named_as_such() {
    // An encrypted OOXML file is an OLE compound file holding the
    // EncryptionInfo and EncryptedPackage streams instead of a zip.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("locked.xlsx");
    let mut comp = cfb::create(&f).unwrap();
    {
        use std::io::Write;
        let mut info = comp.create_stream("/EncryptionInfo").unwrap();
        info.write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0]).unwrap();
        let mut pkg = comp.create_stream("/EncryptedPackage").unwrap();
        pkg.write_all(&[0x5a; 4096]).unwrap();
    }
    comp.flush().unwrap();
    drop(comp);
    let (code, err, _) = score(&f, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("locked.xlsx") && err.contains("암호"), "{err}");
}

#[test]
fn one_row_ledger_scores() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("one.csv");
    write(
        &f,
        &ledger_csv(&["2024-03-15,총무과,사무용품비,문구사,복사지,15000"]),
    );
    let (code, err, jsonl) = score(&f, &[]);
    assert_eq!(code, 0, "{err}");
    let line: serde_json::Value = serde_json::from_str(jsonl.unwrap().trim()).unwrap();
    assert_eq!(line["row"], 2);
    assert_eq!(line["band"], "low");
}

#[test]
fn header_only_and_unknown_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("header_only.csv");
    write(&f, &ledger_csv(&[]));
    let (code, err, _) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(err.contains("no rows could be scored"), "{err}");

    let x = dir.path().join("book.xlsx");
    ledgerlens::demo::generate(300, 2).write_xlsx(&x).unwrap();
    let (code, err, _) = score(&x, &["--sheet", "없는시트"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("없는시트") && err.contains("집행내역"),
        "lists sheets: {err}"
    );
}

#[test]
fn unsupported_extension_and_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ledger.pdf");
    write(&f, "%PDF-1.4");
    let (code, err, _) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(err.contains("unsupported"), "{err}");
    let (code, err, _) = score(&dir.path().join("nope.xlsx"), &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(err.contains("nope.xlsx"), "{err}");
}
