//! `--config` and `--seed`, shared by `score`, `serve` and `demo`: read,
//! the seed laid over, then checked once.

use std::path::PathBuf;

use clap::Args;

use crate::config::Checked;
use crate::error::Error;

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
        crate::config::load(
            self.config.as_deref(),
            &crate::config::Overrides {
                seed: self.seed,
                currency: self.currency,
                profile: self.profile,
            },
        )
    }
}
