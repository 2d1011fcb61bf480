//! The same vendor and amount paid again within days under another
//! voucher; the same department and description too is an exact repeat.
//! Rated among the vendor's payments: a supermarket that charges the same
//! price all week repeats amounts by nature, a one-off contractor does not.

use super::{rarity_words, vendor_groups, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct Duplicate;

impl Detector for Duplicate {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Duplicate
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let d = cx.features.duplicate[i]?;
        // The strongest mark: the card charged again at the counter, the
        // same day within half an hour.
        let grade = if swiped_twice(cx, i, d.of) {
            3
        } else if d.exact {
            2
        } else {
            1
        };
        Some(Finding::event(grade))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: vendor_groups(cx),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let d = cx.features.duplicate[i].expect("a finding has its duplicate");
        let (other_ko, other_en) = cx.row_named_from(i, d.of);
        let (ko, en) = cx.money(cx.row(i).amount);
        let (rare_ko, rare_en) = rarity_words(p);
        if swiped_twice(cx, i, d.of) {
            let minutes = minutes_apart(cx, i, d.of).unwrap_or(0);
            return Text::new(
                format!(
                    "같은 날 {minutes}분 간격으로 같은 거래처·같은 금액({ko}) 두 번 결제 ({other_ko}; 이 거래처 결제 {rare_ko})"
                ),
                format!(
                    "Same vendor and amount ({en}) charged twice the same day, {minutes} minutes apart ({other_en}; {rare_en} of this vendor's payments)"
                ),
            );
        }
        Text::new(
            format!(
                "같은 거래처·같은 금액({ko})이 {}일 내 중복 ({other_ko}; 이 거래처 결제 {rare_ko})",
                d.days_apart
            ),
            format!(
                "Same vendor and amount ({en}) paid again within {} days ({other_en}; {rare_en} of this vendor's payments)",
                d.days_apart
            ),
        )
    }
}

/// Half an hour: a second charge for one bill, not a second meal.
const SAME_SITTING_MINUTES: u16 = 30;

/// Minutes between two same-day uses, when both have a time.
fn minutes_apart(cx: &Context<'_>, a: usize, b: usize) -> Option<u16> {
    let (ra, rb) = (cx.row(a), cx.row(b));
    if ra.date != rb.date {
        return None;
    }
    Some(ra.time?.abs_diff(rb.time?))
}

fn swiped_twice(cx: &Context<'_>, a: usize, b: usize) -> bool {
    minutes_apart(cx, a, b).is_some_and(|m| m <= SAME_SITTING_MINUTES)
}
