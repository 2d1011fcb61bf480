//! `ledgerlens serve` (the default) and `ledgerlens cert install`: the
//! local agent, and trusting its certificate.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::model_args::ModelArgs;
use crate::data_folder;
use crate::error::Error;
use crate::i18n::Lang;

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

impl Default for ServeArgs {
    /// What `ledgerlens` with no command runs.
    fn default() -> Self {
        ServeArgs {
            port: crate::server::DEFAULT_PORT,
            data_dir: None,
            no_tray: false,
            model: ModelArgs {
                config: None,
                seed: None,
                currency: None,
                profile: None,
            },
        }
    }
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

pub(super) fn run(args: ServeArgs, lang: Lang) -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = args.model.load()?;
    crate::server::run(
        crate::server::ServeOptions {
            port: args.port,
            data_dir: data_folder::resolve(args.data_dir.as_deref()),
            config,
            tray: !args.no_tray,
        },
        lang,
    )
}

pub(super) fn cert(command: CertCommand, lang: Lang) -> Result<(), Error> {
    let CertCommand::Install { data_dir } = command;
    let dir = data_folder::resolve(data_dir.as_deref());
    data_folder::prepare(&dir)?;
    let files = crate::server::tls::ensure(&dir)?;
    crate::server::trust::install(&files.ca, lang)
}
