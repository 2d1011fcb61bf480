//! ledgerlens: local, private anomaly scoring for budget-execution ledgers.
//!
//! The data flows one way: [`ingest`] -> [`features`] -> [`model`] ->
//! ([`report`], [`store`], the CLI). [`pipeline::score`] is the one entry point both
//! the CLI and the agent call.

pub mod bench;
pub mod cli;
pub mod config;
pub mod data_folder;
pub mod demo;
pub mod error;
pub mod features;
pub mod files;
pub mod hex;
pub mod i18n;
pub mod ingest;
pub mod limits;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod server;
pub mod store;
#[cfg(feature = "tray")]
pub mod tray;
pub mod vocabulary;
