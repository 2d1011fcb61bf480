//! `ledgerlens score`: a ledger file (or several, or a folder of them, read
//! as one ledger) in, a scored workbook (and JSONL) out.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::model_args::ModelArgs;
use super::outputs::{chosen_output, ensure_not_input, print_summary, write_scored};
use super::progress::Progress;
use crate::error::Error;
use crate::i18n::{pick, Lang, Text};
use crate::ingest::{self, IngestOptions};
use crate::pipeline::{self, Source};

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// 입력 원장: 파일 하나, 여러 파일 또는 폴더를 한 원장으로 / Input ledger: .xlsx, .xlsm, .xls, .ods, .csv; several files, or a folder of them, are read as one ledger.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// 결과 통합문서 (기본: 입력 옆 *.scored.xlsx; 여러 파일이면 필수) / Scored workbook to write (default: INPUT.scored.xlsx beside the file or folder; needed for several files).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// 행마다 JSON 한 줄씩 기록 / Also write one JSON object per row here.
    #[arg(long)]
    pub jsonl: Option<PathBuf>,
    /// 읽을 시트 (기본: 첫 시트) / Sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// 열 지정 / Map a field to a header: FIELD=HEADER (date, department, account, vendor, description, amount, voucher, budget_item, payment_method, time, currency).
    #[arg(long = "map", value_name = "FIELD=HEADER")]
    pub map: Vec<String>,
    /// 예산 파일: 부서·예산과목별 집행률을 집행률 시트에 / Budget file (department, item, allocation; monthly allocations optional): execution rates go to an Execution sheet.
    #[arg(long)]
    pub budget: Option<PathBuf>,
    /// 예산 파일에서 읽을 시트 (기본: 첫 시트) / Sheet of the budget file to read (default: the first).
    #[arg(long, requires = "budget")]
    pub budget_sheet: Option<String>,
    /// 부서×계정 월별 지출을 예측하고 예측 범위를 벗어난 최근 달을 예측 시트에 / Forecast each department × account's monthly spending and list the recent months outside their forecast range on a Forecast sheet.
    #[arg(long)]
    pub forecast: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

pub(super) fn run(args: ScoreArgs, lang: Lang) -> Result<(), Error> {
    let config = args.model.load()?;
    let overrides = args
        .map
        .iter()
        .map(|m| ingest::parse_override(m))
        .collect::<Result<Vec<_>, _>>()?;
    let options = IngestOptions {
        sheet: args.sheet.clone(),
        overrides,
    };
    let output = chosen_output(
        args.output.as_deref(),
        &args.inputs,
        "scored",
        Text::new(
            "여러 파일을 한 원장으로 읽을 때는 -o 로 결과 파일을 지정하세요",
            "several files are read as one ledger: name the scored workbook with -o",
        ),
    )?;
    if let Some(j) = &args.jsonl {
        for input in &args.inputs {
            ensure_not_input(input, j)?;
        }
        if j == &output {
            return Err(Error::invalid(
                "same_outputs",
                Text::new(
                    "--jsonl 과 -o 가 같은 파일입니다",
                    "--jsonl and -o name the same file",
                ),
            ));
        }
    }
    // The budget is read first: a bad one is told before the ledger is scored.
    let budget = match &args.budget {
        Some(path) => {
            // The budget file is an input too: never written over.
            ensure_not_input(path, &output)?;
            Some(crate::budget::read_path(
                path,
                args.budget_sheet.as_deref(),
            )?)
        }
        None => None,
    };
    let started = Instant::now();
    let progress = Progress::new(lang, 3);
    let run = pipeline::run(
        Source::Paths(&args.inputs),
        &options,
        &config,
        None,
        &mut |stage| {
            progress.pipeline_stage(&stage);
            Ok(())
        },
    )?;
    progress.done_stage();
    let monitoring =
        budget.map(|b| crate::budget::monitor(&run.scored.ledger, b, config.budget.thresholds()));
    let forecast_started = Instant::now();
    // The command line keeps no model between runs: each trains its own
    // (the agent keeps and reuses them).
    let forecasts = args.forecast.then(|| {
        crate::forecast::watch::watch(
            &run.scored,
            &crate::forecast::run::ForecastParams::default(),
            crate::forecast::watch::Kept::Nothing,
        )
    });
    let forecast_s = forecast_started.elapsed().as_secs_f64();
    let currency = run.scored.summary.currency;
    let mut extra = Vec::new();
    if let Some(m) = &monitoring {
        extra.push(crate::report::execution::sheet(m, currency, lang));
    }
    if let Some(w) = &forecasts {
        extra.push(crate::report::forecast::sheet(w, currency, lang));
    }
    let write_s = write_scored(
        &run.scored,
        &extra,
        &output,
        args.jsonl.as_deref(),
        lang,
        &progress,
    )?;
    progress.finish();
    print_summary(&run.scored, lang);
    if let Some(m) = &monitoring {
        print_execution(m, lang);
    }
    if let Some(w) = &forecasts {
        print_forecasts(w, currency, forecast_s, lang);
    }
    let t = &run.scored.summary.timings;
    let (read, features, model, write) = match lang {
        Lang::Ko => ("읽기", "특성", "모델", "쓰기"),
        Lang::En => ("read", "features", "model", "write"),
    };
    eprintln!(
        "{} {} ({:.2}s: {read} {:.2} · {features} {:.2} · {model} {:.2} · {write} {:.2})",
        pick(lang, "저장:", "wrote"),
        output.display(),
        started.elapsed().as_secs_f64(),
        run.read_s,
        t.features_s,
        t.model_s,
        write_s
    );
    // The process ends when this returns: a million rows freed one
    // allocation at a time would keep the user waiting a few tenths of a
    // second more for nothing (measured 0.3–0.5 s at 1M rows).
    std::mem::forget(run);
    Ok(())
}

/// The forecasts on stderr: how many series, the months flagged (the
/// furthest five with why) and the seconds they took.
fn print_forecasts(
    w: &crate::forecast::watch::Watch,
    currency: crate::money::Currency,
    seconds: f64,
    lang: Lang,
) {
    let f = &w.forecasts;
    let (series, flags) = (f.series.len(), f.flags.len());
    match lang {
        Lang::Ko => eprintln!(
            "월별 예측: 계열 {series}개 · 예측 범위를 벗어난 최근 달 {flags}건 ({seconds:.1}초)"
        ),
        Lang::En => eprintln!(
            "monthly forecasts: {series} series · {flags} recent months outside their forecast range ({seconds:.1}s)"
        ),
    }
    eprintln!("  {}", w.model.describe().get(lang));
    for flag in f.flags.iter().take(5) {
        eprintln!("  {}", flag.reason(currency).get(lang));
    }
}

/// Where the budget stands, on stderr: the lines warned of at the latest
/// month, and what was not matched.
fn print_execution(m: &crate::budget::Monitoring, lang: Lang) {
    use crate::vocabulary::ExecutionWarning;
    let latest: Vec<_> = m.latest().collect();
    let count = |w: ExecutionWarning| latest.iter().filter(|e| e.warning == Some(w)).count();
    let (over, under) = (ExecutionWarning::Over, ExecutionWarning::Under);
    let s = &m.spent;
    let (lines, skipped) = (m.budget.lines.len(), m.budget.skipped.len());
    let (n_over, n_under, unmatched) = (count(over), count(under), s.unmatched.0);
    let (w_over, w_under) = (over.word(lang), under.word(lang));
    eprintln!(
        "{}",
        match lang {
            Lang::Ko => format!(
                "예산 집행 ({}년 1–{}월): 예산 항목 {lines}개 · {w_over} {n_over}개 · {w_under} {n_under}개 · 예산에 없는 지급 {unmatched}건 · 건너뛴 예산 행 {skipped}개",
                s.year, s.through
            ),
            Lang::En => format!(
                "budget execution ({} months 1–{}): {lines} budget lines · {w_over} {n_over} · {w_under} {n_under} · {unmatched} payments no line took · {skipped} budget rows skipped",
                s.year, s.through
            ),
        }
    );
    for row in &m.budget.skipped {
        eprintln!(
            "  {} {}: {}",
            m.budget.source,
            row.cell
                .as_ref()
                .map_or_else(|| row.row.to_string(), |(c, _)| c.clone()),
            row.why.get(lang)
        );
    }
}
