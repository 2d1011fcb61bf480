//! Ingest: bytes or a path -> a clean [`Ledger`].
//!
//! The stages, each in its own module: `reader`/`csv` turn a file into a
//! [`Grid`] of cells; `header` finds the header row and maps columns to
//! [`Field`]s; `normalize` reads dates and amounts; every row that is skipped
//! or repaired is recorded in the [`QualityReport`].

pub mod arrow;
pub(crate) mod cell;
pub(crate) mod combine;
pub(crate) mod csv;
pub(crate) mod error;
pub(crate) mod fields;
pub(crate) mod guard;
pub(crate) mod header;
pub(crate) mod normalize;
pub(crate) mod quality;
pub(crate) mod reader;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

pub use cell::{Cell, Grid};
pub use combine::read_paths;
pub use error::IngestError;
pub use fields::Field;
pub use header::MatchedBy;
pub use quality::{IssueKind, QualityIssue, QualityReport};
pub use reader::Format;

use normalize::{Parsed, Repair};

/// Interned strings: departments, accounts and vendors repeat across
/// hundreds of thousands of rows, and integer codes group faster.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Dictionary {
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), id);
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One payment, normalised.
#[derive(Debug, Clone)]
pub struct Transaction {
    /// Which of the ledger's [`Ledger::files`] the row came from.
    pub file: u16,
    /// 1-based row of the sheet it came from, in its file.
    pub sheet_row: u32,
    /// Stable across sorting, filtering and re-export; see [`row_keys`].
    pub key: String,
    pub date: NaiveDate,
    pub department: u32,
    pub account: u32,
    pub vendor: u32,
    pub description: Box<str>,
    pub voucher: Box<str>,
    pub amount: f64,
    /// Time of use, minutes after midnight, where the ledger has one.
    pub time: Option<u16>,
    pub budget_item: Option<u32>,
    pub payment_method: Option<u32>,
    /// Who used the card, where the ledger says (in `others`).
    pub card_holder: Option<u32>,
}

/// A ledger ready for scoring, plus what is needed to write it back out.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub source: String,
    /// The files the rows came from: one, or several read as one ledger
    /// ([`read_paths`]).
    pub files: Vec<String>,
    pub sheet: String,
    pub header_row: u32,
    pub headers: Vec<String>,
    pub columns: BTreeMap<Field, usize>,
    pub transactions: Vec<Transaction>,
    /// The original cells of each kept row, aligned with `transactions`.
    pub original: Vec<Vec<Cell>>,
    pub departments: Dictionary,
    pub accounts: Dictionary,
    pub vendors: Dictionary,
    /// Budget items and payment methods share one dictionary.
    pub others: Dictionary,
    /// The currency the ledger names (a currency column or symbols on its
    /// amounts), if it names one.
    pub currency: Option<crate::money::Currency>,
    pub quality: QualityReport,
}

impl Ledger {
    pub fn len(&self) -> usize {
        self.transactions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.transactions.is_empty()
    }
}

/// What the caller may say about how to read the input.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub sheet: Option<String>,
    /// `--map FIELD=HEADER` overrides.
    pub overrides: Vec<(Field, String)>,
}

/// Parses one `--map FIELD=HEADER` argument.
pub fn parse_override(arg: &str) -> Result<(Field, String), IngestError> {
    let bad = || IngestError::BadMapping { given: arg.into() };
    let (field, header) = arg.split_once('=').ok_or_else(bad)?;
    let field = Field::from_key(field).ok_or_else(bad)?;
    if header.trim().is_empty() {
        return Err(bad());
    }
    Ok((field, header.trim().to_string()))
}

/// Reads a ledger from a file on disk. The file is only ever opened for reading.
pub fn read_path(path: &Path, options: &IngestOptions) -> Result<Ledger, IngestError> {
    let (bytes, source, format) = read_file(path)?;
    read_bytes(&bytes, &source, format, options)
}

/// A file's bytes, its name as errors give it, and its format by its
/// name; an oversized file is refused before it is read into memory.
pub(crate) fn read_file(path: &Path) -> Result<(Vec<u8>, String, Format), IngestError> {
    let source = path.display().to_string();
    let format = Format::from_name(&source).ok_or_else(|| IngestError::UnsupportedFormat {
        file: source.clone(),
    })?;
    let io_error = |e: std::io::Error| IngestError::Io {
        file: source.clone(),
        detail: e.to_string(),
    };
    guard::check_size(std::fs::metadata(path).map_err(io_error)?.len(), &source)?;
    let bytes = std::fs::read(path).map_err(io_error)?;
    Ok((bytes, source, format))
}

/// Reads a ledger from bytes of a known format.
pub fn read_bytes(
    bytes: &[u8],
    source: &str,
    format: Format,
    options: &IngestOptions,
) -> Result<Ledger, IngestError> {
    let grid = reader::read_grid(bytes, source, format, options.sheet.as_deref())?;
    ledger_from_grid(grid, source, options)
}

/// Builds a ledger from a grid of cells: header, mapping, normalisation.
/// A cell longer than Excel allows, named: it cannot have come from a
/// sheet, and the store and the sheets would carry it for ever.
fn long_cell(source: &str, sheet: &str, sheet_row: u32, cells: &[Cell]) -> Option<IngestError> {
    cells.iter().enumerate().find_map(|(c, cell)| {
        let text = cell.as_text()?;
        // Bytes first: counting characters is needed only past it.
        let chars = (text.len() > crate::limits::MAX_CELL_CHARS)
            .then(|| text.chars().count())
            .filter(|&n| n > crate::limits::MAX_CELL_CHARS)?;
        Some(IngestError::LongCell {
            file: source.into(),
            sheet: sheet.into(),
            cell: format!("{}{}", quality::column_letter(c), sheet_row),
            chars,
        })
    })
}

/// Builds a ledger from a grid of cells, in named steps: refuse an empty
/// sheet or an oversized cell where the header is looked for, find the
/// header, decide the column's date order, then take each row or report
/// why not. Every skipped row is counted in the quality report.
pub fn ledger_from_grid(
    grid: Grid,
    source: &str,
    options: &IngestOptions,
) -> Result<Ledger, IngestError> {
    refuse_unreadable_top(&grid, source)?;
    let found = header::find_header(&grid, source, &options.overrides)?;
    let header_row = grid.sheet_row(found.row_index);
    let mut quality = quality_report(&grid, source, &found, header_row);
    let rows = RowReader::new(&grid, &found, &mut quality);

    let mut ledger = Ledger {
        source: source.into(),
        files: vec![source.into()],
        sheet: grid.sheet.clone(),
        header_row,
        headers: found.headers.clone(),
        columns: found.columns.clone(),
        ..Default::default()
    };
    let first_data = found.row_index + 1;
    let first_row = grid.first_row;
    // One allocation each: grown by doubling, a 1M-row ledger's rows would
    // be copied at every step and held at up to twice their size.
    let data_rows = grid.rows.len().saturating_sub(first_data);
    ledger.transactions.reserve_exact(data_rows);
    ledger.original.reserve_exact(data_rows);
    for (offset, cells) in grid.rows.into_iter().enumerate().skip(first_data) {
        let sheet_row = first_row + offset as u32;
        quality.rows_read += 1;
        let Some((date, amount)) =
            rows.take(source, &ledger.sheet, sheet_row, &cells, &mut quality)?
        else {
            continue;
        };
        if let Some(c) = ledger.push(date, amount, sheet_row, cells, &found.columns) {
            let value = ledger.original.last().and_then(|r| r.get(c));
            quality.record(QualityIssue {
                kind: IssueKind::BadTime,
                file: None,
                row: sheet_row,
                column: Some(quality::column_letter(c)),
                header: found.headers.get(c).cloned(),
                value: value.map(Cell::display).unwrap_or_default(),
            });
        }
    }
    quality.rows_kept = ledger.transactions.len();
    if ledger.transactions.is_empty() {
        return Err(IngestError::NoRows {
            file: source.into(),
            sheet: ledger.sheet.clone(),
            skipped: quality
                .counts
                .iter()
                .map(|(kind, n)| (kind.describe(), *n))
                .collect(),
        });
    }
    ledger.quality = quality;
    assign_row_keys(&mut ledger);
    Ok(ledger)
}

/// An empty sheet, or a cell too long for a sheet in the rows the header
/// is looked for in (named, not quoted), is refused before anything else;
/// the data rows' cells are checked as they are read.
fn refuse_unreadable_top(grid: &Grid, source: &str) -> Result<(), IngestError> {
    if grid.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
        return Err(IngestError::EmptySheet {
            file: source.into(),
            sheet: grid.sheet.clone(),
        });
    }
    match grid
        .rows
        .iter()
        .enumerate()
        .take(crate::vocabulary::HEADER_SCAN_ROWS)
        .find_map(|(i, cells)| long_cell(source, &grid.sheet, grid.sheet_row(i), cells))
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The quality report's start: where the header is and which column was
/// taken for which field.
fn quality_report(
    grid: &Grid,
    source: &str,
    found: &header::FoundHeader,
    header_row: u32,
) -> QualityReport {
    let mut quality = QualityReport {
        source: source.into(),
        sheet: grid.sheet.clone(),
        header_row,
        ..Default::default()
    };
    for (field, col) in &found.columns {
        quality.mapping.push(quality::MappedColumn {
            field: *field,
            column: quality::column_letter(*col),
            header: found.headers.get(*col).cloned().unwrap_or_default(),
            matched_by: found
                .matched_by
                .get(field)
                .copied()
                .unwrap_or(header::MatchedBy::Name),
        });
    }
    quality
}

/// Reads one data row's date and amount, or says why the row is skipped.
struct RowReader<'a> {
    date_col: usize,
    amount_col: usize,
    order: normalize::DateOrder,
    date1904: bool,
    columns: &'a BTreeMap<Field, usize>,
    headers: &'a [String],
}

impl<'a> RowReader<'a> {
    /// Two-digit and year-last text dates are ambiguous one at a time but
    /// not as a column: their order is decided from the data first.
    fn new(
        grid: &Grid,
        found: &'a header::FoundHeader,
        quality: &mut QualityReport,
    ) -> RowReader<'a> {
        let date_col = found.columns[&Field::Date];
        let ambiguous: Vec<&str> = grid.rows[found.row_index + 1..]
            .iter()
            .filter_map(|r| r.get(date_col)?.as_text())
            .filter(|t| normalize::needs_order(t))
            .take(5000)
            .collect();
        let order = normalize::infer_date_order(ambiguous.iter().copied());
        if !ambiguous.is_empty() {
            quality.date_order = Some(order.label().to_string());
        }
        RowReader {
            date_col,
            amount_col: found.columns[&Field::Amount],
            order,
            date1904: grid.date1904,
            columns: &found.columns,
            headers: &found.headers,
        }
    }

    /// The row's date and amount, or `None` with the reason recorded.
    /// A cell longer than a sheet allows fails the whole read.
    fn take(
        &self,
        source: &str,
        sheet: &str,
        sheet_row: u32,
        cells: &[Cell],
        quality: &mut QualityReport,
    ) -> Result<Option<(NaiveDate, f64)>, IngestError> {
        let (date_col, amount_col) = (self.date_col, self.amount_col);
        let issue = |kind, column: Option<usize>, value: String| QualityIssue {
            kind,
            file: None,
            row: sheet_row,
            column: column.map(quality::column_letter),
            header: column.map(|c| self.headers.get(c).cloned().unwrap_or_default()),
            value,
        };
        if cells.iter().all(Cell::is_empty) {
            quality.record(issue(IssueKind::BlankRow, None, String::new()));
            return Ok(None);
        }
        // One pass over the row's text: a cell too long for a sheet is
        // refused, and bytes the decoder could not read are kept visible as
        // U+FFFD and reported where they are, never silently dropped.
        for (c, cell) in cells.iter().enumerate() {
            let Some(text) = cell.as_text() else { continue };
            if text.len() > crate::limits::MAX_CELL_CHARS {
                if let Some(e) = long_cell(source, sheet, sheet_row, cells) {
                    return Err(e);
                }
            }
            if text.contains('\u{fffd}') {
                quality.record(issue(
                    IssueKind::InvalidText,
                    Some(c),
                    error::excerpt(text, 60),
                ));
            }
        }
        let get = |c: usize| cells.get(c).unwrap_or(&Cell::Empty);
        let date_cell = get(date_col);
        let parsed_date = normalize::parse_date(date_cell, self.order, self.date1904);
        if let Some(label) = total_label(cells, self.columns, parsed_date.is_none()) {
            quality.record(issue(IssueKind::SubtotalRow, None, label));
            return Ok(None);
        }
        let date = match parsed_date {
            _ if date_cell.is_empty() => {
                quality.record(issue(IssueKind::MissingDate, Some(date_col), String::new()));
                return Ok(None);
            }
            None => {
                quality.record(issue(
                    IssueKind::BadDate,
                    Some(date_col),
                    date_cell.display(),
                ));
                return Ok(None);
            }
            Some(parsed) => {
                if !normalize::plausible(parsed.value()) {
                    quality.record(issue(
                        IssueKind::ImplausibleDate,
                        Some(date_col),
                        date_cell.display(),
                    ));
                    return Ok(None);
                }
                parsed
            }
        };
        let amount_cell = get(amount_col);
        let amount = match normalize::parse_amount(amount_cell) {
            _ if amount_cell.is_empty() => {
                quality.record(issue(
                    IssueKind::MissingAmount,
                    Some(amount_col),
                    String::new(),
                ));
                return Ok(None);
            }
            None => {
                quality.record(issue(
                    IssueKind::BadAmount,
                    Some(amount_col),
                    amount_cell.display(),
                ));
                return Ok(None);
            }
            Some(parsed) => parsed,
        };
        if let Parsed::Repaired(_, Repair::DateFromText) = date {
            quality.record(issue(
                IssueKind::DateFromText,
                Some(date_col),
                date_cell.display(),
            ));
        }
        match amount {
            Parsed::Repaired(_, Repair::ParenthesesNegative) => quality.record(issue(
                IssueKind::ParenthesesNegative,
                Some(amount_col),
                amount_cell.display(),
            )),
            Parsed::Repaired(..) => quality.record(issue(
                IssueKind::AmountFromText,
                Some(amount_col),
                amount_cell.display(),
            )),
            Parsed::Clean(_) => {}
        }
        if amount.value() == 0.0 {
            quality.record(issue(
                IssueKind::ZeroAmount,
                Some(amount_col),
                amount_cell.display(),
            ));
        }
        Ok(Some((date.value(), amount.value())))
    }
}

impl Ledger {
    /// Takes a row whose date and amount were read: its texts interned,
    /// its cells kept as they were. Returns the time column when the row's
    /// time of use is there but unreadable (the row is kept without one).
    fn push(
        &mut self,
        date: NaiveDate,
        amount: f64,
        sheet_row: u32,
        cells: Vec<Cell>,
        columns: &BTreeMap<Field, usize>,
    ) -> Option<usize> {
        let get = |c: usize| cells.get(c).unwrap_or(&Cell::Empty);
        let col = |f: Field| columns.get(&f).copied();
        let text = |f: Field| col(f).map_or(std::borrow::Cow::Borrowed(""), |c| get(c).as_str());
        let department = self.departments.intern(&text(Field::Department));
        let account = self.accounts.intern(&text(Field::Account));
        let vendor = self.vendors.intern(&text(Field::Vendor));
        let budget_item =
            col(Field::BudgetItem).map(|_| self.others.intern(&text(Field::BudgetItem)));
        let payment_method =
            col(Field::PaymentMethod).map(|_| self.others.intern(&text(Field::PaymentMethod)));
        let card_holder =
            col(Field::CardHolder).map(|_| self.others.intern(&text(Field::CardHolder)));
        let time = match col(Field::Time) {
            Some(c) => normalize::parse_time(get(c)),
            None => col(Field::Date).and_then(|c| normalize::time_in_date(get(c))),
        };
        let bad_time = col(Field::Time).filter(|&c| time.is_none() && !get(c).is_empty());
        if self.currency.is_none() {
            self.currency = match col(Field::Currency) {
                Some(c) => crate::money::Currency::parse(&get(c).as_str()),
                None => col(Field::Amount).and_then(|c| normalize::currency_of(get(c))),
            };
        }
        self.transactions.push(Transaction {
            file: 0,
            sheet_row,
            key: String::new(),
            date,
            department,
            account,
            vendor,
            description: text(Field::Description).as_ref().into(),
            voucher: text(Field::Voucher).as_ref().into(),
            amount,
            time,
            budget_item,
            payment_method,
            card_holder,
        });
        self.original.push(cells);
        bad_time
    }
}

/// A subtotal or total label, if the row is one. A row without a readable
/// date is a total line when any descriptive column says so; a row with a
/// date is a real payment unless an unmapped leading column (a "No." or
/// "구분" column) says 합계 — a vendor called 소계산업 or a description
/// "1분기 전기요금 합계" must not lose a payment.
fn total_label(
    cells: &[Cell],
    columns: &BTreeMap<Field, usize>,
    date_unreadable: bool,
) -> Option<String> {
    let descriptive = [
        Field::Date,
        Field::Department,
        Field::Account,
        Field::Vendor,
        Field::Description,
        Field::Voucher,
    ];
    let text_at = |c: &usize| cells.get(*c)?.as_text();
    let first_unmapped = (!columns.values().any(|&c| c == 0)).then_some(0usize);
    let descriptive_cells = descriptive.iter().filter_map(|f| columns.get(f));
    if !date_unreadable {
        // A dated row is a payment unless a cell says nothing but 소계 or
        // Total, or an unmapped leading column labels it.
        return first_unmapped
            .iter()
            .filter_map(text_at)
            .find(|t| normalize::is_total_label(t))
            .or_else(|| {
                descriptive_cells
                    .filter_map(text_at)
                    .find(|t| normalize::is_bare_total_word(t))
            })
            .map(str::to_string);
    }
    first_unmapped
        .iter()
        .chain(descriptive_cells)
        .filter_map(text_at)
        .find(|t| normalize::is_total_label(t))
        .map(str::to_string)
}

/// Gives every transaction a key derived from its content, not its position:
/// a hash of date, department, account, vendor, amount, voucher and
/// description. Identical rows (true duplicates, voucher included) are told
/// apart by their order of appearance, which is the best any export allows.
fn assign_row_keys(ledger: &mut Ledger) {
    use rayon::prelude::*;
    // The hashing is most of the cost (1.2 s of a 1M-row read on one
    // core): the digests are made in parallel, the repeats counted after,
    // in the ledger's order.
    let digests: Vec<[u8; 32]> = ledger
        .transactions
        .par_iter()
        .map(|t| content_digest(ledger, t))
        .collect();
    let mut seen: HashMap<[u8; 32], u32> = HashMap::with_capacity(digests.len());
    for (t, digest) in ledger.transactions.iter_mut().zip(&digests) {
        let n = seen.entry(*digest).or_insert(0);
        *n += 1;
        let hex = crate::hex::hex(&digest[..8]);
        t.key = if *n == 1 { hex } else { format!("{hex}-{n}") };
    }
}

/// The SHA-256 of a transaction's content, its parts separated by 0x1f.
/// Stored reviews are keyed by it: the parts and their spelling are fixed.
fn content_digest(ledger: &Ledger, t: &Transaction) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [
        t.date.to_string().as_str(),
        ledger.departments.name(t.department),
        ledger.accounts.name(t.account),
        ledger.vendors.name(t.vendor),
        &format!("{:.2}", t.amount),
        &t.voucher,
        &t.description,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().into()
}
