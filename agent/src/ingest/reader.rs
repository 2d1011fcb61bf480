//! Bytes of a workbook or CSV file -> a [`Grid`] of cells.
//!
//! Workbooks are read through calamine. For xlsx the sheet is streamed cell
//! by cell rather than loaded as a dense range: a hostile file that declares
//! a cell at XFD1048576 must not make us allocate the rectangle up to it.

use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Range, Reader, Xls, Xlsx};
use chrono::NaiveDateTime;

use super::cell::{Cell, Grid};
use super::error::IngestError;
use super::guard;

pub use crate::limits::{MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

impl Format {
    /// From a file name's extension.
    pub fn from_name(name: &str) -> Option<Format> {
        let ext = name.rsplit('.').next()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            _ => None,
        }
    }

    /// From an HTTP content type (parameters such as `charset` ignored).
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.ms-excel.sheet.macroenabled.12" => Some(Format::Xlsx),
            "application/vnd.ms-excel" => Some(Format::Xls),
            "application/vnd.oasis.opendocument.spreadsheet" => Some(Format::Ods),
            "text/csv" | "text/tab-separated-values" => Some(Format::Csv),
            _ => None,
        }
    }
}

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: [u8; 4] = [b'P', b'K', 3, 4];

/// Reads one sheet (the named one, or the first) of a workbook or CSV.
pub fn read_grid(
    bytes: &[u8],
    source: &str,
    format: Format,
    sheet: Option<&str>,
) -> Result<Grid, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::EmptyFile {
            file: source.into(),
        });
    }
    guard::check_size(bytes.len() as u64, source)?;
    if format == Format::Csv {
        return super::csv::read_csv(bytes, source);
    }
    // Route by what the bytes are, not only by the name: a legacy .xls
    // renamed .xlsx is common, and so is the reverse.
    if bytes.starts_with(&CFB_MAGIC) {
        if guard::is_encrypted_package(bytes) {
            // An OOXML file saved with a password is an OLE container
            // holding an EncryptedPackage, not a zip.
            return Err(IngestError::Encrypted {
                file: source.into(),
            });
        }
        return read_xls(bytes, source, sheet);
    }
    if !bytes.starts_with(&ZIP_MAGIC) {
        let detail = match format {
            Format::Xls => "not an Excel 97-2003 workbook",
            _ => "not a zip archive (xlsx/ods files are zip archives)",
        };
        return Err(IngestError::Corrupt {
            file: source.into(),
            detail: detail.into(),
        });
    }
    guard::check_zip(bytes, source)?;
    match format {
        Format::Ods => {
            guard::check_ods_extent(bytes, source, sheet, MAX_COLUMNS, MAX_ROWS, MAX_CELLS)?;
            let mut wb: Ods<_> =
                Ods::new(Cursor::new(bytes)).map_err(|e| workbook_error(source, e))?;
            let name = pick_sheet(source, wb.sheet_names(), sheet)?;
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| workbook_error(source, e))?;
            grid_from_range(name, &range, false, source)
        }
        _ => read_xlsx(bytes, source, sheet),
    }
}

fn read_xls(bytes: &[u8], source: &str, sheet: Option<&str>) -> Result<Grid, IngestError> {
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| workbook_error(source, e))?;
    let date1904 = wb.has_1904_epoch();
    let name = pick_sheet(source, wb.sheet_names(), sheet)?;
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| workbook_error(source, e))?;
    grid_from_range(name, &range, date1904, source)
}

fn workbook_error(source: &str, err: impl std::fmt::Display) -> IngestError {
    let detail = err.to_string();
    if detail.to_ascii_lowercase().contains("password") {
        IngestError::Encrypted {
            file: source.into(),
        }
    } else {
        IngestError::Corrupt {
            file: source.into(),
            detail,
        }
    }
}

fn pick_sheet(
    source: &str,
    names: Vec<String>,
    wanted: Option<&str>,
) -> Result<String, IngestError> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(w.trim()))
            })
            .cloned()
            .ok_or_else(|| IngestError::SheetNotFound {
                file: source.into(),
                sheet: w.into(),
                available: names.clone(),
            }),
        None => names
            .into_iter()
            .next()
            .ok_or_else(|| IngestError::EmptyFile {
                file: source.into(),
            }),
    }
}

fn read_xlsx(bytes: &[u8], source: &str, sheet: Option<&str>) -> Result<Grid, IngestError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| workbook_error(source, e))?;
    let date1904 = wb.has_1904_epoch();
    let name = pick_sheet(source, wb.sheet_names(), sheet)?;
    let mut reader = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| workbook_error(source, e))?;
    let mut builder = GridBuilder::new(source, &name);
    // The sheet's own claim of its extent sizes the row list once (held
    // to the row limit: the claim is the file's, not a fact).
    let claimed_rows = reader.dimensions().end.0 as usize + 1;
    builder.rows.reserve_exact(claimed_rows.min(MAX_ROWS));
    // The last cell read, so a broken sheet's XML is reported where it broke
    // (the XML reader's own positions are not the sheet's).
    let mut last: Option<(u32, u32)> = None;
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                let place = match last {
                    Some((row, col)) => format!(
                        "sheet '{name}' XML, after cell {}{}",
                        super::quality::column_letter(col as usize),
                        row + 1
                    ),
                    None => format!("sheet '{name}' XML, before its first cell"),
                };
                return Err(IngestError::Corrupt {
                    file: source.into(),
                    detail: format!("{place}: {e}"),
                });
            }
        };
        let (row, col) = cell.get_position();
        last = Some((row, col));
        builder.put(row as usize, col as usize, cell_from_ref(cell.get_value()))?;
    }
    Ok(builder.finish(date1904))
}

fn grid_from_range(
    name: String,
    range: &Range<Data>,
    date1904: bool,
    source: &str,
) -> Result<Grid, IngestError> {
    let mut builder = GridBuilder::new(source, &name);
    let (row0, col0) = range.start().unwrap_or((0, 0));
    for (r, row) in range.rows().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let cell = cell_from_data(value);
            if !cell.is_empty() {
                builder.put(row0 as usize + r, col0 as usize + c, cell)?;
            }
        }
    }
    Ok(builder.finish(date1904))
}

/// Collects cells arriving in row order into rows, dropping empties, within
/// the [`MAX_CELLS`] and [`MAX_TEXT_BYTES`] budgets. A value beyond
/// [`MAX_COLUMNS`] or [`MAX_ROWS`] is refused, naming its cell, rather than
/// dropped unseen: far-apart cells are how hostile files inflate a sheet.
struct GridBuilder<'a> {
    source: &'a str,
    sheet: &'a str,
    rows: Vec<Vec<Cell>>,
    cells: usize,
    text_bytes: usize,
}

impl<'a> GridBuilder<'a> {
    fn new(source: &'a str, sheet: &'a str) -> Self {
        GridBuilder {
            source,
            sheet,
            rows: Vec::new(),
            cells: 0,
            text_bytes: 0,
        }
    }

    fn put(&mut self, row: usize, col: usize, cell: Cell) -> Result<(), IngestError> {
        if cell.is_empty() {
            return Ok(());
        }
        if col >= MAX_COLUMNS || row >= MAX_ROWS {
            return Err(IngestError::FarCell {
                file: self.source.into(),
                sheet: self.sheet.into(),
                cell: format!("{}{}", super::quality::column_letter(col), row + 1),
                beyond: if row >= MAX_ROWS {
                    super::error::Beyond::Rows
                } else {
                    super::error::Beyond::Columns
                },
            });
        }
        self.cells += 1;
        if let Cell::Text(t) = &cell {
            self.text_bytes += t.len();
        }
        if self.cells > MAX_CELLS || self.text_bytes > MAX_TEXT_BYTES {
            return Err(IngestError::TooLarge {
                file: self.source.into(),
                detail: format!(
                    "more than {MAX_CELLS} cells or {MAX_TEXT_BYTES} bytes of text in one sheet"
                ),
            });
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        // A new row is given the row above's width at once: grown a cell at
        // a time, a 12-column row would hold 16, and a third of a 1M-row
        // sheet's cells (kept to the end of the run) would be slack. The
        // row above, not the widest so far: one stray far cell must not
        // widen every row after it.
        let above = row.checked_sub(1).map_or(0, |r| self.rows[r].len());
        let cells = &mut self.rows[row];
        if cells.capacity() == 0 {
            cells.reserve_exact(above.max(col + 1));
        }
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = cell;
        Ok(())
    }

    fn finish(self, date1904: bool) -> Grid {
        Grid {
            sheet: self.sheet.to_string(),
            first_row: 1,
            rows: self.rows,
            date1904,
        }
    }
}

fn datetime(dt: &calamine::ExcelDateTime) -> Cell {
    match dt.as_datetime() {
        Some(v) => Cell::DateTime(v),
        None => Cell::Number(dt.as_f64()),
    }
}

fn iso_datetime(s: &str) -> Cell {
    let parsed = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        });
    match parsed {
        Some(v) => Cell::DateTime(v),
        None => Cell::text(s),
    }
}

/// One conversion for calamine's two cell types, which differ only in how
/// they hold strings.
macro_rules! convert_cell {
    ($value:expr, $ty:ident $(, $shared:ident)?) => {
        match $value {
            $ty::Int(i) => Cell::Number(*i as f64),
            $ty::Float(f) => Cell::Number(*f),
            $ty::String(s) => Cell::text(s),
            $( $ty::$shared(s) => Cell::text(s), )?
            $ty::Bool(b) => Cell::Bool(*b),
            $ty::DateTime(dt) => datetime(dt),
            $ty::DateTimeIso(s) => iso_datetime(s),
            $ty::DurationIso(s) => Cell::text(s),
            $ty::Error(e) => Cell::Error(e.to_string().into()),
            $ty::Empty => Cell::Empty,
        }
    };
}

fn cell_from_ref(value: &DataRef<'_>) -> Cell {
    convert_cell!(value, DataRef, SharedString)
}

fn cell_from_data(value: &Data) -> Cell {
    convert_cell!(value, Data)
}
