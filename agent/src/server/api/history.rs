//! `GET history` (data and laid-out sheets), `GET history.xlsx` and
//! `GET report.pdf`: the one history, as data, workbook or PDF.

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
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ledgerlens-history",
        "xlsx",
        bytes,
    ))
}

/// The supervisors' PDF report (`report::pdf`), in the system's font with
/// Hangul; a machine without one gets `no_report_font`.
pub(super) async fn report_pdf(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    let made = blocking(lang, move || {
        let history = state.with_store(|s| s.history())?;
        let input = crate::report::pdf::ReportInput::now(&history);
        crate::report::pdf::write(&input, lang, None)
    })
    .await?;
    let missing: Vec<String> = made
        .missing
        .iter()
        .map(|c| format!("U+{:04X}", *c as u32))
        .collect();
    let mut reply = attachment("application/pdf", "ledgerlens-report", "pdf", made.bytes);
    if !missing.is_empty() {
        // The characters the font lacks (drawn as empty boxes), as code
        // points (a header is ASCII), for the door to warn of.
        reply.headers_mut().insert(
            header::HeaderName::from_static("x-ledgerlens-missing-glyphs"),
            header::HeaderValue::from_str(&missing.join(" ")).expect("ASCII code points"),
        );
    }
    Ok(reply)
}

/// A file to save: `{stem}-{today}.{extension}`.
fn attachment(content_type: &str, stem: &str, extension: &str, bytes: Vec<u8>) -> HttpResponse {
    let name = format!(
        "{stem}-{}.{extension}",
        chrono::Local::now().format("%Y%m%d")
    );
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes)
}
