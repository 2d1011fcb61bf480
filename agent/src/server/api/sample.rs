//! `POST sample/plan`, `sample/select`, `sample/evaluate`: audit sampling
//! of a run's rows not flagged (`sampling/`), the same steps as the
//! command line's `ledgerlens sample`. Select draws from the store's copy
//! of the run (its low-band rows), so the pane needs to send nothing but
//! the run's id; evaluate takes the audited rows back as JSON.

use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::{bad_json, blocking, json_bytes, json_ok, refuse, Reply};
use crate::error::Error;
use crate::i18n::Lang;
use crate::i18n::Text;
use crate::limits::MAX_REVIEWS_BODY;
use crate::money::Currency;
use crate::report::laid_out::LaidOutSheet;
use crate::sampling::evaluate::{self, Audited, Evaluation, Population};
use crate::sampling::plan::{self, Plan, PlanParams};
use crate::sampling::sheet::{lay_out, read_grids, Grid, Parameters, SampleRow};
use crate::sampling::{self, DrawParams};
use crate::server::errors::request_lang;
use crate::server::{AppState, Queue};
use crate::store::no_such_run;
use crate::vocabulary::{Estimator, Likelihood, SelectionMethod};

/// The planning parameters every sampling request carries.
#[derive(Deserialize)]
struct Planning {
    #[serde(default = "default_confidence")]
    confidence: f64,
    materiality: f64,
    #[serde(default)]
    expected: f64,
    likelihood: Option<Likelihood>,
    #[serde(default = "default_method")]
    method: SelectionMethod,
}

fn default_confidence() -> f64 {
    0.95
}

fn default_method() -> SelectionMethod {
    SelectionMethod::Interval
}

impl Planning {
    fn params(&self) -> PlanParams {
        PlanParams {
            confidence: self.confidence,
            materiality: self.materiality,
            expected: self.expected,
            likelihood: self.likelihood.unwrap_or(self.method.likelihood()),
        }
    }
}

#[derive(Serialize)]
struct Planned {
    #[serde(flatten)]
    plan: Plan,
    text: Text,
}

fn planned(plan: Plan) -> Planned {
    let text = Text::new(
        plan.explain(crate::i18n::Lang::Ko),
        plan.explain(crate::i18n::Lang::En),
    );
    Planned { plan, text }
}

/// Reads a JSON body of type `T` off the parsing queue, then does `work`.
async fn with_body<T, R>(
    req: &HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    work: impl FnOnce(T, &AppState, Lang) -> Result<R, Error> + Send + 'static,
) -> Reply
where
    T: for<'de> Deserialize<'de> + Send + 'static,
    R: Serialize,
{
    let lang = request_lang(req);
    let state = state.into_inner();
    let (body, _permit) = state
        .body_then_place(req, payload, MAX_REVIEWS_BODY, Queue::Parsing)
        .await
        .map_err(refuse(lang))?;
    let job = state.clone();
    let bytes = blocking(lang, move || {
        let request: T = serde_json::from_slice(&body.bytes).map_err(|e| bad_json(&e))?;
        json_bytes(&work(request, &job, lang)?)
    })
    .await?;
    Ok(json_ok(bytes))
}

/// `POST sample/plan`: `{materiality, confidence?, expected?, likelihood?,
/// method?}` → the size, the errors it allows, its bound, in words.
pub(super) async fn plan(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Reply {
    with_body(&req, payload, state, |p: Planning, _, _| {
        Ok(planned(plan::plan(&p.params().check()?)?))
    })
    .await
}

#[derive(Deserialize)]
struct SelectRequest {
    run: String,
    #[serde(flatten)]
    planning: Planning,
    size: Option<u32>,
    seed: Option<u64>,
    /// What the sample sheet names as its ledger (the pane: workbook and
    /// sheet); the run's id when not given.
    source: Option<String>,
}

#[derive(Serialize)]
struct SampleOut {
    number: usize,
    row: u32,
    key: String,
    date: String,
    department: String,
    account: String,
    vendor: String,
    description: String,
    book: f64,
    hits: u32,
}

#[derive(Serialize)]
struct Selected {
    plan: Planned,
    method: SelectionMethod,
    likelihood: Likelihood,
    seed: u64,
    /// What `sample/evaluate` needs back with the audited rows.
    population_items: usize,
    population_value: f64,
    left_out: usize,
    flagged: u64,
    currency: Currency,
    description: Text,
    rows: Vec<SampleOut>,
    /// The sample laid out as the command line's workbook has it (the
    /// sample and its parameters), for the pane to write as two sheets.
    sheets: Vec<LaidOutSheet>,
}

/// `POST sample/select`: `{run, materiality, …, size?, seed?}` → the rows
/// drawn from the run's low band, with what evaluating them will need.
pub(super) async fn select(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Reply {
    with_body(&req, payload, state, |r: SelectRequest, state, lang| {
        let params = DrawParams {
            plan: plan::plan(&r.planning.params().check()?)?,
            size: r.size,
            method: r.planning.method,
            seed: r.seed.unwrap_or_else(|| u64::from(rand::random::<u32>())),
        };
        let crate::store::Unflagged {
            rows: population,
            flagged,
            currency,
        } = state
            .with_store(|s| s.unflagged_rows(&r.run))?
            .ok_or_else(|| no_such_run(&r.run))?;
        let books: Vec<f64> = population.iter().map(|p| p.amount).collect();
        let drawn = sampling::draw(&books, &params, |i| {
            let p = &population[i];
            SampleRow {
                source_file: String::new(),
                source_row: p.row,
                date: chrono::NaiveDate::parse_from_str(&p.date, "%Y-%m-%d").unwrap_or_default(),
                department: p.department.clone(),
                account: p.account.clone(),
                vendor: p.vendor.clone(),
                description: p.description.clone(),
                book: p.amount,
                hits: 0,
                key: p.key.clone(),
            }
        })?;
        let s = &drawn.selection;
        let source = r.source.clone().unwrap_or_else(|| r.run.clone());
        let parameters = Parameters::from_selection(
            s,
            params.plan.likelihood,
            params.plan.confidence,
            params.plan.materiality,
            currency,
            &source,
        );
        // Into the audit trail before the answer: a sample is evidence.
        let detail = serde_json::json!({
            "run": r.run,
            "method": s.method,
            "likelihood": params.plan.likelihood,
            "confidence": params.plan.confidence,
            "materiality": params.plan.materiality,
            "seed": s.seed,
            "n": s.n,
            "population_items": s.population_items,
            "population_value": s.population_value,
            "keys": drawn.rows.iter().map(|row| row.key.as_str()).collect::<Vec<_>>(),
        });
        state.with_store(|st| st.record_sample(&crate::server::os_user(), &detail))?;
        Ok(Selected {
            sheets: lay_out(&parameters, &drawn.rows, lang),
            description: s.describe(flagged as usize, currency),
            method: s.method,
            likelihood: params.plan.likelihood,
            seed: s.seed,
            population_items: s.population_items,
            population_value: s.population_value,
            left_out: s.left_out,
            flagged,
            currency,
            rows: drawn
                .rows
                .into_iter()
                .enumerate()
                .map(|(i, row)| SampleOut {
                    number: i + 1,
                    row: row.source_row,
                    key: row.key,
                    date: row.date.format("%Y-%m-%d").to_string(),
                    department: row.department,
                    account: row.account,
                    vendor: row.vendor,
                    description: row.description,
                    book: row.book,
                    hits: row.hits,
                })
                .collect(),
            plan: planned(params.plan),
        })
    })
    .await
}

#[derive(Deserialize)]
struct AuditedIn {
    book: f64,
    audited: f64,
}

#[derive(Deserialize)]
struct EvaluateRequest {
    #[serde(flatten)]
    planning: Planning,
    population_items: usize,
    population_value: f64,
    #[serde(default = "default_currency")]
    currency: Currency,
    estimator: Option<Estimator>,
    rows: Vec<AuditedIn>,
}

fn default_currency() -> Currency {
    Currency::Krw
}

#[derive(Serialize)]
struct Evaluated {
    #[serde(flatten)]
    evaluation: Evaluation,
    conclusion_text: Text,
}

/// A sample's two sheets as the pane read them back (`range.values`).
#[derive(Deserialize)]
struct SheetsIn {
    /// The workbook, for the messages.
    workbook: String,
    sample: GridIn,
    parameters: GridIn,
}

#[derive(Deserialize)]
struct GridIn {
    name: String,
    rows: Vec<Vec<serde_json::Value>>,
}

impl GridIn {
    /// The values as calamine would have read them from the saved file, so
    /// one reader (`sampling::sheet::read_grids`) serves both.
    fn cells(&self) -> Vec<Vec<calamine::Data>> {
        use calamine::Data;
        let cell = |v: &serde_json::Value| match v {
            serde_json::Value::Number(n) => n.as_f64().map_or(Data::Empty, Data::Float),
            serde_json::Value::String(s) if s.is_empty() => Data::Empty,
            serde_json::Value::String(s) => Data::String(s.clone()),
            serde_json::Value::Bool(b) => Data::Bool(*b),
            _ => Data::Empty,
        };
        self.rows
            .iter()
            .map(|r| r.iter().map(cell).collect())
            .collect()
    }
}

/// `POST sample/evaluate`: either the audited rows with the sample's
/// planning and population, or `{sheets}`: the sample's two sheets as the
/// pane wrote them and the auditor filled them in. Either way → the
/// Stringer bound (monetary units) or an estimator (items), and the
/// conclusion in words.
pub(super) async fn evaluate(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Reply {
    with_body(&req, payload, state, |body: serde_json::Value, _, _| {
        if body.get("sheets").is_some() {
            #[derive(Deserialize)]
            struct FromSheets {
                sheets: SheetsIn,
                estimator: Option<Estimator>,
            }
            let r: FromSheets = serde_json::from_value(body).map_err(|e| bad_json(&e))?;
            let (sample, info) = (r.sheets.sample.cells(), r.sheets.parameters.cells());
            let read = read_grids(
                &r.sheets.workbook,
                Grid {
                    name: &r.sheets.sample.name,
                    rows: &sample,
                },
                Grid {
                    name: &r.sheets.parameters.name,
                    rows: &info,
                },
            )?;
            let p = &read.parameters;
            let estimator = r.estimator.unwrap_or(p.method.estimator());
            return evaluated(
                &read.rows,
                &p.population(),
                estimator,
                p.likelihood,
                p.currency,
            );
        }
        let r: EvaluateRequest = serde_json::from_value(body).map_err(|e| bad_json(&e))?;
        let population = Population {
            items: r.population_items,
            value: r.population_value,
            materiality: r.planning.materiality,
            confidence: r.planning.confidence,
        };
        let rows: Vec<Audited> = r
            .rows
            .iter()
            .map(|x| Audited {
                book: x.book,
                audited: x.audited,
            })
            .collect();
        let p = r.planning.params();
        let estimator = r.estimator.unwrap_or(r.planning.method.estimator());
        evaluated(&rows, &population, estimator, p.likelihood, r.currency)
    })
    .await
}

fn evaluated(
    rows: &[Audited],
    population: &Population,
    estimator: Estimator,
    likelihood: Likelihood,
    currency: Currency,
) -> Result<Evaluated, Error> {
    let evaluation = evaluate::evaluate(rows, population, estimator, likelihood)?;
    Ok(Evaluated {
        conclusion_text: evaluation.conclusion_text(currency),
        evaluation,
    })
}
