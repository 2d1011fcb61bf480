//! Statistical sampling of the rows not flagged (issue 12): an auditor who
//! has looked at the high-risk rows still has to conclude on the rest.
//! Three steps, each its own module, each usable alone:
//!
//! - [`plan`]: confidence, materiality and expected errors → a sample size
//!   (Poisson or binomial, as jfa and the AICPA guide compute it);
//! - [`select`]: the sample drawn from the population's book values, by
//!   monetary units (fixed interval or cell) or by items, from a seed;
//! - [`evaluate`]: the audited sample → the Stringer bound, or the
//!   difference or direct estimator, and the conclusion in words.

pub mod evaluate;
pub mod plan;
pub mod select;
pub mod sheet;

use crate::error::Error;
use crate::vocabulary::SelectionMethod;
use plan::Plan;
use select::Selection;
use sheet::SampleRow;

/// What a draw is asked for: the plan (made before the population is
/// read, so a plan no sample can meet costs nothing), or a size that
/// overrides its size, the method and the seed.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawParams {
    pub plan: Plan,
    pub size: Option<u32>,
    pub method: SelectionMethod,
    pub seed: u64,
}

/// A drawn sample: the selection, and the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub selection: Selection,
    pub rows: Vec<SampleRow>,
}

/// Draws the planned sample from the population whose book values are `books`;
/// `row_of(i)` gives population row `i` as the sample shows it (called
/// only for the rows drawn). The one path of the command line's and the
/// agent's `sample select`.
pub fn draw(
    books: &[f64],
    params: &DrawParams,
    row_of: impl Fn(usize) -> SampleRow,
) -> Result<Drawn, Error> {
    let n = params.size.unwrap_or(params.plan.n);
    let selection = select::select(books, n, params.method, params.seed)?;
    let rows = selection
        .picked
        .iter()
        .map(|p| SampleRow {
            hits: p.hits,
            ..row_of(p.index)
        })
        .collect();
    Ok(Drawn { selection, rows })
}
