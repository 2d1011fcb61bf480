//! What the command line writes: the scored workbook and the JSONL beside
//! the input, each whole or not at all, never over the input or an
//! existing backup or report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::progress::Progress;
use crate::error::{Error, Kind};
use crate::files::Pending;
use crate::i18n::{Lang, Text};
use crate::pipeline::ScoredLedger;
use crate::report;

/// The workbook a command writes: the one given, or `INPUT.<what>.xlsx`
/// beside a single input (for several, `several` says to name it), checked
/// to be neither an input nor inside an input folder.
pub(super) fn chosen_output(
    given: Option<&Path>,
    inputs: &[PathBuf],
    what: &str,
    several: Text,
) -> Result<PathBuf, Error> {
    let output = match (given, inputs) {
        (Some(o), _) => o.to_path_buf(),
        (None, [one]) => beside(one, what),
        (None, _) => return Err(Error::invalid("output_needed", several)),
    };
    for input in inputs {
        ensure_not_input(input, &output)?;
        ensure_not_in_folder(input, &output)?;
    }
    Ok(output)
}

/// `INPUT.<what>.xlsx` beside a file, or beside a folder, never in it
/// (`.` is the folder it names, so its workbook goes in the parent).
pub(super) fn beside(input: &Path, what: &str) -> PathBuf {
    if input.is_dir() {
        let folder = std::fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
        let name = folder
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("ledger");
        return folder.with_file_name(format!("{name}.{what}.xlsx"));
    }
    let stem = input
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("ledger");
    input.with_file_name(format!("{stem}.{what}.xlsx"))
}

/// Refuses to write over the input: the user's file is never modified.
/// Compared by file identity, so a hard or symbolic link to the input, or
/// another spelling of its path, is the input too.
pub(super) fn ensure_not_input(input: &Path, output: &Path) -> Result<(), Error> {
    if crate::files::same_file(input, output) || input == output {
        return Err(Error::invalid(
            "output_is_input",
            Text::new(
                "출력 파일이 입력 파일과 같습니다. 원본은 덮어쓰지 않습니다: -o 로 다른 파일을 지정하세요",
                "the output is the input file; ledgerlens never overwrites the input: choose another file with -o",
            ),
        ));
    }
    Ok(())
}

/// Refuses an output inside a folder being read: the next run of the same
/// command would read the scored workbook back in as a ledger file.
pub(super) fn ensure_not_in_folder(input: &Path, output: &Path) -> Result<(), Error> {
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = parent.unwrap_or(Path::new("."));
    if input.is_dir() && crate::files::same_file(input, parent) {
        return Err(Error::invalid(
            "output_in_input_folder",
            Text::new(
                format!(
                    "{}: 결과 파일을 읽는 폴더 안에 쓸 수 없습니다. 다음에 읽을 때 원장으로 읽히기 때문입니다: -o 로 폴더 밖을 지정하세요",
                    output.display()
                ),
                format!(
                    "{}: the output would be inside the folder being read, and read back as a ledger next time: choose a place outside it with -o",
                    output.display()
                ),
            ),
        ));
    }
    Ok(())
}

/// Backups and reports are new files: an existing one is never overwritten.
pub(super) fn refuse_existing(file: &Path) -> Result<(), Error> {
    if file.exists() {
        return Err(Error::new(
            Kind::Conflict,
            "file_exists",
            Text::new(
                format!(
                    "{}: 이미 있는 파일입니다. 덮어쓰지 않습니다",
                    file.display()
                ),
                format!(
                    "{}: the file exists; backups and reports never overwrite",
                    file.display()
                ),
            ),
        ));
    }
    Ok(())
}

fn cannot_write() -> Text {
    Text::new("결과 파일을 쓸 수 없습니다", "cannot write the output")
}

/// The error for an output file that could not be written.
pub(super) fn cannot_write_to(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::file(cannot_write(), path, e)
}

/// Writes the scored workbook (and the JSONL if asked); returns the
/// seconds it took. Each output is written beside its destination and
/// renamed into place once whole: a full disk leaves the old file (or
/// none), never half of one.
pub(super) fn write_scored(
    scored: &ScoredLedger,
    extra: &[report::laid_out::LaidOutSheet],
    output: &Path,
    jsonl: Option<&Path>,
    lang: Lang,
    progress: &Progress,
) -> Result<f64, Error> {
    progress.stage("결과 통합문서 쓰는 중", "writing scored workbook");
    let t0 = Instant::now();
    let pending = Pending::beside(output).map_err(cannot_write_to(output))?;
    report::workbook::write(scored, extra, lang, pending.path())
        .map_err(|e| e.context(cannot_write(), output))?;
    pending.commit(output).map_err(cannot_write_to(output))?;
    if let Some(path) = jsonl {
        let mut pending = Pending::beside(path).map_err(cannot_write_to(path))?;
        {
            let mut writer = std::io::BufWriter::new(pending.as_file_mut());
            report::jsonl::write(scored, lang, &mut writer).map_err(cannot_write_to(path))?;
            std::io::Write::flush(&mut writer).map_err(cannot_write_to(path))?;
        }
        pending.commit(path).map_err(cannot_write_to(path))?;
    }
    progress.done_stage();
    Ok(t0.elapsed().as_secs_f64())
}

/// The run's counts and the data-quality lines, on stderr.
pub(super) fn print_summary(scored: &ScoredLedger, lang: Lang) {
    use crate::i18n::pick;
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
    for f in &q.files {
        eprintln!(
            "  · {}: {} {} · {} {}",
            f.file,
            f.rows_kept,
            pick(lang, "행", "rows"),
            pick(lang, "건너뜀", "skipped"),
            f.rows_skipped
        );
    }
    for n in &q.not_read {
        eprintln!(
            "  · {}: {} ({})",
            pick(lang, "읽지 않음", "not read"),
            n.file,
            n.why.get(lang)
        );
    }
    eprintln!(
        "  · {}: {} · {}: {}",
        pick(lang, "프로필", "profile"),
        s.profile.label().get(lang),
        pick(lang, "통화", "currency"),
        s.currency.code()
    );
    eprintln!("  · {}", s.band_cut.get(lang));
    for limit in &s.limits {
        eprintln!("  · {}", limit.describe(s.currency).get(lang));
    }
    for aside in &s.stepped_aside {
        eprintln!("  · {}: {}", aside.code.word(lang), aside.reason.get(lang));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folders_workbook_goes_beside_it_even_when_named_as_dot() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("2024.exports");
        std::fs::create_dir(&folder).unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for named in [folder.clone(), folder.join(".")] {
            assert_eq!(
                beside(&named, "scored"),
                root.join("2024.exports.scored.xlsx"),
                "{}",
                named.display()
            );
        }
        assert_eq!(
            beside(Path::new("a/b.csv"), "scored"),
            PathBuf::from("a/b.scored.xlsx")
        );
    }
}
