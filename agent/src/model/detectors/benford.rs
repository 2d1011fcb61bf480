//! A vendor whose amounts' leading digits depart from what their scale
//! predicts (the scale-adjusted expectation of `features::benford`), where
//! the departure is significant: the chi-square with 8 degrees of freedom
//! past its 5% critical value. Ranked by the mean absolute deviation.

use super::{rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct Benford;

/// χ²(8) at the 5% level.
const CHI_SQUARE_5_PERCENT: f64 = 15.507;

impl Detector for Benford {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Benford
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let b = cx.features.benford_vendor_of_row(i)?;
        if cx.features.recurrence[i].is_some() {
            return None;
        }
        // Every judged vendor's rows are the population; a departure that
        // is not significant counts as none.
        let significant = b.chi_square > CHI_SQUARE_5_PERCENT;
        Some(Finding::magnitude(if significant { b.mad } else { 0.0 }))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let b = cx
            .features
            .benford_vendor_of_row(i)
            .expect("a finding has its vendor");
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "거래처 금액의 첫자리 분포가 비정상: {}(으)로 시작하는 금액이 과다 (규모 보정 MAD {:.3}, 벤포드 MAD {:.3}, {}건; {rare_ko})",
                b.excess_digit, b.mad, b.benford_mad, b.count
            ),
            format!(
                "Vendor's leading digits look invented: too many amounts start with {} (scale-adjusted MAD {:.3}, Benford MAD {:.3}, {} payments; {rare_en})",
                b.excess_digit, b.mad, b.benford_mad, b.count
            ),
        )
    }
}
