//! Dates and amounts as ERP exports actually write them, turned into
//! `NaiveDate` and `f64` won. Each parser says whether it had to repair the
//! value so the data-quality report can count it.

use chrono::{Duration, NaiveDate};

use super::cell::Cell;
use crate::money::Currency;

/// How a parsed value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed<T> {
    /// Already typed by the source (a real date cell, a number cell).
    Clean(T),
    /// Converted from text, a serial number or a negative in parentheses.
    Repaired(T, Repair),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    DateFromText,
    AmountFromText,
    ParenthesesNegative,
}

impl<T: Copy> Parsed<T> {
    pub fn value(&self) -> T {
        match *self {
            Parsed::Clean(v) | Parsed::Repaired(v, _) => v,
        }
    }
}

/// Field order of a date written with two-digit parts or the year last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// 24.3.15, 21/03/17 (Korean and ISO order; the default).
    Ymd,
    /// 15/03/24, 15.03.2024 (European order).
    Dmy,
    /// 03/15/24, 3/15/2024 (US order).
    Mdy,
}

impl DateOrder {
    pub fn label(self) -> &'static str {
        match self {
            DateOrder::Ymd => "YY/MM/DD",
            DateOrder::Dmy => "DD/MM/YY",
            DateOrder::Mdy => "MM/DD/YY",
        }
    }
}

/// Earliest and latest plausible ledger dates; anything else is a typo.
pub fn plausible(date: NaiveDate) -> bool {
    (1990..=2100).contains(&chrono::Datelike::year(&date))
}

/// Day 0 of the 1900 date system as Excel counts it (its phantom
/// 29 February 1900 makes serials from 61 on count from here).
pub fn excel_epoch_1900() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// The 1900-system serial number of a date (from 1 March 1900 on).
pub fn excel_serial(date: NaiveDate) -> f64 {
    (date - excel_epoch_1900()).num_days() as f64
}

/// Converts an Excel serial day number in either date system.
pub fn excel_serial_to_date(serial: f64, date1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    if date1904 {
        return NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_signed(Duration::days(days));
    }
    // The 1900 system counts a 29 February 1900 that never existed, so
    // serials from 61 on are one day ahead of a plain count from 1899-12-31.
    let epoch = if days >= 61 {
        excel_epoch_1900()
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    epoch.checked_add_signed(Duration::days(days))
}

fn two_digit_year(y: u32) -> i32 {
    if y < 70 {
        2000 + y as i32
    } else {
        1900 + y as i32
    }
}

/// The digit runs of a date-like text, ignoring a time part after the date.
fn digit_runs(text: &str) -> Vec<&str> {
    let date_part = match text.find(['T', ' ']) {
        // "2024-03-15 10:30" or ISO "2024-03-15T10:30"; but "2024. 3. 15."
        // has spaces inside the date, so only cut where a colon follows.
        Some(pos) if text[pos..].contains(':') => {
            let colon = text.find(':').unwrap_or(text.len());
            let cut = text[..colon].rfind([' ', 'T']).unwrap_or(pos);
            &text[..cut]
        }
        _ => text,
    };
    date_part
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect()
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Reads a date written as text. `order` decides two-digit and year-last forms.
pub fn parse_date_text(text: &str, order: DateOrder, date1904: bool) -> Option<NaiveDate> {
    parse_date_text_as(text, order, date1904, true)
}

/// As [`parse_date_text`]; without `fallback`, a year-last date under the
/// year-first order is not guessed day-first, so that order inference sees
/// which order really fits.
fn parse_date_text_as(
    text: &str,
    order: DateOrder,
    date1904: bool,
    fallback: bool,
) -> Option<NaiveDate> {
    let runs = digit_runs(text.trim());
    // No date part has more than four digits (eight for 20240315); longer
    // runs are codes or garbage and would overflow the year arithmetic.
    if runs.len() > 1 && runs.iter().take(3).any(|r| r.len() > 4) {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    match runs.as_slice() {
        [one] if one.len() == 8 => {
            // 20240315
            ymd(num(&one[..4])? as i32, num(&one[4..6])?, num(&one[6..])?)
        }
        [one] if one.len() == 6 => {
            // 240315
            ymd(
                two_digit_year(num(&one[..2])?),
                num(&one[2..4])?,
                num(&one[4..])?,
            )
        }
        [one] if one.len() <= 5 && !text.contains(['-', '/', '.']) => {
            // A serial number that arrived as text, e.g. from a CSV export.
            excel_serial_to_date(num(one)? as f64, date1904)
        }
        [a, b, c, ..] => {
            let (a_n, b_n, c_n) = (num(a)?, num(b)?, num(c)?);
            if a.len() == 4 {
                return ymd(a_n as i32, b_n, c_n);
            }
            let year_of = |s: &str, n: u32| {
                if s.len() == 4 {
                    n as i32
                } else {
                    two_digit_year(n)
                }
            };
            if c.len() == 4 && order == DateOrder::Ymd {
                if !fallback {
                    return None;
                }
                // A year-last form can't be year-first; default to day-first
                // unless that is impossible.
                return ymd(c_n as i32, b_n, a_n).or_else(|| ymd(c_n as i32, a_n, b_n));
            }
            match order {
                DateOrder::Ymd => ymd(year_of(a, a_n), b_n, c_n),
                DateOrder::Dmy => ymd(year_of(c, c_n), b_n, a_n),
                DateOrder::Mdy => ymd(year_of(c, c_n), a_n, b_n),
            }
        }
        _ => None,
    }
}

/// True for texts whose field order is ambiguous (no four-digit year first).
pub fn needs_order(text: &str) -> bool {
    let runs = digit_runs(text.trim());
    runs.len() >= 3 && runs[0].len() <= 2
}

/// Decides the field order of a column's ambiguous dates from the data:
/// the order under which the most values are valid dates wins, and among
/// those the one whose dates span the fewest years (a ledger covers a few
/// years, a wrong order scatters them). Ties keep Korean year-first order.
pub fn infer_date_order<'a>(samples: impl IntoIterator<Item = &'a str>) -> DateOrder {
    let samples: Vec<&str> = samples.into_iter().collect();
    if samples.is_empty() {
        return DateOrder::Ymd;
    }
    let mut best = (DateOrder::Ymd, 0usize, i32::MAX);
    for order in [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy] {
        let years: Vec<i32> = samples
            .iter()
            .filter_map(|s| parse_date_text_as(s, order, false, false))
            .filter(|d| plausible(*d))
            .map(|d| chrono::Datelike::year(&d))
            .collect();
        let span = match (years.iter().min(), years.iter().max()) {
            (Some(lo), Some(hi)) => hi - lo,
            _ => i32::MAX,
        };
        let better = years.len() > best.1 || (years.len() == best.1 && span < best.2);
        if better {
            best = (order, years.len(), span);
        }
    }
    best.0
}

/// Reads the date in a cell.
pub fn parse_date(cell: &Cell, order: DateOrder, date1904: bool) -> Option<Parsed<NaiveDate>> {
    match cell {
        Cell::DateTime(dt) => Some(Parsed::Clean(dt.date())),
        Cell::Number(n) => {
            let whole = n.floor();
            let repaired = |d: NaiveDate| Parsed::Repaired(d, Repair::DateFromText);
            // 20240315 typed as a number.
            if (19_000_101.0..=21_001_231.0).contains(&whole) {
                let v = whole as u32;
                return ymd((v / 10_000) as i32, v / 100 % 100, v % 100).map(repaired);
            }
            // A serial number, unless that lands outside any plausible
            // ledger year and the number reads as 240315 (YYMMDD).
            let serial = excel_serial_to_date(*n, date1904).filter(|d| plausible(*d));
            if serial.is_none() && (10_101.0..=991_231.0).contains(&whole) {
                let v = whole as u32;
                return ymd(two_digit_year(v / 10_000), v / 100 % 100, v % 100).map(repaired);
            }
            excel_serial_to_date(*n, date1904).map(repaired)
        }
        Cell::Text(s) => {
            parse_date_text(s, order, date1904).map(|d| Parsed::Repaired(d, Repair::DateFromText))
        }
        _ => None,
    }
}

/// Reads the amount in a cell, in won.
pub fn parse_amount(cell: &Cell) -> Option<Parsed<f64>> {
    match cell {
        Cell::Number(n) if n.is_finite() => Some(Parsed::Clean(*n)),
        Cell::Text(s) => parse_amount_text(s),
        _ => None,
    }
}

fn parse_amount_text(text: &str) -> Option<Parsed<f64>> {
    let mut s = text.trim();
    let mut negative = false;
    let mut parentheses = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        s = inner.trim();
        negative = true;
        parentheses = true;
    }
    // Currency marks and codes may stand before or after the number; a
    // sign (or Korean accounting's △/▲) only at its start or end.
    let s = s
        .trim_start_matches(|c: char| is_currency_mark(c) || c.is_whitespace())
        .trim_end_matches(|c: char| c == '원' || is_currency_mark(c) || c.is_whitespace());
    let s = Currency::ALL
        .iter()
        .map(|c| c.code())
        .find_map(|code| s.strip_prefix(code).or_else(|| s.strip_suffix(code)))
        .unwrap_or(s)
        .trim();
    let is_sign = |c: char| matches!(c, '-' | '−' | '△' | '▲');
    let s = s.strip_prefix('+').unwrap_or(s);
    let body = match (s.chars().next(), s.chars().last()) {
        (Some(c), _) if is_sign(c) => {
            negative = !negative;
            &s[c.len_utf8()..]
        }
        (_, Some(c)) if is_sign(c) && s.len() > c.len_utf8() => {
            // A trailing minus, as some ERPs write "1,000-".
            negative = !negative;
            &s[..s.len() - c.len_utf8()]
        }
        _ => s,
    };
    let body = body.trim_start_matches(|c: char| is_currency_mark(c) || c.is_whitespace());
    let decimal_comma = uses_decimal_comma(body);
    let mut digits = String::with_capacity(body.len());
    for ch in body.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            '.' if !decimal_comma => digits.push('.'),
            ',' if decimal_comma => digits.push('.'),
            '.' | ',' | ' ' | '\u{a0}' | '\'' => {}
            _ => return None,
        }
    }
    if !digits.chars().any(|c| c.is_ascii_digit()) || digits.matches('.').count() > 1 {
        return None;
    }
    let value: f64 = digits.parse().ok().filter(|v: &f64| v.is_finite())?;
    let value = if negative { -value } else { value };
    Some(if parentheses {
        Parsed::Repaired(value, Repair::ParenthesesNegative)
    } else {
        Parsed::Repaired(value, Repair::AmountFromText)
    })
}

fn is_currency_mark(c: char) -> bool {
    matches!(c, '₩' | '￦' | '\\' | '$' | '£' | '€' | '¥')
}

/// A decimal comma: "106,89" or "1.234,56" (a comma after the last dot,
/// or a lone comma followed by one or two digits). "1,234" is thousands.
fn uses_decimal_comma(body: &str) -> bool {
    let (Some(comma), dot) = (body.rfind(','), body.rfind('.')) else {
        return false;
    };
    match dot {
        Some(dot) => comma > dot,
        None => {
            let after = body[comma + 1..].trim();
            body.matches(',').count() == 1
                && (1..=2).contains(&after.len())
                && after.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// The currency an amount cell names by its symbol or code, if any.
pub fn currency_of(cell: &Cell) -> Option<Currency> {
    let Cell::Text(text) = cell else { return None };
    let text = text.trim();
    if let Some(&code) = Currency::ALL.iter().find(|c| text.contains(c.code())) {
        return Some(code);
    }
    text.chars()
        .find(|&c| is_currency_mark(c) || c == '원')
        .and_then(|c| Currency::parse(&c.to_string()))
}

/// A time of day in a cell: "23:10", "23:10:05", "2310", an Excel time
/// (a fraction of a day), or the time part of a datetime. Minutes after
/// midnight; None when the cell holds no time.
pub fn parse_time(cell: &Cell) -> Option<u16> {
    use chrono::Timelike;
    match cell {
        Cell::DateTime(dt) => Some((dt.hour() * 60 + dt.minute()) as u16),
        Cell::Number(n) if (0.0..1.0).contains(n) => Some(((n * 1440.0).round() as u16).min(1439)),
        // 2310 kept as a number: hours and minutes run together.
        Cell::Number(n) if n.fract() == 0.0 && (1.0..2400.0).contains(n) && n % 100.0 < 60.0 => {
            Some((n / 100.0).floor() as u16 * 60 + (n % 100.0) as u16)
        }
        Cell::Text(text) => time_in_text(text),
        _ => None,
    }
}

/// The time in a text such as "23:10", "23:10:05" or "2024-03-05 23:10".
fn time_in_text(text: &str) -> Option<u16> {
    let text = text.trim();
    let clock = text.rsplit([' ', 'T']).next().unwrap_or(text);
    let mut parts = clock.split(':');
    let (h, m) = match (parts.next(), parts.next()) {
        (Some(h), Some(m)) => (h, m),
        (Some(hm), None) if hm.len() == 4 && text == clock => (&hm[..2], &hm[2..]),
        _ => return None,
    };
    let h: u16 = h.trim().parse().ok()?;
    let m: u16 = m.trim().get(..2).unwrap_or(m).parse().ok()?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The time of a date cell that carries one ("2024-03-05 23:10", a
/// datetime that is not midnight).
pub fn time_in_date(cell: &Cell) -> Option<u16> {
    match cell {
        Cell::DateTime(_) => parse_time(cell).filter(|&m| m != 0),
        Cell::Text(text) if text.trim().contains(' ') || text.contains('T') => time_in_text(text),
        _ => None,
    }
}

/// Words that mark a subtotal or total line rather than a transaction.
pub const TOTAL_WORDS: [&str; 7] = ["소계", "합계", "총계", "누계", "총합계", "월계", "계"];
const TOTAL_WORDS_EN: [&str; 4] = ["total", "subtotal", "sum", "totals"];

/// True when the whole cell is a total word ("소계", "Total"): a row with a
/// date is still a total line when a descriptive cell says only this.
pub fn is_bare_total_word(text: &str) -> bool {
    // Asked of every descriptive cell of every row, so the common answer is
    // found without Unicode tables: a total word is at most eight letters
    // (a cell of more than 40 bytes is never one, whatever brackets and
    // spaces surround it), every Korean one contains 계, and the English ones
    // are ASCII letters.
    if text.len() > 40 || !(text.contains('계') || text.bytes().any(|b| b.is_ascii_alphabetic())) {
        return false;
    }
    let compact = compact(text);
    TOTAL_WORDS.contains(&compact.as_str()) || TOTAL_WORDS_EN.contains(&compact.as_str())
}

/// Lower-case letters and digits only: "합 계", "[소계]" -> "합계", "소계".
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// True when a text cell says the row is a subtotal or total line.
pub fn is_total_label(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    // English: "Total", "Grand Total", "Subtotal - Finance", "Finance total",
    // but not "Totally fine": whole words at the start or end only.
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        if words.len() <= 4 && (TOTAL_WORDS_EN.contains(first) || TOTAL_WORDS_EN.contains(last)) {
            return true;
        }
    }
    let compact = compact(&lower);
    if TOTAL_WORDS.contains(&compact.as_str()) {
        return true;
    }
    // "총무과 소계", "소계(총무과)": a short label that starts or ends with
    // a total word. Single-syllable 계 is too common inside words (계약,
    // 계정) to use this way.
    compact.chars().count() <= 24
        && TOTAL_WORDS
            .iter()
            .filter(|w| w.chars().count() >= 2)
            .any(|w| compact.starts_with(w) || compact.ends_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn serials_in_both_systems() {
        assert_eq!(excel_serial_to_date(45366.0, false), Some(d(2024, 3, 15)));
        assert_eq!(excel_serial_to_date(43904.0, true), Some(d(2024, 3, 15)));
        assert_eq!(excel_serial_to_date(1.0, false), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_to_date(61.0, false), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(0.0, false), None);
        assert_eq!(excel_serial_to_date(f64::NAN, false), None);
    }

    #[test]
    fn text_dates_in_erp_forms() {
        let o = DateOrder::Ymd;
        for text in [
            "2024-03-15",
            "2024.03.15",
            "2024/3/15",
            "20240315",
            "24.3.15",
            "2024. 3. 15.",
            "2024년 3월 15일",
            "2024-03-15 10:30:00",
            "2024-03-15T10:30:00",
            "45366",
        ] {
            assert_eq!(
                parse_date_text(text, o, false),
                Some(d(2024, 3, 15)),
                "{text}"
            );
        }
        assert_eq!(
            parse_date_text("21/03/17", DateOrder::Ymd, false),
            Some(d(2021, 3, 17))
        );
        assert_eq!(
            parse_date_text("21/03/17", DateOrder::Dmy, false),
            Some(d(2017, 3, 21))
        );
        assert_eq!(
            parse_date_text("15/03/2024", DateOrder::Ymd, false),
            Some(d(2024, 3, 15))
        );
        assert_eq!(parse_date_text("2024-02-30", o, false), None);
        assert_eq!(parse_date_text("내일", o, false), None);
        assert_eq!(parse_date_text("2147483647.1.1", o, false), None);
        assert_eq!(parse_date_text("1.1.2147483647", o, false), None);
        // 240315 from a CSV arrives as a number; it is not serial 240315.
        assert_eq!(
            parse_date(&Cell::Number(240315.0), o, false).map(|p| p.value()),
            Some(d(2024, 3, 15))
        );
        assert_eq!(
            parse_date(&Cell::Number(45366.0), o, false).map(|p| p.value()),
            Some(d(2024, 3, 15))
        );
    }

    #[test]
    fn date_order_follows_the_data() {
        // A column of day-first dates: 31/01/22 cannot be year-first
        // within a plausible span, so the data shows day-first.
        let dmy = ["31/01/22", "15/06/22", "28/02/23", "01/12/22", "21/03/23"];
        assert_eq!(infer_date_order(dmy), DateOrder::Dmy);
        let ymd = ["21/03/17", "22/11/30", "23/01/05", "24/12/31"];
        assert_eq!(infer_date_order(ymd), DateOrder::Ymd);
        let mdy = ["12/31/22", "01/15/23", "06/30/23"];
        assert_eq!(infer_date_order(mdy), DateOrder::Mdy);
        let mdy_long = ["12/31/2022", "01/15/2023", "06/05/2023"];
        assert_eq!(infer_date_order(mdy_long), DateOrder::Mdy);
        let dmy_long = ["31/12/2022", "15/01/2023", "05/06/2023"];
        assert_eq!(infer_date_order(dmy_long), DateOrder::Dmy);
    }

    #[test]
    fn amounts_as_erps_write_them() {
        let v = |s: &str| parse_amount(&Cell::text(s)).map(|p| p.value());
        assert_eq!(v("1,234,000"), Some(1_234_000.0));
        assert_eq!(v("₩1,234"), Some(1234.0));
        assert_eq!(v("1,234원"), Some(1234.0));
        assert_eq!(v("(1,000)"), Some(-1000.0));
        assert_eq!(v("-1,000"), Some(-1000.0));
        assert_eq!(v("△5,000"), Some(-5000.0));
        assert_eq!(v("KRW 12,500"), Some(12500.0));
        assert_eq!(v("1234.5"), Some(1234.5));
        assert_eq!(v("12만원"), None);
        assert_eq!(v("abc"), None);
        assert_eq!(v("1.2.3"), None);
        assert_eq!(v("-"), None);
        assert_eq!(v("1-2"), None);
        assert_eq!(v("KRW12abc34"), None);
        assert_eq!(v("1,000-"), Some(-1000.0));
        assert_eq!(v("+1,000"), Some(1000.0));
        assert_eq!(v("₩ -2,500"), Some(-2500.0));
        // Foreign exports: other currencies, decimal commas.
        assert_eq!(v("$106,89"), Some(106.89));
        assert_eq!(v("£1,234.50"), Some(1234.5));
        assert_eq!(v("1.234,56 €"), Some(1234.56));
        assert_eq!(v("12.50 GBP"), Some(12.5));
        assert_eq!(v("1,234"), Some(1234.0));
        assert_eq!(currency_of(&Cell::text("£9.78")), Some(Currency::Gbp));
        assert_eq!(currency_of(&Cell::text("12,000원")), Some(Currency::Krw));
        assert_eq!(currency_of(&Cell::text("12.5 USD")), Some(Currency::Usd));
        assert_eq!(currency_of(&Cell::Number(5.0)), None);
        assert_eq!(v(&format!("₩{}", "9".repeat(400))), None, "not finite");
        assert_eq!(
            parse_amount(&Cell::text("(1,000)")),
            Some(Parsed::Repaired(-1000.0, Repair::ParenthesesNegative))
        );
        assert_eq!(parse_amount(&Cell::Number(5.0)), Some(Parsed::Clean(5.0)));
    }

    #[test]
    fn times_of_use() {
        assert_eq!(parse_time(&Cell::text("23:10")), Some(23 * 60 + 10));
        assert_eq!(parse_time(&Cell::text("7:05:30")), Some(7 * 60 + 5));
        assert_eq!(parse_time(&Cell::text("2310")), Some(23 * 60 + 10));
        assert_eq!(parse_time(&Cell::Number(0.5)), Some(12 * 60));
        assert_eq!(parse_time(&Cell::Number(2310.0)), Some(23 * 60 + 10));
        assert_eq!(parse_time(&Cell::Number(2375.0)), None);
        assert_eq!(parse_time(&Cell::text("25:00")), None);
        assert_eq!(parse_time(&Cell::text("")), None);
        assert_eq!(
            time_in_date(&Cell::text("2024-03-05 23:10")),
            Some(23 * 60 + 10)
        );
        assert_eq!(time_in_date(&Cell::text("2024-03-05")), None);
    }

    #[test]
    fn total_labels() {
        for t in [
            "소계",
            "합 계",
            "총계",
            "계",
            "Total",
            "Grand Total",
            "총무과 소계",
            "소계(총무과)",
            "[합계]",
        ] {
            assert!(is_total_label(t), "{t}");
        }
        for t in [
            "계약금",
            "사무용품 구입",
            "회계과",
            "통계목",
            "Totally fine",
        ] {
            assert!(!is_total_label(t), "{t}");
        }
    }
}
