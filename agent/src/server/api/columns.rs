//! `POST columns`: which of a sheet's headers ledgerlens would take for
//! which field, for the pane's mapping preview.

use actix_web::{web, HttpRequest};
use serde::Serialize;

use super::{bad_json, blocking, json_bytes, json_ok, refuse, Reply};
use crate::i18n::Text;
use crate::ingest::{self, Field};
use crate::limits::MAX_COLUMNS_BODY;
use crate::server::errors::request_lang;
use crate::server::rows::ScoreRequest;
use crate::server::{AppState, Queue};

#[derive(Serialize)]
struct DetectedColumn {
    field: Field,
    /// 0-based column within the rows sent.
    index: usize,
    header: String,
    /// How the column was chosen (`name`, `part_of_name`, `values`, `mapping`).
    matched_by: ingest::MatchedBy,
    /// The same, in the caller's language.
    how: String,
}

#[derive(Serialize)]
struct FieldInfo {
    key: &'static str,
    label: Text,
    required: bool,
}

/// `POST columns`: the header row and mapping the pipeline would use for
/// these rows (the first few dozen of a sheet suffice), for the add-in's
/// mapping preview. Nothing is scored or recorded.
pub(super) async fn columns(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Reply {
    let lang = request_lang(&req);
    let (body, _permit) = state
        .body_then_place(&req, payload, MAX_COLUMNS_BODY, Queue::Parsing)
        .await
        .map_err(refuse(lang))?;
    let body = blocking(lang, move || {
        let request: ScoreRequest =
            serde_json::from_slice(&body.bytes).map_err(|e| bad_json(&e))?;
        let overrides = request.overrides()?;
        let grid = request.into_grid(None);
        let found = ingest::header::detect_columns(&grid, &overrides);
        let fields: Vec<FieldInfo> = Field::ALL
            .iter()
            .map(|f| FieldInfo {
                key: f.key(),
                label: f.label(),
                required: Field::REQUIRED.contains(f),
            })
            .collect();
        let value = match found {
            Some(found) => {
                let mapping: Vec<DetectedColumn> = found
                    .columns
                    .iter()
                    .map(|(field, &index)| DetectedColumn {
                        field: *field,
                        index,
                        header: found.headers.get(index).cloned().unwrap_or_default(),
                        matched_by: found.matched_by[field],
                        how: found.matched_by[field].word(lang).to_string(),
                    })
                    .collect();
                let missing: Vec<&str> = Field::REQUIRED
                    .iter()
                    .filter(|f| !found.columns.contains_key(f))
                    .map(|f| f.key())
                    .collect();
                serde_json::json!({
                    "found": true,
                    "header_row": grid.sheet_row(found.row_index),
                    "header_index": found.row_index,
                    "headers": found.headers,
                    "mapping": mapping,
                    "missing": missing,
                    "fields": fields,
                })
            }
            None => serde_json::json!({
                "found": false,
                "fields": fields,
                "missing": Field::REQUIRED.iter().map(|f| f.key()).collect::<Vec<_>>(),
            }),
        };
        json_bytes(&value)
    })
    .await?;
    Ok(json_ok(body))
}
