//! Learning from reviews (issue 12): what reviewers' verdicts say about
//! the scores. For now the separation figures every model is reported
//! with (`metrics`) and the report on the stored reviews (`report`); the
//! supervised model, the detectors' learned weights and the review stream
//! build on them.

pub mod metrics;
pub mod report;
