//! Sheets laid out once, then either written as xlsx (umya-spreadsheet)
//! or sent as JSON for the add-in to write through Excel's range API: the
//! history workbook and the audit sample are both made this way, so the
//! command line's file and the pane's sheet cannot drift apart.
//!
//! Every text cell from a ledger is written as a string value, never parsed:
//! a vendor called `=HYPERLINK(...)` stays text.

use serde::Serialize;
use umya_spreadsheet::Worksheet;

use crate::error::Error;

/// The generated sheets' own header fill (light blue), not the scored
/// workbook's (`vocabulary::HEADER_FILL`).
pub(crate) const HEADER_FILL: &str = "DDEBF7";
/// Cells the user is to fill in (pale yellow).
pub(crate) const INPUT_FILL: &str = "FFF2CC";
const AMOUNT_FORMAT: &str = "#,##0";
const DATE_FORMAT: &str = "yyyy-mm-dd";

/// One sheet, laid out.
#[derive(Debug, Clone, Serialize)]
pub struct LaidOutSheet {
    pub name: String,
    /// Column widths in characters.
    pub widths: Vec<f64>,
    pub rows: Vec<SheetRow>,
    /// A filter over the first row and this many columns, if any.
    pub filter_columns: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SheetRow {
    /// Bold on the header fill.
    pub header: bool,
    pub cells: Vec<SheetCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetCell {
    pub value: CellValue,
    /// Background "RRGGBB".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_format: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum CellValue {
    Text(String),
    Number(f64),
}

/// Values as the sheet functions hand them over.
#[derive(Clone)]
pub(crate) enum Value<'v> {
    Text(&'v str),
    Number(f64),
    /// A whole-unit amount ("#,##0").
    Amount(f64),
    /// A number in a given Excel format (a currency's decimals).
    Formatted(f64, String),
    /// A date as an Excel serial, shown as yyyy-mm-dd.
    Date(f64),
}

impl Value<'_> {
    /// An amount in `currency`, with its decimals (₩ none, £/$/€ two).
    pub(crate) fn money(v: f64, currency: crate::money::Currency) -> Value<'static> {
        Value::Formatted(v, currency.excel_format())
    }
}

/// One sheet being laid out row by row.
pub(crate) struct SheetBuilder {
    sheet: LaidOutSheet,
}

impl SheetBuilder {
    pub(crate) fn new(name: &str) -> Self {
        SheetBuilder {
            sheet: LaidOutSheet {
                name: name.into(),
                widths: Vec::new(),
                rows: Vec::new(),
                filter_columns: None,
            },
        }
    }

    pub(crate) fn header(&mut self, headers: &[&str], widths: &[f64]) {
        let cells = headers
            .iter()
            .map(|h| SheetCell {
                value: CellValue::Text((*h).into()),
                fill: Some(HEADER_FILL.into()),
                number_format: None,
            })
            .collect();
        self.sheet.rows.push(SheetRow {
            header: true,
            cells,
        });
        if widths.len() > self.sheet.widths.len() {
            self.sheet.widths = widths.to_vec();
        }
    }

    pub(crate) fn values(&mut self, values: &[Value<'_>]) {
        let cells = values
            .iter()
            .map(|v| {
                let (value, number_format) = match v {
                    // Ledger text is shown, never obeyed: see `visible_controls`.
                    Value::Text(t) => (
                        CellValue::Text(crate::i18n::visible_controls(t).into_owned()),
                        None,
                    ),
                    Value::Number(n) => (CellValue::Number(*n), None),
                    Value::Amount(n) => (CellValue::Number(*n), Some(AMOUNT_FORMAT.to_string())),
                    Value::Formatted(n, format) => (CellValue::Number(*n), Some(format.clone())),
                    Value::Date(serial) => {
                        (CellValue::Number(*serial), Some(DATE_FORMAT.to_string()))
                    }
                };
                SheetCell {
                    value,
                    fill: None,
                    number_format,
                }
            })
            .collect();
        self.sheet.rows.push(SheetRow {
            header: false,
            cells,
        });
    }

    /// Fills one cell of the last row.
    pub(crate) fn fill(&mut self, column: usize, colour: String) {
        if let Some(cell) = self
            .sheet
            .rows
            .last_mut()
            .and_then(|r| r.cells.get_mut(column))
        {
            cell.fill = Some(colour);
        }
    }

    /// A row of `values` after a label on the header fill.
    pub(crate) fn labelled(&mut self, label: &str, values: &[Value<'_>]) {
        let mut row = vec![Value::Text(label)];
        row.extend(values.iter().map(Value::clone));
        self.values(&row);
        self.fill(0, HEADER_FILL.into());
    }

    pub(crate) fn blank(&mut self) {
        self.sheet.rows.push(SheetRow::default());
    }

    /// Filters on the header row over `columns` columns.
    pub(crate) fn filter(&mut self, columns: u32) {
        if self.sheet.rows.len() > 1 {
            self.sheet.filter_columns = Some(columns);
        }
    }

    pub(crate) fn finish(self) -> LaidOutSheet {
        self.sheet
    }
}

/// Writes laid-out sheets as one xlsx workbook, the first sheet active.
pub fn write(sheets: &[LaidOutSheet]) -> Result<Vec<u8>, Error> {
    let mut book = umya_spreadsheet::new_file_empty_worksheet();
    for laid_out in sheets {
        let sheet = book
            .new_sheet(&laid_out.name)
            .map_err(|e| Error::internal(format!("sheet '{}': {e}", laid_out.name)))?;
        write_sheet(sheet, laid_out);
    }
    book.set_active_sheet(0);
    let mut bytes = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, std::io::Cursor::new(&mut bytes))
        .map_err(Error::internal)?;
    Ok(bytes)
}

fn write_sheet(sheet: &mut Worksheet, laid_out: &LaidOutSheet) {
    use umya_spreadsheet::helper::coordinate::string_from_column_index;
    for (r, row) in laid_out.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.cells.iter().enumerate() {
            let at = (c as u32 + 1, r);
            match &cell.value {
                CellValue::Text(t) => {
                    sheet.get_cell_mut(at).set_value_string(t);
                }
                CellValue::Number(n) => {
                    sheet.get_cell_mut(at).set_value_number(*n);
                }
            }
            if cell.fill.is_none() && cell.number_format.is_none() && !row.header {
                continue;
            }
            let style = sheet.get_style_mut(at);
            if let Some(fill) = &cell.fill {
                style.set_background_color(format!("FF{fill}"));
            }
            if let Some(code) = &cell.number_format {
                style.get_number_format_mut().set_format_code(code);
            }
            if row.header {
                style.get_font_mut().set_bold(true);
            }
        }
    }
    for (i, w) in laid_out.widths.iter().enumerate() {
        let letter = string_from_column_index(&(i as u32 + 1));
        sheet.get_column_dimension_mut(&letter).set_width(*w);
    }
    if let Some(columns) = laid_out.filter_columns {
        let last = string_from_column_index(&columns);
        sheet.set_auto_filter(format!("A1:{last}{}", laid_out.rows.len()));
    }
}
