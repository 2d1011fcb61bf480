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
    let mapping = map_columns(&headers, overrides);
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
    let columns = map_columns(&headers, overrides)
        .into_iter()
        .map(|(f, (c, _))| (f, c))
        .collect();
    Some(FoundHeader {
        row_index,
        headers,
        columns,
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
