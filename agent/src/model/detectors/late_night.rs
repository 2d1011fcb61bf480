//! Card use late at night. Korea's budget execution guidelines restrict
//! business-expense (업무추진비, 클린카드) use from 23:00 to 06:00; the same
//! hours are used everywhere. Needs a time of use (a 사용시간/승인시간
//! column, or a time in the date). Rated within the card holder's payments (the department's where the ledger names no holder).

use super::{holder_groups, rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct LateNight;

/// Minutes after midnight where late night starts and ends.
const FROM: u16 = 23 * 60;
const UNTIL: u16 = 6 * 60;

impl Detector for LateNight {
    fn kind(&self) -> DetectorKind {
        DetectorKind::LateNight
    }

    fn steps_aside(&self, cx: &Context<'_>) -> Option<Text> {
        let timed = cx.ledger.transactions.iter().any(|t| t.time.is_some());
        (!timed).then(|| {
            Text::new(
                "사용 시각이 없어 판단하지 않음 (사용시간·승인시간 열이나 일시가 필요)",
                "not judged: the ledger has no time of use (a time column, or a time in the date)",
            )
        })
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let minute = cx.row(i).time?;
        (!(UNTIL..FROM).contains(&minute)).then_some(Finding::event(1))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: holder_groups(cx),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let t = cx.row(i);
        let minute = t.time.unwrap_or(0);
        let at = format!(
            "{} {:02}:{:02}",
            t.date.format("%Y-%m-%d"),
            minute / 60,
            minute % 60
        );
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!("심야 사용 ({at}; 23시~6시, 이 사용자(또는 부서) 결제 {rare_ko})"),
            format!(
                "Used late at night ({at}; 23:00–06:00, {rare_en} of this card holder's (or department's) payments)"
            ),
        )
    }
}
