//! `GET model/report`: how well the scores separate what reviewers
//! confirmed from what they called normal (`learn::report`); `GET
//! model/status`: the reviews' model in use and whether one is being
//! trained (cheap: the report trains a model of its own to judge).

use actix_web::{web, HttpRequest};

use super::{answer_json, Reply};
use crate::server::AppState;

fn status(state: &AppState) -> serde_json::Value {
    serde_json::json!({
        "in_use": state.learned().map(|l| serde_json::json!({
            "version": l.version,
            "run_version": l.run_version(),
            "trained_at": l.trained_at,
            "confirmed": l.lessons.confirmed,
            "normal": l.lessons.normal,
            "trees": l.lessons.tree_count(),
            "waiting": l.lessons.waiting,
            "weights": l.lessons.shown_weights(&state.config.weights),
        })),
        "training": state.is_training(),
        "last_training": state.last_training(),
    })
}

pub(super) async fn model_status(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    answer_json(&req, state, |state, _| Ok(status(state))).await
}

pub(super) async fn model_report(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    answer_json(&req, state, |state, _| {
        let report = state.model_report()?;
        let mut out = serde_json::to_value(report).unwrap_or_default();
        // Beside the figures: the model in use now and the training's state.
        if let (Some(out), serde_json::Value::Object(status)) = (out.as_object_mut(), status(state))
        {
            out.extend(status);
        }
        Ok(out)
    })
    .await
}
