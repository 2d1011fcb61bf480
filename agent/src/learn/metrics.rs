//! How well a score separates the rows reviewers confirmed from the rows
//! they called normal: the figures a bank's risk team reports for every
//! model (AUC, PR-AUC, KS, Gini) and a threshold table.
//!
//! Each figure is defined as scikit-learn and SciPy define it, so a
//! reviewer can check them there (`tests/e2e/metrics_sklearn.rs` does, on
//! the same scores, to 1e-9):
//!
//! - **AUC** (`roc_auc_score`): the chance that a confirmed row outscores a
//!   normal one, ties counting half: the Mann–Whitney U over both counts,
//!   from midranks.
//! - **PR-AUC** (`average_precision_score`): `Σ (Rₖ − Rₖ₋₁) · Pₖ` over the
//!   distinct scores from the highest down, precision taken at each step
//!   (no interpolation): what a reviewer working down the sorted list sees.
//! - **KS** (`scipy.stats.ks_2samp(...).statistic`): the largest gap
//!   between the two groups' empirical distribution functions, with where
//!   it is (the score at which the gap is widest).
//! - **Gini** `= 2·AUC − 1`.
//!
//! Scores are "higher is more suspect"; a row is flagged at a threshold
//! when its score is at or above it.

use serde::Serialize;

use crate::error::Error;
use crate::i18n::Text;

/// One row of the threshold table: what flagging at `score ≥ threshold`
/// would have done on the labelled rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtThreshold {
    pub threshold: f64,
    /// Rows at or above the threshold.
    pub flagged: usize,
    pub accuracy: f64,
    /// Of the flagged, the share confirmed (1 when nothing is flagged:
    /// no false alarm was raised, as scikit-learn's `zero_division=1`).
    pub precision: f64,
    /// Of the confirmed, the share flagged.
    pub recall: f64,
    /// The harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
}

/// The separation figures of one score on one set of labelled rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Separation {
    pub rows: usize,
    /// Rows labelled positive (confirmed anomalies).
    pub positives: usize,
    pub auc: f64,
    pub pr_auc: f64,
    pub ks: f64,
    /// The score at which the KS gap is widest.
    pub ks_at: f64,
    pub gini: f64,
    pub thresholds: Vec<AtThreshold>,
    /// The ROC curve, `[false-positive rate, true-positive rate]` from
    /// (0, 0) to (1, 1), one point per distinct score from the highest
    /// down, thinned to at most [`ROC_POINTS`] for a chart. Its widest
    /// height above the diagonal is the KS statistic.
    pub roc: Vec<[f64; 2]>,
}

/// The most points a ROC curve keeps.
pub const ROC_POINTS: usize = 200;

/// Every figure for `scores` against `positive`, with the threshold table
/// at `thresholds`. Refused (with the reason) when the lengths differ, a
/// score is not a number, or one of the two outcomes has no row: AUC, KS
/// and Gini compare the two and are undefined with one.
pub fn separation(
    scores: &[f64],
    positive: &[bool],
    thresholds: &[f64],
) -> Result<Separation, Error> {
    let counts = check(scores, positive)?;
    let auc = auc_of(scores, positive, counts);
    let (ks, ks_at) = ks_of(scores, positive, counts);
    Ok(Separation {
        rows: scores.len(),
        positives: counts.0,
        auc,
        pr_auc: average_precision_of(scores, positive, counts),
        ks,
        ks_at,
        gini: 2.0 * auc - 1.0,
        thresholds: thresholds
            .iter()
            .map(|&t| at_threshold(scores, positive, counts, t))
            .collect(),
        roc: roc_of(scores, positive, counts),
    })
}

/// scikit-learn's `roc_auc_score`.
pub fn roc_auc(scores: &[f64], positive: &[bool]) -> Result<f64, Error> {
    let counts = check(scores, positive)?;
    Ok(auc_of(scores, positive, counts))
}

/// scikit-learn's `average_precision_score`.
pub fn average_precision(scores: &[f64], positive: &[bool]) -> Result<f64, Error> {
    let counts = check(scores, positive)?;
    Ok(average_precision_of(scores, positive, counts))
}

/// SciPy's two-sample KS statistic between the positives' and the
/// negatives' scores, and the score where the gap is widest.
pub fn ks_statistic(scores: &[f64], positive: &[bool]) -> Result<(f64, f64), Error> {
    let counts = check(scores, positive)?;
    Ok(ks_of(scores, positive, counts))
}

/// (positives, negatives), once the input is known to be usable.
fn check(scores: &[f64], positive: &[bool]) -> Result<(usize, usize), Error> {
    if scores.len() != positive.len() {
        return Err(Error::invalid(
            "labels_length",
            Text::new(
                format!(
                    "점수 {}개와 검토 결과 {}개의 수가 다릅니다",
                    scores.len(),
                    positive.len()
                ),
                format!("{} scores but {} outcomes", scores.len(), positive.len()),
            ),
        ));
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::invalid(
            "score_not_a_number",
            Text::new(
                format!("{}번째 점수가 숫자가 아닙니다 ({})", i + 1, scores[i]),
                format!("score {} is not a number ({})", i + 1, scores[i]),
            ),
        ));
    }
    let positives = positive.iter().filter(|&&p| p).count();
    let negatives = positive.len() - positives;
    if positives == 0 || negatives == 0 {
        return Err(Error::invalid(
            "one_outcome",
            Text::new(
                format!(
                    "확인된 이상 {positives}건, 정상 {negatives}건: 두 결과가 모두 있어야 AUC·KS를 계산할 수 있습니다"
                ),
                format!(
                    "{positives} confirmed and {negatives} normal rows: AUC and KS need rows of both outcomes"
                ),
            ),
        ));
    }
    Ok((positives, negatives))
}

/// Indices by score, lowest first (ties in input order).
fn ascending(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    order
}

/// The runs of equal scores in `order`, as index ranges into it.
fn tie_groups<'a>(
    scores: &'a [f64],
    order: &'a [usize],
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= order.len() {
            return None;
        }
        let value = scores[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| scores[i] == value)
                .count();
        let group = start..end;
        start = end;
        Some(group)
    })
}

fn auc_of(scores: &[f64], positive: &[bool], (p, n): (usize, usize)) -> f64 {
    let order = ascending(scores);
    // Sum of the positives' midranks (1-based).
    let mut rank_sum = 0.0;
    for group in tie_groups(scores, &order) {
        let midrank = (group.start + 1 + group.end) as f64 / 2.0;
        let in_group = order[group].iter().filter(|&&i| positive[i]).count();
        rank_sum += midrank * in_group as f64;
    }
    let u = rank_sum - (p * (p + 1)) as f64 / 2.0;
    u / (p as f64 * n as f64)
}

/// (true positives, false positives) at or above each distinct score,
/// walking from the highest down: the steps of the PR and ROC curves.
fn from_the_top(scores: &[f64], positive: &[bool]) -> Vec<(usize, usize)> {
    let mut order = ascending(scores);
    order.reverse();
    let (mut tp, mut fp) = (0usize, 0usize);
    tie_groups(scores, &order)
        .map(|group| {
            for &i in &order[group] {
                if positive[i] {
                    tp += 1;
                } else {
                    fp += 1;
                }
            }
            (tp, fp)
        })
        .collect()
}

fn average_precision_of(scores: &[f64], positive: &[bool], (p, _): (usize, usize)) -> f64 {
    let mut previous_recall = 0.0;
    let mut ap = 0.0;
    for (tp, fp) in from_the_top(scores, positive) {
        let recall = tp as f64 / p as f64;
        ap += (recall - previous_recall) * (tp as f64 / (tp + fp) as f64);
        previous_recall = recall;
    }
    ap
}

fn roc_of(scores: &[f64], positive: &[bool], (p, n): (usize, usize)) -> Vec<[f64; 2]> {
    let steps = from_the_top(scores, positive);
    let points: Vec<[f64; 2]> = std::iter::once([0.0, 0.0])
        .chain(
            steps
                .into_iter()
                .map(|(tp, fp)| [fp as f64 / n as f64, tp as f64 / p as f64]),
        )
        .collect();
    if points.len() <= ROC_POINTS {
        return points;
    }
    // Every k-th point and the last: the curve's shape at chart size.
    let step = points.len().div_ceil(ROC_POINTS - 1);
    let last = *points.last().unwrap_or(&[1.0, 1.0]);
    let mut thinned: Vec<[f64; 2]> = points.into_iter().step_by(step).collect();
    thinned.push(last);
    thinned
}

fn ks_of(scores: &[f64], positive: &[bool], (p, n): (usize, usize)) -> (f64, f64) {
    let order = ascending(scores);
    let (mut below_p, mut below_n) = (0usize, 0usize);
    let (mut best, mut at) = (0.0, scores[order[0]]);
    for group in tie_groups(scores, &order) {
        for &i in &order[group.clone()] {
            if positive[i] {
                below_p += 1;
            } else {
                below_n += 1;
            }
        }
        let gap = (below_p as f64 / p as f64 - below_n as f64 / n as f64).abs();
        if gap > best {
            best = gap;
            at = scores[order[group.start]];
        }
    }
    (best, at)
}

fn at_threshold(
    scores: &[f64],
    positive: &[bool],
    (p, _): (usize, usize),
    threshold: f64,
) -> AtThreshold {
    let (mut tp, mut fp, mut tn) = (0usize, 0usize, 0usize);
    for (&s, &is_positive) in scores.iter().zip(positive) {
        match (s >= threshold, is_positive) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => {}
        }
    }
    let flagged = tp + fp;
    let precision = if flagged == 0 {
        1.0
    } else {
        tp as f64 / flagged as f64
    };
    let recall = tp as f64 / p as f64;
    let f1 = if tp == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    AtThreshold {
        threshold,
        flagged,
        accuracy: (tp + tn) as f64 / scores.len() as f64,
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_on_a_hand_counted_case() {
        // Scores 1..6; positives at 6, 4, 3; negatives at 5, 2, 1.
        let scores = [6.0, 5.0, 4.0, 3.0, 2.0, 1.0];
        let positive = [true, false, true, true, false, false];
        let s = separation(&scores, &positive, &[4.0]).unwrap();
        // Pairs (pos, neg) won: 6 beats all 3, 4 beats 2, 3 beats 2 → 7/9.
        assert!((s.auc - 7.0 / 9.0).abs() < 1e-12);
        assert!((s.gini - (2.0 * 7.0 / 9.0 - 1.0)).abs() < 1e-12);
        // AP: at 6 P=1 R=1/3; at 4 P=2/3 R=2/3; at 3 P=3/4 R=1.
        let ap = (1.0 / 3.0) * 1.0 + (1.0 / 3.0) * (2.0 / 3.0) + (1.0 / 3.0) * 0.75;
        assert!((s.pr_auc - ap).abs() < 1e-12);
        // Below 2: no positive, two thirds of the negatives.
        assert!((s.ks - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.ks_at, 2.0);
        let t = &s.thresholds[0];
        assert_eq!(
            (t.flagged, t.precision, t.recall),
            (3, 2.0 / 3.0, 2.0 / 3.0)
        );
        assert!((t.accuracy - 4.0 / 6.0).abs() < 1e-12);
        // The ROC walk from the top: 6 (tp), 5 (fp), 4, 3 (tp), 2, 1 (fp).
        let third = 1.0 / 3.0;
        assert_eq!(s.roc.first(), Some(&[0.0, 0.0]));
        assert_eq!(s.roc[1], [0.0, third]);
        assert_eq!(s.roc[2], [third, third]);
        assert_eq!(s.roc.last(), Some(&[1.0, 1.0]));
        let ks = s.roc.iter().map(|[f, t]| t - f).fold(0.0, f64::max);
        assert!((ks - s.ks).abs() < 1e-12, "KS is the ROC's widest gap");
    }

    #[test]
    fn a_long_roc_is_thinned_to_chart_size() {
        let scores: Vec<f64> = (0..5000).map(f64::from).collect();
        let positive: Vec<bool> = (0..5000).map(|i| i % 7 == 0).collect();
        let s = separation(&scores, &positive, &[]).unwrap();
        assert!(s.roc.len() <= ROC_POINTS + 1, "{}", s.roc.len());
        assert_eq!(s.roc.last(), Some(&[1.0, 1.0]));
    }

    #[test]
    fn ties_count_half_and_one_outcome_is_refused() {
        assert_eq!(roc_auc(&[1.0, 1.0], &[true, false]).unwrap(), 0.5);
        let err = roc_auc(&[1.0, 2.0], &[true, true]).unwrap_err();
        assert_eq!(err.code, "one_outcome");
        let err = roc_auc(&[1.0, f64::NAN], &[true, false]).unwrap_err();
        assert_eq!(err.code, "score_not_a_number");
        let err = roc_auc(&[1.0], &[true, false]).unwrap_err();
        assert_eq!(err.code, "labels_length");
    }

    #[test]
    fn nothing_flagged_raises_no_false_alarm() {
        let s = separation(&[1.0, 2.0], &[true, false], &[10.0]).unwrap();
        let t = &s.thresholds[0];
        assert_eq!((t.flagged, t.precision, t.recall, t.f1), (0, 1.0, 0.0, 0.0));
    }
}
