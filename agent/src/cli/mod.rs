//! The command line: a thin door onto the pipeline. One file per command
//! (as mini-redis's `cmd/`), each its clap arguments and a `run` that does
//! the command and returns an [`Error`]; [`main`] parses, dispatches, and
//! turns an error into its message and the exit status, once.

mod bench;
mod demo;
mod history;
mod manifest;
mod model;
mod model_args;
mod outputs;
mod progress;
mod report;
mod sample;
mod score;
mod serve;

use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::i18n::{pick, Lang};
use bench::BenchCommand;
use demo::DemoArgs;
use history::HistoryCommand;
use manifest::ManifestArgs;
use model::ModelCommand;
use report::ReportArgs;
use sample::SampleCommand;
use score::ScoreArgs;
use serve::{CertCommand, ServeArgs};

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
    Report(ReportArgs),
    /// 검토 결과로 본 모델 품질 / Model quality against the reviews.
    #[command(subcommand)]
    Model(ModelCommand),
    /// 감사 표본: 계획, 선정, 평가 / Audit sampling of the rows not flagged: plan, select, evaluate.
    #[command(subcommand)]
    Sample(SampleCommand),
    /// 에이전트의 로컬 인증서 / The agent's local certificate.
    #[command(subcommand)]
    Cert(CertCommand),
    /// 엑셀 추가 기능 매니페스트 작성 (에이전트 키 포함, 비공개로 보관) / Write the Excel add-in manifest (carries the agent's key: keep it private).
    Manifest(ManifestArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let lang = cli.lang;
    let result = match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve::run(args, lang),
        Command::Score(args) => {
            keep_freed_memory();
            score::run(args, lang)
        }
        Command::Demo(args) => demo::run(args, lang),
        Command::Bench(command) => bench::run(command),
        Command::History(command) => history::run(command, lang),
        Command::Report(args) => report::run(args, lang),
        Command::Sample(command) => sample::run(command, lang),
        Command::Model(command) => model::run(command, lang),
        Command::Cert(command) => serve::cert(command, lang),
        Command::Manifest(args) => manifest::run(args, lang),
    };
    match result {
        Ok(()) => 0,
        Err(error) => exit_status(&error, lang),
    }
}

/// A score frees and takes again hundreds of megabytes between its stages.
/// glibc by default gives the heap's freed top back to the system each time
/// and faults it in again, page by zeroed page: at 1M rows a fifth of the
/// run's system time. Told never to trim, a 1M-row score ran 1.2 s faster
/// and peaked 50 MB lower (a fixed trim threshold also stops glibc raising
/// its mmap threshold, so the largest buffers still go back when freed;
/// docs/BENCHMARKS.md). The agent keeps the default: it lives on between
/// jobs, and what one job freed should go back.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called
    // before the run starts any thread.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

/// The one conversion of an [`Error`] into what the command line shows:
/// the message in the user's language on stderr, and a failing status (1
/// for every kind; scripts test for non-zero).
fn exit_status(error: &Error, lang: Lang) -> i32 {
    eprintln!("{}: {}", pick(lang, "오류", "error"), error.get(lang));
    1
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
