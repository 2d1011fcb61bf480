//! `GET history` (data and laid-out sheets) and `GET history.xlsx`.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::{answer_json, blocking, Reply};
use crate::pipeline;
use crate::server::errors::{request_lang, Error};
use crate::server::AppState;

/// The history as data (for the dashboard) and laid out as sheets (for
/// the add-in where `insertWorksheetsFromBase64` is missing).
pub(super) async fn history_json(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    answer_json(&req, state, |state, lang| {
        let mut history = state.with_store(|s| s.history())?;
        let model = state.model_report()?;
        let sheets = crate::report::history::sheets(&history, &model, lang);
        let records = history
            .top_by_month
            .iter_mut()
            .flat_map(|(_, month)| month.iter_mut());
        for record in records.chain(history.repeats.iter_mut().map(|r| &mut r.record)) {
            pipeline::reasons_in(&mut record.reasons, lang);
        }
        Ok(serde_json::json!({ "history": history, "sheets": sheets }))
    })
    .await
}

pub(super) async fn history_xlsx(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    let bytes = blocking(lang, move || {
        let history = state.with_store(|s| s.history())?;
        let model = state.model_report()?;
        crate::report::history::write(&history, &model, lang).map_err(Error::internal)
    })
    .await?;
    let name = format!(
        "ledgerlens-history-{}.xlsx",
        chrono::Local::now().format("%Y%m%d")
    );
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}
