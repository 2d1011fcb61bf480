//! `ledgerlens report -o FILE`: the supervisors' history workbook.

use std::path::{Path, PathBuf};

use clap::Args;

use super::outputs::{cannot_write_to, refuse_existing};
use crate::data_folder;
use crate::error::Error;
use crate::i18n::{pick, Lang};
use crate::report;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// 저장할 통합문서 (.xlsx, 기존 파일은 덮어쓰지 않음) / Workbook to write (.xlsx; never overwrites).
    #[arg(short, long)]
    pub output: PathBuf,
    /// 데이터 폴더 / Data directory.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

pub(super) fn run(args: ReportArgs, lang: Lang) -> Result<(), Error> {
    let output: &Path = &args.output;
    refuse_existing(output)?;
    let store = data_folder::open_existing_store(&data_folder::resolve(args.data_dir.as_deref()))?;
    let history = store.history()?;
    let model = crate::learn::report::report(&history.reviewed, &crate::config::Checked::default());
    let bytes = report::history::write(&history, &model, lang).map_err(|e| e.of_file(output))?;
    // Whole or not at all, never over an existing file, the user's only.
    crate::files::create_private(output, &bytes).map_err(cannot_write_to(output))?;
    println!(
        "{} {} ({} {})",
        pick(lang, "이력 통합문서 저장:", "history workbook written:"),
        output.display(),
        history.runs.len(),
        pick(lang, "회 실행", "runs")
    );
    Ok(())
}
