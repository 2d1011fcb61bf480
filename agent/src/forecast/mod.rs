//! Monthly forecasts and early warning (issue 13.3). Stages, one file
//! each: the ledger as monthly series per department × account
//! (`series`), the windows the LSTM reads (`windows`), the baselines
//! (`baselines`), the LSTM (`lstm`), and the run (`run`) that chooses each
//! series' model on its validation months, reports every model's error on
//! the holdout and flags the months that left their forecast interval.

pub mod baselines;
pub mod drift;
pub mod forecaster;
pub mod lstm;
pub mod run;
pub mod series;
pub mod watch;
pub mod windows;
