//! Many small payments to one vendor from one department in a month,
//! against the pair's usual month: the Poisson surprisal of the month's
//! count given the usual rate. "Small" is the configured limit, else at
//! most the account's median payment. Needs a few months of history.

use super::{rarity_words, too_short, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct SmallRepeat;

/// Months of history a usual month needs.
const MIN_MONTHS: u32 = 3;

impl Detector for SmallRepeat {
    fn kind(&self) -> DetectorKind {
        DetectorKind::SmallRepeat
    }

    fn steps_aside(&self, cx: &Context<'_>) -> Option<Text> {
        (cx.months < MIN_MONTHS).then(|| too_short(cx.months, MIN_MONTHS))
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let s = cx.features.small_repeat[i]?;
        if s.count < cx.config.limits.small_repeat_min_count {
            return Some(Finding::magnitude(0.0));
        }
        // The usual rate with one pseudo-month of one payment, so a pair
        // new this month is unusual but not infinitely so.
        let months = s.other_months;
        let rate = (s.usual_count * months + 1.0) / (months + 1.0);
        Some(Finding::magnitude(-poisson_upper_tail_ln(s.count, rate)))
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

/// ln P(X ≥ k) for X ~ Poisson(rate), summed in log space.
fn poisson_upper_tail_ln(k: u32, rate: f64) -> f64 {
    let ln_pmf = |j: u32| -> f64 {
        let ln_factorial: f64 = (1..=j).map(|x| f64::from(x).ln()).sum();
        -rate + f64::from(j) * rate.ln() - ln_factorial
    };
    let first = ln_pmf(k);
    let mut sum = 0.0;
    let mut term = first;
    let mut j = k;
    // Terms fall off once j passes the rate; 200 more is far beyond need.
    while j < k + 200 {
        sum += (term - first).exp();
        j += 1;
        term += rate.ln() - f64::from(j).ln();
        if term - first < -40.0 {
            break;
        }
    }
    (first + sum.ln()).min(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_tail() {
        // P(X ≥ 0) = 1; P(X ≥ 1 | 1) = 1 − e^−1.
        assert!(poisson_upper_tail_ln(0, 2.0).abs() < 1e-9);
        assert!((poisson_upper_tail_ln(1, 1.0).exp() - (1.0 - (-1f64).exp())).abs() < 1e-9);
        assert!(poisson_upper_tail_ln(20, 1.0) < poisson_upper_tail_ln(10, 1.0));
    }
}
