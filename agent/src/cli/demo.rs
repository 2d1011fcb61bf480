//! `ledgerlens demo`: a generated ledger with labelled anomalies, scored,
//! and how well the ranking found them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::model_args::ModelArgs;
use super::outputs::{print_summary, write_scored};
use super::progress::Progress;
use crate::demo;
use crate::error::Error;
use crate::i18n::{pick, Lang, Text};
use crate::ingest::IngestOptions;
use crate::pipeline::{self, Source};

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// 생성할 행 수 / Number of ledger rows to generate.
    #[arg(long, default_value_t = 100_000)]
    pub rows: usize,
    /// 생성기와 모델의 시드 / Seed of the generator and the models.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 원장·정답·결과 파일을 쓸 폴더 / Where to write the ledger, its labels and the scored workbook.
    #[arg(long, default_value = "ledgerlens-demo")]
    pub out_dir: PathBuf,
    /// 설정 TOML (시드는 --seed 가 우선) / TOML file with limits, weights and bands (--seed wins).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 원장과 정답만 쓰고 점수화는 생략 (벤치마크용) / Only write the ledger and its labels (for benchmarks).
    #[arg(long)]
    pub generate_only: bool,
    /// 원장을 Office.js range.values 형식 JSON으로도 저장 (추가 기능 테스트용) / Also write the ledger as Office.js range values JSON (for the add-in's tests).
    #[arg(long)]
    pub office_json: bool,
}

pub(super) fn run(args: DemoArgs, lang: Lang) -> Result<(), Error> {
    let config = ModelArgs {
        config: args.config.clone(),
        seed: Some(args.seed),
        currency: None,
        profile: None,
    }
    .load()?;
    std::fs::create_dir_all(&args.out_dir).map_err(|e| {
        Error::file(
            Text::new("폴더를 만들 수 없습니다", "cannot create the folder"),
            &args.out_dir,
            e,
        )
    })?;
    let ledger_path = args.out_dir.join("demo_ledger.xlsx");
    let labels_path = args.out_dir.join("demo_labels.csv");
    let scored_path = args.out_dir.join("demo_scored.xlsx");

    let progress = Progress::new(lang, 4);
    progress.stage("데모 원장 생성 중", "generating demo ledger");
    let demo = demo::generate(args.rows, args.seed);
    demo.write_xlsx(&ledger_path)
        .map_err(cannot_write(&ledger_path))?;
    demo.write_labels(&labels_path)
        .map_err(cannot_write(&labels_path))?;
    if args.office_json {
        let json_path = args.out_dir.join("demo_ledger.office.json");
        demo.write_office_json(&json_path)
            .map_err(cannot_write(&json_path))?;
    }
    progress.done_stage();
    if args.generate_only {
        progress.finish();
        println!(
            "{} {} ({} {}) · {}",
            pick(lang, "파일:", "files:"),
            ledger_path.display(),
            demo.rows.len(),
            pick(lang, "행", "rows"),
            labels_path.display()
        );
        return Ok(());
    }
    let started = Instant::now();
    let run = pipeline::run(
        Source::Path(&ledger_path),
        &IngestOptions::default(),
        &config,
        None,
        &mut |stage| {
            progress.pipeline_stage(&stage);
            Ok(())
        },
    )?;
    progress.done_stage();
    write_scored(&run.scored, &[], &scored_path, None, lang, &progress)?;
    progress.finish();
    let elapsed = started.elapsed().as_secs_f64();
    let eval = demo::evaluate(&run.scored, &demo.labels());
    print_evaluation(&eval, lang);
    print_summary(&run.scored, lang);
    println!(
        "{} {} · {} · {} ({:.1}s)",
        pick(lang, "파일:", "files:"),
        ledger_path.display(),
        labels_path.display(),
        scored_path.display(),
        elapsed
    );
    Ok(())
}

fn cannot_write<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> Error + '_ {
    move |e| Error::file(Text::new("파일을 쓸 수 없습니다", "cannot write"), path, e)
}

/// Pads to a terminal width, counting Hangul as two columns.
fn pad(text: &str, width: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

fn print_evaluation(e: &demo::Evaluation, lang: Lang) {
    println!(
        "{}: {} · {}: {} · {} {}",
        pick(lang, "행", "rows"),
        e.rows,
        pick(lang, "주입된 이상", "injected anomalies"),
        e.injected,
        pick(lang, "상위 2% =", "top 2% ="),
        e.top_n
    );
    println!(
        "{}: {:.3} · {}: {:.3} / {:.3}",
        pick(lang, "상위 100건 정밀도", "precision@100"),
        e.precision_at_100,
        pick(lang, "상위 2% 정밀도/재현율", "top-2% precision/recall"),
        e.precision_top,
        e.recall_top
    );
    println!(
        "{}: {:.3} / {:.3} · {}: {:.3} / {:.3}",
        pick(lang, "'높음' 정밀도/재현율", "high band precision/recall"),
        e.high_precision,
        e.high_recall,
        pick(
            lang,
            "'높음+중간' 정밀도/재현율",
            "high+medium precision/recall"
        ),
        e.flagged_precision,
        e.flagged_recall
    );
    const LABEL: usize = 34;
    let right = |text: &str, width: usize| {
        let used = unicode_width::UnicodeWidthStr::width(text);
        format!("{}{text}", " ".repeat(width.saturating_sub(used)))
    };
    println!(
        "{} {} {} {}",
        pad(pick(lang, "유형", "kind"), LABEL),
        right(pick(lang, "주입", "rows"), 6),
        right(pick(lang, "상위 2%", "in top 2%"), 10),
        right(pick(lang, "재현율", "recall"), 8)
    );
    for k in &e.kinds {
        println!(
            "{} {:>6} {:>10} {:>8.3}",
            pad(k.kind.word(lang), LABEL),
            k.injected,
            k.in_top,
            k.recall_top()
        );
    }
}
