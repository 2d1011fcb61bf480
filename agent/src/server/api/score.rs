//! `POST score`: a sheet's cells (JSON) or a workbook's bytes in, the
//! scored rows out, the run recorded.

use std::sync::Arc;
use std::time::Instant;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{bad_json, check_length, refuse, Reply};
use crate::i18n::{Lang, Text};
use crate::ingest::{self, Format, IngestOptions};
use crate::limits::{MAX_NAME_CHARS, MAX_SCORE_BODY};
use crate::pipeline::{self, RowOut, Source, Stage, Summary};
use crate::server::body::Body;
use crate::server::errors::{request_lang, Error, Kind, Refusal};
use crate::server::rows::ScoreRequest;
use crate::server::{AppState, Queue};
use crate::store::RunMeta;

/// What a score request carries once its body is read.
enum ScoreInput {
    Json(Body),
    Workbook { body: Body, format: Format },
}

#[derive(Deserialize)]
pub(super) struct ScoreQuery {
    workbook: Option<String>,
    sheet: Option<String>,
    /// The confidence this Score's alert counts from (else the config's).
    alert_confidence: Option<f64>,
    /// For an uploaded workbook: the sheet of it that holds the budget
    /// (the JSON body names its budget sheet in the body).
    budget_sheet: Option<String>,
    /// Forecast the ledger's monthly series too (`forecast::watch`).
    #[serde(default)]
    forecast: bool,
}

#[derive(Serialize)]
struct ScoreResponse<'a> {
    run_id: String,
    results: Vec<RowOut<'a>>,
    summary: &'a Summary,
    quality: &'a ingest::QualityReport,
    /// With a model learnt from reviews: the unreviewed rows it is sure of.
    alert: Option<Alert>,
    /// With a budget sheet: the ledger's execution against it.
    budget: Option<BudgetOut<'a>>,
    /// With `?forecast=true`: the months outside their forecast range.
    forecast: Option<ForecastOut<'a>>,
}

/// A ledger's monthly forecasts (`forecast::watch`).
#[derive(Serialize)]
struct ForecastOut<'a> {
    series: usize,
    flags: Vec<FlagOut<'a>>,
    /// The model used, its number in the store, and why it was trained
    /// or reused, with the drift measured.
    model: &'a crate::forecast::watch::ModelUse,
    /// The same, as a sentence.
    model_text: String,
    /// The 예측 sheet as the command line's workbook has it.
    laid_out: crate::report::laid_out::LaidOutSheet,
}

#[derive(Serialize)]
struct FlagOut<'a> {
    #[serde(flatten)]
    flag: &'a crate::forecast::run::MonthFlag,
    reason: String,
}

impl<'a> ForecastOut<'a> {
    fn new(
        w: &'a crate::forecast::watch::Watch,
        currency: crate::money::Currency,
        lang: Lang,
    ) -> ForecastOut<'a> {
        ForecastOut {
            series: w.forecasts.series.len(),
            flags: w
                .forecasts
                .flags
                .iter()
                .map(|flag| FlagOut {
                    flag,
                    reason: flag.reason(currency).get(lang).to_string(),
                })
                .collect(),
            model: &w.model,
            model_text: w.model.describe().get(lang).to_string(),
            laid_out: crate::report::forecast::sheet(w, currency, lang),
        }
    }
}

/// A ledger watched against the request's budget sheet (`budget::monitor`).
#[derive(Serialize)]
struct BudgetOut<'a> {
    sheet: &'a str,
    header_row: u32,
    lines: usize,
    year: i32,
    /// The ledger's latest month: every line's rows run to it.
    through: usize,
    /// Payments no line took, and payments of other years: (rows, amount).
    unmatched: (usize, f64),
    other_years: (usize, f64),
    skipped: &'a [crate::budget::read::SkippedRow],
    rows: &'a [crate::budget::execution::Execution],
    /// The 집행률 sheet as the command line's workbook has it, for the
    /// pane to write (`report::execution`).
    laid_out: crate::report::laid_out::LaidOutSheet,
}

impl<'a> BudgetOut<'a> {
    fn new(
        m: &'a crate::budget::Monitoring,
        currency: crate::money::Currency,
        lang: Lang,
    ) -> BudgetOut<'a> {
        BudgetOut {
            sheet: &m.budget.sheet,
            header_row: m.budget.header_row,
            lines: m.budget.lines.len(),
            year: m.spent.year,
            through: m.spent.through,
            unmatched: m.spent.unmatched,
            other_years: m.spent.other_years,
            skipped: &m.budget.skipped,
            rows: &m.rows,
            laid_out: crate::report::execution::sheet(m, currency, lang),
        }
    }
}

/// The unreviewed rows of a Score that the model in use gives at least
/// `confidence` of being confirmed (issue 12.5): the pane's banner and the
/// tray's notification.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub confidence: f64,
    pub count: usize,
    /// The most likely first, at most [`ALERT_ROWS`].
    pub rows: Vec<AlertRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub row: u32,
    pub key: String,
    pub confidence: f64,
}

/// How many of an alert's rows are listed.
const ALERT_ROWS: usize = 10;

/// The alert of a Score scored with a learnt model: its rows at or above
/// `at`, less those some review has already touched.
fn alert(
    scored: &pipeline::ScoredLedger,
    at: f64,
    store: &crate::store::Store,
) -> Result<Option<Alert>, Error> {
    // Scored without a learnt model: nothing to be sure of.
    if scored.rows.iter().all(|r| r.confidence.is_none()) {
        return Ok(None);
    }
    let mut sure: Vec<(usize, f64)> = scored
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.confidence.filter(|&c| c >= at).map(|c| (i, c)))
        .collect();
    if !sure.is_empty() {
        let reviewed = store.reviewed_keys()?;
        sure.retain(|&(i, _)| !reviewed.contains(scored.key(i)));
    }
    sure.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(Some(Alert {
        confidence: at,
        count: sure.len(),
        rows: sure
            .iter()
            .take(ALERT_ROWS)
            .map(|&(i, confidence)| AlertRow {
                file: scored.file_of(i).map(str::to_string),
                row: scored.sheet_row(i),
                key: scored.key(i).to_string(),
                confidence,
            })
            .collect(),
    }))
}

pub(super) async fn score(
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
    let state = state.into_inner();
    let (body, _permit) = state
        .body_then_place(&req, payload, MAX_SCORE_BODY, Queue::Scoring)
        .await
        .map_err(refuse(lang))?;
    let query = query.into_inner();
    if let Some(at) = query
        .alert_confidence
        .filter(|&v| !crate::config::is_confidence(v))
    {
        return Err(Refusal(
            Error::invalid(
                "bad_alert_confidence",
                Text::new(
                    format!("alert_confidence는 0보다 크고 1 이하여야 합니다 ({at})"),
                    format!("alert_confidence must be above 0 and at most 1 ({at})"),
                ),
            ),
            lang,
        ));
    }
    let input = match format {
        Some(format) if !is_json => ScoreInput::Workbook { body, format },
        _ => ScoreInput::Json(body),
    };
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
    // The training worker stands still until this Score is done.
    let _scoring = state.scoring();
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
    let alert_confidence = query.alert_confidence;
    let wants_forecast = query.forecast;
    let mut budget = None;
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
            // The budget is read first: a bad one is told before scoring.
            if let Some(sheet) = request.budget.take() {
                let grid = sheet.into_grid(request.date1904);
                budget = Some(crate::budget::read::budget_from_grid(grid, &workbook)?);
            }
            let grid = request.into_grid(query.sheet);
            let source = Source::Grid {
                grid,
                name: &workbook,
            };
            let run = score_source(source, &options, state, &workbook, t0)?;
            drop(reserved);
            (run, workbook, sha)
        }
        ScoreInput::Workbook {
            body: Body { bytes, reserved },
            format,
        } => {
            let workbook = query.workbook.unwrap_or_else(|| "upload".to_string());
            // The budget is read first: a bad one is told before scoring.
            if let Some(sheet) = query.budget_sheet.as_deref() {
                budget = Some(crate::budget::read::read_budget(
                    &bytes,
                    &workbook,
                    format,
                    Some(sheet),
                )?);
            }
            let options = IngestOptions {
                sheet: query.sheet,
                ..Default::default()
            };
            let source = Source::Bytes {
                bytes: &bytes,
                name: &workbook,
                format,
            };
            let run = score_source(source, &options, state, &workbook, t0)?;
            let sha = sha256_hex(&bytes);
            drop(reserved);
            (run, workbook, sha)
        }
    };
    let (scored, ingest_s, score_s) = (run.scored, run.read_s, run.score_s);
    // Before the store is taken: it needs only the ledger and the budget.
    let monitoring =
        budget.map(|b| crate::budget::monitor(&scored.ledger, b, state.config.budget.thresholds()));
    // Forecasts reuse the kept model or train one, outside the store's
    // lock (training takes seconds); a new model is kept with the run.
    let forecast = if wants_forecast {
        let params = crate::forecast::run::ForecastParams::default();
        let kept = state.with_store(|store| store.kept_forecaster(&params))?;
        Some(crate::forecast::watch::watch(&scored, &params, kept))
    } else {
        None
    };
    let t2 = Instant::now();
    let mut store = state.store()?;
    let forecast = match forecast {
        Some(mut w) if w.model.refit.is_some() => {
            let kept = w.forecaster.keep();
            w.model.number = Some(store.keep_forecaster(&kept, &w.model)?);
            Some(w)
        }
        other => other,
    };
    let meta = RunMeta {
        actor: crate::server::os_user(),
        workbook,
        input_sha256: sha,
        config_json: serde_json::to_string(&*state.config).unwrap_or_default(),
        ingest_s,
        forecast_model: forecast.as_ref().and_then(|w| w.model.number),
        execution: monitoring.as_ref().map(|m| m.record()),
    };
    let run_id = store.record_run_header(&meta, &scored)?;
    let header_s = t2.elapsed().as_secs_f64();
    let t3 = Instant::now();
    let at = alert_confidence.unwrap_or(state.config.review.alert_confidence);
    let alert = alert(&scored, at, &store)?;
    let response = ScoreResponse {
        run_id,
        results: scored.rows_out(lang).collect(),
        summary: &scored.summary,
        quality: &scored.ledger.quality,
        alert,
        budget: monitoring
            .as_ref()
            .map(|m| BudgetOut::new(m, scored.summary.currency, lang)),
        forecast: forecast
            .as_ref()
            .map(|w| ForecastOut::new(w, scored.summary.currency, lang)),
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
    state.note_run(&response.run_id, scored.rows.len(), response.alert.as_ref());
    crate::server::backup_if_due(&mut store);
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
    state: &AppState,
    workbook: &str,
    t0: Instant,
) -> Result<pipeline::Run, Error> {
    let mut read_s = 0.0;
    // The model in use when the Score began; a training finishing meanwhile
    // swaps in its model for the next Score, never halfway through this one.
    let learned = state.learned();
    let config = &state.config;
    let mut run =
        pipeline::run(
            source,
            options,
            config,
            learned.as_deref(),
            &mut |stage| match stage {
                Stage::Reading => Ok(()),
                Stage::Read(ledger) => {
                    read_s = t0.elapsed().as_secs_f64();
                    check_names(workbook, &ledger.sheet)
                }
            },
        )?;
    run.read_s = read_s;
    Ok(run)
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
