//! A large round amount (one significant digit: 3,000,000원, £500.00) at
//! or above its group's median, rated within the account: where round
//! amounts are the norm (fees, grants) it weighs little.

use super::{account_groups, rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct RoundAmount;

impl Detector for RoundAmount {
    fn kind(&self) -> DetectorKind {
        DetectorKind::RoundAmount
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let amount = cx.row(i).amount;
        let median = cx.features.dept_account(i).median.max(1.0);
        (is_round(amount) && amount >= median).then_some(Finding::event(1))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: account_groups(cx),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let (ko, en) = cx.money(cx.row(i).amount);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!("딱 떨어지는 큰 금액({ko}): 이 계정에서 {rare_ko}"),
            format!("Round amount ({en}): {rare_en} of this account's payments"),
        )
    }
}

/// One significant digit and at least two zeros: 300, 5,000, 3,000,000.
fn is_round(amount: f64) -> bool {
    let a = amount.abs();
    if a < 100.0 || a.fract() != 0.0 || a > 1e15 {
        return false;
    }
    let mut n = a as u64;
    while n.is_multiple_of(10) {
        n /= 10;
    }
    n < 10
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_amounts() {
        assert!(super::is_round(3_000_000.0));
        assert!(super::is_round(500.0));
        assert!(!super::is_round(3_500_000.0));
        assert!(!super::is_round(50.0));
        assert!(!super::is_round(500.5));
    }
}
