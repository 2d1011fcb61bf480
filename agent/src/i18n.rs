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

impl Lang {
    /// `ko` or `en`, as the API's `?lang=` and a [`Text`]'s fields name it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// The language `code` names, if it names one.
    pub fn from_code(code: &str) -> Option<Lang> {
        [Lang::Ko, Lang::En].into_iter().find(|l| l.code() == code)
    }
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
    grouped(amount, 0)
}

/// At most `decimals` places, trailing zeros dropped: (5.776, 2) -> "5.78",
/// (95.0, 2) -> "95", (4.99, 2) -> "4.99". For rates and counts in sentences.
pub fn trim_number(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Rounds to `decimals` places and groups the whole part's thousands:
/// (1234.5, 2) -> "1,234.50".
pub fn grouped(amount: f64, decimals: usize) -> String {
    let negative = amount < 0.0;
    let text = format!("{:.*}", decimals, amount.abs());
    let (digits, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if negative && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_numbers_drop_trailing_zeros() {
        assert_eq!(trim_number(5.776, 2), "5.78");
        assert_eq!(trim_number(95.0, 2), "95");
        assert_eq!(trim_number(4.99, 2), "4.99");
        assert_eq!(trim_number(0.5, 2), "0.5");
        assert_eq!(trim_number(120.0, 0), "120");
    }

    #[test]
    fn won_groups_thousands() {
        assert_eq!(won(0.0), "0");
        assert_eq!(won(999.0), "999");
        assert_eq!(won(1000.0), "1,000");
        assert_eq!(won(1234000.0), "1,234,000");
        assert_eq!(won(-15000.4), "-15,000");
    }
}

/// Ledger text as it may be shown: the bidirectional embedding, override
/// and isolate controls (U+202A–U+202E, U+2066–U+2069) are written out as
/// `[U+202E]` instead of acting, so a vendor named with a right-to-left
/// override cannot make "Evil Corp" read "proC livE" in a report. The
/// pane and the dashboard show them the same way (`addin/js/ui.js`).
pub fn visible_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let is_control = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.contains(is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_control(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod visible_tests {
    #[test]
    fn bidi_controls_are_shown_not_obeyed() {
        assert_eq!(
            super::visible_controls("Evil \u{202E}Corp"),
            "Evil [U+202E]Corp"
        );
        assert_eq!(
            super::visible_controls("\u{2066}a\u{2069}"),
            "[U+2066]a[U+2069]"
        );
        assert_eq!(super::visible_controls("총무과 שלום"), "총무과 שלום");
    }
}
