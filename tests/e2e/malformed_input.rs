//! Bad input gets a clear error naming the file (and sheet, row, column
//! where it applies) and exit code 1, or a data-quality entry; never a panic.

use std::path::Path;

use crate::common::{run, stderr, write};

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
fn an_unreadable_time_of_use_is_reported_and_the_row_kept() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("card.csv");
    let mut text = String::from("사용일,사용시간,부서명,사용장소,사용금액\n");
    for d in 1..=20 {
        text.push_str(&format!(
            "2024-03-{d:02},12:{d:02},총무과,한식당,{}\n",
            30_000 + d
        ));
    }
    text.push_str("2024-03-21,점심,총무과,한식당,31000\n");
    write(&f, &text);
    let out = dir.path().join("out.xlsx");
    let (code, err, jsonl) = score(&f, &["-o", out.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(jsonl.unwrap().lines().count(), 21, "the row is kept");
    assert!(
        err.contains("Time of use not understood (scored without a time): 1"),
        "{err}"
    );
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
    assert!(err.contains("no row could be taken"), "{err}");

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

fn small_xlsx(dir: &Path) -> std::path::PathBuf {
    let f = dir.join("base.xlsx");
    std::fs::write(&f, crate::common::small_ledger_xlsx(false)).unwrap();
    f
}

/// Writes `base` with one entry replaced, as a new file.
fn rewrite_entry(base: &Path, dst: &Path, entry: &str, contents: &[u8]) {
    let bytes = crate::common::rewrite_entry(&std::fs::read(base).unwrap(), entry, contents);
    std::fs::write(dst, bytes).unwrap();
}

#[test]
fn giant_shared_string_count_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = small_xlsx(dir.path());
    let hostile = dir.path().join("sst.xlsx");
    rewrite_entry(
        &base,
        &hostile,
        "xl/sharedStrings.xml",
        crate::common::GIANT_SST,
    );
    let (code, err, _) = score(&hostile, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(err.contains("sst.xlsx") && err.contains("refused"), "{err}");
}

#[test]
fn zip_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = small_xlsx(dir.path());
    let bomb = dir.path().join("bomb.xlsx");
    // 80 MB of one repeated byte compresses about a thousandfold.
    let sheet = crate::common::bomb_sheet_xml(80);
    rewrite_entry(&base, &bomb, "xl/worksheets/sheet1.xml", &sheet);
    assert!(
        std::fs::metadata(&bomb).unwrap().len() < 1 << 20,
        "the bomb is small on disk"
    );
    let (code, err, _) = score(&bomb, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(err.contains("zip bomb"), "{err}");
}

#[test]
fn far_apart_cells_are_refused_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("far.xlsx");
    std::fs::write(&f, crate::common::small_ledger_xlsx(true)).unwrap();
    let started = std::time::Instant::now();
    let (code, err, _) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("far.xlsx [Sheet1] cell XFD1048576") && err.contains("256 columns"),
        "{err}"
    );
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
}

/// Writes an ods workbook with one sheet made of the given table rows.
fn write_ods(path: &Path, sheet: &str, rows: &str) {
    use std::io::Write;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{sheet}">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

/// An ods sheet can declare one value repeated over thousands of rows and
/// columns in a few bytes; read densely it would take gigabytes.
#[test]
fn ods_repeated_cells_are_measured_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let header = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>집행일자</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>집행금액</text:p></table:table-cell></table:table-row>"#;
    let wide = dir.path().join("wide.ods");
    write_ods(
        &wide,
        "원장",
        &format!(
            r#"{header}<table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16000"><text:p>1</text:p></table:table-cell></table:table-row>"#
        ),
    );
    let started = std::time::Instant::now();
    let (code, err, _) = score(&wide, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(err.contains("wide.ods [원장] cell IW2"), "{err}");
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());

    // Within 256 columns, but a corner value makes the extent 256 × 200,001.
    let tall = dir.path().join("tall.ods");
    write_ods(
        &tall,
        "원장",
        &format!(
            r#"{header}<table:table-row table:number-rows-repeated="200000"><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell><table:table-cell table:number-columns-repeated="254"/><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#
        ),
    );
    let (code, err, _) = score(&tall, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("tall.ods") && err.contains("200001 rows × 256 columns"),
        "{err}"
    );
}

#[test]
fn ods_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ledger.ods");
    let mut rows = String::new();
    let cell = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    for r in [["집행일자", "부서명", "계정과목", "집행금액"]]
        .iter()
        .map(|r| r.map(String::from))
        .chain((1..=40).map(|i| {
            [
                format!("2024-02-{:02}", 1 + i % 28),
                "총무과".into(),
                "여비".into(),
                format!("{}", 10_000 + i * 10),
            ]
        }))
    {
        rows.push_str("<table:table-row>");
        for v in &r {
            rows.push_str(&cell(v));
        }
        rows.push_str("</table:table-row>");
    }
    write_ods(&f, "원장", &rows);
    let (code, err, jsonl) = score(&f, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(jsonl.unwrap().lines().count(), 40);
}

#[test]
fn csv_blank_lines_keep_row_numbers_and_yymmdd_dates_parse() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("gaps.csv");
    write(
        &f,
        "집행일자,계정과목,거래처,집행금액\n240102,여비,코레일,23700\n\n\n240103,여비,코레일,-23700\n240104,여비,,15000\n",
    );
    let (code, err, jsonl) = score(&f, &[]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<u64> = jsonl
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["row"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(rows, vec![2, 5, 6], "rows as a spreadsheet shows them");
}

#[test]
fn no_vendor_column_makes_no_vendor_claims() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("novendor.csv");
    let mut rows = Vec::new();
    for i in 0..60 {
        rows.push(format!(
            "2024-03-{:02},총무과,용역비,-,{}",
            1 + i % 28,
            15_000_000 + (i % 3) * 1_000_000
        ));
    }
    let text = String::from("집행일자,부서명,계정과목,적요,집행금액\n") + &rows.join("\n");
    write(&f, &text);
    let (code, err, jsonl) = score(&f, &[]);
    assert_eq!(code, 0, "{err}");
    for line in jsonl.unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for r in v["reasons"].as_array().unwrap() {
            let code = r["code"].as_str().unwrap();
            assert!(
                ![
                    "duplicate",
                    "split",
                    "recurring_jump",
                    "small_repeat",
                    "rare_vendor",
                    "benford"
                ]
                .contains(&code),
                "vendor-based reason without a vendor: {v}"
            );
        }
    }
}

#[test]
fn no_rows_message_is_korean_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("allbad.csv");
    write(
        &f,
        &ledger_csv(&["2024-01-02,총무과,여비,코레일,출장,abc", ",,,,,"]),
    );
    let (code, err, _) = score(&f, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("금액이 숫자가 아님") && err.contains("빈 행"),
        "{err}"
    );
}

#[test]
fn dated_subtotal_lines_are_skipped_but_look_alike_vendors_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("subtotals.csv");
    write(
        &f,
        &ledger_csv(&[
            "2024-03-05,총무과,사무용품비,소계산업,복사지,10000",
            "2024-03-06,총무과,사무용품비,문구사,1분기 전기요금 합계,20000",
            "2024-03-31,총무과,소계,,,30000",
            "2024-03-31,총무과,월계,,,30000",
        ]),
    );
    let (code, err, jsonl) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(jsonl.unwrap().lines().count(), 2, "two payments kept");
    assert!(err.contains("Subtotal or total row (skipped): 2"), "{err}");
}

#[test]
fn csv_past_the_sheet_limits_is_refused_like_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    // 1,048,576 rows fit a sheet; the 1,048,577th does not.
    let mut text = String::from("집행일자,집행금액\n");
    text.push_str(&"1\n".repeat(1_048_576));
    let f = dir.path().join("tall.csv");
    write(&f, &text);
    let (code, err, _) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("tall.csv [tall] cell A1048577") && err.contains("at most 1048576 rows"),
        "{err}"
    );
    let wide = dir.path().join("wide.csv");
    write(
        &wide,
        &format!("집행일자,집행금액,{}\n", vec!["x"; 300].join(",")),
    );
    let (code, err, _) = score(&wide, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cell IW1") && err.contains("256 columns"),
        "{err}"
    );
}

/// The first sheet's XML of an xlsx.
fn sheet_xml(xlsx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn a_row_far_down_is_named_as_a_row_limit() {
    let dir = tempfile::tempdir().unwrap();
    let far = crate::common::small_ledger_xlsx(true);
    let sheet = sheet_xml(&far).replace("XFD1048576", "A99999999");
    let f = dir.path().join("deep.xlsx");
    std::fs::write(
        &f,
        crate::common::rewrite_entry(&far, "xl/worksheets/sheet1.xml", sheet.as_bytes()),
    )
    .unwrap();
    let (code, err, _) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cell A99999999") && err.contains("1048576 rows"),
        "{err}"
    );
    assert!(!err.contains("columns"), "{err}");
}

#[test]
fn broken_sheet_xml_names_the_part_and_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let base = small_xlsx(dir.path());
    let xml = sheet_xml(&std::fs::read(&base).unwrap());
    // Cut the XML in the middle of the rows, inside a tag.
    let cut = xml.find("<row r=\"12\"").unwrap();
    let broken = format!("{}<row r=\"12\"><c r=\"A12\" t=\"<<", &xml[..cut]);
    let f = dir.path().join("broken.xlsx");
    rewrite_entry(&base, &f, "xl/worksheets/sheet1.xml", broken.as_bytes());
    let (code, err, _) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("broken.xlsx") && err.contains("sheet 'Sheet1' XML, after cell"),
        "{err}"
    );
    assert!(!err.contains("0..0"), "{err}");
}

#[test]
fn a_huge_cell_is_named_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("long.csv");
    write(
        &f,
        &ledger_csv(&[&format!(
            "2024-01-02,총무과,여비,{},출장,1000",
            "가".repeat(5_000_000)
        )]),
    );
    let (code, err, _) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("long.csv [long] cell D2") && err.contains("32767"),
        "{err}"
    );
    assert!(err.len() < 1000, "the error echoed {} bytes", err.len());
    // A header-less file with a long first row quotes an excerpt of it.
    let g = dir.path().join("noheader.csv");
    write(&g, &format!("{},b\n1,2\n", "z".repeat(20_000)));
    let (code, err, _) = score(&g, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no header row") && err.len() < 2000,
        "{} bytes: {}",
        err.len(),
        &err[..err.len().min(300)]
    );
}

#[test]
fn one_bad_byte_near_the_end_keeps_utf8_and_is_reported_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                "2024-01-{:02},총무과,여비,거래처{},출장,{}",
                i % 28 + 1,
                i % 40,
                1000 + i
            )
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(|s| s.as_str()).collect();
    let mut bytes = ledger_csv(&refs).into_bytes();
    bytes.extend_from_slice(b"2024-02-01,\xb4\xeb\xb1\xb8,\xff\xfe,x,y,500\n");
    let f = dir.path().join("utf8.csv");
    std::fs::write(&f, bytes).unwrap();
    let (code, err, jsonl) = score(&f, &["--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Bytes not valid in the file's encoding (shown as U+FFFD): 2"),
        "{err}"
    );
    let jsonl = jsonl.unwrap();
    assert_eq!(jsonl.lines().count(), 3001);
}

#[test]
fn bidi_controls_are_shown_in_the_report_sheets_and_kept_in_the_copy() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let mut rows: Vec<String> = (0..60)
        .map(|i| {
            format!(
                "2024-01-{:02},총무과,여비,거래처{},출장,{}",
                i % 28 + 1,
                i % 5,
                1000 + i
            )
        })
        .collect();
    rows.push("2024-02-01,총무과,여비,Evil \u{202E}Corp,출장,5000".to_string());
    rows.push("2024-02-02,총무과,여비,거래처1,출장,\u{202E}12x".to_string());
    let refs: Vec<&str> = rows.iter().map(|s| s.as_str()).collect();
    let f = dir.path().join("rlo.csv");
    write(&f, &ledger_csv(&refs));
    let out = dir.path().join("rlo.xlsx");
    let o = run(&["score", f.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let quality = book.worksheet_range("데이터 품질").unwrap();
    let shown: Vec<String> = quality
        .used_cells()
        .map(|(_, _, v)| v.to_string())
        .collect();
    assert!(shown.iter().any(|v| v == "[U+202E]12x"), "{shown:?}");
    assert!(!shown.iter().any(|v| v.contains('\u{202E}')), "{shown:?}");
    // The copy of the ledger is the user's text, as it was.
    let copy = book.worksheet_range("점수 결과").unwrap();
    assert!(copy
        .used_cells()
        .any(|(_, _, v)| *v == Data::String("Evil \u{202E}Corp".into())));
}
