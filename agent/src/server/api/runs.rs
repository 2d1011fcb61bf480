//! `GET runs`, `GET runs/{id}`, `DELETE runs/{id}`, `GET runs/{id}/rows`
//! and `GET runs/{id}/rows/{key}` (one row, its group and its twins).

use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::{answer_json, Reply};
use crate::i18n::Text;
use crate::learn::next::{self, Judgement};
use crate::pipeline;
use crate::server::errors::{request_lang, Error, Refusal};
use crate::server::AppState;
use crate::store::{no_such_run, RowFilter, RunRow};
use crate::vocabulary::{Band, NextView};

pub(super) async fn runs(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    answer_json(&req, state, |state, _| {
        Ok(serde_json::json!({ "runs": state.with_store(|s| s.runs())? }))
    })
    .await
}

pub(super) async fn run(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Reply {
    let id = id.into_inner();
    answer_json(&req, state, move |state, lang| {
        let mut detail = state
            .with_store(|s| s.run(&id))?
            .ok_or_else(|| no_such_run(&id))?;
        for row in &mut detail.flagged {
            pipeline::reasons_in(&mut row.reasons, lang);
        }
        Ok(detail)
    })
    .await
}

/// `GET runs/{id}/rows/{key}`: the row, where its amount sits among its
/// department × account's in the run, and its twins (a duplicate's or a
/// split's other rows).
pub(super) async fn run_row_detail(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Reply {
    let (id, key) = path.into_inner();
    answer_json(&req, state, move |state, lang| {
        let (run_exists, found) =
            state.with_store(|s| Ok((s.run_exists(&id)?, s.row_detail(&id, &key)?)))?;
        let found = match found {
            Some(found) => found,
            None if run_exists => return Err(no_such_row(&id, &key)),
            None => return Err(no_such_run(&id)),
        };
        let (mut row, mut twins) = (found.row, found.twins);
        for r in std::iter::once(&mut row).chain(&mut twins) {
            pipeline::reasons_in(&mut r.record.reasons, lang);
        }
        let distribution = crate::report::distribution::Distribution::of(&found.group, row.record.amount);
        Ok(serde_json::json!({
            "row": row,
            "group": { "department": row.record.department, "account": row.record.account, "distribution": distribution },
            "twins": twins,
        }))
    })
    .await
}

fn no_such_row(id: &str, key: &str) -> Error {
    Error::new(
        crate::error::Kind::NotFound,
        "no_such_row",
        Text::new(
            format!("실행 {id}에 행 키 {key}인 행이 없습니다"),
            format!("run {id} has no row with the key {key}"),
        ),
    )
}

/// `DELETE runs/{id}`: removes a run cut off by a crash (409 for any other:
/// a complete run is evidence), with an audit event.
pub(super) async fn remove_run(
    req: HttpRequest,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> Reply {
    let id = id.into_inner();
    answer_json(&req, state, move |state, _| {
        if state.with_store(|s| s.remove_interrupted_run(&id, &crate::server::os_user()))? {
            Ok(serde_json::json!({ "removed": id }))
        } else {
            Err(no_such_run(&id))
        }
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct RowsQuery {
    /// Comma-separated bands.
    #[serde(default)]
    band: String,
    department: Option<String>,
    q: Option<String>,
    #[serde(default)]
    reviewed: bool,
    #[serde(default)]
    offset: u64,
    #[serde(default = "default_page")]
    limit: u64,
}

fn default_page() -> u64 {
    100
}

pub(super) async fn run_rows(
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<RowsQuery>,
    state: web::Data<AppState>,
) -> Reply {
    let lang = request_lang(&req);
    let id = id.into_inner();
    let query = query.into_inner();
    // An unknown band would otherwise filter nothing and return every row.
    let mut bands = Vec::new();
    for code in query
        .band
        .split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        let Some(band) = Band::from_code(code) else {
            return Err(Refusal(
                Error::invalid(
                    "bad_band",
                    Text::new(
                        format!("알 수 없는 등급입니다: {code:?} ({})", Band::codes()),
                        format!("unknown band {code:?} (use one of {})", Band::codes()),
                    ),
                ),
                lang,
            ));
        };
        bands.push(band);
    }
    // SQLite counts in signed 64 bits: a larger offset would wrap round to
    // the first page.
    if i64::try_from(query.offset).is_err() {
        return Err(Refusal(
            Error::invalid(
                "bad_offset",
                Text::new(
                    format!(
                        "offset {}이(가) 너무 큽니다 (최대 {})",
                        query.offset,
                        i64::MAX
                    ),
                    format!(
                        "offset {} is too large (at most {})",
                        query.offset,
                        i64::MAX
                    ),
                ),
            ),
            lang,
        ));
    }
    let filter = RowFilter {
        bands,
        department: query.department,
        text: query.q,
        reviewed: query.reviewed,
        offset: query.offset,
        limit: query.limit,
    };
    answer_json(&req, state, move |state, lang| {
        let mut rows = state
            .with_store(|s| s.run_rows(&id, &filter))?
            .ok_or_else(|| no_such_run(&id))?;
        for row in &mut rows.rows {
            pipeline::reasons_in(&mut row.record.reasons, lang);
        }
        Ok(rows)
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct NextQuery {
    view: String,
    #[serde(default = "default_next")]
    limit: usize,
}

fn default_next() -> usize {
    20
}

/// One row to review next, with what the model in use says of it.
#[derive(Serialize)]
struct NextRow {
    #[serde(flatten)]
    row: RunRow,
    #[serde(flatten)]
    judgement: Judgement,
    teaching: f64,
}

/// Why a review-next view is empty: no model learnt from reviews yet.
fn no_model_yet() -> Text {
    Text::new(
        "검토로 학습한 모델이 아직 없습니다. 검토를 저장하면 학습합니다",
        "no model has been learnt from reviews yet; it learns once reviews are saved",
    )
}

/// `GET runs/{id}/next?view=sure|teach`: the run's rows not reviewed yet,
/// in the order the model in use says to review them (`learn::next`),
/// judged by that model now, whichever model scored the run.
pub(super) async fn run_next(
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<NextQuery>,
    state: web::Data<AppState>,
) -> Reply {
    let lang = request_lang(&req);
    let id = id.into_inner();
    let query = query.into_inner();
    let Some(view) = NextView::from_code(query.view.trim()) else {
        return Err(Refusal(
            Error::invalid(
                "bad_view",
                Text::new(
                    format!(
                        "알 수 없는 보기입니다: {:?} ({})",
                        query.view,
                        NextView::codes()
                    ),
                    format!(
                        "unknown view {:?} (use one of {})",
                        query.view,
                        NextView::codes()
                    ),
                ),
            ),
            lang,
        ));
    };
    let limit = query.limit.clamp(1, 1000);
    answer_json(&req, state, move |state, lang| {
        let learned = state.learned();
        let rows = state
            .with_store(|s| s.unreviewed_findings(&id))?
            .ok_or_else(|| no_such_run(&id))?;
        let unreviewed = rows.len();
        let Some(learned) = learned else {
            return Ok(serde_json::json!({
                "view": view, "model_version": null, "why": no_model_yet(),
                "unreviewed": unreviewed, "rows": [],
            }));
        };
        let (rows, features): (Vec<RunRow>, Vec<_>) = rows.into_iter().unzip();
        let judged: Vec<Judgement> = learned
            .lessons
            .assess(&features)
            .into_iter()
            .map(|(_, j)| j)
            .collect();
        let scores: Vec<f64> = rows.iter().map(|r| r.record.score).collect();
        let order = next::order(&judged, &scores, view, limit);
        let mut rows: Vec<Option<RunRow>> = rows.into_iter().map(Some).collect();
        let next: Vec<NextRow> = order
            .into_iter()
            .filter_map(|i| {
                let mut row = rows[i].take()?;
                pipeline::reasons_in(&mut row.record.reasons, lang);
                Some(NextRow {
                    row,
                    judgement: judged[i],
                    teaching: judged[i].teaching(),
                })
            })
            .collect();
        Ok(serde_json::json!({
            "view": view, "model_version": learned.run_version(), "why": null,
            "unreviewed": unreviewed, "rows": next,
        }))
    })
    .await
}
