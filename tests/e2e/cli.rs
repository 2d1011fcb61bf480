//! `ledgerlens score` end to end: the real binary on files the demo
//! generator wrote, checking the workbook, the JSONL and that the input is
//! left untouched.

use std::collections::HashSet;

use crate::common::{run, stderr};
use calamine::{open_workbook, Data, Reader, Xlsx};
use sha2::{Digest, Sha256};

fn sha(path: &std::path::Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

fn demo_file(dir: &std::path::Path, rows: usize, seed: u64) -> std::path::PathBuf {
    let demo = ledgerlens::demo::generate(rows, seed);
    let path = dir.join("ledger.xlsx");
    demo.write_xlsx(&path).unwrap();
    path
}

#[test]
fn score_writes_new_workbook_and_jsonl_and_leaves_input_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_file(dir.path(), 3000, 7);
    let before = sha(&input);
    let out = dir.path().join("scored.xlsx");
    let jsonl = dir.path().join("scored.jsonl");
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(sha(&input), before, "input file was modified");

    // JSONL: one line per data row with the documented fields.
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 2900, "{} lines", lines.len());
    let mut keys = HashSet::new();
    for v in &lines {
        let row = v["row"].as_u64().unwrap();
        assert!(
            row >= 5,
            "data starts below the title rows and header: {row}"
        );
        let score = v["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score));
        assert!(["high", "medium", "low"].contains(&v["band"].as_str().unwrap()));
        assert!(v["cluster"].is_u64());
        assert!(!v["cluster_name"].as_str().unwrap().is_empty());
        let reasons = v["reasons"].as_array().unwrap();
        assert!(reasons.len() <= 3);
        for r in reasons {
            assert!(!r["code"].as_str().unwrap().is_empty());
            assert!(!r["text"].as_str().unwrap().is_empty());
        }
        assert!(
            keys.insert(v["key"].as_str().unwrap().to_string()),
            "row keys are unique"
        );
    }
    assert!(lines.iter().any(|v| v["band"] == "high"));
    // Korean by default.
    let reason_text: String = lines
        .iter()
        .flat_map(|v| v["reasons"].as_array().unwrap().iter())
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect();
    assert!(
        reason_text.contains("배") || reason_text.contains("중복"),
        "Korean reasons"
    );

    // The workbook: scored sheet sorted by risk, summary and quality sheets.
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), vec!["점수 결과", "요약", "데이터 품질"]);
    let range = wb.worksheet_range("점수 결과").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for h in [
        "집행일자",
        "집행금액",
        "위험점수",
        "위험등급",
        "군집",
        "사유",
        "검토 결과",
        "검토 메모",
        "행 키",
    ] {
        assert!(
            header.iter().any(|x| x == h),
            "missing column {h}: {header:?}"
        );
    }
    let score_col = header.iter().position(|h| h == "위험점수").unwrap();
    let scores: Vec<f64> = range
        .rows()
        .skip(1)
        .map(|r| match &r[score_col] {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("score cell {other:?}"),
        })
        .collect();
    assert_eq!(scores.len(), lines.len());
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "sorted by risk, highest first"
    );
}

#[test]
fn english_output_and_csv_input() {
    let dir = tempfile::tempdir().unwrap();
    let demo = ledgerlens::demo::generate(1500, 3);
    // The same ledger as a CP949 CSV with semicolons, as some ERPs export.
    let mut text = String::from("집행일자;부서명;계정과목;거래처;적요;집행금액;전표번호\n");
    for r in &demo.rows {
        text.push_str(&format!(
            "{};{};{};{};{};\"{}\";{}\n",
            r.date.format("%Y.%m.%d"),
            r.department,
            r.account,
            r.vendor,
            r.description,
            ledgerlens::i18n::won(r.amount),
            r.voucher
        ));
    }
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
    let input = dir.path().join("ledger.csv");
    std::fs::write(&input, &bytes).unwrap();
    let jsonl = dir.path().join("out.jsonl");
    let out = dir.path().join("out.xlsx");
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&jsonl).unwrap();
    assert_eq!(text.lines().count(), demo.rows.len());
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["row"], 2, "header on row 1, first data row 2");
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Scored", "Summary", "Data quality"]);
    let range = wb.worksheet_range("Data quality").unwrap();
    let all: String = range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        all.contains("Amount converted from text"),
        "quality sheet counts text amounts"
    );
}

#[test]
fn refuses_to_overwrite_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_file(dir.path(), 500, 1);
    let before = sha(&input);
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("덮어쓰지"), "{}", stderr(&o));
    assert_eq!(sha(&input), before);
}

#[test]
fn map_override_names_unusual_headers() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("odd.csv");
    let mut text = String::from("일자,과목,지급액,업체\n");
    for i in 0..200 {
        text.push_str(&format!(
            "2024-01-{:02},여비,{},업체{}\n",
            1 + i % 28,
            10_000 + i * 100,
            i % 7
        ));
    }
    crate::common::write(&input, &text);
    let o = run(&["score", input.to_str().unwrap(), "--lang", "en"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("Amount") && err.contains("지급액"), "{err}");
    let jsonl = dir.path().join("odd.jsonl");
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "--map",
        "amount=지급액",
        "--map",
        "account=과목",
        "--jsonl",
        jsonl.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&jsonl).unwrap().lines().count(),
        200
    );
    assert!(
        dir.path().join("odd.scored.xlsx").exists(),
        "default output beside the input"
    );
}

#[test]
fn bench_iforest_prints_documented_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("small.csv");
    let mut text = String::from("x0,x1,label\n");
    for i in 0..300 {
        let v = (i % 17) as f64 / 17.0;
        text.push_str(&format!("{v},{},0\n", 1.0 - v));
    }
    text.push_str("9.0,9.0,1\n");
    crate::common::write(&csv, &text);
    let o = run(&["bench", "iforest", csv.to_str().unwrap(), "--seeds", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = crate::common::stdout(&o);
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("auroc_mean="), "{last}");
    let auroc: f64 = last["auroc_mean=".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(auroc > 0.99, "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("seed=")).count(), 3);
}

#[test]
fn scoring_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_file(dir.path(), 4000, 5);
    let run_once = |name: &str| {
        let jsonl = dir.path().join(name);
        let o = run(&[
            "score",
            input.to_str().unwrap(),
            "--jsonl",
            jsonl.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(jsonl).unwrap()
    };
    assert_eq!(run_once("a.jsonl"), run_once("b.jsonl"));
}

#[test]
fn the_input_is_never_the_output_by_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_file(dir.path(), 300, 1);
    let before = sha(&input);
    let hard = dir.path().join("h.xlsx");
    std::fs::hard_link(&input, &hard).unwrap();
    // A symbolic link joins them on Unix.
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut names = vec![hard, dir.path().join("sub/../ledger.xlsx")];
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    #[cfg(unix)]
    {
        let link = dir.path().join("link.xlsx");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        names.push(link);
    }
    for output in names {
        for flag in ["-o", "--jsonl"] {
            let o = run(&[
                "score",
                input.to_str().unwrap(),
                flag,
                output.to_str().unwrap(),
                "--lang",
                "en",
            ]);
            assert_eq!(o.status.code(), Some(1), "{flag} {}", output.display());
            assert!(
                stderr(&o).contains("never overwrites the input"),
                "{}",
                stderr(&o)
            );
            assert_eq!(
                sha(&input),
                before,
                "{flag} {} changed the input",
                output.display()
            );
        }
    }
}

/// A write that fails part-way (here the file-size limit, as a full disk
/// would) leaves the previous file as it was and no half-written one.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_old_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let input = demo_file(dir.path(), 3000, 2);
    let out = dir.path().join("out.xlsx");
    std::fs::write(&out, b"the previous output").unwrap();
    // SIGXFSZ ignored, so a write past the limit fails with EFBIG instead of
    // killing the process: the program sees the error a full disk gives.
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_ledgerlens"))
        .args([
            "score",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--lang",
            "en",
        ])
        .env("TMPDIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write the output"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"the previous output");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    // Without the limit the same command replaces it with a whole workbook,
    // readable by the user only.
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let _: Xlsx<_> = open_workbook(&out).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// `score --forecast`: a department × account whose newest month is ten
/// times its usual is the first month on the 예측 sheet, with why; the
/// model table has every model and the choice.
#[test]
fn score_with_forecasts_flags_a_month_far_above_its_range() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let mut demo = ledgerlens::demo::generate(4000, 11);
    let last = demo
        .rows
        .iter()
        .map(|r| (r.date.year(), r.date.month()))
        .max()
        .unwrap();
    // The busiest department × account of the newest month.
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for r in demo
        .rows
        .iter()
        .filter(|r| (r.date.year(), r.date.month()) == last)
    {
        *counts.entry((r.department, r.account)).or_default() += 1;
    }
    let (&(department, account), _) = counts.iter().max_by_key(|c| *c.1).unwrap();
    for r in demo.rows.iter_mut() {
        if (r.date.year(), r.date.month()) == last
            && r.department == department
            && r.account == account
        {
            r.amount *= 10.0;
        }
    }
    let input = dir.path().join("ledger.xlsx");
    demo.write_xlsx(&input).unwrap();
    let out = dir.path().join("scored.xlsx");
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forecast",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("월별 예측: 계열"), "{err}");
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = wb.worksheet_range("예측").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows[0][0].to_string(), "부서");
    let month = format!("{}-{:02}", last.0, last.1);
    let first = rows[1];
    assert_eq!(
        (
            first[0].to_string(),
            first[1].to_string(),
            first[2].to_string()
        ),
        (department.to_string(), account.to_string(), month.clone()),
        "{err}"
    );
    assert_eq!(first[7].to_string(), "예측 범위 초과");
    assert!(first[9].to_string().contains("상한의"), "{}", first[9]);
    let models: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
    for word in [
        "계절 단순",
        "지수평활",
        "LSTM (3개월 창)",
        "LSTM (12개월 창)",
        "계열별 선택",
    ] {
        assert!(models.iter().any(|m| m == word), "{word} in {models:?}");
    }
}

/// `score --budget`: the 집행률 sheet's spending is the ledger's own, summed
/// by hand here; a broken budget row is reported, not dropped; a file that
/// is not a budget stops the command, naming it, before anything is written.
#[test]
fn score_with_a_budget_writes_execution_rates() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let demo = ledgerlens::demo::generate(3000, 7);
    let input = dir.path().join("ledger.xlsx");
    demo.write_xlsx(&input).unwrap();
    let year = demo.rows.iter().map(|r| r.date.year()).max().unwrap();
    let mut by_line: std::collections::BTreeMap<(&str, &str), f64> = Default::default();
    for r in demo.rows.iter().filter(|r| r.date.year() == year) {
        *by_line.entry((r.department, r.budget_item)).or_default() += r.amount;
    }
    let (&(department, item), &spent) = by_line.iter().max_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    let budget = dir.path().join("budget.csv");
    std::fs::write(
        &budget,
        format!(
            "{year}년 예산\n부서명,예산과목,예산액\n{department},{item},{}\n{department},다른 과목,많음\n",
            2.0 * spent
        ),
    )
    .unwrap();
    let out = dir.path().join("scored.xlsx");
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--budget",
        budget.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("예산 항목 1개") && err.contains("건너뛴 예산 행 1개"),
        "{err}"
    );
    assert!(err.contains("C4"), "the broken cell is named: {err}");

    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("집행률").unwrap();
    let rows: Vec<&[Data]> = sheet
        .rows()
        .filter(|r| r[0] == department && r[1] == item)
        .collect();
    assert!(!rows.is_empty(), "the line's months are listed");
    let last = rows.last().unwrap();
    let number = |d: &Data| match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    };
    assert!(
        (number(&last[5]) - spent).abs() < 0.5,
        "{last:?} against {spent}"
    );
    assert!(
        (number(&last[6]) - 0.5).abs() < 1e-9,
        "half the allocation spent"
    );
    let months: Vec<f64> = rows.iter().map(|r| number(&r[2])).collect();
    assert_eq!(
        months,
        (1..=months.len()).map(|m| m as f64).collect::<Vec<_>>()
    );
    let skipped = sheet
        .rows()
        .any(|r| r[0].to_string().contains("건너뛴 예산 행 4 (C4)"));
    assert!(skipped, "the skipped budget row is in the sheet");

    // Not a budget: refused with the file named and what it lacks.
    let wrong = dir.path().join("wrong.csv");
    std::fs::write(&wrong, "이름,값\n가,1\n").unwrap();
    let out2 = dir.path().join("scored2.xlsx");
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        out2.to_str().unwrap(),
        "--budget",
        wrong.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("wrong.csv") && err.contains("예산액"), "{err}");
    assert!(!out2.exists(), "nothing written");
}
