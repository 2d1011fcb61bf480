//! The JSON body of `POST score`: `rows` exactly as Office.js
//! `range.values` gives them (header first), read straight into cells with
//! limits enforced while parsing, so a hostile body cannot make the agent
//! allocate more than the limits allow.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;

use crate::ingest::{self, Cell, Field, Grid, IngestError};

pub use crate::limits::{MAX_COLUMNS, MAX_JSON_CELLS as MAX_CELLS, MAX_ROWS};

/// Marks the parse errors that are limits rather than bad JSON.
pub const LIMIT_MARK: &str = "ledgerlens-limit:";

#[derive(Debug, Deserialize)]
pub struct ScoreRequest {
    #[serde(default)]
    pub workbook: String,
    #[serde(default)]
    pub sheet: String,
    pub rows: SheetRows,
    /// Field → header overrides, as `--map` on the command line.
    #[serde(default)]
    pub map: BTreeMap<String, String>,
    /// True when the workbook counts dates from 1904 (Excel for Mac's old default).
    #[serde(default)]
    pub date1904: bool,
    /// A budget sheet of the same workbook, to watch the ledger against
    /// (`budget::monitor`).
    #[serde(default)]
    pub budget: Option<BudgetSheet>,
}

/// A sheet of budget lines as the pane reads it (`range.values`).
#[derive(Debug, Deserialize)]
pub struct BudgetSheet {
    #[serde(default)]
    pub sheet: String,
    pub rows: SheetRows,
}

impl BudgetSheet {
    /// The rows as a grid from A1.
    pub fn into_grid(self, date1904: bool) -> Grid {
        Grid {
            sheet: self.sheet,
            first_row: 1,
            rows: self.rows.0,
            date1904,
        }
    }
}

impl ScoreRequest {
    /// The `map` as the pipeline's header overrides (as `--map` gives them).
    pub fn overrides(&self) -> Result<Vec<(Field, String)>, IngestError> {
        self.map
            .iter()
            .map(|(field, header)| ingest::parse_override(&format!("{field}={header}")))
            .collect()
    }

    /// The rows as a grid from A1, so row numbers are the sheet's own.
    pub fn into_grid(self, sheet: Option<String>) -> Grid {
        Grid {
            sheet: sheet.unwrap_or(self.sheet),
            first_row: 1,
            rows: self.rows.0,
            date1904: self.date1904,
        }
    }
}

#[derive(Debug)]
pub struct SheetRows(pub Vec<Vec<Cell>>);

struct JsonCell(Cell);

impl<'de> Deserialize<'de> for JsonCell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CellVisitor;
        impl<'de> Visitor<'de> for CellVisitor {
            type Value = JsonCell;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a cell value: number, text, true/false or null")
            }
            fn visit_f64<E>(self, v: f64) -> Result<JsonCell, E> {
                Ok(JsonCell(Cell::Number(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<JsonCell, E> {
                Ok(JsonCell(Cell::Number(v as f64)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<JsonCell, E> {
                Ok(JsonCell(Cell::Number(v as f64)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<JsonCell, E> {
                Ok(JsonCell(Cell::Bool(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<JsonCell, E> {
                // Office.js gives error values as their text.
                const ERRORS: [&str; 8] = [
                    "#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!",
                ];
                Ok(JsonCell(if ERRORS.contains(&v) {
                    Cell::Error(v.into())
                } else {
                    Cell::text(v)
                }))
            }
            fn visit_unit<E>(self) -> Result<JsonCell, E> {
                Ok(JsonCell(Cell::Empty))
            }
        }
        d.deserialize_any(CellVisitor)
    }
}

struct JsonRow(Vec<Cell>);

impl<'de> Deserialize<'de> for JsonRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = JsonRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a row: an array of cell values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonRow, A::Error> {
                let mut cells = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(MAX_COLUMNS));
                // Errors name the sheet column the bad value sits in.
                while let Some(JsonCell(cell)) = seq.next_element().map_err(|e| {
                    let column = crate::ingest::quality::column_letter(cells.len());
                    de::Error::custom(format!("column {column}: {e}"))
                })? {
                    if cells.len() == MAX_COLUMNS {
                        return Err(de::Error::custom(format!("{LIMIT_MARK}columns")));
                    }
                    cells.push(cell);
                }
                // Trailing empty cells carry nothing and cost memory.
                while cells.last().is_some_and(Cell::is_empty) {
                    cells.pop();
                }
                Ok(JsonRow(cells))
            }
        }
        d.deserialize_seq(RowVisitor)
    }
}

impl<'de> Deserialize<'de> for SheetRows {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RowsVisitor;
        impl<'de> Visitor<'de> for RowsVisitor {
            type Value = SheetRows;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("rows: an array of rows, header first")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SheetRows, A::Error> {
                let mut rows = Vec::new();
                let mut cells = 0usize;
                // Errors name the sheet row (rows[0] is sheet row 1).
                while let Some(JsonRow(row)) = seq
                    .next_element()
                    .map_err(|e| de::Error::custom(format!("row {}, {e}", rows.len() + 1)))?
                {
                    cells += row.len();
                    if rows.len() == MAX_ROWS {
                        return Err(de::Error::custom(format!("{LIMIT_MARK}rows")));
                    }
                    if cells > MAX_CELLS {
                        return Err(de::Error::custom(format!("{LIMIT_MARK}cells")));
                    }
                    rows.push(row);
                }
                Ok(SheetRows(rows))
            }
        }
        d.deserialize_seq(RowsVisitor)
    }
}

/// Which limit a parse error reports, if it is one.
pub fn limit_hit(error: &serde_json::Error) -> Option<&'static str> {
    let text = error.to_string();
    let rest = &text[text.find(LIMIT_MARK)? + LIMIT_MARK.len()..];
    ["rows", "columns", "cells"]
        .into_iter()
        .find(|l| rest.starts_with(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_values_become_cells() {
        let body = r##"{"workbook":"a.xlsx","sheet":"원장","rows":[["집행일자","집행금액",""],[45292,1500000.5,""],["2024-01-02","#N/A",true],[null]]}"##;
        let req: ScoreRequest = serde_json::from_str(body).unwrap();
        let rows = req.rows.0;
        assert_eq!(
            rows[0],
            vec![Cell::text("집행일자"), Cell::text("집행금액")]
        );
        assert_eq!(
            rows[1],
            vec![Cell::Number(45292.0), Cell::Number(1500000.5)]
        );
        assert_eq!(rows[2][1], Cell::Error("#N/A".into()));
        assert_eq!(rows[2][2], Cell::Bool(true));
        assert!(rows[3].is_empty());
    }

    #[test]
    fn limits_are_enforced_while_parsing() {
        let wide = format!(r#"{{"rows":[[{}]]}}"#, vec!["1"; MAX_COLUMNS + 1].join(","));
        let err = serde_json::from_str::<ScoreRequest>(&wide).unwrap_err();
        assert_eq!(limit_hit(&err), Some("columns"));
        let bad = serde_json::from_str::<ScoreRequest>(r#"{"rows":[[{}]]}"#).unwrap_err();
        assert_eq!(limit_hit(&bad), None);
    }

    #[test]
    fn a_bad_cell_is_named_by_sheet_row_and_column() {
        let body = r#"{"rows":[["집행일자","집행금액"],["2024-01-02",{"x":1}]]}"#;
        let err = serde_json::from_str::<ScoreRequest>(body)
            .unwrap_err()
            .to_string();
        assert!(err.contains("row 2, column B: invalid type: map"), "{err}");
    }
}
