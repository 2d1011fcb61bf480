//! `ledgerlens bench iforest`: the Isolation Forest alone, for the
//! comparison with scikit-learn (bench/run.sh adbench); `bench reviews`:
//! the simulated review stream (`learn::stream`, bench/review_stream.py).

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
    /// 검토 흐름 시뮬레이션: 앞 절반을 검토해 학습하고 뒤 절반의 PR-AUC 비교 / A simulated review stream: learn from reviews of the earlier half, compare PR-AUC on the later half.
    Reviews(ReviewsArgs),
}

pub(super) fn run(command: BenchCommand) -> Result<(), Error> {
    match command {
        BenchCommand::Iforest { file, seeds } => iforest(&file, seeds),
        BenchCommand::Reviews(args) => reviews(&args),
    }
}

#[derive(clap::Args, Debug)]
pub struct ReviewsArgs {
    /// 원장 파일 / The ledger.
    file: PathBuf,
    /// 주입한 이상의 행 번호 CSV (`row` 열, 머리글이 1행) / CSV of the injected rows (a `row` column; the header is row 1).
    #[arg(long)]
    labels: PathBuf,
    /// 검토 건수들 / Review counts to train after.
    #[arg(long, value_delimiter = ',', default_values_t = [100, 200, 500])]
    reviews: Vec<usize>,
    /// 틀리게 답하는 비율 / Share of answers the reviewer gets wrong.
    #[arg(long, default_value_t = 0.1)]
    flip: f64,
    /// 검토 시뮬레이션 시드 / Seed of the reviewer's mistakes and the model.
    #[arg(long, default_value_t = 1)]
    stream_seed: u64,
    #[command(flatten)]
    model: super::model_args::ModelArgs,
}

/// `bench reviews`: the simulated review stream (`learn::stream`), one JSON
/// line per review count.
fn reviews(args: &ReviewsArgs) -> Result<(), Error> {
    use crate::learn::features::Row;
    use crate::learn::stream::{simulate, StreamRow};
    let config = args.model.load()?;
    // Before the scoring: a bad labels file should not cost one.
    let injected = crate::bench::read_injected_rows(&args.labels)?;
    let options = crate::ingest::IngestOptions::default();
    let run = crate::pipeline::run(
        crate::pipeline::Source::Path(&args.file),
        &options,
        &config,
        None,
        &mut |_| Ok(()),
    )?;
    let scored = &run.scored;
    let rows: Vec<StreamRow> = scored
        .rows
        .iter()
        .zip(&scored.ledger.transactions)
        .map(|(r, t)| StreamRow {
            features: Row::new(&r.evidence, r.isolation),
            when: i64::from(chrono::Datelike::num_days_from_ce(&t.date)),
            truth: injected.contains(&r.row),
        })
        .collect();
    for point in simulate(&rows, &args.reviews, args.flip, args.stream_seed)? {
        println!(
            "{}",
            serde_json::to_string(&point).map_err(Error::internal)?
        );
    }
    Ok(())
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
