//! Reading a budget file (issue 13.1): the same readers as a ledger
//! (`ingest::reader`: xlsx, xls, ods, csv), then a header of its own —
//! department, budget item, the year's allocation, optionally revisions and
//! monthly allocations, in Korean or English — and every row taken or
//! reported with why, naming the file, sheet, row and column.
//!
//! **Which allocation.** A 예산현액 (current budget: the original plus
//! every revision) column is the allocation as it stands; otherwise the
//! 예산액 / 편성액 column plus any revision column (추경, 증감액). With
//! monthly allocations (1월 … 12월, Jan … Dec) and no allocation column,
//! the year's is their sum.

use std::collections::BTreeMap;

use super::execution::{BudgetLine, MONTHS};
use crate::error::{explained, Explain, Kind};
use crate::i18n::{Lang, Text};
use crate::ingest::cell::{Cell, Grid};
use crate::ingest::error::{counted_reasons, excerpt};
use crate::ingest::fields::normalize_header;
use crate::ingest::normalize::{parse_amount, Parsed};
use crate::ingest::quality::column_letter;
use crate::ingest::{Format, IngestError};
use crate::vocabulary::HEADER_SCAN_ROWS;

/// A column a budget file can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BudgetColumn {
    Department,
    Item,
    /// The allocation as it stands, revisions included (예산현액).
    Current,
    /// The allocation before revisions (예산액, 편성액).
    Allocation,
    Revision,
    /// A fiscal month's allocation, 0-based.
    Month(usize),
}

impl BudgetColumn {
    pub fn label(self) -> Text {
        match self {
            BudgetColumn::Department => Text::new("부서", "department"),
            BudgetColumn::Item => Text::new("예산과목", "budget item"),
            BudgetColumn::Current => Text::new("예산현액", "current budget"),
            BudgetColumn::Allocation => Text::new("예산액", "allocation"),
            BudgetColumn::Revision => Text::new("추경·증감액", "revision"),
            BudgetColumn::Month(m) => Text::new(format!("{}월", m + 1), MONTH_NAMES[m][0]),
        }
    }

    /// The header words that name it (normalised as `normalize_header`
    /// does: lower case, no spaces, punctuation or bracketed parts).
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            BudgetColumn::Department => &[
                "부서",
                "부서명",
                "실과",
                "실과명",
                "실국",
                "국실",
                "과",
                "과명",
                "기관",
                "기관명",
                "department",
                "dept",
                "directorate",
                "division",
                "costcentre",
                "costcenter",
                "service",
            ],
            BudgetColumn::Item => &[
                "예산과목",
                "과목",
                "세목",
                "비목",
                "계정과목",
                "계정",
                "통계목",
                "예산항목",
                "항목",
                "목",
                "item",
                "budgetitem",
                "lineitem",
                "account",
                "budgetline",
                "category",
                "expensetype",
            ],
            BudgetColumn::Current => &[
                "예산현액",
                "현액",
                "최종예산",
                "currentbudget",
                "revisedbudget",
                "finalbudget",
            ],
            BudgetColumn::Allocation => &[
                "예산액",
                "편성액",
                "본예산",
                "당초예산",
                "예산",
                "배정액",
                "allocation",
                "budget",
                "originalbudget",
                "appropriation",
                "amount",
                "annualbudget",
            ],
            BudgetColumn::Revision => &[
                "추경",
                "추경액",
                "추경예산",
                "증감",
                "증감액",
                "변경액",
                "revision",
                "revisions",
                "adjustment",
                "adjustments",
                "supplementary",
                "virement",
            ],
            BudgetColumn::Month(_) => &[],
        }
    }
}

/// Month headers, each month's English words (the Korean is `N월`).
const MONTH_NAMES: [[&str; 2]; MONTHS] = [
    ["jan", "january"],
    ["feb", "february"],
    ["mar", "march"],
    ["apr", "april"],
    ["may", "may"],
    ["jun", "june"],
    ["jul", "july"],
    ["aug", "august"],
    ["sep", "september"],
    ["oct", "october"],
    ["nov", "november"],
    ["dec", "december"],
];

/// The column a header names, if any.
fn column_of(header: &str) -> Option<BudgetColumn> {
    let norm = normalize_header(header);
    if norm.is_empty() {
        return None;
    }
    for column in [
        BudgetColumn::Department,
        BudgetColumn::Item,
        BudgetColumn::Current,
        BudgetColumn::Allocation,
        BudgetColumn::Revision,
    ] {
        if column.synonyms().contains(&norm.as_str()) {
            return Some(column);
        }
    }
    month_of(&norm).map(BudgetColumn::Month)
}

/// "3월", "03월", "3월배정액", "mar", "march", "m03" → 2.
fn month_of(norm: &str) -> Option<usize> {
    if let Some(i) = MONTH_NAMES.iter().position(|names| names.contains(&norm)) {
        return Some(i);
    }
    let digits = norm
        .strip_prefix('m')
        .filter(|d| d.len() == 2)
        .or_else(|| norm.split_once('월').map(|(d, _)| d))?;
    match digits.parse::<usize>() {
        Ok(m @ 1..=12) => Some(m - 1),
        _ => None,
    }
}

/// A row of the budget file that was not taken, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SkippedRow {
    pub row: u32,
    /// The cell, as "C7", and what it held, where one cell is the reason.
    pub cell: Option<(String, String)>,
    /// Why, in the same words for every row skipped for the same reason.
    pub why: Text,
}

/// A budget as read: its lines and what was left out.
#[derive(Debug, Clone)]
pub struct Budget {
    pub source: String,
    pub sheet: String,
    pub header_row: u32,
    /// Each column used, with its header as written.
    pub columns: BTreeMap<BudgetColumn, String>,
    pub lines: Vec<BudgetLine>,
    pub skipped: Vec<SkippedRow>,
}

/// A budget that cannot be taken. Its own codes, apart from a ledger's, so
/// the pane and scripts tell "this sheet is not a budget" from "this sheet
/// is not a ledger"; a file that cannot be read at all is the same failure
/// as for a ledger, with the same code.
#[derive(Debug)]
pub enum BudgetError {
    /// The file or sheet could not be read (boxed: a ledger's error is
    /// large, and this one is returned on every path).
    Read(Box<IngestError>),
    /// The sheet is empty (`first_row` empty), or none of its top rows
    /// names a department or item and an allocation.
    NotABudget {
        file: String,
        sheet: String,
        first_row: Vec<String>,
    },
    /// A header, but no row under it could be taken: each reason counted.
    NoLines {
        file: String,
        sheet: String,
        skipped: Vec<(Text, usize)>,
    },
}

impl From<IngestError> for BudgetError {
    fn from(e: IngestError) -> BudgetError {
        BudgetError::Read(Box::new(e))
    }
}

impl Explain for BudgetError {
    fn code(&self) -> &'static str {
        match self {
            BudgetError::Read(e) => e.code(),
            BudgetError::NotABudget { .. } => "not_a_budget",
            BudgetError::NoLines { .. } => "no_budget_lines",
        }
    }

    fn kind(&self) -> Kind {
        match self {
            BudgetError::Read(e) => e.kind(),
            _ => Kind::Invalid,
        }
    }

    fn message(&self) -> Text {
        match self {
            BudgetError::Read(e) => e.message(),
            BudgetError::NotABudget {
                file,
                sheet,
                first_row,
            } if first_row.iter().all(|c| c.trim().is_empty()) => Text::new(
                format!("{file} [{sheet}]: 예산 시트가 비어 있습니다"),
                format!("{file} [{sheet}]: the budget sheet is empty"),
            ),
            BudgetError::NotABudget {
                file,
                sheet,
                first_row,
            } => {
                let first: Vec<String> = first_row
                    .iter()
                    .filter(|c| !c.trim().is_empty())
                    .take(QUOTE_ITEMS)
                    .map(|c| excerpt(c, QUOTE_CHARS))
                    .collect();
                let first = first.join(", ");
                Text::new(
                    format!(
                        "{file} [{sheet}]: 예산 시트가 아닙니다. 처음 {HEADER_SCAN_ROWS}행 중에 부서(또는 예산과목)와 예산액(또는 월별 배정액)의 머리글이 함께 있는 행이 없습니다. 첫 행: {first}"
                    ),
                    format!(
                        "{file} [{sheet}]: not a budget: none of the first {HEADER_SCAN_ROWS} rows is a header naming a department (or budget item) and an allocation (or monthly allocations). First row: {first}"
                    ),
                )
            }
            BudgetError::NoLines {
                file,
                sheet,
                skipped,
            } => {
                let list = |lang: Lang| counted_reasons(skipped, lang);
                Text::new(
                    format!(
                        "{file} [{sheet}]: 읽어 들일 수 있는 예산 행이 없습니다. 건너뛴 행: {}",
                        list(Lang::Ko)
                    ),
                    format!(
                        "{file} [{sheet}]: no budget row could be taken. Rows skipped: {}",
                        list(Lang::En)
                    ),
                )
            }
        }
    }
}

explained!(BudgetError);

/// Longest quotation of a cell, and most cells quoted, in a message.
const QUOTE_CHARS: usize = 40;
const QUOTE_ITEMS: usize = 12;

/// Reads a budget from bytes of a known format.
pub fn read_budget(
    bytes: &[u8],
    source: &str,
    format: Format,
    sheet: Option<&str>,
) -> Result<Budget, BudgetError> {
    let grid = crate::ingest::reader::read_grid(bytes, source, format, sheet)?;
    budget_from_grid(grid, source)
}

/// The header row: the first of the top rows that names an allocation (or
/// monthly allocations) and a department or an item.
fn find_header(grid: &Grid) -> Option<(usize, BTreeMap<BudgetColumn, usize>)> {
    grid.rows
        .iter()
        .take(HEADER_SCAN_ROWS)
        .enumerate()
        .find_map(|(i, row)| {
            let mut columns = BTreeMap::new();
            for (c, cell) in row.iter().enumerate() {
                if let Some(column) = cell.as_text().and_then(column_of) {
                    // The first column of a kind counts.
                    columns.entry(column).or_insert(c);
                }
            }
            let named = columns.contains_key(&BudgetColumn::Department)
                || columns.contains_key(&BudgetColumn::Item);
            let money = columns.contains_key(&BudgetColumn::Current)
                || columns.contains_key(&BudgetColumn::Allocation)
                || columns.keys().any(|c| matches!(c, BudgetColumn::Month(_)));
            (named && money).then_some((i, columns))
        })
}

/// Builds a budget from a grid: the header, then each row taken or
/// reported.
pub fn budget_from_grid(grid: Grid, source: &str) -> Result<Budget, BudgetError> {
    let Some((header_index, at)) = find_header(&grid) else {
        let first_row = grid
            .rows
            .iter()
            .find(|r| r.iter().any(|c| !c.is_empty()))
            .map(|r| r.iter().map(Cell::display).collect())
            .unwrap_or_default();
        return Err(BudgetError::NotABudget {
            file: source.into(),
            sheet: grid.sheet.clone(),
            first_row,
        });
    };
    let header_row = grid.sheet_row(header_index);
    let headers = &grid.rows[header_index];
    let columns = at
        .iter()
        .map(|(&column, &c)| (column, headers[c].display()))
        .collect();
    let months: Vec<(usize, usize)> = at
        .iter()
        .filter_map(|(column, &c)| match column {
            BudgetColumn::Month(m) => Some((*m, c)),
            _ => None,
        })
        .collect();
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for (offset, row) in grid.rows.iter().enumerate().skip(header_index + 1) {
        let sheet_row = grid.sheet_row(offset);
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        match take_row(row, sheet_row, &at, &months) {
            Ok(line) => lines.push(line),
            Err(why) => skipped.push(why),
        }
    }
    if lines.is_empty() {
        let mut counts: BTreeMap<String, (Text, usize)> = BTreeMap::new();
        for s in &skipped {
            counts
                .entry(s.why.en.clone())
                .or_insert((s.why.clone(), 0))
                .1 += 1;
        }
        return Err(BudgetError::NoLines {
            file: source.into(),
            sheet: grid.sheet.clone(),
            skipped: counts.into_values().collect(),
        });
    }
    Ok(Budget {
        source: source.into(),
        sheet: grid.sheet,
        header_row,
        columns,
        lines,
        skipped,
    })
}

/// One row as a budget line, or why it cannot be one.
fn take_row(
    row: &[Cell],
    sheet_row: u32,
    at: &BTreeMap<BudgetColumn, usize>,
    months: &[(usize, usize)],
) -> Result<BudgetLine, SkippedRow> {
    let text = |column: BudgetColumn| {
        at.get(&column)
            .and_then(|&c| row.get(c))
            .map(|cell| cell.display().trim().to_string())
            .unwrap_or_default()
    };
    // A number, blank as 0; anything else names its cell.
    let money = |column: BudgetColumn, c: usize| -> Result<f64, SkippedRow> {
        match row.get(c) {
            None | Some(Cell::Empty) => Ok(0.0),
            Some(cell) => match parse_amount(cell) {
                Some(Parsed::Clean(v) | Parsed::Repaired(v, _)) => Ok(v),
                None => {
                    let label = column.label();
                    Err(SkippedRow {
                        row: sheet_row,
                        cell: Some((format!("{}{sheet_row}", column_letter(c)), cell.display())),
                        why: Text::new(
                            format!("{}이(가) 금액이 아닙니다", label.ko),
                            format!("the {} is not an amount", label.en),
                        ),
                    })
                }
            },
        }
    };
    let (department, item) = (text(BudgetColumn::Department), text(BudgetColumn::Item));
    if department.is_empty() && item.is_empty() {
        return Err(SkippedRow {
            row: sheet_row,
            cell: None,
            why: Text::new(
                "부서와 예산과목이 모두 비어 있습니다",
                "both the department and the budget item are empty",
            ),
        });
    }
    let monthly = if months.is_empty() {
        None
    } else {
        let mut by_month = [0.0; MONTHS];
        for &(m, c) in months {
            by_month[m] = money(BudgetColumn::Month(m), c)?;
        }
        Some(by_month)
    };
    let amount = |column: BudgetColumn| at.get(&column).map(|&c| money(column, c)).transpose();
    let allocation = match (
        amount(BudgetColumn::Current)?,
        amount(BudgetColumn::Allocation)?,
    ) {
        (Some(current), _) => current,
        (None, Some(original)) => original + amount(BudgetColumn::Revision)?.unwrap_or(0.0),
        (None, None) => monthly.map_or(0.0, |m| m.iter().sum()),
    };
    if allocation < 0.0 {
        return Err(SkippedRow {
            row: sheet_row,
            cell: None,
            why: Text::new("예산액이 음수입니다", "the allocation is negative"),
        });
    }
    Ok(BudgetLine {
        department,
        item,
        allocation,
        monthly,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        crate::ingest::cell::text_grid("예산", rows)
    }

    #[test]
    fn a_korean_budget_with_revisions_and_a_title_above_its_header() {
        let g = grid(&[
            &["2026년 세출예산 현황", "", "", ""],
            &["부서명", "세목", "예산액", "추경액"],
            &["총무과", "업무추진비", "12,000,000", "1,000,000"],
            &["", "", "", ""],
            &["시설과", "시설비", "50,000,000", ""],
            &["시설과", "용역비", "많음", ""],
            &["", "", "3,000", ""],
        ]);
        let b = budget_from_grid(g, "예산.xlsx").unwrap();
        assert_eq!(b.header_row, 2);
        assert_eq!(b.lines.len(), 2);
        assert_eq!(b.lines[0].allocation, 13_000_000.0, "revision added");
        assert_eq!(b.lines[1].allocation, 50_000_000.0);
        assert_eq!(b.columns[&BudgetColumn::Item], "세목");
        assert_eq!(b.skipped.len(), 2);
        assert_eq!(b.skipped[0].row, 6);
        assert_eq!(
            b.skipped[0].cell,
            Some(("C6".to_string(), "많음".to_string()))
        );
        assert_eq!(b.skipped[0].why.ko, "예산액이(가) 금액이 아닙니다");
        assert!(b.skipped[1]
            .why
            .en
            .contains("both the department and the budget item are empty"));
    }

    #[test]
    fn english_monthly_allocations_and_a_current_budget() {
        let g = grid(&[
            &[
                "Directorate",
                "Budget item",
                "Current budget",
                "Budget",
                "Jan",
                "Feb",
                "Mar",
            ],
            &["Finance", "Travel", "900", "800", "100", "200", "300"],
        ]);
        let b = budget_from_grid(g, "budget.csv").unwrap();
        let line = &b.lines[0];
        assert_eq!(line.allocation, 900.0, "the current budget stands");
        let m = line.monthly.unwrap();
        assert_eq!(&m[..4], &[100.0, 200.0, 300.0, 0.0]);
        // Months only: the year's allocation is their sum.
        let g = grid(&[
            &["부서", "1월", "2월배정액", "M03"],
            &["총무과", "10", "20", "30"],
        ]);
        assert_eq!(
            budget_from_grid(g, "b.csv").unwrap().lines[0].allocation,
            60.0
        );
    }

    #[test]
    fn a_file_that_is_not_a_budget_says_what_it_lacks() {
        let g = grid(&[
            &["집행일자", "거래처", "집행금액"],
            &["2026-01-02", "가게", "100"],
        ]);
        let e = crate::error::Error::from(budget_from_grid(g, "원장.xlsx").unwrap_err());
        assert_eq!(e.code, "not_a_budget", "not a ledger's missing_columns");
        let text = e.message;
        assert!(
            text.ko.contains("원장.xlsx") && text.ko.contains("예산액"),
            "{}",
            text.ko
        );
        assert!(text.en.contains("allocation"), "{}", text.en);
        // A header but no row to take: each reason counted.
        let g = grid(&[&["부서", "예산액"], &["총무과", "x"], &["인사과", "y"]]);
        let e = crate::error::Error::from(budget_from_grid(g, "b.csv").unwrap_err());
        assert_eq!(e.code, "no_budget_lines");
        assert!(
            e.message.en.contains("the allocation is not an amount: 2"),
            "{}",
            e.message.en
        );
    }
}
