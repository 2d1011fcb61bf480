//! Fusion: the detectors' tail probabilities become one row's evidence,
//! its 0–100 score, and its band.
//!
//! A finding counts only as far as it is rarer than the conventional 5%
//! noticing level `α`: its evidence is `w · ln(α / p)` nats (0 when p ≥ α),
//! `w` the detector's weight (1 unless the config or the detector's
//! default says otherwise). A row's evidence is the sum over the facts its
//! findings are about, which is `−ln` of the product of the excess
//! rarities: independent findings multiply, as for a naive Bayes or
//! Fisher's combination, while the many findings every row shows a little
//! of add nothing. Detectors that read one fact (the payment's size;
//! payments bunched at a vendor) are not independent, and count once, by
//! the strongest. The score is
//! `100 · E / (E + ln(1/α))`: a single finding at p = α/20 scores 50, two
//! of them 67, ten 91, and the score never reaches 100. The scale has to
//! keep ranking where reviewers look: an exponential `1 − exp(−E / ln 20)`
//! had reached 100.0 (to the shown decimal) at 23 nats, which two strong
//! findings pass, and tied a large ledger's top two hundred rows.
//!
//! Bands are cut by share, since a reviewer's time, not a constant, is
//! what is scarce: the top `high_share` of rows with any evidence are high
//! (2% by default), the next up to `medium_share` medium, and beyond the
//! share only rows whose evidence passes a Bonferroni bound over the
//! ledger (`E ≥ ln N`, i.e. p·N < α after the noticing level) are still
//! high: evidence that would be surprising in any ledger of this size.
//! Configured score thresholds replace the shares.

use crate::config::Bands;
use crate::i18n::Text;
use crate::vocabulary::{Band, DetectorKind};

/// The noticing level.
pub(crate) const ALPHA: f64 = 0.05;

/// Evidence in nats a finding of tail probability `p` gives at weight `w`.
pub(crate) fn evidence(p: f64, weight: f64) -> f64 {
    weight * (ALPHA / p.max(f64::MIN_POSITIVE)).ln().max(0.0)
}

/// A row's total evidence from each detector's (nats, by kind): findings
/// about one fact count once, by the strongest of them; distinct facts add
/// (see [`super::detectors::Fact`]).
pub(crate) fn total(evidence: impl IntoIterator<Item = (DetectorKind, f64)>) -> f64 {
    use super::detectors::{Fact, ALL};
    let (mut own, mut size, mut bunching) = (0.0, 0.0f64, 0.0f64);
    for (kind, nats) in evidence {
        match ALL[kind.index()].fact() {
            Fact::Own => own += nats,
            Fact::Size => size = size.max(nats),
            Fact::Bunching => bunching = bunching.max(nats),
        }
    }
    own + size + bunching
}

/// The 0–100 score of a row's total evidence, to one decimal.
pub(crate) fn score(evidence: f64) -> f64 {
    let evidence = evidence.max(0.0);
    let s = 100.0 * evidence / (evidence + (1.0 / ALPHA).ln());
    (s * 10.0).round() / 10.0
}

/// How the band cut-offs were chosen for a ledger, for the summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    /// Scores at or above this are high.
    pub high: f64,
    pub medium: f64,
    /// True when the cut-offs came from the shares, false when the config
    /// set them.
    pub by_share: bool,
    pub high_share: f64,
    pub medium_share: f64,
}

impl Cut {
    /// The score cut-offs for `scores` under `bands`.
    pub fn choose(scores: &[f64], bands: &Bands) -> Cut {
        if let (Some(high), Some(medium)) = (bands.high, bands.medium) {
            return Cut {
                high,
                medium,
                by_share: false,
                high_share: bands.high_share,
                medium_share: bands.medium_share,
            };
        }
        let mut sorted: Vec<f64> = scores.iter().copied().filter(|s| *s > 0.0).collect();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let n = scores.len();
        // Evidence past a Bonferroni bound over the ledger stays high
        // whatever the share.
        let overwhelming = score((n.max(2) as f64).ln());
        let at_share = |share: f64| -> f64 {
            let k = (share * n as f64).floor() as usize;
            if k == 0 || sorted.is_empty() {
                return f64::INFINITY;
            }
            let edge = sorted[(k - 1).min(sorted.len() - 1)];
            // Ties at the edge go in only while they do not swell the band
            // past half again its share.
            let with_ties = sorted.partition_point(|&s| s >= edge);
            if with_ties as f64 > 1.5 * k as f64 {
                next_above(edge)
            } else {
                edge
            }
        };
        let high = bands
            .high
            .unwrap_or_else(|| at_share(bands.high_share).min(overwhelming));
        let medium = bands
            .medium
            .unwrap_or_else(|| at_share(bands.medium_share))
            .min(high);
        Cut {
            high,
            medium,
            by_share: true,
            high_share: bands.high_share,
            medium_share: bands.medium_share,
        }
    }

    pub fn band(&self, score: f64) -> Band {
        if score <= 0.0 {
            Band::Low
        } else if score >= self.high {
            Band::High
        } else if score >= self.medium {
            Band::Medium
        } else {
            Band::Low
        }
    }

    /// One sentence on how the cut was made.
    pub fn describe(&self) -> Text {
        let shown = |s: f64| {
            if s.is_finite() {
                format!("{s:.1}")
            } else {
                "—".to_string()
            }
        };
        if self.by_share {
            Text::new(
                format!(
                    "등급 기준: 증거 상위 {:.0}% 높음(점수 {} 이상), 상위 {:.0}%까지 중간(점수 {} 이상)",
                    self.high_share * 100.0,
                    shown(self.high),
                    self.medium_share * 100.0,
                    shown(self.medium)
                ),
                format!(
                    "bands: the top {:.0}% by evidence are high (score ≥ {}), up to the top {:.0}% medium (score ≥ {})",
                    self.high_share * 100.0,
                    shown(self.high),
                    self.medium_share * 100.0,
                    shown(self.medium)
                ),
            )
        } else {
            Text::new(
                format!(
                    "등급 기준: 설정값 — 점수 {} 이상 높음, {} 이상 중간",
                    shown(self.high),
                    shown(self.medium)
                ),
                format!(
                    "bands: as configured, score ≥ {} high, ≥ {} medium",
                    shown(self.high),
                    shown(self.medium)
                ),
            )
        }
    }
}

/// The smallest score (to one decimal) above `s`.
fn next_above(s: f64) -> f64 {
    ((s * 10.0).round() + 1.0) / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_fact_counts_once_and_distinct_facts_add() {
        use DetectorKind::*;
        // A repeat, a split and a busy month: payments bunched at a vendor.
        let bunched = total([(Duplicate, 3.0), (Split, 2.0), (SmallRepeat, 1.0)]);
        assert!((bunched - 3.0).abs() < 1e-12, "{bunched}");
        // A jumped bill that is also large for its line, on a holiday, and
        // charged twice: three facts.
        let three = total([
            (AmountOutlier, 2.0),
            (RecurringJump, 4.0),
            (NonWorkingDay, 1.5),
            (Duplicate, 1.0),
        ]);
        assert!((three - 6.5).abs() < 1e-12, "{three}");
    }

    #[test]
    fn findings_rarer_than_the_noticing_level_count() {
        assert_eq!(evidence(0.5, 1.0), 0.0);
        assert_eq!(evidence(ALPHA, 1.0), 0.0);
        assert!((evidence(ALPHA / 20.0, 1.0) - 20f64.ln()).abs() < 1e-9);
        assert_eq!(score(0.0), 0.0);
        assert_eq!(score(20f64.ln()), 50.0);
        assert!((score(2.0 * 20f64.ln()) - 66.7).abs() < 0.05);
        // Strong evidence keeps ranking at the shown decimal.
        assert!(score(60.0) < score(80.0));
        assert!(score(1e3) < 100.0);
    }

    #[test]
    fn the_high_band_is_the_share_asked_for() {
        // Below the Bonferroni bound of a 1000-row ledger (score 69.8).
        let scores: Vec<f64> = (0..1000).map(|i| f64::from(i) / 20.0).collect();
        let bands = Bands::default();
        let cut = Cut::choose(&scores, &bands);
        let high = scores
            .iter()
            .filter(|&&s| cut.band(s) == Band::High)
            .count();
        assert_eq!(high, 20);
        let flagged = scores.iter().filter(|&&s| cut.band(s).is_flagged()).count();
        assert_eq!(flagged, 80);
        assert_eq!(cut.band(0.0), Band::Low);
    }

    #[test]
    fn overwhelming_evidence_is_high_whatever_the_share() {
        let mut scores = vec![99.0; 100];
        scores.extend(vec![10.0; 900]);
        let cut = Cut::choose(&scores, &Bands::default());
        assert_eq!(
            scores
                .iter()
                .filter(|&&s| cut.band(s) == Band::High)
                .count(),
            100
        );
    }

    #[test]
    fn a_flood_of_ties_does_not_swell_the_high_band() {
        let mut scores = vec![50.0; 100];
        scores.extend(vec![0.0; 900]);
        let cut = Cut::choose(&scores, &Bands::default());
        assert_eq!(
            scores
                .iter()
                .filter(|&&s| cut.band(s) == Band::High)
                .count(),
            0
        );
    }
}
