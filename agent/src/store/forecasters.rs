//! The forecasters runs forecast with (`forecast::forecaster`), each kept
//! whole in one row of `forecast_models` with an audit event; the newest
//! is the one a run may reuse (`forecast::watch` decides).

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{audit, now, Store, StoreError};
use crate::forecast::forecaster::{Forecaster, KeptForecaster};
use crate::forecast::run::ForecastParams;
use crate::forecast::watch::{Kept, ModelUse};

impl Store {
    /// Keeps a forecaster a run has just trained; returns its number.
    pub fn keep_forecaster(
        &mut self,
        kept: &KeptForecaster,
        model: &ModelUse,
    ) -> Result<i64, StoreError> {
        let refit = model.refit.map_or("", |r| r.code());
        self.write(|store| {
            let tx = store
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO forecast_models (trained_at, version, through, refit, description, weights)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    now(),
                    model.version,
                    model.through,
                    refit,
                    kept.description,
                    kept.weights
                ],
            )?;
            let number = tx.last_insert_rowid();
            let detail = serde_json::json!({
                "number": number,
                "version": model.version,
                "through": model.through,
                "refit": refit,
            });
            audit::append(&tx, store.key.as_ref(), "ledgerlens", "forecast_model", &detail)?;
            tx.commit()?;
            Ok(number)
        })
    }

    /// What a run under `params` may reuse: the newest kept forecaster,
    /// read back whole.
    pub fn kept_forecaster(&self, params: &ForecastParams) -> Result<Kept, StoreError> {
        let Some((number, kept)) = self.latest_forecaster()? else {
            return Ok(Kept::Nothing);
        };
        match Forecaster::read(&kept, params) {
            Ok(Some(forecaster)) => Ok(Kept::Model {
                number,
                forecaster: Box::new(forecaster),
            }),
            Ok(None) => Ok(Kept::OtherParams),
            Err(e) => Err(StoreError::damaged(
                &self.path,
                format!("forecast model {number}: {e}"),
            )),
        }
    }

    /// The newest kept forecaster and its number, if any.
    pub fn latest_forecaster(&self) -> Result<Option<(i64, KeptForecaster)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT number, description, weights FROM forecast_models
                 ORDER BY number DESC LIMIT 1",
                params![],
                |r| {
                    Ok((
                        r.get(0)?,
                        KeptForecaster {
                            description: r.get(1)?,
                            weights: r.get(2)?,
                        },
                    ))
                },
            )
            .optional()?)
    }
}
