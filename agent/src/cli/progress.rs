//! Stage-by-stage progress on stderr; invisible when stderr is not a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::i18n::{pick, Lang};
use crate::pipeline::Stage;

pub(super) struct Progress {
    bar: ProgressBar,
    lang: Lang,
}

impl Progress {
    pub(super) fn new(lang: Lang, stages: u64) -> Progress {
        let bar = ProgressBar::new(stages);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})")
                .expect("template")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar, lang }
    }

    pub(super) fn stage(&self, ko: &'static str, en: &'static str) {
        self.bar.set_message(pick(self.lang, ko, en).to_string());
    }

    pub(super) fn done_stage(&self) {
        self.bar.inc(1);
    }

    /// Follows the pipeline's stages: reading, then scoring.
    pub(super) fn pipeline_stage(&self, stage: &Stage<'_>) {
        match stage {
            Stage::Reading => self.stage("원장 읽는 중", "reading ledger"),
            Stage::Read(_) => {
                self.done_stage();
                self.stage("특성 계산·모델 실행 중", "computing features and models");
            }
        }
    }

    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
