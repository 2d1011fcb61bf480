//! The data-quality report: every row ingest skipped or repaired, with why.
//!
//! Counts are exact; individual examples are kept up to a cap so that a
//! million-row file full of one problem cannot blow up memory or the sheet.

use std::collections::BTreeMap;

use serde::Serialize;

use super::fields::Field;
use crate::i18n::{Lang, Text};

/// How many individual rows are listed per issue kind.
pub const EXAMPLES_PER_KIND: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    BlankRow,
    SubtotalRow,
    MissingDate,
    BadDate,
    MissingAmount,
    BadAmount,
    /// A date given as text ("2024.03.15") or a serial number, converted.
    DateFromText,
    /// An amount given as text ("1,234원", "₩1,234"), converted.
    AmountFromText,
    /// "(1,000)" read as -1,000.
    ParenthesesNegative,
    ZeroAmount,
    /// A date outside 1990..=2100, almost always a typo or a wrong column.
    ImplausibleDate,
    /// Bytes that were not valid text in the file's encoding, shown as U+FFFD.
    InvalidText,
    /// A time of use that could not be read: the row is scored without one.
    BadTime,
}

impl IssueKind {
    pub fn code(self) -> &'static str {
        match self {
            IssueKind::BlankRow => "blank_row",
            IssueKind::SubtotalRow => "subtotal_row",
            IssueKind::MissingDate => "missing_date",
            IssueKind::BadDate => "bad_date",
            IssueKind::MissingAmount => "missing_amount",
            IssueKind::BadAmount => "bad_amount",
            IssueKind::DateFromText => "date_from_text",
            IssueKind::AmountFromText => "amount_from_text",
            IssueKind::ParenthesesNegative => "parentheses_negative",
            IssueKind::ZeroAmount => "zero_amount",
            IssueKind::ImplausibleDate => "implausible_date",
            IssueKind::InvalidText => "invalid_text",
            IssueKind::BadTime => "bad_time",
        }
    }

    /// Whether a row with this issue was left out of scoring.
    pub fn skips_row(self) -> bool {
        matches!(
            self,
            IssueKind::BlankRow
                | IssueKind::SubtotalRow
                | IssueKind::MissingDate
                | IssueKind::BadDate
                | IssueKind::MissingAmount
                | IssueKind::BadAmount
                | IssueKind::ImplausibleDate
        )
    }

    pub fn describe(self) -> Text {
        let (ko, en) = match self {
            IssueKind::BlankRow => ("빈 행 (건너뜀)", "Blank row (skipped)"),
            IssueKind::SubtotalRow => ("소계·합계 행 (건너뜀)", "Subtotal or total row (skipped)"),
            IssueKind::MissingDate => ("집행일자 없음 (건너뜀)", "No date (skipped)"),
            IssueKind::BadDate => (
                "날짜를 해석할 수 없음 (건너뜀)",
                "Date not understood (skipped)",
            ),
            IssueKind::MissingAmount => ("금액 없음 (건너뜀)", "No amount (skipped)"),
            IssueKind::BadAmount => (
                "금액이 숫자가 아님 (건너뜀)",
                "Amount is not a number (skipped)",
            ),
            IssueKind::DateFromText => (
                "텍스트·일련번호 날짜를 변환함",
                "Date converted from text or serial number",
            ),
            IssueKind::AmountFromText => {
                ("텍스트 금액을 숫자로 변환함", "Amount converted from text")
            }
            IssueKind::ParenthesesNegative => (
                "괄호 금액을 음수로 읽음",
                "Amount in parentheses read as negative",
            ),
            IssueKind::ZeroAmount => ("금액이 0", "Amount is zero"),
            IssueKind::ImplausibleDate => (
                "날짜가 1990–2100 범위 밖 (건너뜀)",
                "Date outside 1990–2100 (skipped)",
            ),
            IssueKind::InvalidText => (
                "파일 인코딩으로 읽을 수 없는 바이트 (U+FFFD로 표시)",
                "Bytes not valid in the file's encoding (shown as U+FFFD)",
            ),
            IssueKind::BadTime => (
                "사용 시각을 해석할 수 없음 (시각 없이 점수)",
                "Time of use not understood (scored without a time)",
            ),
        };
        Text::new(ko, en)
    }
}

/// One example row for an issue.
#[derive(Debug, Clone, Serialize)]
pub struct QualityIssue {
    pub kind: IssueKind,
    /// The file the row is in, where the ledger was read from several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based sheet row.
    pub row: u32,
    /// Column letter ("C") and header, when the issue is about one cell.
    pub column: Option<String>,
    pub header: Option<String>,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MappedColumn {
    pub field: Field,
    pub column: String,
    pub header: String,
    /// How the column was chosen.
    pub matched_by: super::header::MatchedBy,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct QualityReport {
    pub source: String,
    pub sheet: String,
    /// 1-based sheet row of the header.
    pub header_row: u32,
    pub mapping: Vec<MappedColumn>,
    /// Data rows below the header (blank ones included).
    pub rows_read: usize,
    /// Rows that were scored.
    pub rows_kept: usize,
    pub counts: BTreeMap<IssueKind, usize>,
    pub examples: Vec<QualityIssue>,
    /// How day-month order was decided for ambiguous text dates, if it had to be.
    pub date_order: Option<String>,
    /// Each file's own header and mapping, where the ledger was read from
    /// several files (the counts and examples above are theirs together).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRead>,
    /// What a folder held that was not read, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read: Vec<NotRead>,
}

/// How one of several files was read.
#[derive(Debug, Clone, Serialize)]
pub struct FileRead {
    pub file: String,
    pub sheet: String,
    pub header_row: u32,
    pub rows_read: usize,
    pub rows_kept: usize,
    pub rows_skipped: usize,
    pub date_order: Option<String>,
    pub mapping: Vec<MappedColumn>,
}

/// A folder's entry that was not read as a ledger file.
#[derive(Debug, Clone, Serialize)]
pub struct NotRead {
    pub file: String,
    pub why: Text,
}

impl QualityReport {
    pub fn record(&mut self, issue: QualityIssue) {
        let count = self.counts.entry(issue.kind).or_insert(0);
        *count += 1;
        if *count <= EXAMPLES_PER_KIND {
            self.examples.push(issue);
        }
    }

    pub fn count(&self, kind: IssueKind) -> usize {
        self.counts.get(&kind).copied().unwrap_or(0)
    }

    pub fn rows_skipped(&self) -> usize {
        self.counts
            .iter()
            .filter(|(k, _)| k.skips_row())
            .map(|(_, n)| n)
            .sum()
    }

    /// One line per issue kind, for the terminal.
    pub fn summary_lines(&self, lang: Lang) -> Vec<String> {
        self.counts
            .iter()
            .map(|(kind, n)| format!("{}: {n}", kind.describe().get(lang)))
            .collect()
    }
}

/// 0 -> "A", 25 -> "Z", 26 -> "AA".
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn examples_are_capped_but_counts_are_exact() {
        let mut report = QualityReport::default();
        for row in 0..(EXAMPLES_PER_KIND as u32 + 50) {
            report.record(QualityIssue {
                kind: IssueKind::BlankRow,
                file: None,
                row,
                column: None,
                header: None,
                value: String::new(),
            });
        }
        assert_eq!(report.count(IssueKind::BlankRow), EXAMPLES_PER_KIND + 50);
        assert_eq!(report.examples.len(), EXAMPLES_PER_KIND);
        assert_eq!(report.rows_skipped(), EXAMPLES_PER_KIND + 50);
    }
}
