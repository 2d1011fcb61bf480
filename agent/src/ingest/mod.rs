//! Ingest: bytes or a path -> a clean [`Ledger`].
//!
//! The stages, each in its own module: `reader`/`csv` turn a file into a
//! [`Grid`] of cells; `header` finds the header row and maps columns to
//! [`Field`]s; `normalize` reads dates and amounts; every row that is skipped
//! or repaired is recorded in the [`QualityReport`].

pub mod cell;
pub mod csv;
pub mod error;
pub mod fields;
pub mod guard;
pub mod header;
pub mod normalize;
pub mod quality;
pub mod reader;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

pub use cell::{Cell, Grid};
pub use error::IngestError;
pub use fields::Field;
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
    /// 1-based row of the sheet it came from.
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
    pub budget_item: Option<u32>,
    pub payment_method: Option<u32>,
}

/// A ledger ready for scoring, plus what is needed to write it back out.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub source: String,
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
    let source = path.display().to_string();
    let format = Format::from_name(&source).ok_or_else(|| IngestError::UnsupportedFormat {
        file: source.clone(),
    })?;
    let io_error = |e: std::io::Error| IngestError::Io {
        file: source.clone(),
        detail: e.to_string(),
    };
    // Refuse an oversized file before reading it into memory.
    guard::check_size(std::fs::metadata(path).map_err(io_error)?.len(), &source)?;
    let bytes = std::fs::read(path).map_err(io_error)?;
    read_bytes(&bytes, &source, format, options)
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

pub fn ledger_from_grid(
    grid: Grid,
    source: &str,
    options: &IngestOptions,
) -> Result<Ledger, IngestError> {
    if grid.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
        return Err(IngestError::EmptySheet {
            file: source.into(),
            sheet: grid.sheet.clone(),
        });
    }
    // The rows the header is looked for in are checked first (so a huge
    // cell is named, not quoted); the data rows as they are read below.
    if let Some(e) = grid
        .rows
        .iter()
        .enumerate()
        .take(crate::vocabulary::HEADER_SCAN_ROWS)
        .find_map(|(i, cells)| long_cell(source, &grid.sheet, grid.sheet_row(i), cells))
    {
        return Err(e);
    }
    let found = header::find_header(&grid, source, &options.overrides)?;
    let header_index = found.row_index;
    let header_row = grid.sheet_row(header_index);

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
        });
    }

    let col = |f: Field| found.columns.get(&f).copied();
    let date_col = col(Field::Date).expect("required");
    let amount_col = col(Field::Amount).expect("required");

    // Two-digit and year-last text dates are ambiguous one at a time but
    // not as a column: decide their order from the data first.
    let ambiguous: Vec<&str> = grid.rows[header_index + 1..]
        .iter()
        .filter_map(|r| r.get(date_col)?.as_text())
        .filter(|t| normalize::needs_order(t))
        .take(5000)
        .collect();
    let order = normalize::infer_date_order(ambiguous.iter().copied());
    if !ambiguous.is_empty() {
        quality.date_order = Some(order.label().to_string());
    }

    let mut ledger = Ledger {
        source: source.into(),
        sheet: grid.sheet.clone(),
        header_row,
        headers: found.headers.clone(),
        columns: found.columns.clone(),
        ..Default::default()
    };
    let first_data = header_index + 1;
    let Grid {
        rows,
        date1904,
        first_row,
        ..
    } = grid;
    let header_name = |c: usize| found.headers.get(c).cloned().unwrap_or_default();
    for (offset, cells) in rows.into_iter().enumerate().skip(first_data) {
        let sheet_row = first_row + offset as u32;
        quality.rows_read += 1;
        let issue = |kind, column: Option<usize>, value: String| QualityIssue {
            kind,
            row: sheet_row,
            column: column.map(quality::column_letter),
            header: column.map(header_name),
            value,
        };
        if cells.iter().all(Cell::is_empty) {
            quality.record(issue(IssueKind::BlankRow, None, String::new()));
            continue;
        }
        // One pass over the row's text: a cell too long for a sheet is
        // refused, and bytes the decoder could not read are kept visible as
        // U+FFFD and reported where they are, never silently dropped.
        for (c, cell) in cells.iter().enumerate() {
            let Some(text) = cell.as_text() else { continue };
            if text.len() > crate::limits::MAX_CELL_CHARS {
                if let Some(e) = long_cell(source, &ledger.sheet, sheet_row, &cells) {
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
        let parsed_date = normalize::parse_date(date_cell, order, date1904);
        if let Some(label) = total_label(&cells, &found.columns, parsed_date.is_none()) {
            quality.record(issue(IssueKind::SubtotalRow, None, label));
            continue;
        }
        let date = match parsed_date {
            _ if date_cell.is_empty() => {
                quality.record(issue(IssueKind::MissingDate, Some(date_col), String::new()));
                continue;
            }
            None => {
                quality.record(issue(
                    IssueKind::BadDate,
                    Some(date_col),
                    date_cell.display(),
                ));
                continue;
            }
            Some(parsed) => {
                if !normalize::plausible(parsed.value()) {
                    quality.record(issue(
                        IssueKind::ImplausibleDate,
                        Some(date_col),
                        date_cell.display(),
                    ));
                    continue;
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
                continue;
            }
            None => {
                quality.record(issue(
                    IssueKind::BadAmount,
                    Some(amount_col),
                    amount_cell.display(),
                ));
                continue;
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

        let text = |f: Field| col(f).map_or(std::borrow::Cow::Borrowed(""), |c| get(c).as_str());
        let department = ledger.departments.intern(&text(Field::Department));
        let account = ledger.accounts.intern(&text(Field::Account));
        let vendor = ledger.vendors.intern(&text(Field::Vendor));
        let budget_item =
            col(Field::BudgetItem).map(|_| ledger.others.intern(&text(Field::BudgetItem)));
        let payment_method =
            col(Field::PaymentMethod).map(|_| ledger.others.intern(&text(Field::PaymentMethod)));
        ledger.transactions.push(Transaction {
            sheet_row,
            key: String::new(),
            date: date.value(),
            department,
            account,
            vendor,
            description: text(Field::Description).as_ref().into(),
            voucher: text(Field::Voucher).as_ref().into(),
            amount: amount.value(),
            budget_item,
            payment_method,
        });
        ledger.original.push(cells);
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
    let mut seen: HashMap<[u8; 32], u32> = HashMap::new();
    for i in 0..ledger.transactions.len() {
        let t = &ledger.transactions[i];
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
        let digest: [u8; 32] = h.finalize().into();
        let n = seen.entry(digest).or_insert(0);
        *n += 1;
        let hex = crate::hex::hex(&digest[..8]);
        ledger.transactions[i].key = if *n == 1 { hex } else { format!("{hex}-{n}") };
    }
}
