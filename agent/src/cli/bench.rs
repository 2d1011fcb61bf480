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
    /// 월별 예측 모델 비교: 시간순 보류 구간의 모델별 RMSE·MAPE / The monthly forecasts' models compared: each one's RMSE and MAPE on the time-based holdout.
    Forecast(ForecastArgs),
}

#[derive(clap::Args, Debug)]
pub struct ForecastArgs {
    /// 원장 파일 / The ledger.
    file: PathBuf,
    /// 창 앞부분 채우기 / How windows reaching before a series' start are padded.
    #[arg(long, value_enum, default_value_t = PaddingArg::Backfill)]
    padding: PaddingArg,
    /// 최근 보류 구간에 지출 변화를 주입할 계열 비율 / Share of the series given a spending shift in their newest (test) months.
    #[arg(long, default_value_t = 0.0)]
    shift_share: f64,
    /// 주입하는 변화의 배수 / The injected shift's factor.
    #[arg(long, default_value_t = 2.5)]
    shift_factor: f64,
    /// 주입 시드 / Seed of which series are shifted.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum PaddingArg {
    Backfill,
    Zero,
}

pub(super) fn run(command: BenchCommand) -> Result<(), Error> {
    match command {
        BenchCommand::Iforest { file, seeds } => iforest(&file, seeds),
        BenchCommand::Reviews(args) => reviews(&args),
        BenchCommand::Forecast(args) => forecast(&args),
    }
}

/// `bench forecast`: one JSON object: every model's test errors, how often
/// each was chosen, the months flagged, and with `--shift-share`, how many
/// of the shifted months were flagged (and how many flags were not shifted).
fn forecast(args: &ForecastArgs) -> Result<(), Error> {
    use crate::forecast::run::{forecast_series, ForecastParams};
    use crate::forecast::windows::Padding;
    use rand::{Rng, SeedableRng};
    let ledger = crate::ingest::read_path(&args.file, &crate::ingest::IngestOptions::default())?;
    let params = ForecastParams {
        padding: match args.padding {
            PaddingArg::Backfill => Padding::Backfill,
            PaddingArg::Zero => Padding::Zero,
        },
        ..Default::default()
    }
    .check()
    .map_err(|e| Error::invalid("bad_forecast_params", crate::i18n::Text::new(e.clone(), e)))?;
    let (period, mut series) = crate::forecast::series::monthly_series(&ledger);
    // A shift: the chosen series' test months multiplied, as a department
    // whose spending suddenly grows.
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(args.seed);
    let mut shifted = std::collections::HashSet::new();
    let h = params.holdout;
    for s in series.iter_mut() {
        let n = s.values.len();
        if params.choosable(n) && rng.gen::<f64>() < args.shift_share {
            for t in n - h..n {
                s.values[t] *= args.shift_factor;
                shifted.insert((
                    s.department.clone(),
                    s.account.clone(),
                    crate::forecast::series::month_label(s.month(t)),
                ));
            }
        }
    }
    let started = std::time::Instant::now();
    let f = forecast_series(&series, &params);
    let seconds = started.elapsed().as_secs_f64();
    let flagged: std::collections::HashSet<_> = f
        .flags
        .iter()
        .filter(|m| m.side == crate::vocabulary::ForecastSide::Above)
        .map(|m| (m.department.clone(), m.account.clone(), m.month.clone()))
        .collect();
    let table = |errors: &[(
        Option<crate::vocabulary::ForecastModel>,
        crate::forecast::run::Errors,
    )]|
     -> Vec<serde_json::Value> {
        errors
            .iter()
            .map(|(m, e)| serde_json::json!({"model": m.map_or("chosen", |m| m.code()), "months": e.months, "rmse": e.rmse, "mape": e.mape}))
            .collect()
    };
    let errors = table(&f.errors);
    let validation_errors = table(&f.validation_errors);
    let out = serde_json::json!({
        "file": args.file.display().to_string(),
        "rows": ledger.len(),
        "series": f.series.len(),
        "choosable": f.series.iter().filter(|s| s.chosen_on_validation).count(),
        "padding": params.padding,
        "errors": errors,
        "validation_errors": validation_errors,
        "chosen": f.chosen.iter().map(|(m, n)| (m.code(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
        "flags": f.flags.len(),
        "flags_above": flagged.len(),
        "shifted_months": shifted.len(),
        "shifted_flagged": shifted.intersection(&flagged).count(),
        "seconds": seconds,
        "period": period,
    });
    println!("{out}");
    Ok(())
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
            truth: injected.contains(&t.sheet_row),
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
