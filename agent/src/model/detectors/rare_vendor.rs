//! A vendor this account almost never pays (one or two payments in a busy
//! account) though other accounts pay it often. Rated within the account.

use super::{account_groups, rarity_words, Context, Detector, Finding, Rarity};
use crate::i18n::Text;
use crate::vocabulary::DetectorKind;

pub(crate) struct RareVendor;

/// An account this busy has a settled set of vendors.
const MIN_ACCOUNT_ROWS: u32 = 50;
/// A vendor this busy elsewhere is known to the institution.
const MIN_ELSEWHERE: u32 = 10;

impl Detector for RareVendor {
    fn kind(&self) -> DetectorKind {
        DetectorKind::RareVendor
    }

    fn compute(&self, cx: &Context<'_>, i: usize) -> Option<Finding> {
        let f = cx.features;
        let pair = f.vendor_account_count[i];
        let elsewhere = f.vendor_count[i].saturating_sub(pair);
        (f.vendor_known[i]
            && pair <= 2
            && f.account_count[i] >= MIN_ACCOUNT_ROWS
            && elsewhere >= MIN_ELSEWHERE)
            .then_some(Finding::event(if pair == 1 { 2 } else { 1 }))
    }

    fn rarity(&self, cx: &Context<'_>) -> Rarity {
        Rarity::Event {
            group_of: account_groups(cx),
        }
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let f = cx.features;
        let pair = f.vendor_account_count[i];
        let elsewhere = f.vendor_count[i].saturating_sub(pair);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "이 계정에서 거의 쓰지 않는 거래처: 계정 {}건 중 {pair}건 (다른 계정에서는 {elsewhere}건; {rare_ko})",
                f.account_count[i]
            ),
            format!(
                "Vendor rarely used for this account: {pair} of {} payments (but {elsewhere} elsewhere; {rare_en})",
                f.account_count[i]
            ),
        )
    }
}
