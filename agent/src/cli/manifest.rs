//! `ledgerlens manifest`: the add-in's manifest for this agent (with its key).

use std::path::{Path, PathBuf};

use clap::Args;

use super::outputs::{cannot_write_to, refuse_existing};
use crate::data_folder;
use crate::error::Error;
use crate::i18n::{pick, Lang};

#[derive(Args, Debug)]
pub struct ManifestArgs {
    /// 에이전트 포트 / The agent's port.
    #[arg(long, default_value_t = crate::server::DEFAULT_PORT)]
    pub port: u16,
    /// 저장할 파일 (없으면 표준 출력) / File to write (standard output if omitted).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// 데이터 폴더 / Data directory.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

pub(super) fn run(args: ManifestArgs, lang: Lang) -> Result<(), Error> {
    let (port, output): (u16, Option<&Path>) = (args.port, args.output.as_deref());
    let dir = data_folder::resolve(args.data_dir.as_deref());
    data_folder::prepare(&dir)?;
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
    crate::files::write_private(output, xml.as_bytes()).map_err(cannot_write_to(output))?;
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
