//! Budget monitoring (issue 13): a budget's lines beside the ledger's
//! spending. Reading a budget file (`read`), the ledger's spending by line
//! and month (`spent`), and the execution rates, their projection and
//! warnings (`execution`); the monthly series, forecasts and
//! the doors (`--budget`, the API, the pane) come next.

pub mod execution;
pub mod read;
pub mod spent;
