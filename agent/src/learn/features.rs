//! What the supervised model sees of a row: each detector's evidence in
//! nats (0 where it found nothing) and the Isolation Forest's raw score.
//! Not the total evidence: that is the unsupervised score, which the blend
//! starts from (`supervised.rs`), and a model that saw it would count it
//! twice.
//!
//! Evidence, not the detectors' raw statistics: it is already calibrated
//! against the ledger it came from (`model::fusion`), so a model trained on
//! last year's reviews reads this year's rows on the same scale, and a
//! detector added later is one more column, absent (0) in older rows.
//!
//! Stored with each scored row (`scored_rows.features`) as a small JSON
//! object keyed by detector code, the zero entries left out, so the reviews
//! of any earlier run can be learnt from without scoring it again.

use crate::model::Evidence;
use crate::vocabulary::DetectorKind;

/// The raw Isolation Forest score's column (0–1).
const ISOLATION_SCORE: &str = "isolation_score";

/// How many columns a row has: one per detector and the raw isolation
/// score.
pub const WIDTH: usize = DetectorKind::COUNT + 1;

/// The column names, in order (detector codes, then the isolation score).
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = DetectorKind::CODES.to_vec();
    names.push(ISOLATION_SCORE);
    names
}

/// A row's features, in [`names`] order, and its total evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub [f64; WIDTH], f64);

impl Row {
    pub fn new(evidence: &Evidence, isolation: f64) -> Row {
        let mut x = [0.0; WIDTH];
        for &(kind, nats) in evidence {
            x[kind.index()] = f64::from(nats);
        }
        x[DetectorKind::COUNT] = isolation;
        let total = crate::model::fusion::total(
            evidence.iter().map(|&(kind, nats)| (kind, f64::from(nats))),
        );
        Row(x, total)
    }

    /// The same features with another total (`weights::DetectorWeights`
    /// makes it again under learnt weights).
    pub fn with_total(&self, total: f64) -> Row {
        Row(self.0, total)
    }

    /// The evidence of `kind` (nats, 0 when it found nothing).
    pub fn evidence(&self, kind: DetectorKind) -> f64 {
        self.0[kind.index()]
    }

    /// The total evidence: what the unsupervised score is made of.
    pub fn total(&self) -> f64 {
        self.1
    }

    /// The total evidence under the configured weights: the features
    /// fused as the unsupervised score fuses them, whatever `with_total`
    /// set.
    pub fn configured_total(&self) -> f64 {
        crate::model::fusion::total(DetectorKind::ALL.iter().map(|&k| (k, self.evidence(k))))
    }

    /// The raw Isolation Forest score.
    pub fn isolation(&self) -> f64 {
        self.0[DetectorKind::COUNT]
    }

    /// The detectors that found something in this row.
    pub fn fired(&self) -> impl Iterator<Item = DetectorKind> + '_ {
        DetectorKind::ALL
            .iter()
            .copied()
            .filter(|k| self.evidence(*k) > 0.0)
    }

    /// The stored form: `{"duplicate":3.2189,"isolation_score":0.4412}`.
    pub fn encode(evidence: &Evidence, isolation: f64) -> String {
        use std::fmt::Write;
        // Once per scored row (a million for a large ledger): one buffer.
        let mut out = String::with_capacity(32 + 24 * evidence.len());
        out.push('{');
        for &(kind, nats) in evidence {
            let _ = write!(out, "\"{}\":{nats:.4},", kind.code());
        }
        let _ = write!(out, "\"{ISOLATION_SCORE}\":{isolation:.4}}}");
        out
    }

    /// Reads the stored form back; `None` for a row stored before features
    /// were kept (an empty string) or one that is not an object. Codes this
    /// version does not know are skipped.
    pub fn decode(stored: &str) -> Option<Row> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(stored).ok()?;
        let mut evidence = Vec::new();
        for (code, value) in &map {
            if let (Some(kind), Some(nats)) = (DetectorKind::from_code(code), value.as_f64()) {
                evidence.push((kind, nats as f32));
            }
        }
        let isolation = map.get(ISOLATION_SCORE)?.as_f64()?;
        Some(Row::new(&evidence, isolation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_reads_back_and_fuses_the_evidence() {
        let evidence = vec![
            (DetectorKind::Duplicate, 3.21894),
            (DetectorKind::Split, 1.5),
        ];
        let stored = Row::encode(&evidence, 0.44123);
        assert_eq!(
            stored,
            r#"{"duplicate":3.2189,"split":1.5000,"isolation_score":0.4412}"#
        );
        let row = Row::decode(&stored).unwrap();
        assert!((row.evidence(DetectorKind::Duplicate) - 3.2189).abs() < 1e-6);
        // A repeat and a split read one fact: the total counts it once.
        assert!((row.total() - 3.2189).abs() < 1e-6);
        assert_eq!(
            row.fired().collect::<Vec<_>>(),
            vec![DetectorKind::Duplicate, DetectorKind::Split]
        );
        assert_eq!(names().len(), WIDTH);
        // Before features were kept; a detector this version does not know.
        assert_eq!(Row::decode(""), None);
        let future = Row::decode(r#"{"new_detector":9,"isolation_score":0.5}"#).unwrap();
        assert_eq!(future.total(), 0.0);
    }
}
