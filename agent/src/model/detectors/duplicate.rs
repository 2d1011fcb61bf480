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
        cx.features.duplicate[i].map(|d| Finding::event(if d.exact { 2 } else { 1 }))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: vendor_groups(cx),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let d = cx.features.duplicate[i].expect("a finding has its duplicate");
        let other_row = cx.row(d.of).sheet_row;
        let (ko, en) = cx.money(cx.row(i).amount);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "같은 거래처·같은 금액({ko})이 {}일 내 중복 ({other_row}행; 이 거래처 결제 {rare_ko})",
                d.days_apart
            ),
            format!(
                "Same vendor and amount ({en}) paid again within {} days (row {other_row}; {rare_en} of this vendor's payments)",
                d.days_apart
            ),
        )
    }
}
