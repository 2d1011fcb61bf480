//! `ledgerlens sample plan | select | evaluate` with the real binary: the
//! planned sizes, a reproducible draw from the rows not flagged, an
//! auditor's filled-in workbook evaluated, and an unfinished one refused
//! naming its file, sheet and column.

use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};

use crate::common::{run, stderr, stdout};

fn keys(sample: &Path) -> Vec<String> {
    let mut book: Xlsx<_> = open_workbook(sample).unwrap();
    let range = book.worksheet_range("Sample").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let key = header.iter().position(|h| h == "Row key").unwrap();
    range.rows().skip(1).map(|r| r[key].to_string()).collect()
}

/// Types audited values into the sample as an auditor would: the book
/// value, except `errors` rows at `share` of it.
fn audit(sample: &Path, out: &Path, errors: &[u32], share: f64) {
    let mut book = umya_spreadsheet::reader::xlsx::read(sample).unwrap();
    let sheet = book.get_sheet_by_name_mut("Sample").unwrap();
    let (book_col, audited_col) = (9, 11); // I and K, 1-based
    let last = sheet.get_highest_row();
    for row in 2..=last {
        let value: f64 = sheet.get_value((book_col, row)).parse().unwrap();
        let audited = if errors.contains(&row) {
            value * share
        } else {
            value
        };
        sheet
            .get_cell_mut((audited_col, row))
            .set_value_number(audited);
    }
    umya_spreadsheet::writer::xlsx::write(&book, out).unwrap();
}

#[test]
fn plan_select_audit_evaluate() {
    let o = run(&[
        "--lang",
        "en",
        "sample",
        "plan",
        "--confidence",
        "0.95",
        "--materiality",
        "0.05",
        "--expected",
        "0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("a sample of 60 (Poisson)"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "sample",
        "plan",
        "--materiality",
        "0.05",
        "--expected",
        "0.025",
        "--likelihood",
        "binomial",
    ]);
    assert!(
        stdout(&o).starts_with("표본 234건 (이항 분포)"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "sample",
        "plan",
        "--materiality",
        "0.05",
        "--expected",
        "0.07",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("예상 오류율 0.07"), "{}", stderr(&o));

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run(&[
        "demo",
        "--rows",
        "3000",
        "--seed",
        "4",
        "--generate-only",
        "--out-dir",
        d.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ledger = d.join("demo_ledger.xlsx");
    let before = std::fs::read(&ledger).unwrap();
    let draw = |seed: &str, name: &str| {
        let path = d.join(name);
        let o = run(&[
            "--lang",
            "en",
            "sample",
            "select",
            ledger.to_str().unwrap(),
            "--materiality",
            "0.05",
            "--sample-seed",
            seed,
            "-o",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("rows not flagged"), "{}", stdout(&o));
        assert!(
            stdout(&o).contains(&format!("seed {seed}")),
            "{}",
            stdout(&o)
        );
        path
    };
    let a = draw("11", "a.xlsx");
    let b = draw("11", "b.xlsx");
    let c = draw("12", "c.xlsx");
    assert_eq!(keys(&a).len(), 60);
    assert_eq!(keys(&a), keys(&b), "the same seed draws the same rows");
    assert_ne!(keys(&a), keys(&c));
    assert_eq!(
        std::fs::read(&ledger).unwrap(),
        before,
        "the ledger is never modified"
    );

    // Not audited yet: refused, naming the file, the sheet and the column.
    let o = run(&["--lang", "en", "sample", "evaluate", a.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(
            "a.xlsx, sheet 'Sample' column K (Audited value): no audited value in 60 row(s)"
        ),
        "{err}"
    );

    // Audited: no error, then one row overstated by half.
    let clean = d.join("clean.xlsx");
    audit(&a, &clean, &[], 1.0);
    let o = run(&[
        "--lang",
        "en",
        "sample",
        "evaluate",
        clean.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("0 errors in a sample of 60"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("can be accepted"), "{}", stdout(&o));
    let one = d.join("one.xlsx");
    audit(&a, &one, &[5], 0.5);
    let o = run(&["sample", "evaluate", one.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("표본 60건 중 오류 1건"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("스트링거 상한"), "{}", stdout(&o));
    let o = run(&[
        "--lang",
        "en",
        "sample",
        "evaluate",
        one.to_str().unwrap(),
        "--estimator",
        "difference",
    ]);
    assert!(
        stdout(&o).contains("difference estimator at 95% confidence"),
        "{}",
        stdout(&o)
    );
}
