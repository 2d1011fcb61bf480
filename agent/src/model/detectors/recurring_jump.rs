//! A recurring bill (same vendor, account and department, about monthly)
//! above its usual amount: the robust z of the jump against the series'
//! own spread over its previous payments, judged by Student's t with the
//! history's length less one degrees of freedom (see
//! `calibrate::student_t`). Needs a few months of history.

use super::{rarity_words, Context, Detector, Fact, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct RecurringJump;

/// A series needs this many months to have a usual amount.
pub(crate) const MIN_MONTHS: u32 = 3;

impl Detector for RecurringJump {
    fn kind(&self) -> DetectorKind {
        DetectorKind::RecurringJump
    }

    fn fact(&self) -> Fact {
        Fact::Size
    }

    fn months_needed(&self) -> u32 {
        MIN_MONTHS
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        cx.features.recurrence[i].map(|r| {
            let spread = 1.4826 * r.log_spread.max(crate::features::MIN_LOG_MAD);
            Finding::magnitude(r.ratio.max(1e-6).ln() / spread)
        })
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::OwnHistory {
            freedom: (cx.features.recurrence.iter())
                .map(|r| r.map_or(1, |r| r.window.saturating_sub(1)))
                .collect(),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let r = cx.features.recurrence[i].expect("a finding has its series");
        let (ko, en) = cx.money(r.usual);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!("정기 지출이 평소 금액({ko})의 {:.1}배 ({rare_ko})", r.ratio),
            format!(
                "Recurring payment is {:.1}× its usual amount ({en}; {rare_en})",
                r.ratio
            ),
        )
    }
}
