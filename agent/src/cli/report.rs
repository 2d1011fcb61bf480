//! `ledgerlens report -o FILE` and/or `--pdf FILE`: the supervisors' history
//! workbook and their PDF report, from the same history.

use std::path::{Path, PathBuf};

use clap::Args;

use super::outputs::{cannot_write_to, refuse_existing};
use crate::data_folder;
use crate::error::Error;
use crate::i18n::{pick, Lang, Text};
use crate::report;

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("outputs").required(true).multiple(true).args(["output", "pdf"])))]
pub struct ReportArgs {
    /// 저장할 통합문서 (.xlsx, 기존 파일은 덮어쓰지 않음) / Workbook to write (.xlsx; never overwrites).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// 저장할 PDF 보고서 (A4, 기존 파일은 덮어쓰지 않음) / PDF report to write (A4; never overwrites).
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    /// PDF에 쓸 한글 글꼴 파일 (없으면 시스템 글꼴) / Font file with Hangul for the PDF (default: the system's).
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
    /// 데이터 폴더 / Data directory.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

pub(super) fn run(args: ReportArgs, lang: Lang) -> Result<(), Error> {
    // Refused before anything is read or made: an existing file, or one
    // file named for both.
    for path in args.output.iter().chain(&args.pdf) {
        refuse_existing(path)?;
    }
    if let (Some(xlsx), Some(pdf)) = (&args.output, &args.pdf) {
        if xlsx == pdf {
            return Err(Error::invalid(
                "same_output",
                Text::new(
                    format!(
                        "{}: 통합문서와 PDF를 같은 파일에 쓸 수 없습니다",
                        pdf.display()
                    ),
                    format!(
                        "{}: the workbook and the PDF cannot be the same file",
                        pdf.display()
                    ),
                ),
            ));
        }
    }
    let store = data_folder::open_existing_store(&data_folder::resolve(args.data_dir.as_deref()))?;
    let history = store.history()?;
    // Both made before either is written: a PDF that cannot be made (no
    // font) leaves no workbook behind either.
    let workbook = args
        .output
        .as_ref()
        .map(|output| {
            let model =
                crate::learn::report::report(&history.reviewed, &crate::config::Checked::default());
            let bytes =
                report::history::write(&history, &model, lang).map_err(|e| e.of_file(output))?;
            Ok::<_, Error>((output, bytes))
        })
        .transpose()?;
    let pdf = args
        .pdf
        .as_ref()
        .map(|pdf| {
            let input = report::pdf::ReportInput::now(&history);
            Ok::<_, Error>((pdf, report::pdf::write(&input, lang, args.font.as_deref())?))
        })
        .transpose()?;
    if let Some((output, bytes)) = &workbook {
        write_new(output, bytes)?;
        println!(
            "{} {} ({} {})",
            pick(lang, "이력 통합문서 저장:", "history workbook written:"),
            output.display(),
            history.runs.len(),
            pick(lang, "회 실행", "runs")
        );
    }
    if let Some((pdf, made)) = &pdf {
        write_new(pdf, &made.bytes)?;
        println!(
            "{} {} ({} {}, {} {})",
            pick(lang, "PDF 보고서 저장:", "PDF report written:"),
            pdf.display(),
            made.pages,
            pick(lang, "쪽", "pages"),
            pick(lang, "글꼴", "font"),
            made.font
        );
        if !made.missing.is_empty() {
            eprintln!(
                "{} {}",
                pick(
                    lang,
                    "경고: 글꼴에 없어 빈 네모로 보이는 글자:",
                    "warning: characters the font lacks, shown as empty boxes:"
                ),
                made.missing_text()
            );
        }
    }
    Ok(())
}

/// Whole or not at all, never over an existing file, the user's only.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    crate::files::create_private(path, bytes).map_err(cannot_write_to(path))
}
