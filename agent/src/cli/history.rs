//! `ledgerlens history verify | remove-run | backup`: the history
//! database's integrity and audit trail, its interrupted runs, its copies.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::outputs::refuse_existing;
use crate::data_folder;
use crate::error::{Error, Kind};
use crate::i18n::{pick, Lang, Text};
use crate::report;

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

pub(super) fn run(command: HistoryCommand, lang: Lang) -> Result<(), Error> {
    match command {
        HistoryCommand::Verify { data_dir, against } => verify(data_dir.as_deref(), &against, lang),
        HistoryCommand::RemoveRun { id, data_dir } => remove_run(&id, data_dir.as_deref(), lang),
        HistoryCommand::Backup { file, data_dir } => backup(&file, data_dir.as_deref(), lang),
    }
}

fn open(data_dir: Option<&Path>) -> Result<crate::store::Store, Error> {
    data_folder::open_existing_store(&data_folder::resolve(data_dir))
}

fn verify(data_dir: Option<&Path>, against: &[PathBuf], lang: Lang) -> Result<(), Error> {
    let store = open(data_dir)?;
    let mut filed = Vec::new();
    for report in against {
        filed.push((
            report.display().to_string(),
            report::history::read_anchor(report)?,
        ));
    }
    let integrity = store.integrity_check()?;
    let audit = store.verify_audit(&filed)?;
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
        return Err(Error::new(
            Kind::Unavailable,
            "integrity_failed",
            Text::new(
                format!("데이터베이스 무결성 검사 실패: {integrity}"),
                format!("database integrity check failed: {integrity}"),
            ),
        ));
    }
    if !audit.intact() {
        return Err(Error::new(
            Kind::Conflict,
            "audit_tampered",
            Text::new(
                format!(
                    "감사 기록이 변조되었습니다: 문제 {}건",
                    audit.problems.len()
                ),
                format!(
                    "the audit trail was tampered with: {} problems",
                    audit.problems.len()
                ),
            ),
        ));
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

fn remove_run(id: &str, data_dir: Option<&Path>, lang: Lang) -> Result<(), Error> {
    let mut store = open(data_dir)?;
    if !store.remove_interrupted_run(id, &crate::server::os_user())? {
        return Err(crate::store::no_such_run(id));
    }
    println!(
        "{} {id}",
        pick(lang, "중단된 실행 삭제:", "removed interrupted run")
    );
    Ok(())
}

fn backup(file: &Path, data_dir: Option<&Path>, lang: Lang) -> Result<(), Error> {
    refuse_existing(file)?;
    open(data_dir)?.backup(file)?;
    println!(
        "{} {}",
        pick(lang, "백업 저장:", "backup written:"),
        file.display()
    );
    Ok(())
}
