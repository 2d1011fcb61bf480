//! Our Isolation Forest against scikit-learn's reference AUROC on the ten
//! ADBench sets in ../shared/datasets/adbench: the mean over 5 seeds must
//! be within 0.01. (Speed is compared side by side in docs/BENCHMARKS.md.)

mod common;

use ledgerlens::bench::{read_labelled_csv, run_iforest};

/// (file, sklearn mean AUROC) from the README's table.
fn references() -> Vec<(String, f64)> {
    let readme = std::fs::read_to_string(common::shared_datasets().join("adbench/README.md")).unwrap();
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
        let data = read_labelled_csv(&common::shared_datasets().join("adbench").join(&file)).unwrap();
        let results = run_iforest(&data, 5);
        let mean = results.iter().map(|r| r.auroc).sum::<f64>() / results.len() as f64;
        eprintln!("{file:<18} ours {mean:.4}  sklearn {reference:.4}  diff {:+.4}", mean - reference);
        if (mean - reference).abs() > 0.01 {
            failures.push(format!("{file}: {mean:.4} vs {reference:.4}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
