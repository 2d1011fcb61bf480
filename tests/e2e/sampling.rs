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

/// The agent's doors onto the same steps: plan, a draw from a run's rows
/// not flagged (reproducible from its seed, never a flagged row), and the
/// audited rows evaluated; bad parameters and unknown runs get their JSON
/// errors.
#[test]
fn the_agent_plans_draws_from_a_run_and_evaluates() {
    use crate::common::agent::{demo_score_request, Agent};
    use serde_json::json;

    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let plan = agent.post_json("/api/v1/sample/plan", &json!({ "materiality": 0.05 }));
    plan.expect(200);
    assert_eq!(plan.json()["n"], 60);
    assert!(plan.json()["text"]["ko"]
        .as_str()
        .unwrap()
        .starts_with("표본 60건"));
    let bad = agent.post_json(
        "/api/v1/sample/plan",
        &json!({ "materiality": 0.05, "expected": 0.2 }),
    );
    assert_eq!(
        (bad.status, bad.error_code().as_str()),
        (422, "bad_sampling_parameter")
    );

    let scored = agent.post_json("/api/v1/score", &demo_score_request(3000, 5));
    scored.expect(200);
    let scored = scored.json();
    let run = scored["run_id"].as_str().unwrap();
    let flagged: std::collections::HashSet<&str> = scored["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["band"] != "low")
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    let select = |seed: u64| {
        let reply = agent.post_json(
            "/api/v1/sample/select",
            &json!({ "run": run, "materiality": 0.05, "method": "cell", "seed": seed }),
        );
        reply.expect(200);
        reply.json()
    };
    let a = select(3);
    assert_eq!(a, select(3), "the same seed draws the same rows");
    let rows = a["rows"].as_array().unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| r["hits"].as_u64().unwrap())
            .sum::<u64>(),
        60
    );
    assert!(
        rows.iter()
            .all(|r| !flagged.contains(r["key"].as_str().unwrap())),
        "only rows not flagged"
    );
    assert_eq!(a["flagged"].as_u64().unwrap() as usize, flagged.len());
    assert!(a["description"]["en"]
        .as_str()
        .unwrap()
        .contains("cell monetary units · seed 3"));
    let missing = agent.post_json(
        "/api/v1/sample/select",
        &json!({ "run": "nope", "materiality": 0.05 }),
    );
    assert_eq!(missing.status, 404);
    // Each draw is in the audit trail: the run, the plan, the seed and the
    // rows drawn; the trail still verifies.
    let conn = rusqlite::Connection::open(dir.path().join("ledgerlens.sqlite")).unwrap();
    let draws: Vec<serde_json::Value> = conn
        .prepare("SELECT detail_json FROM audit_events WHERE kind = 'sample' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| serde_json::from_str(&d.unwrap()).unwrap())
        .collect();
    assert_eq!(draws.len(), 2, "{draws:?}");
    assert_eq!(draws[0], draws[1]);
    assert_eq!(draws[0]["run"], run);
    assert_eq!(draws[0]["seed"], 3);
    assert_eq!(draws[0]["method"], "cell");
    let keys: Vec<&serde_json::Value> = rows.iter().map(|r| &r["key"]).collect();
    assert_eq!(
        draws[0]["keys"]
            .as_array()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        keys
    );

    // Audited: every row as booked but the first, overstated by a quarter.
    let audited: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let book = r["book"].as_f64().unwrap();
            json!({ "book": book, "audited": if i == 0 { book * 0.75 } else { book } })
        })
        .collect();
    let evaluated = agent.post_json(
        "/api/v1/sample/evaluate?lang=en",
        &json!({
            "materiality": 0.05, "method": "cell",
            "population_items": a["population_items"], "population_value": a["population_value"],
            "currency": a["currency"], "rows": audited,
        }),
    );
    evaluated.expect(200);
    let e = evaluated.json();
    assert_eq!(
        (&e["estimator"], &e["errors"]),
        (&json!("stringer"), &json!(1))
    );
    assert!(e["upper"].as_f64().unwrap() > e["most_likely"].as_f64().unwrap());
    assert!(e["conclusion_text"]["ko"]
        .as_str()
        .unwrap()
        .starts_with("표본 60건 중 오류 1건"));
    let empty = agent.post_json(
        "/api/v1/sample/evaluate",
        &json!({ "materiality": 0.05, "population_items": 10, "population_value": 1.0, "rows": [] }),
    );
    assert_eq!(
        (empty.status, empty.error_code().as_str()),
        (422, "empty_sample")
    );
}
