//! The JSON API under `/api/v1` (see `openapi.json` beside this file).
//! Handlers only translate: the work is the pipeline's and the store's,
//! run on the blocking pool so the async workers keep answering.

use std::sync::Arc;
use std::time::Instant;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::body::{self, Body};
use super::errors::{request_lang, Error, Kind, Refusal};
use super::rows::{self, ScoreRequest};
use super::AppState;
use crate::i18n::{Lang, Text};
use crate::ingest::{self, Field, Format, IngestOptions};
use crate::pipeline::{self, RowOut, Source, Stage, Summary};
use crate::store::{NewReview, RowFilter, RunMeta};
use crate::vocabulary::{Band, ReviewStatus};

use crate::limits::{
    MAX_COLUMNS_BODY, MAX_KEY_CHARS, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_REVIEWER_CHARS,
    MAX_REVIEWS_BODY, MAX_SCORE_BODY,
};

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
            .route("/score", web::post().to(score))
            .route("/reviews", web::post().to(post_reviews))
            .route("/reviews", web::get().to(get_reviews))
            .route("/runs", web::get().to(runs))
            .route("/runs/{id}", web::get().to(run))
            .route("/runs/{id}", web::delete().to(remove_run))
            .route("/runs/{id}/rows", web::get().to(run_rows))
            .route("/history", web::get().to(history_json))
            .route("/history.xlsx", web::get().to(history_xlsx))
            .route("/columns", web::post().to(columns))
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

/// What a score request carries once its body is read.
enum ScoreInput {
    Json(Body),
    Workbook { body: Body, format: Format },
}

#[derive(Deserialize)]
struct ScoreQuery {
    workbook: Option<String>,
    sheet: Option<String>,
}

#[derive(Serialize)]
struct ScoreResponse<'a> {
    run_id: String,
    results: Vec<RowOut<'a>>,
    summary: &'a Summary,
    quality: &'a ingest::QualityReport,
}

async fn score(
    req: HttpRequest,
    payload: web::Payload,
    query: web::Query<ScoreQuery>,
    state: web::Data<AppState>,
) -> Reply {
    let lang = request_lang(&req);
    let started = Instant::now();
    if state.is_paused() {
        return Err(Refusal(
            Error::new(
                Kind::Unavailable,
                "paused",
                Text::new(
                    "에이전트가 일시 중지되어 있습니다. 트레이 메뉴에서 재개하세요",
                    "the agent is paused; resume it from the tray menu",
                ),
            ),
            lang,
        ));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let is_json = content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    let format = Format::from_content_type(&content_type);
    if !is_json && format.is_none() {
        return Err(Refusal(
            Error::new(
                Kind::UnsupportedType,
                "unsupported_media_type",
                Text::new(
                    format!("지원하지 않는 Content-Type입니다: {content_type:?} (JSON, xlsx, xls, ods, csv)"),
                    format!("unsupported Content-Type {content_type:?} (use JSON, xlsx, xls, ods or csv)"),
                ),
            ),
            lang,
        ));
    }
    // The body is read under the shared body budget (an oversized one is
    // refused before a byte is read); only then is a scoring slot taken, so
    // a slot is held while work is done, never while a client uploads.
    let state = state.into_inner();
    let body = state
        .bodies
        .read(&req, payload, MAX_SCORE_BODY)
        .await
        .map_err(refuse(lang))?;
    let _permit = body::slot(&state.scoring).await.map_err(refuse(lang))?;
    let input = match format {
        Some(format) if !is_json => ScoreInput::Workbook { body, format },
        _ => ScoreInput::Json(body),
    };
    let query = query.into_inner();
    let job = state.clone();
    // The job answers through `answer` as soon as the run is recorded and
    // the response is built, then writes the scored rows while still holding
    // the store, so every later request sees the run whole.
    let (answer, answered) = tokio::sync::oneshot::channel();
    actix_web::rt::task::spawn_blocking(move || score_blocking(&job, input, query, lang, answer));
    let body = answered
        .await
        .map_err(Error::internal)
        .and_then(|r| r)
        .map_err(refuse(lang))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            "Server-Timing",
            format!("total;dur={:.1}", started.elapsed().as_secs_f64() * 1000.0),
        ))
        .body(body))
}

fn sha256_hex(bytes: &[u8]) -> String {
    crate::hex::hex(&Sha256::digest(bytes))
}

type Answer = tokio::sync::oneshot::Sender<Result<Vec<u8>, Error>>;

fn score_blocking(
    state: &Arc<AppState>,
    input: ScoreInput,
    query: ScoreQuery,
    lang: Lang,
    answer: Answer,
) {
    let mut answer = Some(answer);
    let mut reply = |result: Result<Vec<u8>, Error>| {
        if let Some(answer) = answer.take() {
            // The caller may have gone; the run is recorded all the same.
            let _ = answer.send(result);
        }
    };
    if let Err(e) = score_and_record(state, input, query, lang, &mut reply) {
        reply(Err(e));
    }
}

fn score_and_record(
    state: &Arc<AppState>,
    input: ScoreInput,
    query: ScoreQuery,
    lang: Lang,
    reply: &mut impl FnMut(Result<Vec<u8>, Error>),
) -> Result<(), Error> {
    // The body's share of the budget is kept until the run is scored: the
    // ledger parsed from it is bigger than the bytes were.
    let t0 = Instant::now();
    let (run, workbook, sha) = match input {
        ScoreInput::Json(Body { bytes, reserved }) => {
            // The pane's JSON is this door's own format: parsed here into
            // cells, then read like any other input.
            let mut request: ScoreRequest =
                serde_json::from_slice(&bytes).map_err(|e| bad_json(&e))?;
            let sha = sha256_hex(&bytes);
            drop(bytes);
            let workbook = query
                .workbook
                .unwrap_or(std::mem::take(&mut request.workbook));
            let workbook = if workbook.trim().is_empty() {
                "workbook".to_string()
            } else {
                workbook
            };
            let options = IngestOptions {
                overrides: request.overrides()?,
                ..Default::default()
            };
            let grid = request.into_grid(query.sheet);
            let source = Source::Grid {
                grid,
                name: &workbook,
            };
            let run = score_source(source, &options, &state.config, &workbook, t0)?;
            drop(reserved);
            (run, workbook, sha)
        }
        ScoreInput::Workbook {
            body: Body { bytes, reserved },
            format,
        } => {
            let workbook = query.workbook.unwrap_or_else(|| "upload".to_string());
            let options = IngestOptions {
                sheet: query.sheet,
                ..Default::default()
            };
            let source = Source::Bytes {
                bytes: &bytes,
                name: &workbook,
                format,
            };
            let run = score_source(source, &options, &state.config, &workbook, t0)?;
            let sha = sha256_hex(&bytes);
            drop(reserved);
            (run, workbook, sha)
        }
    };
    let (scored, ingest_s, score_s) = (run.scored, run.read_s, run.score_s);
    let meta = RunMeta {
        actor: super::os_user(),
        workbook,
        input_sha256: sha,
        config_json: serde_json::to_string(&*state.config).unwrap_or_default(),
        ingest_s,
    };
    let t2 = Instant::now();
    let mut store = state.store()?;
    let run_id = store.record_run_header(&meta, &scored)?;
    let header_s = t2.elapsed().as_secs_f64();
    let t3 = Instant::now();
    let response = ScoreResponse {
        run_id,
        results: scored.rows.iter().map(|r| r.to_out(lang)).collect(),
        summary: &scored.summary,
        quality: &scored.ledger.quality,
    };
    reply(serde_json::to_vec(&response).map_err(Error::internal));
    let respond_s = t3.elapsed().as_secs_f64();
    let t4 = Instant::now();
    // The caller has its answer; a failure now can only be logged, and the
    // run stays marked incomplete.
    if let Err(e) = store.record_scored_rows(&response.run_id, &scored) {
        tracing::error!("run {}: scored rows not recorded: {e}", response.run_id);
        return Ok(());
    }
    state.note_run(&response.run_id, scored.rows.len());
    super::backup_if_due(&mut store);
    tracing::info!(
        rows = response.results.len(),
        ingest_s,
        score_s,
        header_s,
        respond_s,
        rows_s = t4.elapsed().as_secs_f64(),
        "scored"
    );
    Ok(())
}

/// The pipeline for one request: the names the run would be recorded
/// under are checked as soon as the ledger is read, before it is scored.
/// The read time counts from `t0`, when the body was in (JSON parsing is
/// reading too).
fn score_source(
    source: Source<'_>,
    options: &IngestOptions,
    config: &crate::config::Checked,
    workbook: &str,
    t0: Instant,
) -> Result<pipeline::Run, Error> {
    let mut read_s = 0.0;
    let mut run = pipeline::run(source, options, config, &mut |stage| match stage {
        Stage::Reading => Ok(()),
        Stage::Read(ledger) => {
            read_s = t0.elapsed().as_secs_f64();
            check_names(workbook, &ledger.sheet)
        }
    })?;
    run.read_s = read_s;
    Ok(run)
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

/// The names a run is recorded under, from the request or the workbook.
fn check_names(workbook: &str, sheet: &str) -> Result<(), Error> {
    check_length(
        Text::new("통합문서 이름", "workbook name"),
        workbook,
        MAX_NAME_CHARS,
    )?;
    check_length(Text::new("시트 이름", "sheet name"), sheet, MAX_NAME_CHARS)
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

#[derive(Deserialize)]
struct ReviewsRequest {
    reviews: Vec<ReviewIn>,
}

#[derive(Deserialize)]
struct ReviewIn {
    key: String,
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reviewer: String,
}

#[derive(Serialize)]
struct ReviewsSaved {
    saved: usize,
    /// Keys no run has scored: saved all the same, and reported.
    unknown_keys: Vec<String>,
}

async fn post_reviews(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    let body = state
        .bodies
        .read(&req, payload, MAX_REVIEWS_BODY)
        .await
        .map_err(refuse(lang))?;
    // What is parsed from a body is larger than the body: a few at a time.
    let _permit = body::slot(&state.parsing).await.map_err(refuse(lang))?;
    let job = state.clone();
    let body = blocking(lang, move || {
        let request: ReviewsRequest =
            serde_json::from_slice(&body.bytes).map_err(|e| bad_json(&e))?;
        let mut reviews = Vec::with_capacity(request.reviews.len());
        for (i, r) in request.reviews.into_iter().enumerate() {
            if r.key.trim().is_empty() {
                return Err(Error::invalid(
                    "missing_key",
                    Text::new(
                        format!("{}번째 검토에 행 키가 없습니다", i + 1),
                        format!("review {} has no row key", i + 1),
                    ),
                ));
            }
            let nth = |ko: &str, en: &str| {
                Text::new(
                    format!("{}번째 검토의 {ko}", i + 1),
                    format!("review {}'s {en}", i + 1),
                )
            };
            check_length(nth("행 키", "row key"), &r.key, MAX_KEY_CHARS)?;
            check_length(nth("메모", "note"), &r.note, MAX_NOTE_CHARS)?;
            check_length(nth("검토자", "reviewer"), &r.reviewer, MAX_REVIEWER_CHARS)?;
            let reviewer = if r.reviewer.trim().is_empty() {
                super::os_user()
            } else {
                r.reviewer
            };
            let status = ReviewStatus::from_code(&r.status).ok_or_else(|| {
                Error::invalid(
                    "bad_status",
                    Text::new(
                        format!(
                            "검토 상태 {:?}는 {} 중 하나여야 합니다",
                            r.status,
                            ReviewStatus::codes()
                        ),
                        format!(
                            "review status {:?} must be one of {}",
                            r.status,
                            ReviewStatus::codes()
                        ),
                    ),
                )
            })?;
            reviews.push(NewReview {
                key: r.key,
                status,
                note: r.note,
                reviewer,
            });
        }
        // add_reviews returns once the transaction is on disk (WAL,
        // synchronous=FULL), and refuses a store found damaged.
        let (saved, unknown_keys) = job.with_store(|store| {
            let saved = store.add_reviews(&reviews)?;
            Ok((
                saved,
                store.unknown_keys(reviews.iter().map(|r| r.key.as_str()))?,
            ))
        })?;
        json_bytes(&ReviewsSaved {
            saved,
            unknown_keys,
        })
    })
    .await?;
    Ok(json_ok(body))
}

async fn get_reviews(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    blocking(lang, move || {
        let reviews = state.with_store(|s| s.latest_reviews())?;
        json_bytes(&serde_json::json!({ "reviews": reviews }))
    })
    .await
    .map(json_ok)
}

async fn runs(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    blocking(lang, move || {
        let runs = state.with_store(|s| s.runs())?;
        json_bytes(&serde_json::json!({ "runs": runs }))
    })
    .await
    .map(json_ok)
}

async fn run(req: HttpRequest, id: web::Path<String>, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    let id = id.into_inner();
    blocking(lang, move || match state.with_store(|s| s.run(&id))? {
        Some(mut detail) => {
            for row in &mut detail.flagged {
                pipeline::reasons_in(&mut row.reasons, lang);
            }
            json_bytes(&detail)
        }
        None => Err(crate::store::no_such_run(&id)),
    })
    .await
    .map(json_ok)
}

/// `DELETE runs/{id}`: removes a run cut off by a crash (409 for any other:
/// a complete run is evidence), with an audit event.
async fn remove_run(req: HttpRequest, id: web::Path<String>, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    let id = id.into_inner();
    blocking(lang, move || {
        if state.with_store(|s| s.remove_interrupted_run(&id, &super::os_user()))? {
            json_bytes(&serde_json::json!({ "removed": id }))
        } else {
            Err(crate::store::no_such_run(&id))
        }
    })
    .await
    .map(json_ok)
}

#[derive(Deserialize)]
struct RowsQuery {
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

async fn run_rows(
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<RowsQuery>,
    state: web::Data<AppState>,
) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
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
    blocking(lang, move || {
        match state.with_store(|s| s.run_rows(&id, &filter))? {
            Some(mut rows) => {
                for row in &mut rows.rows {
                    pipeline::reasons_in(&mut row.record.reasons, lang);
                }
                json_bytes(&rows)
            }
            None => Err(crate::store::no_such_run(&id)),
        }
    })
    .await
    .map(json_ok)
}

/// The history as data (for the dashboard) and laid out as sheets (for
/// the add-in where `insertWorksheetsFromBase64` is missing).
async fn history_json(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    blocking(lang, move || {
        let mut history = state.with_store(|s| s.history())?;
        let sheets = crate::report::history::sheets(&history, lang);
        let records = history
            .top_by_month
            .iter_mut()
            .flat_map(|(_, month)| month.iter_mut());
        for record in records.chain(history.repeats.iter_mut().map(|r| &mut r.record)) {
            pipeline::reasons_in(&mut record.reasons, lang);
        }
        json_bytes(&serde_json::json!({ "history": history, "sheets": sheets }))
    })
    .await
    .map(json_ok)
}

#[derive(Serialize)]
struct DetectedColumn {
    field: Field,
    /// 0-based column within the rows sent.
    index: usize,
    header: String,
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
async fn columns(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let body = state
        .bodies
        .read(&req, payload, MAX_COLUMNS_BODY)
        .await
        .map_err(refuse(lang))?;
    let _permit = body::slot(&state.parsing).await.map_err(refuse(lang))?;
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

/// `GET layout`: the words and colours of the columns ledgerlens adds to a
/// sheet, in both languages, so the add-in writes what the command line's
/// workbook writes and recognises its own columns whichever language wrote
/// them.
async fn layout() -> HttpResponse {
    json_ok(serde_json::to_vec(&crate::report::workbook::layout()).expect("the layout serialises"))
}

async fn history_xlsx(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let lang = request_lang(&req);
    let state = state.into_inner();
    let bytes = blocking(lang, move || {
        let history = state.with_store(|s| s.history())?;
        crate::report::history::write(&history, lang).map_err(Error::internal)
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

    /// openapi.json spells the vocabulary's codes for its readers; they
    /// must be the vocabulary's.
    #[test]
    fn the_documented_codes_are_the_vocabulary() {
        use crate::vocabulary::DetectorKind;
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        let schemas = &doc["components"]["schemas"];
        let codes = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        };
        let all = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            codes(&schemas["Reason"]["properties"]["code"]["enum"]),
            all(&DetectorKind::ALL
                .iter()
                .map(|k| k.code())
                .collect::<Vec<_>>())
        );
        assert_eq!(
            codes(&schemas["Result"]["properties"]["band"]["enum"]),
            all(&Band::ALL.iter().map(|b| b.code()).collect::<Vec<_>>())
        );
        assert_eq!(
            codes(&schemas["Review"]["properties"]["status"]["enum"]),
            all(&ReviewStatus::ALL
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>())
        );
    }
}
