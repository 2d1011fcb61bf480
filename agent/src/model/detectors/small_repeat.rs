//! Many payments to one vendor from one department in a month, against the
//! pair's usual month: the surprisal of the month's count under a
//! negative binomial with the pair's own mean and spread over its other
//! months (a Poisson where they do not swing more than chance). Counted
//! among the small payments where a small-payment limit is configured.
//! Needs a few months of history.

use super::{rarity_words, Context, Detector, Fact, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct SmallRepeat;

/// Months of history a usual month needs.
const MIN_MONTHS: u32 = 3;

impl Detector for SmallRepeat {
    fn kind(&self) -> DetectorKind {
        DetectorKind::SmallRepeat
    }

    fn fact(&self) -> Fact {
        Fact::Bunching
    }

    fn months_needed(&self) -> u32 {
        MIN_MONTHS
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let s = cx.features.small_repeat[i]?;
        // A pair seen in fewer months than a usual month needs has no
        // usual month: a vendor new this month is not "usually 0 a month".
        let history = s.other_months + 1.0;
        if s.count < cx.config.limits.small_repeat_min_count || history < f64::from(MIN_MONTHS) {
            return Some(Finding::surprisal(0.0));
        }
        // The usual rate with one pseudo-month of one payment, so a pair
        // new this month is unusual but not infinitely so.
        let months = s.other_months;
        let rate = (s.usual_count * months + 1.0) / (months + 1.0);
        Some(Finding::surprisal(-upper_tail_ln(
            s.count, rate, s.variance,
        )))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let s = cx.features.small_repeat[i].expect("a finding has its month");
        let (ko, en) = cx.money(s.sum);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "같은 거래처에 한 달간 {}건, 합계 {ko} (평소 월 {:.1}건; {rare_ko})",
                s.count, s.usual_count
            ),
            format!(
                "{} payments to this vendor in one month, {en} in total (usually {:.1} a month; {rare_en})",
                s.count, s.usual_count
            ),
        )
    }
}

/// ln P(X ≥ k) for a count of mean `mean` and variance `variance`: a
/// negative binomial when the variance exceeds the mean, else a Poisson.
fn upper_tail_ln(k: u32, mean: f64, variance: f64) -> f64 {
    // At or below the usual month there is no burst to measure (and past
    // the mean the terms only fall, which the sum below relies on).
    if f64::from(k) <= mean {
        return 0.0;
    }
    let ln_pmf: Box<dyn Fn(u32) -> f64> = if variance > mean * 1.05 {
        // Gamma–Poisson: r = mean² / (variance − mean), success p = r / (r + mean).
        let r = mean * mean / (variance - mean);
        let ln_p = (r / (r + mean)).ln();
        let ln_q = (mean / (r + mean)).ln();
        let ln_gamma_r = libm::lgamma(r);
        Box::new(move |j: u32| {
            let j = f64::from(j);
            libm::lgamma(j + r) - ln_gamma_r - libm::lgamma(j + 1.0) + r * ln_p + j * ln_q
        })
    } else {
        Box::new(move |j: u32| {
            let j = f64::from(j);
            -mean + j * mean.ln() - libm::lgamma(j + 1.0)
        })
    };
    // Sum the tail in log space from its first term. Past the mean the
    // terms fall off geometrically; after a few hundred, the rest is
    // summed as a geometric series at the last terms' ratio (this runs
    // for every row of a 1M-row ledger).
    let first = ln_pmf(k);
    let mut sum = 0.0;
    let mut previous = 0.0;
    for j in k..k.saturating_add(256) {
        let term = ln_pmf(j) - first;
        sum += term.exp();
        if j > k && term < -40.0 {
            return (first + sum.ln()).min(0.0);
        }
        if j == k.saturating_add(255) {
            let ratio = (term - previous).exp();
            if ratio < 1.0 {
                sum += term.exp() * ratio / (1.0 - ratio);
            }
        }
        previous = term;
    }
    (first + sum.ln()).min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail() {
        // At or below the mean: nothing; P(X ≥ 2 | 1) = 1 − 2/e.
        assert!(upper_tail_ln(0, 2.0, 2.0).abs() < 1e-9);
        assert!(upper_tail_ln(5, 10.0, 50.0).abs() < 1e-9);
        assert!((upper_tail_ln(2, 1.0, 1.0).exp() - (1.0 - 2.0 / 1f64.exp())).abs() < 1e-9);
        // A slowly falling tail is summed to the end, not cut short.
        let wide = upper_tail_ln(60, 50.0, 5000.0).exp();
        assert!(wide > 0.2 && wide < 0.5, "{wide}");
        assert!(upper_tail_ln(20, 1.0, 1.0) < upper_tail_ln(10, 1.0, 1.0));
        // A pair whose months swing widely finds 20 in a month less strange.
        assert!(upper_tail_ln(20, 3.0, 30.0) > upper_tail_ln(20, 3.0, 3.0) + 5.0);
    }
}
