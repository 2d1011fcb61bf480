//! The ledger's currency, and amounts printed in it: won without decimals
//! ("80,000원" / "₩80,000"), pounds, dollars and euros with two ("£9.78").

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::i18n::Text;

/// A currency the reasons and sheets print amounts in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    #[default]
    Krw,
    Usd,
    Gbp,
    Eur,
    Jpy,
    /// A ledger that names no currency and is not in Korean: amounts are
    /// printed as numbers with two decimals (ISO 4217's "no currency").
    #[serde(rename = "XXX")]
    Unnamed,
}

impl Currency {
    pub const ALL: [Currency; 5] = [
        Currency::Krw,
        Currency::Usd,
        Currency::Gbp,
        Currency::Eur,
        Currency::Jpy,
    ];

    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Krw => "KRW",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Eur => "EUR",
            Currency::Jpy => "JPY",
            Currency::Unnamed => "XXX",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Krw => "₩",
            Currency::Usd => "$",
            Currency::Gbp => "£",
            Currency::Eur => "€",
            Currency::Jpy => "¥",
            Currency::Unnamed => "",
        }
    }

    /// Digits after the decimal point (ISO 4217 minor units).
    pub fn decimals(self) -> usize {
        match self {
            Currency::Krw | Currency::Jpy => 0,
            _ => 2,
        }
    }

    /// The currency of a ledger that names none: won for Korean headers,
    /// else none in particular.
    pub fn assumed(headers: &[String]) -> Currency {
        let korean = headers
            .iter()
            .any(|h| h.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)));
        if korean {
            Currency::Krw
        } else {
            Currency::Unnamed
        }
    }

    /// A code (`KRW`, `gbp`), a symbol (`£`) or the Korean word 원.
    pub fn parse(text: &str) -> Option<Currency> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        Currency::ALL.into_iter().find(|c| {
            c.code().eq_ignore_ascii_case(t)
                || c.symbol() == t
                || (*c == Currency::Krw && (t == "원" || t == "\\"))
                || (*c == Currency::Jpy && t == "円")
        })
    }

    /// As `parse`, with the error a user sees for anything else.
    pub fn from_user(text: &str) -> Result<Currency, Error> {
        Currency::parse(text).ok_or_else(|| {
            let known = Currency::ALL.map(Currency::code).join(", ");
            Error::invalid(
                "bad_currency",
                Text::new(
                    format!("알 수 없는 통화입니다: '{text}' (가능: {known})"),
                    format!("unknown currency '{text}' (known: {known})"),
                ),
            )
        })
    }

    /// The amount as a Korean sentence quotes it: "80,000원", "£9.78".
    pub fn ko(self, amount: f64) -> String {
        match self {
            Currency::Krw => format!("{}원", self.number(amount)),
            _ => self.en(amount),
        }
    }

    /// The amount as an English sentence quotes it: "₩80,000", "£9.78".
    pub fn en(self, amount: f64) -> String {
        let sign = if amount < 0.0 { "-" } else { "" };
        format!("{sign}{}{}", self.symbol(), self.number(amount.abs()))
    }

    /// The amount as `lang` writes it (`ko` or `en`).
    pub fn shown(self, amount: f64, lang: crate::i18n::Lang) -> String {
        match lang {
            crate::i18n::Lang::Ko => self.ko(amount),
            crate::i18n::Lang::En => self.en(amount),
        }
    }

    /// Grouped thousands with the currency's decimals: "1,234.50".
    pub fn number(self, amount: f64) -> String {
        crate::i18n::grouped(amount, self.decimals())
    }

    /// Excel's number format for amounts in this currency.
    pub fn excel_format(self) -> String {
        if self.decimals() == 0 {
            "#,##0".to_string()
        } else {
            format!("#,##0.{}", "0".repeat(self.decimals()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_in_their_currency() {
        assert_eq!(Currency::Krw.ko(80_000.0), "80,000원");
        assert_eq!(Currency::Krw.en(80_000.0), "₩80,000");
        assert_eq!(Currency::Gbp.en(9.78), "£9.78");
        assert_eq!(Currency::Gbp.ko(1234.5), "£1,234.50");
        assert_eq!(Currency::Usd.en(-12.0), "-$12.00");
        assert_eq!(Currency::parse("gbp"), Some(Currency::Gbp));
        assert_eq!(Currency::parse("원"), Some(Currency::Krw));
        assert!(Currency::from_user("XYZ")
            .unwrap_err()
            .message
            .ko
            .contains("XYZ"));
    }
}
