//! Built-in profiles: what a kind of ledger is known to mean, applied to
//! the configuration before scoring. A profile only fills what the
//! configuration leaves unset, so a named limit always wins.
//!
//! - **ledger** (an ERP budget-execution export): in won, the statutory
//!   limit of a single-quote private contract under Korea's local and
//!   national contract acts (추정가격 2천만원, 지방계약법 시행령 §25,
//!   국가계약법 시행령 §26) is the per-payment limit splits dodge.
//! - **card** (business-card records such as 업무추진비 or a purchase-card
//!   file): in won, the 500,000원 per-payment line above which the
//!   regulations on 업무추진비 require the guests to be recorded is the
//!   limit; the time of use is read where present (late night), and
//!   venues by their names.
//!
//! In other currencies no amount is assumed: limits are found from the
//! ledger (`features::limits`). Chosen from the columns unless the config
//! or `--profile` names one.

use crate::error::Error;
use crate::i18n::Text;
use crate::ingest::{Field, Ledger};
use crate::money::Currency;

pub use crate::vocabulary::Profile;

/// Header words of card-expense records: where the card was used, the
/// time it was used, the card itself.
const CARD_HEADERS: [&str; 11] = [
    "식당명",
    "가맹점",
    "사용처",
    "사용장소",
    "사용일",
    "사용금액",
    "승인",
    "카드",
    "merchant",
    "card",
    "mcc",
];

impl Profile {
    pub fn from_user(text: &str) -> Result<Profile, Error> {
        Profile::from_code(&text.trim().to_ascii_lowercase()).ok_or_else(|| {
            Error::invalid(
                "bad_profile",
                Text::new(
                    format!(
                        "알 수 없는 프로필입니다: '{text}' (가능: {})",
                        Profile::codes()
                    ),
                    format!("unknown profile '{text}' (known: {})", Profile::codes()),
                ),
            )
        })
    }

    /// The profile a ledger's columns suggest: card records carry a time
    /// of use, or name their columns for a card's merchant and use.
    pub fn detect(ledger: &Ledger) -> Profile {
        if ledger.columns.contains_key(&Field::Time) {
            return Profile::Card;
        }
        let card_words = ledger
            .headers
            .iter()
            .filter(|h| {
                let h = h.to_lowercase();
                CARD_HEADERS.iter().any(|w| h.contains(w))
            })
            .count();
        if card_words >= 2 {
            Profile::Card
        } else {
            Profile::Ledger
        }
    }

    /// The per-payment limit this profile knows in `currency`, if any.
    /// A limit the configuration names wins over it (`features::build`).
    pub fn known_limit(self, currency: Currency) -> Option<f64> {
        match (self, currency) {
            (Profile::Ledger, Currency::Krw) => Some(20_000_000.0),
            (Profile::Card, Currency::Krw) => Some(500_000.0),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_known_in_won_only() {
        assert_eq!(Profile::Card.known_limit(Currency::Krw), Some(500_000.0));
        assert_eq!(
            Profile::Ledger.known_limit(Currency::Krw),
            Some(20_000_000.0)
        );
        assert_eq!(
            Profile::Card.known_limit(Currency::Gbp),
            None,
            "no amount assumed in pounds"
        );
    }
}
