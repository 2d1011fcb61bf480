//! Reviews teach the model (issue 12.2), through the real agent: reviews
//! posted, a model trained in the background and recorded, later Scores
//! blended with it and naming its version, the model report judging it on
//! the later reviews; and an agent killed mid-training loses no review and
//! keeps the model it had.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::common::agent::{demo_score_request, Agent};

const ROWS: usize = 6_000;

/// The run's rows from highest score down, as `(key, row, score)`.
fn ranked(scored: &serde_json::Value) -> Vec<(String, u64, f64)> {
    let mut rows: Vec<(String, u64, f64)> = scored["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["row"].as_u64().unwrap(),
                r["score"].as_f64().unwrap(),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.cmp(&b.1)));
    rows
}

/// Reviews of `rows` answered from the demo's labels.
fn reviews(rows: &[(String, u64, f64)], injected: &HashSet<u64>) -> serde_json::Value {
    let reviews: Vec<serde_json::Value> = rows
        .iter()
        .map(|(key, row, _)| {
            let status = if injected.contains(row) {
                "confirmed"
            } else {
                "normal"
            };
            serde_json::json!({ "key": key, "status": status, "reviewer": "tester" })
        })
        .collect();
    serde_json::json!({ "reviews": reviews })
}

/// Waits until `GET model/status` says `done`.
fn wait_for(
    agent: &Agent,
    what: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let start = Instant::now();
    loop {
        let report = agent.get("/api/v1/model/status").expect(200).json();
        if done(&report) {
            return report;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{what}: {report}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn reviews_train_a_model_in_the_background_that_later_scores_are_blended_with() {
    let dir = tempfile::tempdir().unwrap();
    let agent = Agent::start(dir.path());
    let request = demo_score_request(ROWS, 3);
    let injected: HashSet<u64> = ledgerlens::demo::generate(ROWS, 3)
        .labels()
        .into_iter()
        .map(|(row, _)| u64::from(row))
        .collect();
    let first = agent
        .post_json("/api/v1/score", &request)
        .expect(200)
        .json();
    let order = ranked(&first);
    // No model yet: no alert, and review-next says why it lists nothing.
    assert!(first["alert"].is_null(), "{}", first["alert"]);
    assert!(first["results"][0].get("confidence").is_none());
    let first_run = first["run_id"].as_str().unwrap();
    let none_yet = agent
        .get(&format!("/api/v1/runs/{first_run}/next?view=sure"))
        .expect(200)
        .json();
    assert!(none_yet["model_version"].is_null(), "{none_yet}");
    assert!(
        none_yet["why"]["ko"].as_str().unwrap().contains("모델"),
        "{none_yet}"
    );
    assert!(none_yet["rows"].as_array().unwrap().is_empty());

    // Fewer than 30 of an outcome: the detectors' weights are learnt (with
    // the counts behind them), no trees, and the status says why.
    agent
        .post_json("/api/v1/reviews", &reviews(&order[..20], &injected))
        .expect(200);
    let waiting = wait_for(&agent, "weights without trees", |r| {
        r["last_training"]["outcome"] == "trained" && r["training"] == false
    });
    let first_lessons = &waiting["in_use"];
    assert_eq!(first_lessons["version"], 1, "{waiting}");
    assert_eq!(first_lessons["trees"], 0, "{waiting}");
    assert!(
        first_lessons["waiting"]["en"]
            .as_str()
            .unwrap()
            .contains("more reviews needed"),
        "{waiting}"
    );
    let weights = first_lessons["weights"].as_array().unwrap();
    let reviewed: u64 = weights
        .iter()
        .map(|w| w["reviewed"].as_u64().unwrap())
        .sum();
    assert!(
        reviewed >= 20,
        "every reviewed row was flagged by some detector: {waiting}"
    );

    // 400 reviews from the top of the ranking, in no particular order
    // (by key), so the later third has both outcomes: a model, recorded
    // and in use.
    let mut top: Vec<_> = order[..400].to_vec();
    top.sort_by(|a, b| a.0.cmp(&b.0));
    agent
        .post_json("/api/v1/reviews", &reviews(&top, &injected))
        .expect(200);
    wait_for(&agent, "a trained model", |r| {
        !r["in_use"].is_null() && r["training"] == false
    });
    let trained = agent.get("/api/v1/model/report").expect(200).json();
    let in_use = &trained["in_use"];
    assert_eq!(in_use["version"], 2, "{trained}");
    assert!(in_use["trees"].as_u64().is_some(), "{trained}");
    assert!(
        in_use["confirmed"].as_u64().unwrap() >= 30 && in_use["normal"].as_u64().unwrap() >= 30
    );
    // Judged on the later third, having learnt from the earlier reviews only.
    for score in ["weighted", "supervised", "blend"] {
        let judged = &trained[score];
        assert_eq!(judged["on"], "later", "{trained}");
        assert!(
            judged["figures"]["pr_auc"].as_f64().is_some(),
            "{score}: {trained}"
        );
    }

    // The next Score is blended and says with which model; its alert
    // counts the unreviewed rows the model gives at least the asked
    // confidence, the most likely first.
    let second = agent
        .post_json("/api/v1/score?alert_confidence=0.5", &request)
        .expect(200)
        .json();
    let reviewed: HashSet<&str> = order[..400]
        .iter()
        .map(|(key, _, _)| key.as_str())
        .collect();
    let sure: Vec<f64> = second["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !reviewed.contains(r["key"].as_str().unwrap()))
        .map(|r| r["confidence"].as_f64().expect("a confidence with a model"))
        .filter(|&c| c >= 0.5)
        .collect();
    let alert = &second["alert"];
    assert_eq!(alert["confidence"], 0.5, "{alert}");
    assert_eq!(
        alert["count"].as_u64().unwrap() as usize,
        sure.len(),
        "{alert}"
    );
    let listed: Vec<f64> = alert["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["confidence"].as_f64().unwrap())
        .collect();
    assert_eq!(listed.len(), sure.len().min(10), "{alert}");
    assert!(listed.windows(2).all(|w| w[0] >= w[1]), "{listed:?}");
    agent
        .post_json("/api/v1/score?alert_confidence=0", &request)
        .expect(422);

    // Review next, both ways: unreviewed rows only, each view in its order.
    let second_run = second["run_id"].as_str().unwrap();
    for (view, field) in [("sure", "confidence"), ("teach", "teaching")] {
        let next = agent
            .get(&format!(
                "/api/v1/runs/{second_run}/next?view={view}&limit=50"
            ))
            .expect(200)
            .json();
        assert!(
            next["model_version"]
                .as_str()
                .unwrap()
                .ends_with("+reviews-2"),
            "{next}"
        );
        let rows = next["rows"].as_array().unwrap();
        assert!(!rows.is_empty() && rows.len() <= 50, "{next}");
        assert!(next["unreviewed"].as_u64().unwrap() as usize >= rows.len());
        let ranks: Vec<f64> = rows.iter().map(|r| r[field].as_f64().unwrap()).collect();
        assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{view}: {ranks:?}");
        for r in rows {
            assert!(!reviewed.contains(r["key"].as_str().unwrap()), "{r}");
            assert!(r["review"].is_null(), "{r}");
            let teaching = r["teaching"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&teaching), "{r}");
        }
    }
    agent
        .get(&format!("/api/v1/runs/{second_run}/next?view=best"))
        .expect(422);
    agent.get("/api/v1/runs/nope/next?view=sure").expect(404);
    let runs = agent.get("/api/v1/runs").expect(200).json();
    let versions: Vec<&str> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["model_version"].as_str().unwrap())
        .collect();
    assert!(versions[0].ends_with("+reviews-2"), "{versions:?}");
    assert!(!versions[1].contains("+reviews"), "{versions:?}");
    let changed = first["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(second["results"].as_array().unwrap())
        .filter(|(a, b)| a["score"] != b["score"])
        .count();
    assert!(changed > 0, "the blend moved no score");

    // Killed while a training runs: every review survives, the model in use
    // is the one committed before, and the restarted agent trains again.
    let all = order.len() * 2 / 3;
    agent
        .post_json("/api/v1/reviews", &reviews(&order[..all], &injected))
        .expect(200);
    let saved_before = agent.get("/api/v1/reviews").expect(200).json()["reviews"]
        .as_array()
        .unwrap()
        .len();
    let _ = wait_for(&agent, "the training to start", |r| {
        r["training"] == true || r["in_use"]["version"] == 3
    });
    agent.kill();
    let agent = Agent::start(dir.path());
    let after = agent.get("/api/v1/reviews").expect(200).json()["reviews"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, saved_before, "no review lost");
    let report = agent.get("/api/v1/model/status").expect(200).json();
    let version = report["in_use"]["version"].as_i64().unwrap();
    assert!(version == 2 || version == 3, "{report}");
    let retrained = wait_for(&agent, "the training after restart", |r| {
        r["in_use"]["version"].as_i64() == Some(3) && r["training"] == false
    });
    assert!(
        retrained["in_use"]["confirmed"].as_u64().unwrap() > in_use["confirmed"].as_u64().unwrap()
    );
    agent.kill();
    // The audit trail holds every model's event and still verifies.
    let verify = crate::common::run(&[
        "history",
        "verify",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        verify.status.success(),
        "{}",
        crate::common::stderr(&verify)
    );
}
