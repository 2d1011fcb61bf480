//! Budget monitoring (issue 13): a budget's lines beside the ledger's
//! spending. Reading a budget file (`read`), the ledger's spending by line
//! and month (`spent`), and the execution rates, their projection and
//! warnings (`execution`), bundled by [`monitor`] for the doors: the
//! command line's `score --budget`, `POST score` with a budget sheet (the
//! pane's 예산 시트). The sheet the doors show is `report::execution`.

pub mod execution;
pub mod read;
pub mod spent;

use std::path::Path;

use crate::ingest::Ledger;

/// A ledger watched against a budget.
#[derive(Debug, Clone)]
pub struct Monitoring {
    pub budget: read::Budget,
    pub spent: spent::Spent,
    /// Every line's months, line by line, each from month 1 to the
    /// ledger's latest.
    pub rows: Vec<execution::Execution>,
}

/// `ledger` against `budget`.
pub fn monitor(
    ledger: &Ledger,
    budget: read::Budget,
    thresholds: execution::Thresholds,
) -> Monitoring {
    let spent = spent::spent(ledger, &budget.lines);
    let rows = budget
        .lines
        .iter()
        .zip(&spent.by_line)
        .flat_map(|(line, by_month)| line.execution(by_month, spent.through, thresholds))
        .collect();
    Monitoring {
        budget,
        spent,
        rows,
    }
}

impl Monitoring {
    /// Each line's latest month: where it stands now.
    pub fn latest(&self) -> impl Iterator<Item = &execution::Execution> {
        self.rows
            .iter()
            .filter(move |r| r.month == self.spent.through.max(1))
    }
}

/// Reads a budget file from disk (opened only for reading).
pub fn read_path(path: &Path, sheet: Option<&str>) -> Result<read::Budget, read::BudgetError> {
    let (bytes, source, format) = crate::ingest::read_file(path)?;
    read::read_budget(&bytes, &source, format, sheet)
}
