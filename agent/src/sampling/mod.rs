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
