//! The neutral grid every source is read into before a ledger is built from it.

use chrono::NaiveDateTime;

/// One spreadsheet cell, reduced to what a ledger needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(Box<str>),
    Bool(bool),
    /// A cell the source itself typed as a date (an xlsx date format, an ISO
    /// datetime in ods). Numbers in a date column are resolved later, once the
    /// workbook's date system is known.
    DateTime(NaiveDateTime),
    /// An error value such as `#N/A`.
    Error(Box<str>),
}

impl Cell {
    pub fn text(s: &str) -> Cell {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(trimmed.into())
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The cell as a person would read it, borrowing text cells (the common
    /// case for names, which a million-row ingest reads six times a row).
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(s) => std::borrow::Cow::Borrowed(s),
            Cell::Empty => std::borrow::Cow::Borrowed(""),
            other => std::borrow::Cow::Owned(other.display()),
        }
    }

    /// The cell as a person would read it, for messages and string fields.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{n:.0}")
                } else {
                    n.to_string()
                }
            }
            Cell::Text(s) => s.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::DateTime(dt) => {
                if dt.time() == chrono::NaiveTime::MIN {
                    dt.date().format("%Y-%m-%d").to_string()
                } else {
                    dt.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            Cell::Error(e) => e.to_string(),
        }
    }
}

/// A sheet's cells, row-major, with the source's own 1-based row numbers
/// implied by position (row index 0 is sheet row `first_row`).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub sheet: String,
    /// The sheet row number of `rows[0]` (1-based).
    pub first_row: u32,
    pub rows: Vec<Vec<Cell>>,
    /// True when serial numbers in this workbook count days from 1904-01-01.
    pub date1904: bool,
}

impl Grid {
    pub fn sheet_row(&self, index: usize) -> u32 {
        self.first_row + index as u32
    }
}

/// A sheet of text cells from row 1, for tests.
#[cfg(test)]
pub(crate) fn text_grid(sheet: &str, rows: &[&[&str]]) -> Grid {
    Grid {
        sheet: sheet.into(),
        first_row: 1,
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::text(c)).collect())
            .collect(),
        date1904: false,
    }
}
