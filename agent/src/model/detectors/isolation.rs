//! The Isolation Forest finds the row's combination of features rare.

use super::{rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct Isolation;

impl Detector for Isolation {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Isolation
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        Some(Finding::magnitude(cx.isolation[i]))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let s = cx.isolation[i];
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!("여러 특성이 함께 드문 거래 (Isolation Forest 점수 {s:.2}; {rare_ko})"),
            format!("Unusual combination of features (Isolation Forest score {s:.2}; {rare_en})"),
        )
    }
}
