//! `GET model/report`: how well the scores separate what reviewers
//! confirmed from what they called normal (`learn::report`), the reviews'
//! model in use (`in_use`) and whether one is being trained.

use actix_web::{web, HttpRequest};

use super::{answer_json, Reply};
use crate::server::AppState;

pub(super) async fn model_report(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    answer_json(&req, state, |state, _| {
        let reviewed = state.with_store(|s| s.reviewed())?;
        let report = crate::learn::report::report(&reviewed, state.config.seed);
        let mut out = serde_json::to_value(report).unwrap_or_default();
        // Beside the figures: the model in use now and the training's state.
        out["in_use"] = serde_json::json!(state.learned().map(|l| serde_json::json!({
            "version": l.version,
            "run_version": l.run_version(),
            "trained_at": l.trained_at,
            "confirmed": l.model.confirmed,
            "normal": l.model.normal,
            "trees": l.model.trees,
        })));
        out["training"] = serde_json::json!(state.is_training());
        out["last_training"] = serde_json::json!(state.last_training());
        Ok(out)
    })
    .await
}
