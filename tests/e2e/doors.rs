//! The doors are thin: the command line scoring a workbook file and the
//! agent scoring the same sheet sent as the pane sends it (Office.js
//! `range.values`) go through one pipeline and give every row the same
//! key, score, band and cluster.

use std::collections::BTreeMap;

use crate::common::agent::{demo_score_request, Agent};
use crate::common::{run, stderr};

type Verdict = (String, f64, String, u64);

fn by_row(rows: &[serde_json::Value]) -> BTreeMap<u64, Verdict> {
    rows.iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                (
                    r["key"].as_str().unwrap().to_string(),
                    r["score"].as_f64().unwrap(),
                    r["band"].as_str().unwrap().to_string(),
                    r["cluster"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn the_command_line_and_the_agent_give_every_row_the_same_verdict() {
    let (rows, seed) = (2500, 9);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ledger.xlsx");
    ledgerlens::demo::generate(rows, seed)
        .write_xlsx(&input)
        .unwrap();
    let jsonl = dir.path().join("scored.jsonl");
    let o = run(&[
        "score",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("scored.xlsx").to_str().unwrap(),
        "--jsonl",
        jsonl.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cli: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    let agent = Agent::start(&dir.path().join("agent"));
    let answer = agent.post_json("/api/v1/score", &demo_score_request(rows, seed));
    assert_eq!(answer.status, 200);
    let api = answer.json()["results"].as_array().unwrap().clone();

    assert!(
        cli.len() > rows,
        "the demo adds its anomalies: {}",
        cli.len()
    );
    assert_eq!(by_row(&cli), by_row(&api));
}
