//! `GET model/report`: how well the scores separate what reviewers
//! confirmed from what they called normal (`learn::report`).

use actix_web::{web, HttpRequest};

use super::{answer_json, Reply};
use crate::server::AppState;

pub(super) async fn model_report(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    answer_json(&req, state, |state, _| {
        let reviewed = state.with_store(|s| s.reviewed())?;
        Ok(serde_json::to_value(crate::learn::report::report(&reviewed)).unwrap_or_default())
    })
    .await
}
