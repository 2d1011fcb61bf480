//! `ledgerlens score a.csv b.csv …` and `score FOLDER`: monthly exports
//! whose column order, delimiter, encoding, format and extra columns differ
//! are scored as one ledger, and every scored row still says which file and
//! which row it came from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common::{run, stderr};
use calamine::{open_workbook, Data, DataType, Reader, Xlsx};
use ledgerlens::demo::DemoRow;

/// One file's rows as the test wrote them, by the row number each landed on.
type Written = HashMap<u32, (f64, String)>;

/// January–April as a UTF-8 comma CSV in the usual column order.
fn comma_csv(path: &Path, rows: &[&DemoRow]) -> Written {
    let mut text = String::from("집행일자,부서명,계정과목,거래처,적요,집행금액,전표번호\n");
    let mut written = Written::new();
    for (i, r) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.date, r.department, r.account, r.vendor, r.description, r.amount, r.voucher
        ));
        written.insert(i as u32 + 2, (r.amount, r.vendor.clone()));
    }
    std::fs::write(path, text).unwrap();
    written
}

/// May–August as a CP949 semicolon CSV: another column order, another
/// name for the date, one column more (비고) and one fewer (적요).
fn semicolon_csv(path: &Path, rows: &[&DemoRow]) -> Written {
    let mut text = String::from("전표번호;지출금액;거래처명;비고;부서;계정;지출일자\n");
    let mut written = Written::new();
    for (i, r) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{};{};{};메모{i};{};{};{}\n",
            r.voucher,
            r.amount,
            r.vendor,
            r.department,
            r.account,
            r.date.format("%Y.%m.%d")
        ));
        written.insert(i as u32 + 2, (r.amount, r.vendor.clone()));
    }
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
    std::fs::write(path, &bytes).unwrap();
    written
}

/// September on as a workbook with a title above the header.
fn workbook(path: &Path, rows: &[&DemoRow]) -> Written {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.write_string(0, 0, "2020년 하반기 지출 내역").unwrap();
    let header = [
        "집행일자",
        "부서명",
        "계정과목",
        "거래처",
        "적요",
        "집행금액",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let mut written = Written::new();
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        sheet
            .write_string(row, 0, r.date.format("%Y-%m-%d").to_string())
            .unwrap();
        sheet.write_string(row, 1, r.department).unwrap();
        sheet.write_string(row, 2, r.account).unwrap();
        sheet.write_string(row, 3, &r.vendor).unwrap();
        sheet.write_string(row, 4, &r.description).unwrap();
        sheet.write_number(row, 5, r.amount).unwrap();
        written.insert(row + 1, (r.amount, r.vendor.clone()));
    }
    wb.save(path).unwrap();
    written
}

/// A demo year in three files of three shapes, plus a note that is not a
/// ledger; returns each file's rows by row number.
fn exports(dir: &Path) -> HashMap<String, Written> {
    let demo = ledgerlens::demo::generate(4000, 11);
    let year = demo.rows[0].date.format("%Y").to_string();
    let of_year: Vec<&DemoRow> = demo
        .rows
        .iter()
        .filter(|r| r.date.format("%Y").to_string() == year)
        .collect();
    let month = |r: &&DemoRow| chrono::Datelike::month(&r.date);
    let part = |from: u32, to: u32| -> Vec<&DemoRow> {
        of_year
            .iter()
            .filter(|r| (from..=to).contains(&month(r)))
            .copied()
            .collect()
    };
    let mut files = HashMap::new();
    let name = |n: &str| dir.join(n).display().to_string();
    files.insert(
        name("01-04.csv"),
        comma_csv(&dir.join("01-04.csv"), &part(1, 4)),
    );
    files.insert(
        name("05-08.csv"),
        semicolon_csv(&dir.join("05-08.csv"), &part(5, 8)),
    );
    files.insert(
        name("09-12.xlsx"),
        workbook(&dir.join("09-12.xlsx"), &part(9, 12)),
    );
    std::fs::write(dir.join("README.md"), "exports for 2020").unwrap();
    files
}

fn text(cell: &Data) -> String {
    cell.to_string()
}

#[test]
fn a_folder_of_differing_exports_is_scored_as_one_ledger() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    let written = exports(&folder);
    let rows: usize = written.values().map(HashMap::len).sum();
    let out = root.path().join("year.xlsx");
    let jsonl = root.path().join("year.jsonl");
    let o = run(&[
        "score",
        folder.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not read") && stderr(&o).contains("README.md"),
        "what was passed over is said: {}",
        stderr(&o)
    );

    // JSONL: every row once, each naming its file and its row in it.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), rows);
    let mut seen = std::collections::HashSet::new();
    for v in &lines {
        let file = v["file"].as_str().expect("a file on every row").to_string();
        let row = v["row"].as_u64().unwrap() as u32;
        assert!(written[&file].contains_key(&row), "{file} row {row}");
        assert!(seen.insert((file, row)), "each row once");
    }

    // The scored sheet: one sheet, each row's source file and row lead back
    // to the very payment the test wrote there.
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let range = wb.worksheet_range("Scored").unwrap();
    let mut sheet_rows = range.rows();
    let header: Vec<String> = sheet_rows.next().unwrap().iter().map(text).collect();
    let col = |h: &str| {
        header
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("{h} in {header:?}"))
    };
    let (c_file, c_row, c_amount, c_vendor) = (
        col("Source file"),
        col("Source row"),
        col("집행금액"),
        col("거래처"),
    );
    // The first file's names lead; the other files' extra column is kept.
    col("비고");
    col("전표번호");
    let mut checked = 0;
    for r in sheet_rows {
        let file = text(&r[c_file]);
        let row = r[c_row].as_f64().unwrap() as u32;
        let (amount, vendor) = &written[&file][&row];
        assert_eq!(r[c_amount].as_f64().unwrap(), *amount, "{file} row {row}");
        assert_eq!(&text(&r[c_vendor]), vendor, "{file} row {row}");
        checked += 1;
    }
    assert_eq!(checked, rows);

    // The data-quality sheet says how each file was read.
    let quality = wb.worksheet_range("Data quality").unwrap();
    let all: Vec<String> = quality.rows().flat_map(|r| r.iter().map(text)).collect();
    for f in written.keys() {
        assert!(all.iter().any(|x| x == f), "{f} listed");
    }
    assert!(
        all.iter().any(|x| x.contains("지출일자")),
        "the second file's own date header is in its mapping"
    );
}

#[test]
fn a_payment_repeated_in_the_next_months_file_names_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let head = "집행일자,부서명,계정과목,거래처,집행금액\n";
    let mut jan = String::from(head);
    let mut feb = String::from(head);
    // Ordinary monthly payments, all different, so a repeat stands out.
    for d in 1..=28u32 {
        for (k, vendor) in ["가나상사", "다라전자", "마바물산"].iter().enumerate() {
            let amount = 100_000 + 7_919 * (d * 3 + k as u32) % 90_000;
            jan.push_str(&format!(
                "2024-01-{d:02},총무과,사무용품비,{vendor},{amount}\n"
            ));
            feb.push_str(&format!(
                "2024-02-{d:02},총무과,사무용품비,{vendor},{}\n",
                amount + 13
            ));
        }
    }
    jan.push_str("2024-01-30,총무과,사무용품비,사바인쇄,4870000\n");
    feb.push_str("2024-02-02,총무과,사무용품비,사바인쇄,4870000\n");
    let (a, b) = (dir.path().join("jan.csv"), dir.path().join("feb.csv"));
    std::fs::write(&a, jan).unwrap();
    std::fs::write(&b, feb).unwrap();
    let jsonl = dir.path().join("out.jsonl");
    let o = run(&[
        "score",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        dir.path().join("out.xlsx").to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let repeat = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["file"].as_str().unwrap().ends_with("feb.csv") && v["row"] == 86)
        .expect("feb.csv row 86");
    let reasons = repeat["reasons"].to_string();
    assert!(
        reasons.contains("duplicate") && reasons.contains("jan.csv row 86"),
        "{reasons}"
    );
}

#[test]
fn several_files_need_an_output_outside_the_folder_read() {
    let dir = tempfile::tempdir().unwrap();
    let head = "집행일자,거래처,집행금액\n";
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, format!("{head}2024-01-02,가,100\n")).unwrap();
    std::fs::write(&b, format!("{head}2024-02-02,가,200\n")).unwrap();
    let o = run(&["score", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("-o"), "{}", stderr(&o));

    let inside: PathBuf = dir.path().join("scored.xlsx");
    let o = run(&[
        "score",
        dir.path().to_str().unwrap(),
        "-o",
        inside.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("inside the folder"), "{}", stderr(&o));
    assert!(!inside.exists());

    // A folder with nothing to read says what it holds.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("notes.md"), "x").unwrap();
    let o = run(&["score", empty.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no ledger file") && stderr(&o).contains("notes.md"),
        "{}",
        stderr(&o)
    );
}
