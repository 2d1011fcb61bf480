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
    /// Native Excel charts over this sheet's own cells.
    pub charts: Vec<SheetChart>,
}

/// A chart drawn from cells of its own sheet, so that it follows them when
/// a reader edits or filters the sheet. Ranges are A1 references without
/// the sheet ("F2:F9"); the writer names the sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetChart {
    pub kind: ChartKind,
    pub title: String,
    /// The cells it covers: top-left and bottom-right ("O2", "X18").
    pub from: String,
    pub to: String,
    /// The category labels (one row or column).
    pub categories: String,
    pub series: Vec<ChartSeries>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSeries {
    /// The cell holding its name.
    pub name: String,
    pub values: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Line,
    Column,
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
                charts: Vec::new(),
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

    /// The number (1-based) the next row will have.
    pub(crate) fn next_row(&self) -> u32 {
        self.sheet.rows.len() as u32 + 1
    }

    pub(crate) fn chart(&mut self, chart: SheetChart) {
        self.sheet.charts.push(chart);
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
    for chart in &laid_out.charts {
        sheet.add_chart(native_chart(&laid_out.name, chart));
    }
}

/// `A1` or `F2:F9` on `sheet`, absolute, as a chart's formula names it:
/// `'실행 이력'!$F$2:$F$9`.
fn on_sheet(sheet: &str, range: &str) -> String {
    let absolute = |cell: &str| {
        let split = cell
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(cell.len());
        format!("${}${}", &cell[..split], &cell[split..])
    };
    let cells: Vec<String> = range.split(':').map(absolute).collect();
    format!("'{}'!{}", sheet.replace('\'', "''"), cells.join(":"))
}

/// The chart as umya-spreadsheet writes it: values, names and categories
/// all references into the sheet (their caches filled from it on write).
fn native_chart(sheet: &str, spec: &SheetChart) -> umya_spreadsheet::Chart {
    use umya_spreadsheet::drawing::charts::{
        CategoryAxisData, ChartText, GroupingValues, StringReference,
    };
    use umya_spreadsheet::structs::drawing::spreadsheet::MarkerType;
    use umya_spreadsheet::ChartType;

    let marker = |cell: &str| {
        let mut m = MarkerType::default();
        m.set_coordinate(cell);
        m
    };
    let values: Vec<String> = spec
        .series
        .iter()
        .map(|s| on_sheet(sheet, &s.values))
        .collect();
    let kind = match spec.kind {
        ChartKind::Line => ChartType::LineChart,
        ChartKind::Column => ChartType::BarChart,
    };
    let mut chart = umya_spreadsheet::Chart::default();
    chart.new_chart(
        kind,
        marker(&spec.from),
        marker(&spec.to),
        values.iter().map(String::as_str).collect(),
    );
    chart.set_title(spec.title.clone());
    // umya stacks lines by default; these are counts side by side. Its
    // columns are stacked too, and it has no clustered grouping: a column
    // chart here has one series, where the two look the same.
    debug_assert!(spec.kind == ChartKind::Line || spec.series.len() == 1);
    if spec.kind == ChartKind::Line {
        chart.set_grouping(GroupingValues::Standard);
    }
    let reference = |range: &str| {
        let mut r = StringReference::default();
        r.get_formula_mut().set_address_str(on_sheet(sheet, range));
        r
    };
    let all = chart
        .get_area_chart_series_list_mut()
        .get_area_chart_series_mut();
    for (series, spec_series) in all.iter_mut().zip(&spec.series) {
        let mut name = ChartText::default();
        name.set_string_reference(reference(&spec_series.name));
        series.set_chart_text(name);
        let mut categories = CategoryAxisData::default();
        categories.set_string_reference(reference(&spec.categories));
        series.set_category_axis_data(categories);
    }
    chart
}
