//! `ledgerlens model report`: how well the scores separate what reviewers
//! confirmed from what they called normal, from the history database; and
//! `model learn`, the agent's training worker (hidden).

use std::path::PathBuf;

use clap::Subcommand;

use crate::data_folder;
use crate::error::Error;
use crate::i18n::Lang;
use crate::learn::lessons::TrainingOutput;

#[derive(Subcommand, Debug)]
pub enum ModelCommand {
    /// 검토 결과로 본 점수의 품질: AUC, PR-AUC, KS, Gini, 기준별 표 / How well the scores separate reviewed outcomes: AUC, PR-AUC, KS, Gini and a threshold table.
    Report {
        /// 데이터 폴더 / Data directory (default: LEDGERLENS_DATA_DIR or the per-user data folder).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// (내부용) 에이전트의 학습 작업자: 검토로 학습해 JSON 한 줄로 출력 / (internal) The agent's training worker: learns from the reviews and prints one JSON line.
    #[command(hide = true)]
    Learn {
        /// The agent's store, opened read-only.
        #[arg(long)]
        store: PathBuf,
        #[arg(long)]
        seed: u64,
    },
}

pub(super) fn run(command: ModelCommand, lang: Lang) -> Result<(), Error> {
    match command {
        ModelCommand::Report { data_dir } => {
            let store =
                data_folder::open_existing_store(&data_folder::resolve(data_dir.as_deref()))?;
            let reviewed = store.reviewed()?;
            // The default configuration: the agent's, unless its config
            // names another seed or pins weights.
            let config = crate::config::Checked::default();
            for line in crate::learn::report::report(&reviewed, &config).lines(lang) {
                println!("{line}");
            }
            Ok(())
        }
        ModelCommand::Learn { store, seed } => {
            let store = crate::store::Store::open_reader(&store)?;
            let (newest, lessons) = crate::learn::lessons::Lessons::from_store(&store, seed)?;
            println!(
                "{}",
                TrainingOutput::new(newest, lessons.as_ref()).to_line()
            );
            Ok(())
        }
    }
}
