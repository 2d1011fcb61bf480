//! ledgerlens: local, private anomaly scoring for budget-execution ledgers.
//!
//! The data flows one way: [`ingest`] → features → [`model`] →
//! [`pipeline`] → ([`store`], [`report`]) → the doors (the agent's server
//! and [`cli`]). See docs/ARCHITECTURE.md for the map and the invariants.
//!
//! # The library's face
//!
//! What another program (the binary, the end-to-end tests, and later the
//! Python package) may use:
//!
//! - [`pipeline::run`]: an input ([`pipeline::Source`]: a file, bytes of a
//!   known format, or cells in hand) to a [`pipeline::ScoredLedger`];
//!   [`pipeline::score`] for a ledger already read.
//! - [`config::Config`], read with `Config::parse` and checked with
//!   `Config::check` into the [`config::Checked`] the pipeline takes.
//! - [`ingest`]'s readers and their [`ingest::IngestError`]; [`error::Error`],
//!   the one error every layer converts into (code, kind, both languages).
//! - [`vocabulary`]: bands, review statuses, detector kinds, added columns.
//! - [`store::Store`]: the history database, its reviews and audit trail.
//! - [`report`]: the scored workbook, the JSONL and the history workbook.
//! - [`demo`] (the generated ledger with labels), [`bench`] and
//!   [`model::iforest`] (the Isolation Forest against scikit-learn).
//! - [`learn::metrics`]: AUC, PR-AUC, KS, Gini and the threshold table, as
//!   scikit-learn and SciPy define them.
//! - [`sampling`]: audit sampling of the rows not flagged: plan, select,
//!   evaluate.
//! - [`budget`]: budget execution rates, their projection and warnings.
//! - [`i18n`]: the two languages; [`data_folder`]: where data is kept.
//! - [`cli::main`]: the command line, which the binary runs.
//!
//! Everything else is `pub(crate)`: the feature engine, the server, the
//! tray, the limits and the file helpers are the doors' and stages' own.

pub mod bench;
pub mod budget;
pub mod cli;
pub mod config;
pub mod data_folder;
pub mod demo;
pub mod error;
pub(crate) mod features;
pub(crate) mod files;
pub mod forecast;
pub(crate) mod hex;
pub mod i18n;
pub mod ingest;
pub mod learn;
pub(crate) mod limits;
pub mod model;
pub mod money;
pub mod pipeline;
pub mod profile;
pub mod report;
pub mod sampling;
pub(crate) mod server;
pub mod store;
#[cfg(feature = "tray")]
pub(crate) mod tray;
pub mod vocabulary;
