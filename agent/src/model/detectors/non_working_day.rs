//! Use on a weekend or public holiday by someone, not a standing order:
//! recurring bills and automatic transfers run on a fixed day whatever the
//! weekday. Rated within the card holder's payments (the department's where the ledger names no holder): an institution that pays on
//! holidays routinely shows it every week.

use super::{holder_groups, rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct NonWorkingDay;

impl Detector for NonWorkingDay {
    fn kind(&self) -> DetectorKind {
        DetectorKind::NonWorkingDay
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let t = cx.row(i);
        let automatic = t.payment_method.is_some_and(|m| {
            let method = cx.ledger.others.name(m).to_lowercase();
            method.contains("자동") || method.contains("auto") || method.contains("direct debit")
        });
        (cx.features.calendar[i].non_working && cx.features.recurrence[i].is_none() && !automatic)
            .then_some(Finding::event(1))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: holder_groups(cx),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let t = cx.row(i);
        let (ko, en) = cx.features.calendar[i]
            .day_name
            .unwrap_or(("휴일", "holiday"));
        let (rare_ko, rare_en) = rarity_words(p);
        let date = t.date.format("%Y-%m-%d");
        Text::new(
            format!("휴일 집행 ({date}, {ko}; 이 사용자(또는 부서) 결제 {rare_ko})"),
            format!(
                "Paid on a non-working day ({date}, {en}; {rare_en} of this card holder's (or department's) payments)"
            ),
        )
    }
}
