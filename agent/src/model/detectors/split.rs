//! Payments to one vendor within days, each under a per-payment limit,
//! together over it. The limit is the configured one, else the one the
//! ledger's amounts show (`features::limits`), else the round amount the
//! parts all sit just under. Rated among the vendor's payments: a busy
//! vendor paid several times a week shows the pattern by chance.

use super::{rarity_words, vendor_groups, Context, Detector, Fact, Finding, Rarity};
use crate::features::LimitSource;
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct Split;

impl Detector for Split {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Split
    }

    fn fact(&self) -> Fact {
        Fact::Bunching
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let s = cx.features.split[i]?;
        // The signature grows with each mark of a split: parts just under
        // the limit, parts that say the same thing, a limit known to exist.
        let grade = 1
            + u32::from(s.just_under)
            + u32::from(s.same_description)
            + u32::from(s.limit.source != LimitSource::RoundAmount);
        Some(Finding::event(grade).spanning(s.parts))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: vendor_groups(cx),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let s = cx.features.split[i].expect("a finding has its split");
        let (total_ko, total_en) = cx.money(s.total);
        let (limit_ko, limit_en) = cx.money(s.limit.amount);
        let (what_ko, what_en) = match s.limit.source {
            LimitSource::Configured => ("설정 한도", "the configured limit"),
            LimitSource::Profile => ("건별 한도", "the per-payment limit"),
            LimitSource::Found => ("원장에서 찾은 한도", "the limit this ledger shows"),
            LimitSource::RoundAmount => ("딱 떨어지는 금액", "the round amount"),
        };
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "분할 의심: {}일 내 같은 거래처 {}건 합계 {total_ko}, 건별로는 {what_ko} {limit_ko} 미만 (이 거래처 결제 {rare_ko})",
                s.days.max(1),
                s.parts
            ),
            format!(
                "Possible split: {} payments to one vendor within {} days total {total_en}, each under {what_en} of {limit_en} ({rare_en} of this vendor's payments)",
                s.parts,
                s.days.max(1)
            ),
        )
    }
}
