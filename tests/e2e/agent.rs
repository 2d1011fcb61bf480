//! The real agent over real HTTPS: score, review, restart, read back, and
//! fetch the history workbook. The client trusts only the CA the agent
//! generated in its temporary data folder.

use std::io::Cursor;

use crate::common::agent::{demo_score_request, Agent};
use calamine::{Reader, Xlsx};
use serde_json::json;

#[test]
fn score_review_restart_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());

    let health = agent.get("/api/v1/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");

    // Score a demo sheet exactly as the add-in sends it.
    let request = demo_score_request(3000, 7);
    let data_rows = request["rows"].as_array().unwrap().len();
    let scored = agent.post_json("/api/v1/score", &request);
    scored.expect(200);
    assert!(scored
        .header("Server-Timing")
        .unwrap()
        .starts_with("total;dur="));
    let body = scored.json();
    let run_id = body["run_id"].as_str().unwrap().to_string();
    let results = body["results"].as_array().unwrap();
    assert!(
        results.len() > 2900 && results.len() < data_rows,
        "{}",
        results.len()
    );
    let first = &results[0];
    for field in [
        "row",
        "key",
        "score",
        "band",
        "cluster",
        "cluster_name",
        "reasons",
    ] {
        assert!(first.get(field).is_some(), "result has {field}: {first}");
    }
    assert_eq!(
        body["summary"]["rows"].as_u64().unwrap() as usize,
        results.len()
    );
    assert!(body["quality"]["mapping"].is_array());
    let mut flagged: Vec<&serde_json::Value> =
        results.iter().filter(|r| r["band"] == "high").collect();
    flagged.sort_by(|a, b| {
        b["score"]
            .as_f64()
            .partial_cmp(&a["score"].as_f64())
            .unwrap()
    });
    assert!(flagged.len() >= 3, "some rows are flagged high");
    // Reasons arrive in Korean by default.
    let reason = flagged[0]["reasons"][0]["text"].as_str().unwrap();
    assert!(
        reason.chars().any(|c| ('가'..='힣').contains(&c)),
        "{reason}"
    );

    // Reviews: three flagged rows and one key no run has seen.
    let keys: Vec<String> = flagged[..3]
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    let saved = agent.post_json(
        "/api/v1/reviews",
        &json!({ "reviews": [
            { "key": keys[0], "status": "confirmed", "reason": "duplicate", "note": "중복 지급 확인", "reviewer": "김검토" },
            { "key": keys[1], "status": "needs_evidence", "note": "계약서 요청", "reviewer": "김검토" },
            { "key": keys[2], "status": "normal", "reason": "", "note": "", "reviewer": "이감사" },
            { "key": "no-such-row", "status": "normal", "note": "", "reviewer": "이감사" }
        ]}),
    );
    saved.expect(200);
    assert_eq!(saved.json()["saved"], 4);
    assert_eq!(saved.json()["unknown_keys"], json!(["no-such-row"]));
    // A later review of the same row becomes the current one.
    let again = agent.post_json(
        "/api/v1/reviews",
        &json!({ "reviews": [{ "key": keys[1], "status": "confirmed", "note": "계약서 없음", "reviewer": "김검토" }]}),
    );
    assert_eq!(again.status, 200);

    // A bad status is refused whole, with a JSON error: the good review
    // before it in the batch is not written either (keys[0] stays
    // confirmed below).
    let bad = agent.post_json(
        "/api/v1/reviews",
        &json!({ "reviews": [{ "key": keys[0], "status": "normal" }, { "key": keys[0], "status": "maybe" }]}),
    );
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_code(), "bad_status");
    assert!(bad.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("maybe"));
    // So is a reason the vocabulary lacks, and one that explains another
    // status, in both languages, naming the review.
    let bad = agent.post_json(
        "/api/v1/reviews",
        &json!({ "reviews": [{ "key": keys[0], "status": "normal", "reason": "because" }]}),
    );
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_code(), "bad_reason");
    let misfit = json!({ "reviews": [{ "key": keys[2], "status": "normal" }, { "key": keys[0], "status": "normal", "reason": "split" }]});
    for (path, expected) in [
        (
            "/api/v1/reviews",
            "2번째 검토: 검토 사유 '분할'은(는) '확인된 이상'의 사유",
        ),
        (
            "/api/v1/reviews?lang=en",
            "review 2: review reason 'Split' explains 'Confirmed anomaly', not 'Normal'",
        ),
    ] {
        let bad = agent.post_json(path, &misfit);
        assert_eq!(bad.status, 422);
        assert_eq!(bad.error_code(), "reason_not_for_status");
        let message = bad.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.starts_with(expected), "{message}");
    }

    // Restart on the same folder: everything is read back.
    agent.kill();
    let agent = Agent::start(dir.path());
    let reviews = agent.get("/api/v1/reviews").json();
    let reviews = reviews["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 4);
    let of = |key: &str| reviews.iter().find(|r| r["key"] == key).unwrap().clone();
    assert_eq!(of(&keys[0])["status"], "confirmed");
    assert_eq!(of(&keys[0])["reason"], "duplicate");
    assert_eq!(of(&keys[1])["status"], "confirmed");
    assert_eq!(
        of(&keys[1])["reason"],
        json!(null),
        "a review without a reason has none"
    );
    assert_eq!(of(&keys[2])["reason"], json!(null), "\"\" is no reason");
    assert_eq!(of(&keys[1])["note"], "계약서 없음");
    assert_eq!(of(&keys[2])["reviewer"], "이감사");
    assert!(of(&keys[0])["at"].as_str().unwrap().starts_with("20"));

    // The model report from those reviews: two confirmed, one normal, the
    // unknown key left out for want of a score. All three rows were
    // flagged, so the figures say how well the score ranks within them.
    let report = agent.get("/api/v1/model/report");
    report.expect(200);
    let report = report.json();
    assert_eq!(
        (&report["confirmed"], &report["normal"], &report["unscored"]),
        (&json!(2), &json!(1), &json!(1))
    );
    let all = &report["unsupervised"][0];
    assert_eq!(all["on"], "all");
    assert_eq!(all["rows"], 3);
    let auc = all["figures"]["auc"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&auc), "{report}");
    assert_eq!(all["figures"]["thresholds"].as_array().unwrap().len(), 9);
    let later = &report["unsupervised"][1];
    assert_eq!(later["rows"], 1);
    assert!(
        later["missing"]["en"]
            .as_str()
            .unwrap()
            .contains("both outcomes"),
        "{report}"
    );
    let cli = crate::common::run(&[
        "--lang",
        "en",
        "model",
        "report",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(cli.status.success(), "{}", crate::common::stderr(&cli));
    let text = crate::common::stdout(&cli);
    assert!(
        text.starts_with("reviewed rows: 2 confirmed · 1 normal"),
        "{text}"
    );
    assert!(
        text.contains(&format!("unsupervised score, all 3 reviews: AUC {auc:.3}")),
        "{text}"
    );

    // The same ledger again, as a workbook file this time: the rows keep
    // their keys, so earlier flags are found again in the history.
    let xlsx = dir.path().join("demo.xlsx");
    let out = crate::common::run(&[
        "demo",
        "--rows",
        "3000",
        "--seed",
        "7",
        "--generate-only",
        "--out-dir",
        dir.path().join("demo").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    let generated = std::fs::read_dir(dir.path().join("demo"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .expect("demo wrote an xlsx ledger");
    std::fs::copy(&generated, &xlsx).unwrap();
    let bytes = std::fs::read(&xlsx).unwrap();
    let second = agent.post(
        "/api/v1/score?workbook=demo.xlsx&lang=en",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &bytes,
    );
    second.expect(200);
    let second = second.json();
    let second_keys: std::collections::HashSet<&str> = second["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.iter().all(|k| second_keys.contains(k.as_str())),
        "keys are stable"
    );
    assert_eq!(
        std::fs::read(&xlsx).unwrap(),
        bytes,
        "the input is never modified"
    );

    let runs = agent.get("/api/v1/runs").json();
    let runs = runs["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r["complete"] == true), "{runs:?}");
    assert_eq!(runs[1]["id"], run_id.as_str(), "newest first");
    let run = agent.get(&format!("/api/v1/runs/{run_id}"));
    assert_eq!(run.status, 200);
    let run = run.json();
    assert_eq!(run["workbook"], "demo.xlsx");
    assert_eq!(run["input_sha256"].as_str().unwrap().len(), 64);
    assert!(!run["flagged"].as_array().unwrap().is_empty());
    let missing = agent.get("/api/v1/runs/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "no_such_run");

    // The supervisors' workbook opens, Korean first.
    let history = agent.get("/api/v1/history.xlsx");
    assert_eq!(history.status, 200);
    assert!(history
        .header("Content-Type")
        .unwrap()
        .contains("spreadsheetml"));
    let mut book = Xlsx::new(Cursor::new(history.body.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "실행 이력",
            "부서×월 플래그",
            "검토 결과",
            "월별 상위 10",
            "반복 플래그",
            "모델 품질",
            "감사 앵커"
        ]
    );
    let runs_sheet = book.worksheet_range("실행 이력").unwrap();
    assert_eq!(runs_sheet.height(), 3, "header and two runs");
    let top = book.worksheet_range("월별 상위 10").unwrap();
    assert!(top.height() > 10);
    let outcomes = book.worksheet_range("검토 결과").unwrap();
    let text: Vec<String> = outcomes.rows().flatten().map(|c| c.to_string()).collect();
    assert!(text.iter().any(|t| t == "김검토") && text.iter().any(|t| t == "이감사"));
    let repeats = book.worksheet_range("반복 플래그").unwrap();
    assert!(
        repeats.height() > 3,
        "rows flagged in the first run appear again"
    );
    let heat = book.worksheet_range("부서×월 플래그").unwrap();
    assert!(heat.width() > 3 && heat.height() > 2);

    let english = agent.get("/api/v1/history.xlsx?lang=en");
    let book = Xlsx::new(Cursor::new(english.body)).unwrap();
    assert_eq!(book.sheet_names()[0], "Runs");

    // The same workbook from the command line.
    drop(agent);
    let report = dir.path().join("history.xlsx");
    let out = crate::common::run(&[
        "report",
        "-o",
        report.to_str().unwrap(),
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    let mut book: Xlsx<_> = calamine::open_workbook(&report).unwrap();
    assert_eq!(book.worksheet_range("실행 이력").unwrap().height(), 3);
    let again = crate::common::run(&[
        "report",
        "-o",
        report.to_str().unwrap(),
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!again.status.success(), "a report never overwrites");
}

#[test]
fn one_agent_per_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let second = crate::common::ledgerlens()
        .args([
            "serve",
            "--port",
            "0",
            "--no-tray",
            "--lang",
            "en",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let err = crate::common::stderr(&second);
    assert!(
        err.contains(&format!(
            "already running at https://localhost:{}/",
            agent.port
        )),
        "{err}"
    );
    // The first keeps serving.
    assert_eq!(agent.get("/api/v1/health").status, 200);
}

#[test]
fn data_folder_holds_ca_and_a_private_token() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    assert!(dir.path().join("ca.pem").is_file());
    assert!(dir.path().join("ledgerlens.sqlite").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("token"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "token readable by the user only: {mode:o}");
    }
    assert_eq!(agent.token.len(), 64);
    // The OpenAPI document describes the API.
    let doc = agent.get("/api/v1/openapi.json").json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/score"]["post"].is_object());
}

#[test]
fn concurrent_requests_are_all_served() {
    let dir = tempfile::tempdir().unwrap();
    let agent = std::sync::Arc::new(Agent::start(dir.path()));
    let small = std::sync::Arc::new(demo_score_request(300, 3));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let agent = agent.clone();
            let small = small.clone();
            std::thread::spawn(move || {
                for j in 0..6 {
                    let reply = if (i + j) % 3 == 0 {
                        agent.post_json("/api/v1/score", &small)
                    } else {
                        agent.get("/api/v1/health")
                    };
                    reply.expect(200);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(
        agent.get("/api/v1/runs").json()["runs"]
            .as_array()
            .unwrap()
            .len(),
        16
    );
}

/// The endpoints the add-in and the dashboard build on: the column
/// preview, the sheet layout, a run's rows with filters, and the history
/// as data and as laid-out sheets.
#[test]
fn add_in_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());

    let layout = agent.get("/api/v1/layout");
    layout.expect(200);
    let layout = layout.json();
    assert_eq!(layout["ko"]["columns"]["score"], "위험점수");
    assert_eq!(layout["en"]["columns"]["key"], "Row key");
    assert_eq!(layout["ko"]["reviews"][2], "증빙 필요");
    assert_eq!(
        layout["review_codes"],
        json!(["confirmed", "normal", "needs_evidence"])
    );
    assert_eq!(layout["ko"]["review_reasons"][3], "중복");
    assert_eq!(layout["review_reason_codes"][3], "duplicate");
    assert_eq!(layout["review_reason_status"][3], "confirmed");
    assert_eq!(layout["band_colours"]["high"]["fill"], "#FFC7CE");

    // The column preview: the header below the title rows, every field found.
    let request = demo_score_request(3000, 11);
    let top: Vec<serde_json::Value> = request["rows"].as_array().unwrap()[..40].to_vec();
    let preview = agent.post_json("/api/v1/columns", &json!({ "rows": top }));
    preview.expect(200);
    let preview = preview.json();
    assert_eq!(preview["found"], true);
    assert_eq!(preview["header_row"], 4);
    assert_eq!(preview["missing"], json!([]));
    let amount = mapping_of(&preview, "amount");
    assert_eq!(amount["header"], "집행금액");
    assert_eq!(amount["matched_by"], "name");
    // An unusual amount header is found by its values, and says so; the
    // user's mapping then wins.
    let mut renamed = top.clone();
    let header = renamed[3].as_array_mut().unwrap();
    let at = header.iter().position(|h| h == "집행금액").unwrap();
    header[at] = json!("결재값");
    let unmapped = agent
        .post_json("/api/v1/columns", &json!({ "rows": renamed }))
        .json();
    assert_eq!(unmapped["missing"], json!([]));
    let by_values = mapping_of(&unmapped, "amount");
    assert_eq!(by_values["header"], "결재값");
    assert_eq!(by_values["matched_by"], "values");
    let mapped = agent
        .post_json(
            "/api/v1/columns",
            &json!({ "rows": renamed, "map": { "amount": "결재값" } }),
        )
        .json();
    assert_eq!(mapped["missing"], json!([]));
    let chosen = mapping_of(&mapped, "amount");
    assert_eq!(chosen["matched_by"], "mapping");
    let nothing = agent
        .post_json("/api/v1/columns", &json!({ "rows": [["a", "b"], [1, 2]] }))
        .json();
    assert_eq!(nothing["found"], false);

    // A run's rows: highest first, filtered by band, department and text.
    let scored = agent.post_json("/api/v1/score", &request);
    scored.expect(200);
    let scored = scored.json();
    let run_id = scored["run_id"].as_str().unwrap();
    let high = scored["summary"]["bands"]["high"].as_u64().unwrap();
    let page = agent
        .get(&format!("/api/v1/runs/{run_id}/rows?band=high&limit=5"))
        .json();
    assert_eq!(page["total"].as_u64().unwrap(), high);
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, high.min(5));
    assert!(rows.iter().all(|r| r["band"] == "high"));
    let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(rows[0]["department"].as_str().unwrap().len() > 1);
    let departments = page["departments"].as_array().unwrap();
    let dept = departments[0].as_str().unwrap();
    let by_dept = agent
        .get(&format!(
            "/api/v1/runs/{run_id}/rows?department={}&limit=1000",
            urlencode(dept)
        ))
        .json();
    assert!(by_dept["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["department"] == dept));
    let all = agent.get(&format!("/api/v1/runs/{run_id}/rows")).json();
    assert_eq!(
        all["total"].as_u64().unwrap() as usize,
        scored["results"].as_array().unwrap().len()
    );
    assert_eq!(all["rows"].as_array().unwrap().len(), 100);
    let vendor = all["rows"][0]["vendor"].as_str().unwrap().to_string();
    let by_text = agent
        .get(&format!(
            "/api/v1/runs/{run_id}/rows?q={}",
            urlencode(&vendor)
        ))
        .json();
    assert!(by_text["total"].as_u64().unwrap() >= 1);
    assert!(by_text["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["vendor"].as_str().unwrap().contains(&vendor)
            || r["description"].as_str().unwrap().contains(&vendor)
            || r["account"].as_str().unwrap().contains(&vendor)));

    // Only reviewed rows, with their review.
    let key = all["rows"][3]["key"].as_str().unwrap();
    agent
        .post_json(
            "/api/v1/reviews",
            &json!({ "reviews": [{ "key": key, "status": "confirmed", "reviewer": "kim" }] }),
        )
        .expect(200);
    let reviewed = agent
        .get(&format!("/api/v1/runs/{run_id}/rows?reviewed=true"))
        .json();
    assert_eq!(reviewed["total"], 1);
    assert_eq!(reviewed["rows"][0]["key"], key);
    assert_eq!(reviewed["rows"][0]["review"], "confirmed");
    assert_eq!(
        agent.get("/api/v1/runs/nope/rows").error_code(),
        "no_such_run"
    );
    let bad_band = agent.get(&format!("/api/v1/runs/{run_id}/rows?band=hgh"));
    assert_eq!(bad_band.status, 422);
    assert_eq!(bad_band.error_code(), "bad_band");

    // The history as data and as the five sheets the workbook holds.
    let history = agent.get("/api/v1/history").json();
    assert_eq!(history["history"]["runs"].as_array().unwrap().len(), 1);
    assert!(!history["history"]["flags_by_department_month"]
        .as_array()
        .unwrap()
        .is_empty());
    let names: Vec<&str> = history["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "실행 이력",
            "부서×월 플래그",
            "검토 결과",
            "월별 상위 10",
            "반복 플래그",
            "모델 품질",
            "감사 앵커"
        ]
    );
    let first = &history["sheets"][0]["rows"][0];
    assert_eq!(first["header"], true);
    assert_eq!(first["cells"][0]["value"], "시작 시각(UTC)");
    // 모델 품질 lists every detector's learnt weight under its own header.
    let model_rows = history["sheets"][5]["rows"].as_array().unwrap();
    let at = model_rows
        .iter()
        .position(|r| {
            r["cells"][1]["value"]
                .as_str()
                .is_some_and(|v| v.starts_with("탐지기 가중치 (전체 검토로 학습"))
        })
        .unwrap_or_else(|| panic!("no weights table in {}", history["sheets"][5]));
    assert_eq!(model_rows[at]["cells"][0]["value"], "탐지기");
    let detectors: Vec<&str> = model_rows[at + 1..]
        .iter()
        .take(ledgerlens::vocabulary::DetectorKind::COUNT)
        .map(|r| r["cells"][0]["value"].as_str().unwrap())
        .collect();
    let words: Vec<&str> = ledgerlens::vocabulary::DetectorKind::ALL
        .iter()
        .map(|k| k.word(ledgerlens::i18n::Lang::Ko))
        .collect();
    assert_eq!(detectors, words);
    let english = agent.get("/api/v1/history?lang=en").json();
    assert_eq!(english["sheets"][0]["name"], "Runs");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The mapping entry `POST columns` gives for `field`.
fn mapping_of<'a>(preview: &'a serde_json::Value, field: &str) -> &'a serde_json::Value {
    preview["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["field"] == field)
        .unwrap_or_else(|| panic!("no {field} in {preview}"))
}

/// `?forecast=true`: the first Score trains a forecast model and keeps
/// it (number 1, "no model kept"); the same ledger again reuses it, to
/// the same version and the same flags; each run records the model it used
/// in the SQLite store, and the 예측 sheet comes laid out for the pane.
#[test]
fn score_with_forecasts_keeps_the_model_and_reuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let request = crate::common::agent::demo_score_request(3000, 5);
    let first = agent.post_json("/api/v1/score?forecast=true", &request);
    first.expect(200);
    let first = first.json();
    let model = &first["forecast"]["model"];
    assert_eq!(model["number"], 1, "{model}");
    assert_eq!(model["refit"], "no_model");
    assert!(first["forecast"]["series"].as_u64().unwrap() > 0);
    assert_eq!(first["forecast"]["laid_out"]["name"], "예측");
    assert!(first["forecast"]["model_text"]
        .as_str()
        .unwrap()
        .contains("새로 학습: 보관된 예측 모델 없음"));
    let again = agent.post_json("/api/v1/score?forecast=true", &request);
    again.expect(200);
    let again = again.json();
    let reused = &again["forecast"]["model"];
    assert_eq!(reused["number"], 1, "{reused}");
    assert_eq!(reused["refit"], serde_json::Value::Null);
    assert_eq!(reused["version"], model["version"]);
    assert_eq!(again["forecast"]["flags"], first["forecast"]["flags"]);
    // Without forecasts: no forecast, no model recorded.
    let plain = agent.post_json("/api/v1/score", &request);
    plain.expect(200);
    assert!(plain.json()["forecast"].is_null());
    let conn = rusqlite::Connection::open(dir.path().join("ledgerlens.sqlite")).unwrap();
    let used: Vec<Option<i64>> = conn
        .prepare("SELECT forecast_model FROM runs ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(used, [Some(1), Some(1), None]);
    let kept: i64 = conn
        .query_row("SELECT COUNT(*) FROM forecast_models", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
}

/// `POST score` with a budget sheet: the ledger's execution comes back with
/// the scores, each month's spending the demo's own; a broken budget row
/// is reported with its cell; a sheet that is not a budget is refused
/// before anything is scored or recorded.
#[test]
fn score_with_a_budget_sheet_returns_execution_rates() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let demo = ledgerlens::demo::generate(2000, 4);
    let year = demo.rows.iter().map(|r| r.date.year()).max().unwrap();
    let first = &demo
        .rows
        .iter()
        .rev()
        .find(|r| r.date.year() == year)
        .unwrap();
    let (department, item) = (first.department, first.budget_item);
    let through = demo.rows.iter().map(|r| r.date).max().unwrap().month() as usize;
    let mut monthly = vec![0.0; through];
    for r in demo
        .rows
        .iter()
        .filter(|r| r.date.year() == year && r.department == department && r.budget_item == item)
    {
        monthly[r.date.month() as usize - 1] += r.amount;
    }
    let mut request = crate::common::agent::demo_score_request(2000, 4);
    request["budget"] = serde_json::json!({
        "sheet": "예산",
        "rows": [["부서명", "예산과목", "예산액"], [department, item, 1e9], [department, "기타", "??"]],
    });
    let reply = agent.post_json("/api/v1/score", &request);
    reply.expect(200);
    let budget = &reply.json()["budget"];
    assert_eq!(budget["lines"], 1, "{budget}");
    assert_eq!(budget["through"], through);
    assert_eq!(budget["skipped"][0]["cell"][0], "C3", "{budget}");
    let rows = budget["rows"].as_array().unwrap();
    assert_eq!(rows.len(), through);
    // The sheet for the pane to write: a header, one row a month, and the
    // skipped row spelled out below.
    let laid_out = &budget["laid_out"];
    assert_eq!(laid_out["name"], "집행률");
    let sheet_rows = laid_out["rows"].as_array().unwrap();
    assert_eq!(sheet_rows[0]["header"], true);
    assert_eq!(sheet_rows[1]["cells"][1]["value"], item);
    assert!(
        sheet_rows.iter().any(|r| r["cells"][0]["value"]
            .as_str()
            .is_some_and(|t| t.contains("건너뛴 예산 행 3 (C3)"))),
        "{laid_out}"
    );
    for (m, row) in rows.iter().enumerate() {
        assert!(
            (row["spent"].as_f64().unwrap() - monthly[m]).abs() < 0.5,
            "{row}"
        );
    }

    // The same through the upload door: the budget is a sheet of the
    // uploaded workbook, named in the query.
    let out = crate::common::run(&[
        "demo",
        "--rows",
        "2000",
        "--seed",
        "4",
        "--generate-only",
        "--out-dir",
        dir.path().join("demo").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    let mut book =
        umya_spreadsheet::reader::xlsx::read(dir.path().join("demo/demo_ledger.xlsx")).unwrap();
    let sheet = book.new_sheet("예산 2024").unwrap();
    for (c, h) in ["부서명", "예산과목", "예산액"].iter().enumerate() {
        sheet.get_cell_mut((c as u32 + 1, 1)).set_value_string(*h);
    }
    sheet.get_cell_mut((1, 2)).set_value_string(department);
    sheet.get_cell_mut((2, 2)).set_value_string(item);
    sheet.get_cell_mut((3, 2)).set_value_number(1e9);
    let mut bytes = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, std::io::Cursor::new(&mut bytes)).unwrap();
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let uploaded = agent.post(
        "/api/v1/score?workbook=demo.xlsx&budget_sheet=%EC%98%88%EC%82%B0%202024",
        xlsx,
        &bytes,
    );
    uploaded.expect(200);
    let budget = &uploaded.json()["budget"];
    assert_eq!(budget["sheet"], "예산 2024", "{budget}");
    let rows = budget["rows"].as_array().unwrap();
    assert_eq!(rows.len(), through);
    for (m, row) in rows.iter().enumerate() {
        assert!(
            (row["spent"].as_f64().unwrap() - monthly[m]).abs() < 0.5,
            "{row}"
        );
    }
    // A budget sheet the workbook does not have: named, with the sheets it has.
    let missing = agent.post(
        "/api/v1/score?workbook=demo.xlsx&budget_sheet=nope",
        xlsx,
        &bytes,
    );
    missing.expect(422);
    assert_eq!(missing.error_code(), "sheet_not_found");

    let runs_before = agent.get("/api/v1/runs").json()["runs"]
        .as_array()
        .unwrap()
        .len();
    request["budget"] = serde_json::json!({ "sheet": "메모", "rows": [["이름", "값"], ["가", 1]] });
    let refused = agent.post_json("/api/v1/score", &request);
    refused.expect(422);
    assert_eq!(refused.error_code(), "not_a_budget");
    assert!(refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("메모"));
    let runs_after = agent.get("/api/v1/runs").json()["runs"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(runs_after, runs_before, "nothing recorded");
}
