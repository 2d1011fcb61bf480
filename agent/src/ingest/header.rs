//! Finding the header row (ERP exports often put a title, a date range and
//! blank lines above it) and mapping its columns to fields.

use std::collections::BTreeMap;

use super::cell::{Cell, Grid};
use super::error::IngestError;
use super::fields::{match_header, normalize_header, Field};

use crate::vocabulary::HEADER_SCAN_ROWS;

#[derive(Debug, Clone)]
pub struct FoundHeader {
    /// Index into `grid.rows`.
    pub row_index: usize,
    pub headers: Vec<String>,
    pub columns: BTreeMap<Field, usize>,
    /// How each mapped field's column was chosen.
    pub matched_by: BTreeMap<Field, MatchedBy>,
}

pub use crate::vocabulary::MatchedBy;

/// The field strength `map_columns` gives a column, as how it was chosen.
fn matched_by_strength(strength: u8) -> MatchedBy {
    match strength {
        0 => MatchedBy::Values,
        3 => MatchedBy::Mapping,
        2 => MatchedBy::Name,
        _ => MatchedBy::PartOfName,
    }
}

/// Data rows looked at when a required column is found by its values.
const PROFILE_ROWS: usize = 200;
/// Fewest non-empty values a column needs to be judged by them.
const PROFILE_MIN_VALUES: usize = 5;
/// Share of a column's values that must look like the field.
const PROFILE_SHARE: f64 = 0.9;

/// For each required field no header named, the unmapped column whose
/// values look most like it (dates; money-like numbers that are not
/// dates), if at least 90% of its first 200 non-empty values do.
fn profile_values(grid: &Grid, row_index: usize, mapping: &mut BTreeMap<Field, (usize, u8)>) {
    use super::normalize;
    let rows = &grid.rows[row_index + 1..grid.rows.len().min(row_index + 1 + PROFILE_ROWS)];
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let is_date = |c: &Cell| match c {
        Cell::DateTime(_) => true,
        Cell::Text(t) => {
            normalize::parse_date_text(t, normalize::DateOrder::Ymd, grid.date1904).is_some()
        }
        _ => false,
    };
    let is_money = |c: &Cell| !is_date(c) && normalize::parse_amount(c).is_some();
    for (field, looks_like) in [
        (Field::Date, &is_date as &dyn Fn(&Cell) -> bool),
        (Field::Amount, &is_money),
    ] {
        if mapping.contains_key(&field) {
            continue;
        }
        let taken: Vec<usize> = mapping.values().map(|(c, _)| *c).collect();
        let best = (0..width)
            .filter(|c| !taken.contains(c))
            .filter_map(|c| {
                let values: Vec<&Cell> = rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .filter(|v| !v.is_empty())
                    .collect();
                if values.len() < PROFILE_MIN_VALUES {
                    return None;
                }
                let share =
                    values.iter().filter(|v| looks_like(v)).count() as f64 / values.len() as f64;
                (share >= PROFILE_SHARE).then_some((c, share))
            })
            // The most convincing column; the leftmost of equals.
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((c, _)) = best {
            mapping.insert(field, (c, 0));
        }
    }
}

fn matched_by(mapping: &BTreeMap<Field, (usize, u8)>) -> BTreeMap<Field, MatchedBy> {
    mapping
        .iter()
        .map(|(f, (_, s))| (*f, matched_by_strength(*s)))
        .collect()
}

/// Finds the row that names the most distinct fields (at least two) within
/// the first [`HEADER_SCAN_ROWS`] rows, then maps its columns.
pub fn find_header(
    grid: &Grid,
    source: &str,
    overrides: &[(Field, String)],
) -> Result<FoundHeader, IngestError> {
    let scan = grid.rows.len().min(HEADER_SCAN_ROWS);
    let Some(row_index) = best_header_row(grid, overrides) else {
        let first_row = grid
            .rows
            .iter()
            .find(|r| r.iter().any(|c| !c.is_empty()))
            .map(|r| {
                r.iter()
                    .map(Cell::display)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        return Err(IngestError::NoHeader {
            file: source.into(),
            sheet: grid.sheet.clone(),
            scanned: scan as u32,
            first_row,
        });
    };
    let headers: Vec<String> = grid.rows[row_index].iter().map(Cell::display).collect();
    let header_row = grid.sheet_row(row_index);
    let found: Vec<String> = headers.iter().filter(|h| !h.is_empty()).cloned().collect();

    for (field, wanted) in overrides {
        if find_override(&headers, wanted).is_none() {
            return Err(IngestError::MappedHeaderNotFound {
                file: source.into(),
                sheet: grid.sheet.clone(),
                header_row,
                field: field.key().into(),
                header: wanted.clone(),
                found,
            });
        }
    }
    let mut mapping = map_columns(&headers, overrides);
    profile_values(grid, row_index, &mut mapping);
    let missing: Vec<_> = Field::REQUIRED
        .iter()
        .filter(|f| !mapping.contains_key(f))
        .map(|f| f.label())
        .collect();
    if !missing.is_empty() {
        return Err(IngestError::MissingColumns {
            file: source.into(),
            sheet: grid.sheet.clone(),
            header_row,
            missing,
            found,
        });
    }
    Ok(FoundHeader {
        row_index,
        headers,
        matched_by: matched_by(&mapping),
        columns: mapping.into_iter().map(|(f, (c, _))| (f, c)).collect(),
    })
}

/// The row within the first [`HEADER_SCAN_ROWS`] that names the most
/// distinct fields (at least two), strongest matches winning.
fn best_header_row(grid: &Grid, overrides: &[(Field, String)]) -> Option<usize> {
    let scan = grid.rows.len().min(HEADER_SCAN_ROWS);
    let mut best: Option<(usize, u32)> = None;
    for (i, row) in grid.rows[..scan].iter().enumerate() {
        let headers: Vec<String> = row.iter().map(Cell::display).collect();
        let mapping = map_columns(&headers, overrides);
        let strength: u32 = mapping.values().map(|(_, s)| u32::from(*s)).sum();
        if mapping.len() >= 2 && best.is_none_or(|(_, s)| strength > s) {
            best = Some((i, strength));
        }
    }
    best.map(|(i, _)| i)
}

/// The header row and column mapping as found, before any field is
/// required: the add-in previews this and lets the user change it.
/// `None` when no row names two fields.
pub fn detect_columns(grid: &Grid, overrides: &[(Field, String)]) -> Option<FoundHeader> {
    let row_index = best_header_row(grid, overrides)?;
    let headers: Vec<String> = grid.rows[row_index].iter().map(Cell::display).collect();
    let mut mapping = map_columns(&headers, overrides);
    profile_values(grid, row_index, &mut mapping);
    Some(FoundHeader {
        row_index,
        headers,
        matched_by: matched_by(&mapping),
        columns: mapping.into_iter().map(|(f, (c, _))| (f, c)).collect(),
    })
}

fn find_override(headers: &[String], wanted: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim() == wanted.trim())
        .or_else(|| {
            let norm = normalize_header(wanted);
            headers.iter().position(|h| normalize_header(h) == norm)
        })
}

/// Field -> (column, strength). Overrides win with strength 3; otherwise
/// each field takes its strongest, then leftmost, column, and each column
/// serves one field.
fn map_columns(headers: &[String], overrides: &[(Field, String)]) -> BTreeMap<Field, (usize, u8)> {
    let mut mapping: BTreeMap<Field, (usize, u8)> = BTreeMap::new();
    let mut taken = vec![false; headers.len()];
    for (field, wanted) in overrides {
        if let Some(c) = find_override(headers, wanted) {
            mapping.insert(*field, (c, 3));
            taken[c] = true;
        }
    }
    let mut candidates: Vec<(u8, usize, Field)> = headers
        .iter()
        .enumerate()
        .filter_map(|(c, h)| match_header(h).map(|(f, s)| (s, c, f)))
        .collect();
    // Strongest first, then leftmost.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (strength, c, field) in candidates {
        if taken[c] || mapping.contains_key(&field) {
            continue;
        }
        mapping.insert(field, (c, strength));
        taken[c] = true;
    }
    mapping
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Explain;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            sheet: "Sheet1".into(),
            first_row: 1,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| Cell::text(s)).collect())
                .collect(),
            date1904: false,
        }
    }

    #[test]
    fn header_below_title_rows() {
        let g = grid(&[
            &["2024년 예산집행 내역"],
            &["기간: 2024-01-01 ~ 2024-12-31"],
            &[],
            &[
                "No",
                "집행일자",
                "부서명",
                "계정과목",
                "거래처",
                "적요",
                "집행금액(원)",
                "비고",
            ],
            &[
                "1",
                "2024-01-02",
                "총무과",
                "사무용품비",
                "문구사",
                "복사용지",
                "10000",
                "",
            ],
        ]);
        let h = find_header(&g, "t.xlsx", &[]).unwrap();
        assert_eq!(h.row_index, 3);
        assert_eq!(h.columns[&Field::Date], 1);
        assert_eq!(h.columns[&Field::Amount], 6);
        assert_eq!(h.columns[&Field::Description], 5);
        assert!(!h.columns.contains_key(&Field::Voucher));
    }

    #[test]
    fn override_names_an_unusual_header() {
        let g = grid(&[&["일자", "과목", "지급액"], &["2024-01-02", "여비", "5000"]]);
        let err = find_header(&g, "t.csv", &[]).unwrap_err();
        let msg = err.message();
        assert!(msg.ko.contains("지급액"), "{}", msg.ko);
        assert!(msg.en.contains("Amount"), "{}", msg.en);
        let h = find_header(
            &g,
            "t.csv",
            &[
                (Field::Amount, "지급액".into()),
                (Field::Account, "과목".into()),
            ],
        )
        .unwrap();
        assert_eq!(h.columns[&Field::Amount], 2);
        assert_eq!(h.columns[&Field::Account], 1);
    }

    #[test]
    fn a_column_no_header_names_is_found_by_its_values() {
        let mut rows: Vec<Vec<&str>> = vec![vec!["일자", "부서", "지급액(원)", "전표"]];
        for _ in 0..10 {
            rows.push(vec!["2024-01-02", "총무과", "5,000", "V-1"]);
        }
        let refs: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        let h = find_header(&grid(&refs), "t.csv", &[]).unwrap();
        assert_eq!(h.columns[&Field::Amount], 2);
        assert_eq!(h.matched_by[&Field::Amount], MatchedBy::Values);
        assert_eq!(h.matched_by[&Field::Date], MatchedBy::Name);
    }

    #[test]
    fn override_of_unknown_header_lists_what_was_found() {
        let g = grid(&[&["집행일자", "계정과목", "집행금액"]]);
        let err = find_header(&g, "t.csv", &[(Field::Vendor, "업체".into())]).unwrap_err();
        assert_eq!(err.code(), "mapped_header_not_found");
        assert!(err.message().en.contains("집행금액"));
    }

    #[test]
    fn no_header_at_all() {
        let g = grid(&[&["a", "b"], &["1", "2"]]);
        assert_eq!(
            find_header(&g, "t.csv", &[]).unwrap_err().code(),
            "no_header"
        );
    }
}
