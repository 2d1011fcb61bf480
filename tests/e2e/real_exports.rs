//! Real exports, as published: the three district offices' 업무추진비 card
//! records in ../shared/datasets/real/korean-expense score without `--map`
//! (their headers are 사용일, 사용금액, 사용장소, 사용목적, 비목, …), and the
//! rows their scrape damaged are counted by reason, never dropped unseen.

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::common::{run, shared_datasets, stderr};

/// The data-quality sheet of a scored workbook, as text.
fn quality_sheet(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range("Data quality").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(Data::to_string).collect())
        .collect()
}

/// Its (label, value) rows.
fn quality_rows(path: &std::path::Path) -> Vec<(String, String)> {
    let cell = |r: &[String], i: usize| r.get(i).cloned().unwrap_or_default();
    quality_sheet(path)
        .iter()
        .map(|r| (cell(r, 0), cell(r, 1)))
        .collect()
}

/// Its mapping table's (field, header) pairs.
fn quality_mapping(path: &std::path::Path) -> Vec<(String, String)> {
    quality_sheet(path)
        .iter()
        .filter(|r| r.len() >= 3)
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect()
}

/// `ledgerlens --lang en score INPUT -o OUT [--jsonl JSONL]`, which must
/// succeed; its output, for what it printed.
fn score_en(
    input: &std::path::Path,
    out: &std::path::Path,
    jsonl: Option<&std::path::Path>,
) -> std::process::Output {
    let mut args = vec![
        "--lang",
        "en",
        "score",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    if let Some(jsonl) = jsonl {
        args.extend(["--jsonl", jsonl.to_str().unwrap()]);
    }
    let o = run(&args);
    assert!(o.status.success(), "{}: {}", input.display(), stderr(&o));
    o
}

#[test]
fn the_korean_card_expense_files_score_without_a_mapping() {
    let dir = tempfile::tempdir().unwrap();
    for (name, rows) in [("ep", 9_999), ("mapo", 18_296), ("sdm", 1_813)] {
        let input = shared_datasets().join(format!("real/korean-expense/{name}_expense_raw.csv"));
        let out = dir.path().join(format!("{name}.xlsx"));
        let o = score_en(&input, &out, None);
        let quality = quality_rows(&out);
        let value = |label: &str| {
            quality
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.replace(',', ""))
                .unwrap_or_else(|| panic!("{name}: no {label:?} in {quality:?}"))
        };
        assert_eq!(value("Rows read"), rows.to_string(), "{name}");
        let scored: usize = value("Rows scored").parse().unwrap();
        let skipped: usize = value("Rows skipped").parse().unwrap();
        assert_eq!(
            scored + skipped,
            rows,
            "{name}: every row is scored or counted"
        );
        // Won have no decimals.
        assert!(!number_formats(&out).contains("#,##0.00"), "{name}");
        // Chosen from the columns: card records, a limit from the profile.
        assert_eq!(value("Profile"), "card-expense records", "{name}");
        assert_eq!(value("Currency"), "KRW", "{name}");
        assert!(
            stderr(&o).contains("per-payment limit ₩500,000 (the whole ledger, the profile's)"),
            "{name}: {}",
            stderr(&o)
        );
        // sdm publishes no time of use and covers four months: the
        // late-night and year-end detectors step aside and say why.
        let judged = |detector: &str| {
            quality_sheet(&out)
                .iter()
                .find(|r| r.first().is_some_and(|c| c == detector))
                .map(|r| r.get(1).cloned().unwrap_or_default())
                .unwrap_or_else(|| panic!("{name}: no {detector} row"))
        };
        let sdm = name == "sdm";
        assert_eq!(
            judged("Late-night use"),
            if sdm { "No" } else { "Yes" },
            "{name}"
        );
        assert_eq!(
            judged("Year-end concentration"),
            if sdm { "No" } else { "Yes" },
            "{name}"
        );
        // The columns were found by their names.
        assert_mapped(
            &out,
            &[
                ("Date", "사용일"),
                ("Amount", "사용금액"),
                ("Account", "비목"),
                ("Description", "사용목적"),
                ("Payment method", "결제방법"),
                ("Time of use", "사용시간"),
                ("Card holder", "사용자"),
            ],
        );
        if name == "mapo" {
            // Its scrape left dates missing, unreadable and impossible.
            assert!(skipped > 1000, "{skipped}");
            let said = stderr(&o);
            for reason in ["no date", "date not understood", "outside 1990"] {
                assert!(said.to_lowercase().contains(reason), "{reason}: {said}");
            }
        }
    }
}

/// The scored workbook's styles part, where its number formats are.
fn number_formats(workbook: &std::path::Path) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(workbook).unwrap()).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    styles
}

/// The data-quality sheet says each field was taken from its header.
fn assert_mapped(workbook: &std::path::Path, expected: &[(&str, &str)]) {
    let mapping = quality_mapping(workbook);
    for (field, header) in expected {
        assert!(
            mapping.contains(&(field.to_string(), header.to_string())),
            "{}: {field} should be {header}: {mapping:?}",
            workbook.display()
        );
    }
}

/// A vendor-payment export names no account (VendorNum, Date, InvNum,
/// Amount, as the utility's payments in ../shared/datasets/real have it):
/// it is scored as one account, its columns found by their names.
#[test]
fn a_ledger_without_an_account_column_is_one_account() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("payments.csv");
    let mut text = String::from("VendorNum,Date,InvNum,Amount\n");
    for i in 0..400 {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let amount = 100.0 + f64::from(i % 37) * 13.5;
        text.push_str(&format!(
            "{},2010-{month:02}-{day:02},INV{i:05},{amount:.2}\n",
            2000 + i % 25
        ));
    }
    text.push_str("2003,2010-06-15,INV99999,250000.00\n");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("scored.xlsx");
    let jsonl = dir.path().join("scored.jsonl");
    score_en(&input, &out, Some(&jsonl));
    assert_mapped(
        &out,
        &[
            ("Date", "Date"),
            ("Amount", "Amount"),
            ("Vendor", "VendorNum"),
            ("Voucher", "InvNum"),
        ],
    );
    let mapping = quality_mapping(&out);
    assert!(!mapping.iter().any(|(f, _)| f == "Account"), "{mapping:?}");
    // No currency named and no Korean: amounts keep their two decimals.
    assert!(
        number_formats(&out).contains("#,##0.00"),
        "{}",
        number_formats(&out)
    );
    // The 250,000 payment among payments of a few hundred is the top row.
    let top = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .max_by(|a, b| {
            a["score"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["score"].as_f64().unwrap())
        })
        .unwrap();
    assert_eq!(top["row"], 402, "{top}");
}
