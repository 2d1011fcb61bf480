//! The command line: a thin door onto the pipeline.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::demo;
use crate::i18n::{pick, Lang};
use crate::ingest::{self, IngestError, IngestOptions};
use crate::pipeline::{self, ScoredLedger};
use crate::report;

#[derive(Parser, Debug)]
#[command(
    name = "ledgerlens",
    version,
    about = "예산 집행 원장 이상 거래 탐지 · Anomaly scoring for budget-execution ledgers"
)]
pub struct Cli {
    /// 메시지·머리글·사유의 언어 / Language of messages, headers and reasons.
    #[arg(long, global = true, value_enum, default_value_t = Lang::Ko)]
    pub lang: Lang,
    /// 없으면 `serve` / Without a command, `serve`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 엑셀 추가 기능용 로컬 에이전트 (HTTPS, 127.0.0.1) / The local agent for the Excel add-in (HTTPS on 127.0.0.1).
    Serve(ServeArgs),
    /// 원장을 점수화해 새 통합문서로 저장 (원본은 수정하지 않음) / Score a ledger into a new workbook (input never modified).
    Score(ScoreArgs),
    /// 이상 거래가 섞인 데모 원장을 만들고 점수화해 정밀도·재현율 출력 / Generate a demo ledger with labelled anomalies, score it, report precision and recall.
    Demo(DemoArgs),
    /// 구성 요소 벤치마크 / Benchmarks of single components.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// 이력 데이터베이스 점검·백업 / Check or back up the history database.
    #[command(subcommand)]
    History(HistoryCommand),
    /// 감독자용 이력 통합문서 생성 / Write the supervisors' history workbook.
    Report {
        /// 저장할 통합문서 (.xlsx, 기존 파일은 덮어쓰지 않음) / Workbook to write (.xlsx; never overwrites).
        #[arg(short, long)]
        output: PathBuf,
        /// 데이터 폴더 / Data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// 에이전트의 로컬 인증서 / The agent's local certificate.
    #[command(subcommand)]
    Cert(CertCommand),
    /// 엑셀 추가 기능 매니페스트 작성 (에이전트 키 포함, 비공개로 보관) / Write the Excel add-in manifest (carries the agent's key: keep it private).
    Manifest {
        /// 에이전트 포트 / The agent's port.
        #[arg(long, default_value_t = crate::server::DEFAULT_PORT)]
        port: u16,
        /// 저장할 파일 (없으면 표준 출력) / File to write (standard output if omitted).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// 데이터 폴더 / Data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// 포트 (0이면 빈 포트) / Port (0 picks a free one).
    #[arg(long, default_value_t = crate::server::DEFAULT_PORT)]
    pub port: u16,
    /// 데이터 폴더: 데이터베이스, 인증서, 토큰 / Data directory: database, certificates, token.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// 트레이 아이콘 없이 실행 / Run without the tray icon (headless).
    #[arg(long)]
    pub no_tray: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Subcommand, Debug)]
pub enum CertCommand {
    /// 현재 사용자가 에이전트의 CA를 신뢰하도록 등록 / Trust the agent's CA for the current user.
    Install {
        /// 데이터 폴더 / Data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum HistoryCommand {
    /// 무결성 검사와 감사 기록 확인 / Integrity check and audit-trail verification.
    Verify {
        /// 데이터 폴더 / Data directory (default: LEDGERLENS_DATA_DIR or the per-user data folder).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// 보관해 둔 이력 보고서(.xlsx)의 앵커와 대조 / Also check against the anchor of a filed history report (.xlsx).
        #[arg(long, value_name = "REPORT")]
        against: Vec<PathBuf>,
    },
    /// 충돌로 중단된 실행 삭제 (감사 기록 남김) / Remove a run cut off by a crash (with an audit event).
    RemoveRun {
        /// 실행 ID / The run's id.
        id: String,
        /// 데이터 폴더 / Data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// 데이터베이스의 일관된 사본 저장 (VACUUM INTO) / Write a consistent copy of the database.
    Backup {
        /// 백업 파일 / Backup file to write (must not exist).
        file: PathBuf,
        /// 데이터 폴더 / Data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// 입력 원장 / Input ledger: .xlsx, .xlsm, .xls, .ods, .csv.
    pub input: PathBuf,
    /// 결과 통합문서 (기본: 입력 옆 *.scored.xlsx) / Scored workbook to write (default: INPUT.scored.xlsx beside it).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// 행마다 JSON 한 줄씩 기록 / Also write one JSON object per row here.
    #[arg(long)]
    pub jsonl: Option<PathBuf>,
    /// 읽을 시트 (기본: 첫 시트) / Sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// 열 지정 / Map a field to a header: FIELD=HEADER (date, department, account, vendor, description, amount, voucher, budget_item, payment_method).
    #[arg(long = "map", value_name = "FIELD=HEADER")]
    pub map: Vec<String>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Debug)]
pub struct ModelArgs {
    /// 한도·가중치·등급 설정 TOML / TOML file with limits, weights and bands (see README).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 모델 시드 (설정보다 우선) / Seed for the models (overrides the config).
    #[arg(long)]
    pub seed: Option<u64>,
}

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

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Isolation Forest 단독 (트리 100, 표본 256), `label` 열이 있는 숫자 CSV / The Isolation Forest alone (100 trees, 256 samples) on a numeric CSV with a `label` column.
    Iforest {
        file: PathBuf,
        #[arg(long, default_value_t = 5)]
        seeds: u64,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let lang = cli.lang;
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs {
        port: crate::server::DEFAULT_PORT,
        data_dir: None,
        no_tray: false,
        model: ModelArgs {
            config: None,
            seed: None,
        },
    }));
    let result = match command {
        Command::Serve(args) => serve_command(args, lang),
        Command::Report { output, data_dir } => report_command(&output, data_dir.as_deref(), lang),
        Command::Cert(CertCommand::Install { data_dir }) => {
            let dir = crate::store::data_dir(data_dir.as_deref());
            std::fs::create_dir_all(&dir)
                .map_err(anyhow::Error::from)
                .and_then(|()| crate::server::tls::ensure(&dir))
                .and_then(|files| crate::server::trust::install(&files.ca, lang))
        }
        Command::Manifest {
            port,
            output,
            data_dir,
        } => manifest_command(port, output.as_deref(), data_dir.as_deref(), lang),
        Command::Score(args) => score_command(args, lang),
        Command::Demo(args) => demo_command(args, lang),
        Command::Bench(BenchCommand::Iforest { file, seeds }) => bench_iforest(&file, seeds),
        Command::History(HistoryCommand::Verify { data_dir, against }) => {
            history_verify(data_dir.as_deref(), &against, lang)
        }
        Command::History(HistoryCommand::RemoveRun { id, data_dir }) => {
            history_remove_run(&id, data_dir.as_deref(), lang)
        }
        Command::History(HistoryCommand::Backup { file, data_dir }) => {
            history_backup(&file, data_dir.as_deref(), lang)
        }
    };
    match result {
        Ok(()) => 0,
        Err(err) => {
            let label = pick(lang, "오류", "error");
            if let Some(ingest) = err.downcast_ref::<IngestError>() {
                eprintln!("{label}: {}", ingest.render(lang));
            } else if let Some(localized) = err.downcast_ref::<crate::i18n::Localized>() {
                eprintln!("{label}: {}", localized.0.get(lang));
            } else {
                eprintln!("{label}: {err:#}");
            }
            1
        }
    }
}

fn load_config(args: &ModelArgs, lang: Lang) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "{}: {}",
                    pick(
                        lang,
                        "설정 파일을 읽을 수 없습니다",
                        "cannot read the configuration"
                    ),
                    path.display()
                )
            })?;
            Config::from_toml(&text)
                .map_err(|t| anyhow::anyhow!("{}: {}", path.display(), t.get(lang)))?
        }
        None => Config::default(),
    };
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    Ok(config)
}

/// Stage-by-stage progress on stderr; invisible when stderr is not a terminal.
struct Progress {
    bar: ProgressBar,
    lang: Lang,
}

impl Progress {
    fn new(lang: Lang, stages: u64) -> Progress {
        let bar = ProgressBar::new(stages);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})")
                .expect("template")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar, lang }
    }

    fn stage(&self, ko: &'static str, en: &'static str) {
        self.bar.set_message(pick(self.lang, ko, en).to_string());
    }

    fn done_stage(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn default_output(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("ledger");
    input.with_file_name(format!("{stem}.scored.xlsx"))
}

/// Refuses to write over the input: the user's file is never modified.
/// Compared by file identity, so a hard or symbolic link to the input, or
/// another spelling of its path, is the input too.
fn ensure_not_input(input: &Path, output: &Path, lang: Lang) -> anyhow::Result<()> {
    if crate::files::same_file(input, output) || input == output {
        anyhow::bail!(
            "{}",
            pick(
                lang,
                "출력 파일이 입력 파일과 같습니다. 원본은 덮어쓰지 않습니다: -o 로 다른 파일을 지정하세요",
                "the output is the input file; ledgerlens never overwrites the input: choose another file with -o"
            )
        );
    }
    Ok(())
}

fn read_and_score(
    input: &Path,
    options: &IngestOptions,
    config: &Config,
    progress: &Progress,
) -> anyhow::Result<(ScoredLedger, f64)> {
    progress.stage("원장 읽는 중", "reading ledger");
    let t0 = Instant::now();
    let ledger = ingest::read_path(input, options)?;
    let read_s = t0.elapsed().as_secs_f64();
    progress.done_stage();
    progress.stage("특성 계산·모델 실행 중", "computing features and models");
    let scored = pipeline::score(ledger, config)?;
    progress.done_stage();
    Ok((scored, read_s))
}

fn write_outputs(
    scored: &ScoredLedger,
    output: &Path,
    jsonl: Option<&Path>,
    lang: Lang,
    progress: &Progress,
) -> anyhow::Result<f64> {
    progress.stage("결과 통합문서 쓰는 중", "writing scored workbook");
    let t0 = Instant::now();
    let cannot_write = |path: &Path| {
        format!(
            "{}: {}",
            pick(
                lang,
                "결과 파일을 쓸 수 없습니다",
                "cannot write the output"
            ),
            path.display()
        )
    };
    // Each output is written beside its destination and renamed into place
    // once whole: a full disk leaves the old file (or none), never half of one.
    let pending = crate::files::Pending::beside(output).with_context(|| cannot_write(output))?;
    write_workbook(scored, lang, pending.path()).with_context(|| cannot_write(output))?;
    pending
        .commit(output)
        .with_context(|| cannot_write(output))?;
    if let Some(path) = jsonl {
        let mut pending =
            crate::files::Pending::beside(path).with_context(|| cannot_write(path))?;
        {
            let mut writer = std::io::BufWriter::new(pending.as_file_mut());
            report::jsonl::write(scored, lang, &mut writer).with_context(|| cannot_write(path))?;
            std::io::Write::flush(&mut writer).with_context(|| cannot_write(path))?;
        }
        pending.commit(path).with_context(|| cannot_write(path))?;
    }
    progress.done_stage();
    Ok(t0.elapsed().as_secs_f64())
}

/// Writes the scored workbook. rust_xlsxwriter's constant-memory mode
/// panics when its temporary files cannot be written (a full disk); that
/// panic is caught here and reported as the write error it is, without the
/// panic's own message.
fn write_workbook(scored: &ScoredLedger, lang: Lang, path: &Path) -> anyhow::Result<()> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| report::workbook::write(scored, lang, path));
    std::panic::set_hook(hook);
    match result {
        Ok(written) => Ok(written?),
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("the workbook writer stopped");
            Err(anyhow::anyhow!("{detail}"))
        }
    }
}

fn print_summary(scored: &ScoredLedger, lang: Lang) {
    let s = &scored.summary;
    let q = &scored.ledger.quality;
    eprintln!(
        "{}: {} · {}: {} · {}: {} · {}: {}",
        pick(lang, "점수 매긴 행", "rows scored"),
        s.rows,
        pick(lang, "높음", "high"),
        s.bands.high,
        pick(lang, "중간", "medium"),
        s.bands.medium,
        pick(lang, "건너뛴 행", "rows skipped"),
        q.rows_skipped()
    );
    for line in q.summary_lines(lang) {
        eprintln!("  · {line}");
    }
}

fn score_command(args: ScoreArgs, lang: Lang) -> anyhow::Result<()> {
    let config = load_config(&args.model, lang)?;
    let overrides = args
        .map
        .iter()
        .map(|m| ingest::parse_override(m))
        .collect::<Result<Vec<_>, _>>()?;
    let options = IngestOptions {
        sheet: args.sheet.clone(),
        overrides,
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.input));
    ensure_not_input(&args.input, &output, lang)?;
    if let Some(j) = &args.jsonl {
        ensure_not_input(&args.input, j, lang)?;
        if j == &output {
            anyhow::bail!(
                "{}",
                pick(
                    lang,
                    "--jsonl 과 -o 가 같은 파일입니다",
                    "--jsonl and -o name the same file"
                )
            );
        }
    }
    let started = Instant::now();
    let progress = Progress::new(lang, 3);
    let (scored, read_s) = read_and_score(&args.input, &options, &config, &progress)?;
    let write_s = write_outputs(&scored, &output, args.jsonl.as_deref(), lang, &progress)?;
    progress.finish();
    print_summary(&scored, lang);
    let t = &scored.summary.timings;
    let (read, features, model, write) = match lang {
        Lang::Ko => ("읽기", "특성", "모델", "쓰기"),
        Lang::En => ("read", "features", "model", "write"),
    };
    eprintln!(
        "{} {} ({:.2}s: {read} {:.2} · {features} {:.2} · {model} {:.2} · {write} {:.2})",
        pick(lang, "저장:", "wrote"),
        output.display(),
        started.elapsed().as_secs_f64(),
        read_s,
        t.features_s,
        t.model_s,
        write_s
    );
    Ok(())
}

fn demo_command(args: DemoArgs, lang: Lang) -> anyhow::Result<()> {
    let config = load_config(
        &ModelArgs {
            config: args.config.clone(),
            seed: Some(args.seed),
        },
        lang,
    )?;
    std::fs::create_dir_all(&args.out_dir).with_context(|| {
        format!(
            "{}: {}",
            pick(lang, "폴더를 만들 수 없습니다", "cannot create the folder"),
            args.out_dir.display()
        )
    })?;
    let ledger_path = args.out_dir.join("demo_ledger.xlsx");
    let labels_path = args.out_dir.join("demo_labels.csv");
    let scored_path = args.out_dir.join("demo_scored.xlsx");

    let progress = Progress::new(lang, 4);
    progress.stage("데모 원장 생성 중", "generating demo ledger");
    let demo = demo::generate(args.rows, args.seed);
    let cannot_write = |path: &Path| {
        format!(
            "{}: {}",
            pick(lang, "파일을 쓸 수 없습니다", "cannot write"),
            path.display()
        )
    };
    demo.write_xlsx(&ledger_path)
        .with_context(|| cannot_write(&ledger_path))?;
    demo.write_labels(&labels_path)
        .with_context(|| cannot_write(&labels_path))?;
    if args.office_json {
        let json_path = args.out_dir.join("demo_ledger.office.json");
        demo.write_office_json(&json_path)
            .with_context(|| cannot_write(&json_path))?;
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
    let (scored, _) = read_and_score(&ledger_path, &IngestOptions::default(), &config, &progress)?;
    write_outputs(&scored, &scored_path, None, lang, &progress)?;
    progress.finish();
    let elapsed = started.elapsed().as_secs_f64();
    let eval = demo::evaluate(&scored, &demo.labels());
    print_evaluation(&eval, lang);
    print_summary(&scored, lang);
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

/// Backups and reports are new files: an existing one is never overwritten.
fn refuse_existing(file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        return Err(crate::i18n::Localized::new(
            format!(
                "{}: 이미 있는 파일입니다. 덮어쓰지 않습니다",
                file.display()
            ),
            format!(
                "{}: the file exists; backups and reports never overwrite",
                file.display()
            ),
        )
        .into());
    }
    Ok(())
}

/// Opens the existing database of a data directory (never creates one).
fn open_existing_store(data_dir: Option<&Path>) -> anyhow::Result<crate::store::Store> {
    let path = crate::store::data_dir(data_dir).join(crate::store::DATABASE_FILE);
    if !path.is_file() {
        return Err(crate::i18n::Localized::new(
            format!(
                "{}: 데이터베이스가 없습니다 (--data-dir 로 폴더를 지정하세요)",
                path.display()
            ),
            format!(
                "{}: no database here (name the folder with --data-dir)",
                path.display()
            ),
        )
        .into());
    }
    crate::store::Store::open(&path).map_err(|e| crate::i18n::Localized(e.message()).into())
}

fn history_verify(data_dir: Option<&Path>, against: &[PathBuf], lang: Lang) -> anyhow::Result<()> {
    let store = open_existing_store(data_dir)?;
    let localized = |e: crate::store::StoreError| crate::i18n::Localized(e.message());
    let mut filed = Vec::new();
    for report in against {
        filed.push((
            report.display().to_string(),
            report::history::read_anchor(report)?,
        ));
    }
    let integrity = store.integrity_check().map_err(localized)?;
    let audit = store.verify_audit(&filed).map_err(localized)?;
    println!("integrity_check: {integrity}");
    println!(
        "{}",
        match lang {
            Lang::Ko => format!(
                "감사 기록 {}건 (키로 서명 {}건), 머리 {}",
                audit.events, audit.keyed, audit.head.head
            ),
            Lang::En => format!(
                "{} audit events ({} keyed), head {}",
                audit.events, audit.keyed, audit.head.head
            ),
        }
    );
    for (source, _) in &filed {
        println!(
            "{} {source}",
            pick(lang, "대조한 보고서:", "checked against:")
        );
    }
    for run in &audit.interrupted_runs {
        println!(
            "{}",
            match lang {
                Lang::Ko => format!("중단된 실행: {run} (점수 행이 다 기록되지 않음; 다시 점수화하거나 `ledgerlens history remove-run {run}`)"),
                Lang::En => format!("interrupted run: {run} (not all its scored rows were recorded; score it again or `ledgerlens history remove-run {run}`)"),
            }
        );
    }
    for problem in &audit.problems {
        eprintln!("  ✗ {}", problem.message().get(lang));
    }
    if integrity != "ok" {
        return Err(crate::i18n::Localized::new(
            format!("데이터베이스 무결성 검사 실패: {integrity}"),
            format!("database integrity check failed: {integrity}"),
        )
        .into());
    }
    if !audit.intact() {
        return Err(crate::i18n::Localized::new(
            format!(
                "감사 기록이 변조되었습니다: 문제 {}건",
                audit.problems.len()
            ),
            format!(
                "the audit trail was tampered with: {} problems",
                audit.problems.len()
            ),
        )
        .into());
    }
    println!(
        "{}",
        pick(
            lang,
            "해시 체인 정상: 모든 실행·점수 행·검토가 감사 기록과 일치합니다",
            "hash chain intact: every run, scored row and review matches the audit trail"
        )
    );
    Ok(())
}

fn history_remove_run(id: &str, data_dir: Option<&Path>, lang: Lang) -> anyhow::Result<()> {
    let mut store = open_existing_store(data_dir)?;
    let removed = store
        .remove_interrupted_run(id, &crate::server::os_user())
        .map_err(|e| crate::i18n::Localized(e.message()))?;
    if !removed {
        return Err(crate::i18n::Localized::new(
            format!("실행 {id}이(가) 없습니다"),
            format!("there is no run {id}"),
        )
        .into());
    }
    println!(
        "{} {id}",
        pick(lang, "중단된 실행 삭제:", "removed interrupted run")
    );
    Ok(())
}

fn history_backup(file: &Path, data_dir: Option<&Path>, lang: Lang) -> anyhow::Result<()> {
    refuse_existing(file)?;
    let store = open_existing_store(data_dir)?;
    store
        .backup(file)
        .map_err(|e| crate::i18n::Localized(e.message()))?;
    println!(
        "{} {}",
        pick(lang, "백업 저장:", "backup written:"),
        file.display()
    );
    Ok(())
}

fn serve_command(args: ServeArgs, lang: Lang) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = load_config(&args.model, lang)?;
    crate::server::run(
        crate::server::ServeOptions {
            port: args.port,
            data_dir: crate::store::data_dir(args.data_dir.as_deref()),
            config,
            tray: !args.no_tray,
        },
        lang,
    )
}

fn report_command(output: &Path, data_dir: Option<&Path>, lang: Lang) -> anyhow::Result<()> {
    refuse_existing(output)?;
    let store = open_existing_store(data_dir)?;
    let history = store
        .history()
        .map_err(|e| crate::i18n::Localized(e.message()))?;
    let bytes = report::history::write(&history, lang)
        .map_err(|e| anyhow::anyhow!("{}: {e}", output.display()))?;
    // Whole or not at all, never over an existing file, the user's only.
    crate::files::create_private(output, &bytes).with_context(|| output.display().to_string())?;
    println!(
        "{} {} ({} {})",
        pick(lang, "이력 통합문서 저장:", "history workbook written:"),
        output.display(),
        history.runs.len(),
        pick(lang, "회 실행", "runs")
    );
    Ok(())
}

fn manifest_command(
    port: u16,
    output: Option<&Path>,
    data_dir: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<()> {
    let dir = crate::store::data_dir(data_dir);
    crate::server::prepare_data_dir(&dir)?;
    let token = crate::server::security::load_or_create_token(&dir)?;
    let xml = crate::server::manifest::for_port(port, Some(&token));
    let Some(output) = output else {
        print!("{xml}");
        return Ok(());
    };
    // Rewriting a manifest is normal (a new port); anything else is not ours.
    if output.exists()
        && output
            .extension()
            .is_none_or(|e| !e.eq_ignore_ascii_case("xml"))
    {
        refuse_existing(output)?;
    }
    crate::files::write_private(output, xml.as_bytes())
        .with_context(|| output.display().to_string())?;
    println!(
        "{} {} (https://localhost:{port}/)",
        pick(lang, "매니페스트 저장:", "manifest written:"),
        output.display()
    );
    println!(
        "{}",
        pick(
            lang,
            "  이 파일에는 에이전트 키가 들어 있습니다. 다른 사람과 공유하지 마세요.",
            "  The file carries the agent's key: do not share it."
        )
    );
    Ok(())
}

fn bench_iforest(file: &Path, seeds: u64) -> anyhow::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
