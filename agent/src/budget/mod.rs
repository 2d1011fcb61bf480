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
        latest(&self.rows, self.spent.through)
    }

    /// What a run keeps of it as evidence (`runs.execution_json`).
    pub fn record(&self) -> ExecutionRecord {
        ExecutionRecord {
            sheet: self.budget.sheet.clone(),
            year: self.spent.year,
            through: self.spent.through,
            rows: self.rows.clone(),
        }
    }
}

/// A run's execution against its budget, as the store keeps it and the
/// PDF report shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExecutionRecord {
    /// The budget's sheet (or file).
    pub sheet: String,
    pub year: i32,
    /// The ledger's latest month of `year`.
    pub through: usize,
    pub rows: Vec<execution::Execution>,
}

impl ExecutionRecord {
    /// Each line's latest month, as `Monitoring::latest`.
    pub fn latest(&self) -> impl Iterator<Item = &execution::Execution> {
        latest(&self.rows, self.through)
    }
}

/// The rows of month `through` (the first month while the year has none).
fn latest(
    rows: &[execution::Execution],
    through: usize,
) -> impl Iterator<Item = &execution::Execution> {
    rows.iter().filter(move |r| r.month == through.max(1))
}

/// Reads a budget file from disk (opened only for reading).
pub fn read_path(path: &Path, sheet: Option<&str>) -> Result<read::Budget, read::BudgetError> {
    let (bytes, source, format) = crate::ingest::read_file(path)?;
    read::read_budget(&bytes, &source, format, sheet)
}
