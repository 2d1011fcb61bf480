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
    let write_s = write_scored(&run.scored, &output, args.jsonl.as_deref(), lang, &progress)?;
    progress.finish();
    print_summary(&run.scored, lang);
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
    Ok(())
}
