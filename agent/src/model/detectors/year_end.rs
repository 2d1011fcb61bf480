//! A late-December payment, large for its group, in a department and
//! account whose last fortnight of the year far exceeds its usual
//! half-month. Needs half a year of history for a usual half-month.

use super::{rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct YearEnd;

const MIN_MONTHS: u32 = 6;

impl Detector for YearEnd {
    fn kind(&self) -> DetectorKind {
        DetectorKind::YearEnd
    }

    fn months_needed(&self) -> u32 {
        MIN_MONTHS
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let y = cx.features.year_end[i]?;
        let da = cx.features.dept_account(i);
        // The population is every late-December payment: both the rush and
        // the payment's size, the log of each ratio (a small payment in a
        // rush is ordinary), and only where there is a rush: a large
        // payment in a calm December is the amount detector's to judge.
        let rush = y.ratio.max(1e-6).ln();
        let value = if rush > 0.0 {
            rush + da.ratio.max(1e-6).ln().max(0.0)
        } else {
            0.0
        };
        Some(Finding::magnitude(value))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let y = cx.features.year_end[i].expect("a finding has its year end");
        let da = cx.features.dept_account(i);
        let (ko, en) = cx.money(y.late_december_sum);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "연말 집중: 12월 하순 부서·계정 집행 {ko}, 평소 보름치의 {:.1}배 (이 건은 중앙값의 {:.1}배; {rare_ko})",
                y.ratio, da.ratio
            ),
            format!(
                "Year-end rush: {en} in late December for this department and account, {:.1}× a usual half-month (this payment {:.1}× the median; {rare_en})",
                y.ratio, da.ratio
            ),
        )
    }
}
