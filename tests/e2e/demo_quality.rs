//! The detection bar on demo ledgers of 100k rows, over several seeds:
//! the 100 highest scores are at least 90% injected anomalies, and every
//! injected kind has at least 80% of its rows in the top 2%.

use ledgerlens::config::Config;
use ledgerlens::demo;
use ledgerlens::ingest::{ledger_from_grid, IngestOptions};

fn check(seed: u64) -> Vec<String> {
    let ledger_data = demo::generate(100_000, seed);
    let ledger = ledger_from_grid(
        ledger_data.to_grid(),
        "demo.xlsx",
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(
        ledger.len(),
        ledger_data.rows.len(),
        "every generated row is ingested"
    );
    let config = Config {
        seed,
        ..Config::default()
    }
    .check()
    .unwrap();
    let scored = ledgerlens::pipeline::score(ledger, &config, None).unwrap();
    let eval = demo::evaluate(&scored, &ledger_data.labels());
    let mut failures = Vec::new();
    eprintln!(
        "seed {seed}: precision@100 {:.3}, top-2% recall {:.3}",
        eval.precision_at_100, eval.recall_top
    );
    if eval.precision_at_100 < 0.9 {
        failures.push(format!(
            "seed {seed}: precision@100 = {:.3}",
            eval.precision_at_100
        ));
    }
    assert_eq!(
        eval.kinds.len(),
        demo::INJECTED.len(),
        "every kind injected"
    );
    for k in &eval.kinds {
        eprintln!(
            "  {:<16} {:>4} rows, {:.3} in top 2%",
            k.kind.code(),
            k.injected,
            k.recall_top()
        );
        if k.recall_top() < 0.8 {
            failures.push(format!(
                "seed {seed}: {} has {:.3} of its {} rows in the top 2%",
                k.kind.code(),
                k.recall_top(),
                k.injected
            ));
        }
    }
    failures
}

#[test]
fn injected_anomalies_rank_on_top_over_several_seeds() {
    let failures: Vec<String> = [11, 22, 33].into_iter().flat_map(check).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
