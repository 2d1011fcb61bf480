//! Learning from reviews (issue 12): what reviewers' verdicts say about
//! the scores. The separation figures every model is reported with
//! (`metrics`), what the supervised model sees of a row (`features`), the
//! model and its blend with the unsupervised score (`supervised`), the
//! detectors' learnt weights (`weights`), both kept as one model in use
//! (`lessons`), what it says of rows not reviewed yet (`next`), and the
//! report on the stored reviews (`report`).

pub mod features;
pub mod lessons;
pub mod metrics;
pub mod next;
pub mod report;
pub mod stream;
pub mod supervised;
pub mod weights;
