//! Our Isolation Forest against scikit-learn's on the ten ADBench sets in
//! ../shared/datasets/adbench. (Speed is compared side by side with
//! scikit-learn in docs/BENCHMARKS.md.)
//!
//! The forest draws from scikit-learn's own random streams, so for a seed
//! it grows scikit-learn's trees: the first test checks one tree node by
//! node against `IsolationForest(random_state=0).estimators_[0].tree_`,
//! the second the README's reference AUROC (a 5-seed mean) on every set.

use ledgerlens::bench::{read_labelled_csv, run_iforest};
use ledgerlens::model::iforest::{Checked, IsolationForest};

/// (file, sklearn mean AUROC) from the README's table.
fn references() -> Vec<(String, f64)> {
    let readme =
        std::fs::read_to_string(crate::common::shared_datasets().join("adbench/README.md"))
            .unwrap();
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
fn first_tree_is_scikit_learns_tree() {
    let data =
        read_labelled_csv(&crate::common::shared_datasets().join("adbench/cardio.csv")).unwrap();
    let forest = IsolationForest::fit(&data.x, Checked::default(), 0);
    let nodes = forest.tree_nodes(0);
    // scikit-learn 1.9.1: tree_.node_count, tree_.feature[:12] (-2 = leaf)
    // and tree_.threshold[:6] of estimators_[0] for random_state=0.
    assert_eq!(nodes.len(), 119);
    let features: Vec<i64> = nodes[..12]
        .iter()
        .map(|n| n.map_or(-2, |(f, _)| i64::from(f)))
        .collect();
    assert_eq!(features, vec![7, 19, 16, 13, 9, 1, 11, 17, -2, -2, -2, 13]);
    let thresholds = [
        -1.3466219174009464,
        1.3762545538579074,
        -0.08803866519956616,
        0.9459797461096042,
        -0.07802490178155691,
        0.20411304674886255,
    ];
    for (node, expected) in nodes.iter().zip(thresholds) {
        let (_, t) = node.unwrap();
        assert!((t - expected).abs() < 1e-12, "{t} vs {expected}");
    }
    // -score_samples(X)[:4]
    let scores = forest.score(&data.x);
    for (got, expected) in scores.iter().zip([
        0.43282452295409746,
        0.44112122261991277,
        0.4448200004511377,
        0.4366669805953113,
    ]) {
        assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
    }
}

#[test]
fn mean_auroc_over_5_seeds_within_001_of_sklearn_on_every_set() {
    let refs = references();
    assert_eq!(refs.len(), 10, "ten reference sets");
    let mut failures = Vec::new();
    for (file, reference) in refs {
        let data = read_labelled_csv(&crate::common::shared_datasets().join("adbench").join(&file))
            .unwrap();
        let results = run_iforest(&data, 5);
        let mean = results.iter().map(|r| r.auroc).sum::<f64>() / results.len() as f64;
        eprintln!(
            "{file:<18} ours {mean:.4}  sklearn {reference:.4}  diff {:+.4}",
            mean - reference
        );
        if (mean - reference).abs() > 0.01 {
            failures.push(format!("{file}: {mean:.4} vs {reference:.4}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
