//! A vendor this account almost never pays (one or two payments in a busy
//! account) though other accounts pay it often. How strange that is
//! depends on how the vendor's payments fall across accounts and on how
//! much of the ledger the account takes: the chance that one of the
//! vendor's payments lands in this account, read off its other payments
//! smoothed with one pseudo-payment drawn from the ledger's account mix
//! (as a repeat's coincidence is). A café that every budget line pays is
//! no stranger in one more; a contractor paid thirty times from works and
//! once from hospitality is.

use super::{rarity_words, Context, Detector, Finding, Rarity};
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
        // Every payment is in the population (a vendor the account knows
        // well is no surprise at all), so the rare ones rank among all.
        let new_to_account = f.vendor_known[i]
            && pair <= 2
            && f.account_count(i) >= MIN_ACCOUNT_ROWS
            && elsewhere >= MIN_ELSEWHERE;
        if !new_to_account {
            return Some(Finding::surprisal(0.0));
        }
        let chance =
            chance_in_account(pair, f.vendor_count[i], f.account_count(i), cx.ledger.len());
        Some(Finding::surprisal(-chance.ln()))
    }

    fn rarity(&self, _cx: &Context<'_>) -> Rarity {
        Rarity::Magnitude
    }

    fn explain(&self, cx: &Context<'_>, i: usize, _f: &Finding, p: f64) -> Text {
        let f = cx.features;
        let pair = f.vendor_account_count[i];
        let elsewhere = f.vendor_count[i].saturating_sub(pair);
        let (rare_ko, rare_en) = rarity_words(p);
        Text::new(
            format!(
                "이 계정에서 거의 쓰지 않는 거래처: 계정 {}건 중 {pair}건 (다른 계정에서는 {elsewhere}건; {rare_ko})",
                f.account_count(i)
            ),
            format!(
                "Vendor rarely used for this account: {pair} of {} payments (but {elsewhere} elsewhere; {rare_en})",
                f.account_count(i)
            ),
        )
    }
}

/// The chance that one of a vendor's payments falls in an account: its
/// other payments' share there (`pair − 1` of `vendor_payments − 1`) with
/// one pseudo-payment spread as the ledger's payments are (the account's
/// `account_payments` of `rows`).
fn chance_in_account(pair: u32, vendor_payments: u32, account_payments: u32, rows: usize) -> f64 {
    let share = f64::from(account_payments) / rows.max(1) as f64;
    let others = f64::from(vendor_payments.saturating_sub(1));
    (f64::from(pair.saturating_sub(1)) + share) / (others + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vendor_every_account_pays_is_no_stranger_in_one_more() {
        // A café paid once from an account with 12,237 of 30,000 payments
        // and ten times elsewhere: about 1 in 27, not worth a note.
        let cafe = chance_in_account(1, 11, 12_237, 30_000);
        assert!(cafe > 0.03, "{cafe}");
        // A contractor paid thirty times from works and once from a
        // hospitality account with 600 of 30,000 payments: 1 in 1,550.
        let contractor = chance_in_account(1, 31, 600, 30_000);
        assert!(contractor < 1e-3, "{contractor}");
        // A second payment in the account makes the first less strange.
        assert!(chance_in_account(2, 31, 600, 30_000) > 30.0 * contractor);
    }
}
