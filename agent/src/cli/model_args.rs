//! `--config` and `--seed`, shared by `score`, `serve` and `demo`: read,
//! the seed laid over, then checked once.

use std::path::PathBuf;

use clap::Args;

use crate::config::{Checked, Config};
use crate::error::Error;
use crate::i18n::Text;

#[derive(Args, Debug)]
pub struct ModelArgs {
    /// 한도·가중치·등급 설정 TOML / TOML file with limits, weights and bands (see README).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// 모델 시드 (설정보다 우선) / Seed for the models (overrides the config).
    #[arg(long)]
    pub seed: Option<u64>,
}

impl ModelArgs {
    /// The configuration these arguments name, checked.
    pub fn load(&self) -> Result<Checked, Error> {
        match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::file(
                        Text::new(
                            "설정 파일을 읽을 수 없습니다",
                            "cannot read the configuration",
                        ),
                        path,
                        e,
                    )
                })?;
                Config::parse(&text)
                    .and_then(|c| self.with_seed(c).check())
                    .map_err(|e| e.of_file(path))
            }
            None => self.with_seed(Config::default()).check(),
        }
    }

    fn with_seed(&self, mut config: Config) -> Config {
        if let Some(seed) = self.seed {
            config.seed = seed;
        }
        config
    }
}
