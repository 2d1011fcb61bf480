//! The JSON API under `/api/v1` (see `openapi.json` beside this file): the
//! routes and the helpers every handler shares; one file per resource
//! (`score`, `reviews`, `runs`, `history`, `model`, `sample`, `columns`). Handlers only
//! translate: the work is the pipeline's and the store's, run on the
//! blocking pool so the async workers keep answering.

mod columns;
mod history;
mod model;
mod reviews;
mod runs;
mod sample;
mod score;

pub use score::Alert;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::errors::{request_lang, Error, Kind, Refusal};
use super::rows;
use super::AppState;
use crate::i18n::{Lang, Text};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            // Every route and the scope's own 404: see `security`'s header.
            .wrap(actix_web::middleware::from_fn(
                super::security::require_token,
            ))
            // A malformed query string is answered in the API's error format.
            .app_data(web::QueryConfig::default().error_handler(|e, req| {
                Refusal(
                    Error::new(
                        Kind::Malformed,
                        "bad_query",
                        Text::new(
                            format!("주소의 질의 문자열이 올바르지 않습니다: {e}"),
                            format!("the query string is not valid: {e}"),
                        ),
                    ),
                    request_lang(req),
                )
                .into()
            }))
            .route("/health", web::get().to(health))
            .route("/score", web::post().to(score::score))
            .route("/reviews", web::post().to(reviews::post_reviews))
            .route("/reviews", web::get().to(reviews::get_reviews))
            .route("/runs", web::get().to(runs::runs))
            .route("/runs/{id}", web::get().to(runs::run))
            .route("/runs/{id}", web::delete().to(runs::remove_run))
            .route("/runs/{id}/rows", web::get().to(runs::run_rows))
            .route("/runs/{id}/rows/{key}", web::get().to(runs::run_row_detail))
            .route("/runs/{id}/next", web::get().to(runs::run_next))
            .route("/history", web::get().to(history::history_json))
            .route("/history.xlsx", web::get().to(history::history_xlsx))
            .route("/report.pdf", web::get().to(history::report_pdf))
            .route("/model/report", web::get().to(model::model_report))
            .route("/model/status", web::get().to(model::model_status))
            .route("/sample/plan", web::post().to(sample::plan))
            .route("/sample/select", web::post().to(sample::select))
            .route("/sample/evaluate", web::post().to(sample::evaluate))
            .route("/columns", web::post().to(columns::columns))
            .route("/layout", web::get().to(layout))
            .route("/openapi.json", web::get().to(openapi))
            .default_service(web::to(not_found)),
    );
}

type Reply = Result<HttpResponse, Refusal>;

fn refuse(lang: Lang) -> impl Fn(Error) -> Refusal {
    move |e| Refusal(e, lang)
}

/// Runs blocking work (parsing, scoring, SQLite) off the async workers.
async fn blocking<T: Send + 'static>(
    lang: Lang,
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Refusal> {
    web::block(work)
        .await
        .map_err(Error::internal)
        .and_then(|r| r)
        .map_err(refuse(lang))
}

/// JSON bytes, made on the blocking pool (responses themselves are not `Send`).
fn json_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(Error::internal)
}

/// Most handlers' whole shape: `work` runs on the blocking pool (it reads
/// or writes the store) and its value is the JSON answer; its error is
/// answered in the request's language.
async fn answer_json<T: Serialize>(
    req: &HttpRequest,
    state: web::Data<AppState>,
    work: impl FnOnce(&AppState, Lang) -> Result<T, Error> + Send + 'static,
) -> Reply {
    let lang = request_lang(req);
    let state = state.into_inner();
    blocking(lang, move || json_bytes(&work(&state, lang)?))
        .await
        .map(json_ok)
}

fn json_ok(body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    paused: bool,
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        paused: state.is_paused(),
    })
}

/// 404 as a JSON error, for the API and for any other unknown path.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let error = Error::new(
        Kind::NotFound,
        "not_found",
        Text::new(
            format!("없는 경로입니다: {}", req.path()),
            format!("no such path: {}", req.path()),
        ),
    );
    super::errors::to_response(&error, request_lang(&req))
}

/// Refuses a text the store would keep for ever that is longer than `max`
/// characters (a 50 MB workbook name would make every later history page
/// 50 MB).
fn check_length(what: Text, value: &str, max: usize) -> Result<(), Error> {
    let n = value.chars().count();
    if n <= max {
        return Ok(());
    }
    Err(Error::invalid(
        "text_too_long",
        Text::new(
            format!("{}이(가) {max}자 한도를 넘습니다 ({n}자)", what.ko),
            format!(
                "the {} is over the {max}-character limit ({n} characters)",
                what.en
            ),
        ),
    ))
}

fn bad_json(e: &serde_json::Error) -> Error {
    match rows::limit_hit(e) {
        Some(limit) => Error::invalid(
            "too_many_cells",
            Text::new(
                format!(
                    "시트가 너무 큽니다 ({limit} 한도: 행 {}개, 열 {}개, 셀 {}개). 나누어 보내세요",
                    rows::MAX_ROWS,
                    rows::MAX_COLUMNS,
                    rows::MAX_CELLS
                ),
                format!(
                    "the sheet is too large ({limit} limit: {} rows, {} columns, {} cells); send it in parts",
                    rows::MAX_ROWS,
                    rows::MAX_COLUMNS,
                    rows::MAX_CELLS
                ),
            ),
        ),
        None => Error::new(
            Kind::Malformed,
            "bad_json",
            Text::new(format!("JSON 본문이 올바르지 않습니다: {e}"), format!("the JSON body is not valid: {e}")),
        ),
    }
}

/// `GET layout`: the words and colours of the columns ledgerlens adds to a
/// sheet, in both languages, so the add-in writes what the command line's
/// workbook writes and recognises its own columns whichever language wrote
/// them.
async fn layout() -> HttpResponse {
    // The same for the agent's whole life: made once.
    static LAYOUT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let body = LAYOUT.get_or_init(|| {
        serde_json::to_vec(&crate::report::workbook::layout()).expect("the layout serialises")
    });
    json_ok(body.clone())
}

/// The OpenAPI document, kept beside the routes it describes.
pub const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn openapi() -> serde_json::Value {
        serde_json::from_str(OPENAPI).unwrap()
    }

    /// Every enum in openapi.json, with where it stands.
    fn enums(value: &serde_json::Value, at: &str, out: &mut Vec<(String, Vec<String>)>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Array(codes)) = map.get("enum") {
                    let codes = codes.iter().map(|c| c.as_str().unwrap().to_string());
                    out.push((at.to_string(), codes.collect()));
                }
                for (key, v) in map {
                    enums(v, &format!("{at}/{key}"), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    enums(v, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// openapi.json spells the vocabulary's codes for its readers; each
    /// list must be the vocabulary's, whole (a run's flagged rows: the
    /// flagged bands).
    #[test]
    fn the_documented_codes_are_the_vocabulary() {
        use crate::vocabulary::{
            Band, DetectorKind, Estimator, Likelihood, MatchedBy, NextView, ReviewReason,
            ReviewStatus, SelectionMethod,
        };
        let flagged: Vec<&str> = Band::ALL
            .iter()
            .filter(|b| b.is_flagged())
            .map(|b| b.code())
            .collect();
        let mut found = Vec::new();
        enums(&openapi(), "", &mut found);
        assert!(found.len() >= 5, "{found:?}");
        for (at, codes) in found {
            let first = codes[0].as_str();
            // Reasons before detectors: two codes (duplicate, split) are both.
            let expected: Vec<&str> = if ReviewReason::from_code(first).is_some() {
                ReviewReason::CODES.to_vec()
            } else if DetectorKind::from_code(first).is_some() {
                DetectorKind::CODES.to_vec()
            } else if ReviewStatus::from_code(first).is_some() {
                ReviewStatus::CODES.to_vec()
            } else if Likelihood::from_code(first).is_some() {
                Likelihood::CODES.to_vec()
            } else if SelectionMethod::from_code(first).is_some() {
                SelectionMethod::CODES.to_vec()
            } else if Estimator::from_code(first).is_some() {
                Estimator::CODES.to_vec()
            } else if NextView::from_code(first).is_some() {
                NextView::CODES.to_vec()
            } else if MatchedBy::from_code(first).is_some() {
                MatchedBy::CODES.to_vec()
            } else if Band::from_code(first).is_some() {
                if at.contains("flagged") {
                    flagged.clone()
                } else {
                    Band::CODES.to_vec()
                }
            } else {
                assert!(
                    at.contains("parameters"),
                    "{at}: an enum of unknown codes {codes:?}"
                );
                vec!["ko", "en"]
            };
            assert_eq!(codes, expected, "{at}");
        }
    }

    /// Every route `routes` serves is in openapi.json (the security tests
    /// take their route list from it), and nothing more.
    #[test]
    fn every_route_is_documented() {
        let source = include_str!("mod.rs");
        let routes_fn = &source[source.find("pub fn routes(").unwrap()..];
        let routes_fn = &routes_fn[..routes_fn.find("\n}\n").unwrap()];
        let mut served = std::collections::BTreeSet::new();
        for part in routes_fn.split(".route(\"").skip(1) {
            let path = &part[..part.find('"').unwrap()];
            let method = part.split("web::").nth(1).unwrap();
            let method = &method[..method.find('(').unwrap()];
            served.insert(format!("{method} {path}"));
        }
        let doc = openapi();
        let mut documented = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if ["get", "post", "delete", "put", "patch"].contains(&method.as_str()) {
                    documented.insert(format!("{method} {path}"));
                }
            }
        }
        assert!(served.len() >= 12, "{served:?}");
        assert_eq!(served, documented);
    }
}
