//! Our Isolation Forest against scikit-learn's reference AUROC on the ten
//! ADBench sets in ../shared/datasets/adbench. (Speed is compared side by
//! side with scikit-learn in docs/BENCHMARKS.md.)
//!
//! Why 30 seeds and not 5: the README's reference is itself a 5-seed mean,
//! and a 5-seed mean moves by more than 0.01 from one block of seeds to the
//! next — scikit-learn's own seeds 0–4 give 0.8274 on annthyroid and its
//! seeds 5–9 give 0.8095 (measured, see docs/BENCHMARKS.md). Comparing two
//! 5-seed means at 0.01 therefore tests the random draw, not the algorithm.
//! Thirty seeds make our side's error small (≤ 0.003 on every set), so the
//! 0.01 bar is spent on the reference's own noise and on real differences.
//! `ledgerlens bench iforest FILE --seeds 5` still prints the 5-seed figure.

mod common;

use ledgerlens::bench::{read_labelled_csv, run_iforest};

const SEEDS: u64 = 30;

/// (file, sklearn mean AUROC) from the README's table.
fn references() -> Vec<(String, f64)> {
    let readme =
        std::fs::read_to_string(common::shared_datasets().join("adbench/README.md")).unwrap();
    readme
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(".csv"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let auroc: f64 = cells[5].split('±').next().unwrap().trim().parse().unwrap();
            (cells[1].to_string(), auroc)
        })
        .collect()
}

#[test]
fn mean_auroc_within_001_of_sklearn_on_every_set() {
    let refs = references();
    assert_eq!(refs.len(), 10, "ten reference sets");
    let mut failures = Vec::new();
    for (file, reference) in refs {
        let data =
            read_labelled_csv(&common::shared_datasets().join("adbench").join(&file)).unwrap();
        let results = run_iforest(&data, SEEDS);
        let mean = |n: usize| results[..n].iter().map(|r| r.auroc).sum::<f64>() / n as f64;
        let (all, first5) = (mean(results.len()), mean(5));
        eprintln!(
            "{file:<18} ours {all:.4} ({SEEDS} seeds; seeds 0-4: {first5:.4})  sklearn {reference:.4}  diff {:+.4}",
            all - reference
        );
        if (all - reference).abs() > 0.01 {
            failures.push(format!("{file}: {all:.4} vs {reference:.4}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
