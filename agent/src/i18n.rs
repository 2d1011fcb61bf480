//! Korean-first, bilingual text. Every user-facing message, header and reason
//! is built once as a [`Text`] holding both languages, and rendered at the
//! edge (CLI output, workbook, API) in the language the user chose.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ko,
    En,
}

/// One message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub ko: String,
    pub en: String,
}

impl Text {
    pub fn new(ko: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ko: ko.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }
}

/// An error whose message exists in both languages; the CLI renders it in
/// the user's.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.en)]
pub struct Localized(pub Text);

impl Localized {
    pub fn new(ko: impl Into<String>, en: impl Into<String>) -> Self {
        Localized(Text::new(ko, en))
    }
}

/// Picks the Korean or English form of a fixed label.
pub fn pick(lang: Lang, ko: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ko => ko,
        Lang::En => en,
    }
}

/// Formats a won amount with thousands separators: 1234000 -> "1,234,000".
pub fn won(amount: f64) -> String {
    thousands(amount)
}

/// Rounds to a whole number and groups thousands: 1234000.4 -> "1,234,000".
pub fn thousands(amount: f64) -> String {
    let negative = amount < 0.0;
    let digits = format!("{:.0}", amount.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if negative {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn won_groups_thousands() {
        assert_eq!(won(0.0), "0");
        assert_eq!(won(999.0), "999");
        assert_eq!(won(1000.0), "1,000");
        assert_eq!(won(1234000.0), "1,234,000");
        assert_eq!(won(-15000.4), "-15,000");
    }
}
