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
    /// 금액의 통화: KRW, USD, GBP, EUR, JPY (기본: 통화 열·기호, 없으면 원) / Currency of the amounts (default: a currency column or symbol, else KRW).
    #[arg(long, value_parser = crate::money::Currency::from_user)]
    pub currency: Option<crate::money::Currency>,
    /// 프로필: ledger(예산 집행 원장) 또는 card(카드 사용 내역) (기본: 열을 보고 선택) / Profile: ledger or card (default: chosen from the columns).
    #[arg(long, value_parser = crate::profile::Profile::from_user)]
    pub profile: Option<crate::profile::Profile>,
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
        if self.currency.is_some() {
            config.currency = self.currency;
        }
        if self.profile.is_some() {
            config.profile = self.profile;
        }
        config
    }
}
