//! Ingest errors. Each names the file, and where it applies the sheet, row
//! and column, in both languages, so the user can go straight to the cell.

use crate::error::{explained, Explain, Kind};
use crate::i18n::{Lang, Text};

#[derive(Debug)]
pub enum IngestError {
    Io {
        file: String,
        detail: String,
    },
    UnsupportedFormat {
        file: String,
    },
    EmptyFile {
        file: String,
    },
    Encrypted {
        file: String,
    },
    Corrupt {
        file: String,
        detail: String,
    },
    SheetNotFound {
        file: String,
        sheet: String,
        available: Vec<String>,
    },
    EmptySheet {
        file: String,
        sheet: String,
    },
    NoHeader {
        file: String,
        sheet: String,
        scanned: u32,
        first_row: Vec<String>,
    },
    MissingColumns {
        file: String,
        sheet: String,
        header_row: u32,
        missing: Vec<Text>,
        found: Vec<String>,
    },
    MappedHeaderNotFound {
        file: String,
        sheet: String,
        header_row: u32,
        field: String,
        header: String,
        found: Vec<String>,
    },
    BadMapping {
        given: String,
    },
    TooLarge {
        file: String,
        detail: String,
    },
    Hostile {
        file: String,
        detail: String,
    },
    FarCell {
        file: String,
        sheet: String,
        cell: String,
        beyond: Beyond,
    },
    LongCell {
        file: String,
        sheet: String,
        cell: String,
        chars: usize,
    },
    NoRows {
        file: String,
        sheet: String,
        /// What was skipped, and how often.
        skipped: Vec<(Text, usize)>,
    },
    /// A folder with no ledger file in it.
    NoLedgerFiles {
        folder: String,
        passed_over: Vec<String>,
    },
    /// An Arrow table (the Python package, Spark) that cannot be read as
    /// one: not a stream of record batches, or a batch that fails.
    UnreadableTable {
        file: String,
        detail: String,
    },
    /// An Arrow column of a type no ledger cell holds (a list, a struct,
    /// bytes).
    ColumnType {
        file: String,
        column: String,
        dtype: String,
    },
    /// Timestamps in a named time zone, whose wall-clock time would need
    /// the zone's rules to tell.
    ZonedColumn {
        file: String,
        column: String,
        zone: String,
    },
    /// Files of one ledger naming different currencies.
    MixedCurrencies {
        first_file: String,
        first: String,
        file: String,
        other: String,
    },
}

/// Which of a sheet's limits a far-away cell is beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    Columns,
    Rows,
}

/// At most `max` characters of `text`, marked where it was cut: an error
/// names a value, it does not echo a 100 MB one.
/// Reasons with how often each happened, as a message lists them:
/// "the amount is empty: 3, the date is not a date: 1".
pub(crate) fn counted_reasons(counts: &[(Text, usize)], lang: Lang) -> String {
    counts
        .iter()
        .map(|(t, n)| format!("{}: {n}", t.get(lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}… ({} chars)", &text[..cut], text.chars().count()),
        None => text.to_string(),
    }
}

/// Longest value an error message quotes.
const QUOTE_CHARS: usize = 60;
/// Most values an error message lists.
const QUOTE_ITEMS: usize = 30;

impl Explain for IngestError {
    /// A stable code for the API and tests.
    fn code(&self) -> &'static str {
        match self {
            IngestError::Io { .. } => "io_error",
            IngestError::UnsupportedFormat { .. } => "unsupported_format",
            IngestError::EmptyFile { .. } => "empty_file",
            IngestError::Encrypted { .. } => "encrypted_workbook",
            IngestError::Corrupt { .. } => "corrupt_file",
            IngestError::SheetNotFound { .. } => "sheet_not_found",
            IngestError::EmptySheet { .. } => "empty_sheet",
            IngestError::NoHeader { .. } => "no_header",
            IngestError::MissingColumns { .. } => "missing_columns",
            IngestError::MappedHeaderNotFound { .. } => "mapped_header_not_found",
            IngestError::BadMapping { .. } => "bad_mapping",
            IngestError::NoRows { .. } => "no_rows",
            IngestError::TooLarge { .. } => "too_large",
            IngestError::Hostile { .. } => "hostile_workbook",
            IngestError::FarCell { .. } => "far_cell",
            IngestError::LongCell { .. } => "long_cell",
            IngestError::NoLedgerFiles { .. } => "no_ledger_files",
            IngestError::MixedCurrencies { .. } => "mixed_currencies",
            IngestError::UnreadableTable { .. } => "unreadable_table",
            IngestError::ColumnType { .. } => "unsupported_column_type",
            IngestError::ZonedColumn { .. } => "zoned_timestamps",
        }
    }

    fn kind(&self) -> Kind {
        match self {
            IngestError::TooLarge { .. } => Kind::TooLarge,
            IngestError::Io { .. } => Kind::Internal,
            _ => Kind::Invalid,
        }
    }

    fn message(&self) -> Text {
        let list = |v: &[String]| {
            let mut items: Vec<String> = v
                .iter()
                .take(QUOTE_ITEMS)
                .map(|s| excerpt(s, QUOTE_CHARS))
                .collect();
            if v.len() > QUOTE_ITEMS {
                items.push(format!("… (+{})", v.len() - QUOTE_ITEMS));
            }
            items.join(", ")
        };
        let quote = |s: &str| excerpt(s, QUOTE_CHARS);
        match self {
            IngestError::Io { file, detail } => Text::new(
                format!("{file}: 파일을 읽을 수 없습니다 ({detail})"),
                format!("{file}: cannot read the file ({detail})"),
            ),
            IngestError::UnsupportedFormat { file } => Text::new(
                format!("{file}: 지원하지 않는 형식입니다. xlsx, xlsm, xls, ods, csv 파일을 사용하세요"),
                format!("{file}: unsupported file type; use xlsx, xlsm, xls, ods or csv"),
            ),
            IngestError::EmptyFile { file } => Text::new(
                format!("{file}: 파일이 비어 있습니다"),
                format!("{file}: the file is empty"),
            ),
            IngestError::Encrypted { file } => Text::new(
                format!("{file}: 암호로 보호된 통합문서입니다. Excel에서 암호를 해제하고 다시 저장한 뒤 시도하세요"),
                format!("{file}: the workbook is password-protected; remove the password in Excel, save, and try again"),
            ),
            IngestError::Corrupt { file, detail } => Text::new(
                format!("{file}: 손상되었거나 스프레드시트가 아닌 파일입니다 ({detail})"),
                format!("{file}: damaged file or not a spreadsheet ({detail})"),
            ),
            IngestError::SheetNotFound {
                file,
                sheet,
                available,
            } => Text::new(
                format!("{file}: '{}' 시트가 없습니다. 있는 시트: {}", quote(sheet), list(available)),
                format!("{file}: no sheet named '{}'. Sheets: {}", quote(sheet), list(available)),
            ),
            IngestError::TooLarge { file, detail } => Text::new(
                format!("{file}: 파일이 너무 큽니다 ({detail})"),
                format!("{file}: the file is too large ({detail})"),
            ),
            IngestError::Hostile { file, detail } => Text::new(
                format!("{file}: 손상되었거나 악의적으로 만든 파일로 보여 열지 않았습니다 ({detail})"),
                format!("{file}: refused: the file looks damaged or crafted to exhaust memory ({detail})"),
            ),
            IngestError::FarCell { file, sheet, cell, beyond: Beyond::Columns } => Text::new(
                format!("{file} [{sheet}] {cell} 셀: 원장은 {}열까지만 읽습니다. 멀리 떨어진 셀을 지우고(Ctrl+End로 찾기) 다시 시도하세요", crate::limits::MAX_COLUMNS),
                format!("{file} [{sheet}] cell {cell}: a ledger may use at most {} columns; delete the far-away cells (Ctrl+End finds them) and try again", crate::limits::MAX_COLUMNS),
            ),
            IngestError::FarCell { file, sheet, cell, beyond: Beyond::Rows } => Text::new(
                format!("{file} [{sheet}] {cell} 셀: 시트는 {}행까지만 있을 수 있습니다 (Excel의 한도). 파일을 나누어 주세요", crate::limits::MAX_ROWS),
                format!("{file} [{sheet}] cell {cell}: a sheet has at most {} rows (Excel's limit); split the file", crate::limits::MAX_ROWS),
            ),
            IngestError::LongCell { file, sheet, cell, chars } => Text::new(
                format!("{file} [{sheet}] {cell} 셀: {chars}자로, 셀 하나의 한도 {}자(Excel의 한도)를 넘습니다", crate::limits::MAX_CELL_CHARS),
                format!("{file} [{sheet}] cell {cell}: {chars} characters, over the {}-character limit of a cell (Excel's)", crate::limits::MAX_CELL_CHARS),
            ),
            IngestError::NoLedgerFiles { folder, passed_over } => Text::new(
                format!("{folder}: 폴더에 원장 파일(xlsx, xlsm, xls, ods, csv)이 없습니다. 있는 것: {}", list(passed_over)),
                format!("{folder}: the folder holds no ledger file (xlsx, xlsm, xls, ods, csv). It holds: {}", list(passed_over)),
            ),
            IngestError::MixedCurrencies { first_file, first, file, other } => Text::new(
                format!("{file}: 금액이 {other}로 되어 있어 {first_file}의 {first}와 다릅니다. 한 원장의 금액은 한 통화여야 하므로 통화별로 나누어 점수를 매기세요"),
                format!("{file}: amounts are in {other}, but {first_file}'s are in {first}; one ledger's amounts are compared with each other, so score each currency apart"),
            ),
            IngestError::UnreadableTable { file, detail } => Text::new(
                format!("{file}: 표로 읽을 수 없습니다 ({detail})"),
                format!("{file}: cannot be read as a table ({detail})"),
            ),
            IngestError::ColumnType { file, column, dtype } => Text::new(
                format!("{file}: 열 '{column}'의 형식({dtype})은 원장의 값이 될 수 없습니다. 문자열·숫자·날짜로 바꾸거나 열을 빼세요"),
                format!("{file}: column '{column}' is of type {dtype}, which no ledger value is; cast it to text, a number or a date, or drop it"),
            ),
            IngestError::ZonedColumn { file, column, zone } => Text::new(
                format!("{file}: 열 '{column}'의 시각이 시간대 {zone} 기준입니다. 현지 시각(시간대 없음)으로 바꿔 주세요 (pandas: .dt.tz_localize(None))"),
                format!("{file}: column '{column}' holds times in the zone {zone}; convert them to local times without a zone (pandas: .dt.tz_localize(None))"),
            ),
            IngestError::EmptySheet { file, sheet } => Text::new(
                format!("{file} [{sheet}]: 시트가 비어 있습니다"),
                format!("{file} [{sheet}]: the sheet is empty"),
            ),
            IngestError::NoHeader {
                file,
                sheet,
                scanned,
                first_row,
            } => Text::new(
                format!(
                    "{file} [{sheet}]: 처음 {scanned}행에서 머리글 행을 찾지 못했습니다. 집행일자·부서명·계정과목·거래처·집행금액 같은 알려진 열 이름이 두 개 이상 있어야 합니다. 첫 행: {}. --map 으로 열을 지정할 수 있습니다 (예: --map amount=지급액)",
                    list(first_row)
                ),
                format!(
                    "{file} [{sheet}]: no header row in the first {scanned} rows: it needs at least two known column names such as Date, Department, Account, Vendor, Amount. First row: {}. Name columns with --map (e.g. --map amount=Paid)",
                    list(first_row)
                ),
            ),
            IngestError::MissingColumns {
                file,
                sheet,
                header_row,
                missing,
                found,
            } => {
                let ko: Vec<String> = missing.iter().map(|t| t.ko.clone()).collect();
                let en: Vec<String> = missing.iter().map(|t| t.en.clone()).collect();
                Text::new(
                    format!(
                        "{file} [{sheet}] {header_row}행: 필수 열이 없습니다: {}. 찾은 머리글: {}. --map 으로 지정하세요 (예: --map amount=지급액)",
                        ko.join(", "),
                        list(found)
                    ),
                    format!(
                        "{file} [{sheet}] row {header_row}: required columns missing: {}. Headers found: {}. Name them with --map (e.g. --map amount=Paid)",
                        en.join(", "),
                        list(found)
                    ),
                )
            }
            IngestError::MappedHeaderNotFound {
                file,
                sheet,
                header_row,
                field,
                header,
                found,
            } => Text::new(
                format!(
                    "{file} [{sheet}] {header_row}행: --map {field}={header} 의 머리글 '{header}'이(가) 없습니다. 찾은 머리글: {}",
                    list(found)
                ),
                format!(
                    "{file} [{sheet}] row {header_row}: --map {field}={header}: no header '{header}'. Headers found: {}",
                    list(found)
                ),
            ),
            IngestError::BadMapping { given } => {
                let fields = super::Field::ALL.map(super::Field::key).join(", ");
                Text::new(
                    format!(
                        "--map '{given}' 형식이 잘못되었습니다. FIELD=HEADER 형식이며 FIELD는 {fields} 중 하나입니다"
                    ),
                    format!("bad --map '{given}': use FIELD=HEADER where FIELD is one of {fields}"),
                )
            }
            IngestError::NoRows {
                file,
                sheet,
                skipped,
            } => {
                let list = |lang: Lang| counted_reasons(skipped, lang);
                Text::new(
                    format!(
                        "{file} [{sheet}]: 읽어 들일 수 있는 행이 없습니다. 건너뛴 행: {}",
                        list(Lang::Ko)
                    ),
                    format!(
                        "{file} [{sheet}]: no row could be taken. Skipped: {}",
                        list(Lang::En)
                    ),
                )
            }
        }
    }
}

explained!(IngestError);
