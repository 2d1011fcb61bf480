//! `learn::metrics` against scikit-learn and SciPy on the same scores
//! (issue 12: AUC, PR-AUC, KS and Gini equal theirs to 1e-9). Runs
//! `python3 tests/e2e/metrics_reference.py`; `.ci/run` installs
//! scikit-learn and SciPy (bench/requirements.txt) where they are missing.

use std::io::Write;
use std::process::{Command, Stdio};

use ledgerlens::learn::metrics;
use serde_json::{json, Value};

/// A small seeded generator (SplitMix64): the cases are the same on every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Cases a real report meets: continuous scores, scores rounded to the
/// sheet's decimal (many ties), few positives, perfect and inverted
/// separation, and every score equal.
fn cases() -> Vec<(String, Vec<f64>, Vec<bool>)> {
    let mut rng = Seeded(12);
    let mut out = Vec::new();
    for (name, n, share, shift, decimals) in [
        ("continuous", 2000, 0.3, 0.8, None),
        ("rounded to the sheet's decimal", 5000, 0.1, 15.0, Some(1)),
        ("integer scores, heavy ties", 3000, 0.2, 3.0, Some(0)),
        ("few positives", 10_000, 0.004, 25.0, Some(1)),
    ] {
        let mut scores = Vec::with_capacity(n);
        let mut positive = Vec::with_capacity(n);
        for _ in 0..n {
            let is_positive = rng.next() < share;
            let base = if decimals.is_some() {
                40.0 * rng.next() + 10.0 * rng.next()
            } else {
                rng.next()
            };
            let s = base + if is_positive { shift * rng.next() } else { 0.0 };
            let s = match decimals {
                Some(d) => (s * 10f64.powi(d)).round() / 10f64.powi(d),
                None => s,
            };
            scores.push(s);
            positive.push(is_positive);
        }
        if !positive.iter().any(|&p| p) {
            positive[0] = true;
        }
        out.push((name.to_string(), scores, positive));
    }
    let labels: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let perfect: Vec<f64> = labels
        .iter()
        .map(|&p| if p { 90.0 } else { 10.0 })
        .collect();
    let inverted: Vec<f64> = labels
        .iter()
        .map(|&p| if p { 10.0 } else { 90.0 })
        .collect();
    out.push(("perfect".into(), perfect, labels.clone()));
    out.push(("inverted".into(), inverted, labels.clone()));
    out.push(("all equal".into(), vec![50.0; 100], labels));
    out
}

#[test]
fn auc_pr_auc_ks_and_gini_equal_scikit_learn_and_scipy() {
    let cases = cases();
    let input: Vec<Value> = cases
        .iter()
        .map(|(name, s, y)| json!({ "name": name, "scores": s, "positive": y }))
        .collect();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/metrics_reference.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (the reference needs it, with scikit-learn and SciPy)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&input).unwrap().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the reference failed (pip install -r bench/requirements.txt gives scikit-learn and SciPy): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reference: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reference.len(), cases.len());
    for ((name, scores, positive), want) in cases.iter().zip(&reference) {
        let got = metrics::separation(scores, positive, &[]).unwrap();
        let close = |what: &str, ours: f64, theirs: &Value| {
            let theirs = theirs.as_f64().unwrap();
            assert!(
                (ours - theirs).abs() <= 1e-9,
                "{name}: {what} {ours} vs {theirs}"
            );
        };
        close("AUC", got.auc, &want["auc"]);
        close(
            "Gini",
            got.gini,
            &json!(2.0 * want["auc"].as_f64().unwrap() - 1.0),
        );
        close("PR-AUC", got.pr_auc, &want["ap"]);
        close("KS", got.ks, &want["ks"]);
    }
}
