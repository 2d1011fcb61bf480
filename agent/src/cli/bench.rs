//! `ledgerlens bench iforest`: the Isolation Forest alone, for the
//! comparison with scikit-learn (bench/run.sh adbench).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::error::Error;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Isolation Forest 단독 (트리 100, 표본 256), `label` 열이 있는 숫자 CSV / The Isolation Forest alone (100 trees, 256 samples) on a numeric CSV with a `label` column.
    Iforest {
        file: PathBuf,
        #[arg(long, default_value_t = 5)]
        seeds: u64,
    },
}

pub(super) fn run(command: BenchCommand) -> Result<(), Error> {
    let BenchCommand::Iforest { file, seeds } = command;
    iforest(&file, seeds)
}

fn iforest(file: &Path, seeds: u64) -> Result<(), Error> {
    let data = crate::bench::read_labelled_csv(file)?;
    let results = crate::bench::run_iforest(&data, seeds.max(1));
    for r in &results {
        println!(
            "seed={} auroc={:.4} fit_s={:.4} score_s={:.4}",
            r.seed, r.auroc, r.fit_s, r.score_s
        );
    }
    let n = results.len() as f64;
    let mean = |f: fn(&crate::bench::SeedResult) -> f64| results.iter().map(f).sum::<f64>() / n;
    println!(
        "auroc_mean={:.4} fit_s={:.4} score_s={:.4}",
        mean(|r| r.auroc),
        mean(|r| r.fit_s),
        mean(|r| r.score_s)
    );
    Ok(())
}
