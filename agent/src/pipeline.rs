//! The one pipeline: [`run`] takes an input (a file, uploaded bytes or a
//! pane's cells), reads it into a ledger and scores it; [`score`] is its
//! second half. The CLI, the agent and (later) the Python package are doors
//! onto [`run`]: they parse their own requests and record or write the
//! result, and none of them reads or scores a ledger another way. For a
//! given seed and input the result is the same through every door.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::config::Checked;
use crate::error::Error;
use crate::features;
use crate::i18n::{Lang, Text};
use crate::ingest::{self, Format, Grid, IngestOptions, Ledger};
use crate::model;
use crate::money::Currency;
use crate::profile::Profile;
use crate::vocabulary::{Band, DetectorKind};

pub const MODEL_VERSION: &str = concat!("ledgerlens-", env!("CARGO_PKG_VERSION"), "/ensemble-1");

/// One scored transaction: what the models said of it. Which row it is
/// (its file, sheet row and key) is its transaction's, at the same index
/// of the ledger, and its cluster's name is the summary's: a million rows
/// hold neither twice.
pub use crate::model::RowVerdict as ScoredRow;

/// A reason as the API and the JSONL give it: the detector's code and the
/// sentence in the caller's language. The one shape of a reason outside the
/// store (openapi.json's `Reason`).
#[derive(Debug, Clone, Serialize)]
pub struct JsonReason<'a> {
    pub code: &'a str,
    pub text: &'a str,
}

/// Stored reasons (`[{code, text: {ko, en}, points}]`, as [`model::Reason`]
/// serialises) in the API's one shape, in `lang`.
pub fn reasons_in(stored: &mut serde_json::Value, lang: Lang) {
    let Some(all) = stored.as_array_mut() else {
        return;
    };
    for reason in all {
        let code = reason.get("code").cloned().unwrap_or_default();
        let text = reason
            .get("text")
            .and_then(|t| t.get(lang.code()))
            .cloned()
            .unwrap_or_default();
        *reason = serde_json::json!({ "code": code, "text": text });
    }
}

/// The JSONL / API shape of a row in one language.
#[derive(Debug, Serialize)]
pub struct RowOut<'a> {
    /// The file the row is in, where the ledger was read from several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    pub row: u32,
    pub key: &'a str,
    pub score: f64,
    pub band: &'static str,
    pub cluster: u32,
    pub cluster_name: &'a str,
    pub reasons: Vec<JsonReason<'a>>,
    /// With a model learnt from reviews: the chance a reviewer confirms
    /// the row (`learn::next`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

impl ScoredLedger {
    /// The rows in ledger order, in the JSONL / API shape.
    pub fn rows_out(&self, lang: Lang) -> impl Iterator<Item = RowOut<'_>> {
        (0..self.rows.len()).map(move |i| self.row_out(i, lang))
    }

    /// Row `i` in the JSONL / API shape, in `lang`.
    fn row_out(&self, i: usize, lang: Lang) -> RowOut<'_> {
        let r = &self.rows[i];
        let t = &self.ledger.transactions[i];
        RowOut {
            file: self.file_of(i),
            row: t.sheet_row,
            key: &t.key,
            score: r.score,
            band: r.band.code(),
            cluster: r.cluster,
            cluster_name: self.cluster_name(i, lang),
            reasons: r
                .reasons
                .iter()
                .map(|r| JsonReason {
                    code: r.kind.code(),
                    text: r.text.get(lang),
                })
                .collect(),
            confidence: r.confidence,
        }
    }

    /// Row indices from highest score to lowest (ties by file and row).
    pub fn ranking(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        // No two rows share a file and row, so the order is total and an
        // unstable sort gives the one answer.
        order.sort_unstable_by(|&a, &b| {
            self.rows[b]
                .score
                .total_cmp(&self.rows[a].score)
                .then(self.rows[b].isolation.total_cmp(&self.rows[a].isolation))
                .then_with(|| {
                    let place = |i: usize| {
                        let t = &self.ledger.transactions[i];
                        (t.file, t.sheet_row)
                    };
                    place(a).cmp(&place(b))
                })
        });
        order
    }

    /// Row `i`'s key: the handle reviews, the store and the pane know it by.
    pub fn key(&self, i: usize) -> &str {
        &self.ledger.transactions[i].key
    }

    /// Row `i`'s row in its file (1-based, as the sheet numbers it).
    pub fn sheet_row(&self, i: usize) -> u32 {
        self.ledger.transactions[i].sheet_row
    }

    /// The file row `i` came from, where the ledger was read from several
    /// (one file's name is the ledger's own, said once).
    pub fn file_of(&self, i: usize) -> Option<&str> {
        let files = &self.ledger.files;
        (files.len() > 1).then(|| files[usize::from(self.ledger.transactions[i].file)].as_str())
    }

    /// The name of row `i`'s cluster, in `lang`.
    pub fn cluster_name(&self, i: usize, lang: Lang) -> &str {
        self.summary.clusters[self.rows[i].cluster as usize]
            .name
            .get(lang)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BandCounts {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl BandCounts {
    pub fn add(&mut self, band: Band) {
        match band {
            Band::High => self.high += 1,
            Band::Medium => self.medium += 1,
            Band::Low => self.low += 1,
        }
    }

    pub fn get(&self, band: Band) -> usize {
        match band {
            Band::High => self.high,
            Band::Medium => self.medium,
            Band::Low => self.low,
        }
    }

    pub fn total(&self) -> usize {
        self.high + self.medium + self.low
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub features_s: f64,
    pub model_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub rows: usize,
    pub bands: BandCounts,
    /// How the band cut-offs were chosen.
    pub band_cut: Text,
    /// The currency amounts are printed in.
    pub currency: Currency,
    /// The built-in profile the ledger was scored under.
    pub profile: Profile,
    /// Detectors that did not judge this ledger, and why.
    pub stepped_aside: Vec<SteppedAside>,
    /// The per-payment limits splits are judged against.
    pub limits: Vec<AccountLimit>,
    pub by_department: BTreeMap<String, BandCounts>,
    pub by_reason: BTreeMap<&'static str, usize>,
    pub clusters: Vec<ClusterSummary>,
    pub silhouette: f64,
    /// `MODEL_VERSION`, and the reviews' model's version where one blended
    /// the scores (`Learned::run_version`).
    pub model_version: String,
    pub timings: Timings,
}

/// A per-payment limit in force for some accounts: configured, named by
/// the profile, or read off the ledger's amounts.
#[derive(Debug, Clone, Serialize)]
pub struct AccountLimit {
    /// The accounts' names, comma-separated ("" when it is every account).
    pub account: String,
    pub amount: f64,
    pub origin: LimitOrigin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitOrigin {
    Configured,
    Profile,
    Found,
}

/// The limits in force, one entry per distinct limit.
fn account_limits(ledger: &Ledger, feats: &features::Features) -> Vec<AccountLimit> {
    let mut by_limit: BTreeMap<(LimitOrigin, u64), Vec<String>> = BTreeMap::new();
    for (account, limit) in feats.account_limits.iter().enumerate() {
        let Some(limit) = limit else { continue };
        let origin = match limit.source {
            features::LimitSource::RoundAmount => continue,
            features::LimitSource::Found => LimitOrigin::Found,
            features::LimitSource::Profile => LimitOrigin::Profile,
            features::LimitSource::Configured => LimitOrigin::Configured,
        };
        by_limit
            .entry((origin, limit.amount.to_bits()))
            .or_default()
            .push(ledger.accounts.name(account as u32).to_string());
    }
    by_limit
        .into_iter()
        .map(|((origin, bits), accounts)| AccountLimit {
            account: if accounts.len() == ledger.accounts.len() {
                String::new()
            } else {
                accounts.join(", ")
            },
            amount: f64::from_bits(bits),
            origin,
        })
        .collect()
}

impl AccountLimit {
    pub fn describe(&self, currency: Currency) -> Text {
        let (ko, en) = (currency.ko(self.amount), currency.en(self.amount));
        let account_ko = if self.account.is_empty() {
            "원장 전체".to_string()
        } else {
            self.account.clone()
        };
        let account_en = if self.account.is_empty() {
            "the whole ledger".to_string()
        } else {
            self.account.clone()
        };
        match self.origin {
            LimitOrigin::Configured => Text::new(
                format!("건별 한도 {ko} ({account_ko}, 설정값)"),
                format!("per-payment limit {en} ({account_en}, configured)"),
            ),
            LimitOrigin::Profile => Text::new(
                format!("건별 한도 {ko} ({account_ko}, 프로필 기본값)"),
                format!("per-payment limit {en} ({account_en}, the profile's)"),
            ),
            LimitOrigin::Found => Text::new(
                format!("건별 한도 {ko} ({account_ko}): 이 금액 바로 아래에 결제가 몰려 있어 원장에서 찾음"),
                format!("per-payment limit {en} ({account_en}): found from the payments bunched just under it"),
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SteppedAside {
    pub code: DetectorKind,
    pub reason: Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterSummary {
    pub id: u32,
    pub name: Text,
    pub rows: usize,
}

#[derive(Debug, Clone)]
pub struct ScoredLedger {
    pub ledger: Ledger,
    /// In ledger order.
    pub rows: Vec<ScoredRow>,
    pub summary: Summary,
}

/// Where a ledger comes from: what each door has in hand.
pub enum Source<'a> {
    /// A file on disk (the command line). Only ever opened for reading.
    Path(&'a Path),
    /// Files or folders of files read as one ledger (the command line's
    /// `score a.csv b.csv …`), each mapped by its own header.
    Paths(&'a [std::path::PathBuf]),
    /// An uploaded workbook or CSV of a known format (`POST score` with a
    /// file body), named `name` in messages.
    Bytes {
        bytes: &'a [u8],
        name: &'a str,
        format: Format,
    },
    /// Cells already in hand (the pane's `range.values`), named `name`.
    Grid { grid: Grid, name: &'a str },
}

/// A stage the pipeline has reached, told to the door as it happens.
pub enum Stage<'a> {
    /// About to read the input.
    Reading,
    /// The input is a ledger; about to score it. The door may refuse it
    /// here (the agent checks the names it would record) before any
    /// scoring is done.
    Read(&'a Ledger),
}

/// A scored ledger and how long reading and scoring took.
pub struct Run {
    pub scored: ScoredLedger,
    pub read_s: f64,
    pub score_s: f64,
}

/// Reads `source` into a ledger and scores it: the one way from an input to
/// scored rows.
pub fn run(
    source: Source<'_>,
    options: &IngestOptions,
    config: &Checked,
    learned: Option<&crate::learn::lessons::Learned>,
    on_stage: &mut dyn FnMut(Stage<'_>) -> Result<(), Error>,
) -> Result<Run, Error> {
    on_stage(Stage::Reading)?;
    let t0 = Instant::now();
    let ledger = match source {
        Source::Path(path) => ingest::read_path(path, options)?,
        Source::Paths(paths) => ingest::read_paths(paths, options)?,
        Source::Bytes {
            bytes,
            name,
            format,
        } => ingest::read_bytes(bytes, name, format, options)?,
        Source::Grid { grid, name } => ingest::ledger_from_grid(grid, name, options)?,
    };
    let read_s = t0.elapsed().as_secs_f64();
    on_stage(Stage::Read(&ledger))?;
    let t1 = Instant::now();
    let scored = score(ledger, config, learned)?;
    Ok(Run {
        scored,
        read_s,
        score_s: t1.elapsed().as_secs_f64(),
    })
}

/// Scores a ledger. Fails on an empty ledger (ingest never makes one) or
/// if the feature engine fails, which on valid input it does not.
pub fn score(
    ledger: Ledger,
    config: &Checked,
    learned: Option<&crate::learn::lessons::Learned>,
) -> Result<ScoredLedger, Error> {
    if ledger.is_empty() {
        return Err(Error::internal("empty ledger: nothing to score"));
    }
    let currency = config
        .currency
        .or(ledger.currency)
        .unwrap_or_else(|| Currency::assumed(&ledger.headers));
    let profile = config.profile.unwrap_or_else(|| Profile::detect(&ledger));
    let t0 = Instant::now();
    let feats = features::build(&ledger, config, currency, profile).map_err(Error::internal)?;
    let features_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let out = model::run(
        &ledger,
        &feats,
        config,
        currency,
        learned.map(|l| &l.lessons),
    );
    let model_s = t1.elapsed().as_secs_f64();

    let mut bands = BandCounts::default();
    let mut by_department: BTreeMap<String, BandCounts> = BTreeMap::new();
    let mut by_reason: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut cluster_rows = vec![0usize; out.cluster_names.len()];
    for (i, v) in out.rows.iter().enumerate() {
        let t = &ledger.transactions[i];
        bands.add(v.band);
        by_department
            .entry(ledger.departments.name(t.department).to_string())
            .or_default()
            .add(v.band);
        if v.band != Band::Low {
            for r in &v.reasons {
                *by_reason.entry(r.kind.code()).or_default() += 1;
            }
        }
        cluster_rows[v.cluster as usize] += 1;
    }
    let rows = out.rows;
    let clusters = out
        .cluster_names
        .iter()
        .enumerate()
        .map(|(id, name)| ClusterSummary {
            id: id as u32,
            name: name.clone(),
            rows: cluster_rows[id],
        })
        .collect();
    let summary = Summary {
        rows: rows.len(),
        bands,
        band_cut: out.cut.describe(),
        currency,
        profile,
        stepped_aside: out
            .stepped_aside
            .into_iter()
            .map(|(code, reason)| SteppedAside { code, reason })
            .collect(),
        limits: account_limits(&ledger, &feats),
        by_department,
        by_reason,
        clusters,
        silhouette: out.silhouette,
        model_version: learned.map_or_else(|| MODEL_VERSION.to_string(), |l| l.run_version()),
        timings: Timings {
            features_s,
            model_s,
        },
    };
    Ok(ScoredLedger {
        ledger,
        rows,
        summary,
    })
}
