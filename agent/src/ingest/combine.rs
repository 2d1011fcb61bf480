//! Many files, one ledger: monthly or yearly exports of one ledger whose
//! column order, delimiter or extra columns differ.
//!
//! Each file is read and mapped by its own header, exactly as if it were
//! scored alone (so a file's header, date order and damaged rows are its
//! own), and the parts are then laid into one sheet: a column per field
//! (wherever each file had it, whatever it called it), then every other
//! column by its header text, in the order first seen. Invariants:
//! - every row keeps its file ([`Transaction::file`]) and its row number in
//!   that file ([`Transaction::sheet_row`]);
//! - no cell is dropped: a column only some files have is empty in the
//!   others' rows, and an unnamed column with data in it keeps its own place;
//! - nothing in a folder is passed over unsaid: what was not read is in
//!   [`QualityReport::not_read`], and a file named twice (or a folder and
//!   a file in it) is read once;
//! - which file's error is reported does not depend on which thread got
//!   there first: the first failing file in name order is.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::quality::{column_letter, FileRead, MappedColumn, NotRead, QualityReport};
use super::{read_path, Cell, Field, IngestError, IngestOptions, Ledger, Transaction};
use crate::i18n::Text;

/// Reads every path (a file, or a folder of files) into one ledger. One
/// file alone is read as it always was.
pub fn read_paths(paths: &[PathBuf], options: &IngestOptions) -> Result<Ledger, IngestError> {
    let (files, mut not_read) = expand(paths)?;
    let nothing_read = |not_read: Vec<NotRead>| IngestError::NoLedgerFiles {
        folder: source_name(paths),
        passed_over: not_read.into_iter().map(|n| n.file).collect(),
    };
    let Some(first) = files.first() else {
        // Only reachable from the library: the CLI asks for an input.
        return Err(nothing_read(not_read));
    };
    if files.len() == 1 && not_read.is_empty() {
        return read_path(first, options);
    }
    if files.len() > usize::from(u16::MAX) {
        return Err(IngestError::TooLarge {
            file: source_name(paths),
            detail: format!("{} files; at most {}", files.len(), u16::MAX),
        });
    }
    // Files are parsed in parallel: each parse is single-threaded. Every
    // result is kept so that the error reported is the first file's in
    // order, whichever thread finished first.
    let results: Vec<Result<Ledger, IngestError>> =
        files.par_iter().map(|f| read_path(f, options)).collect();
    let mut parts = Vec::with_capacity(results.len());
    for (file, result) in files.iter().zip(results) {
        match result {
            Ok(part) => parts.push(part),
            // A month without payments is an export with a header and no
            // rows: said, and the other files still make the ledger.
            Err(e @ (IngestError::NoRows { .. } | IngestError::EmptySheet { .. })) => not_read
                .push(NotRead {
                    file: file.display().to_string(),
                    why: crate::error::Explain::message(&e),
                }),
            Err(e) => return Err(e),
        }
    }
    if parts.is_empty() {
        return Err(nothing_read(not_read));
    }
    combine(parts, source_name(paths), not_read)
}

/// The name a combined ledger goes by: the folder, or the files' names.
fn source_name(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file's name without its folder, as a column header is short.
fn file_name(source: &str) -> String {
    Path::new(source)
        .file_name()
        .map_or_else(|| source.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Folders opened into their ledger files (by name, so monthly exports
/// come in order), and what in them was not read, with why.
fn expand(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<NotRead>), IngestError> {
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    let mut not_read = Vec::new();
    for path in paths {
        if !path.is_dir() {
            push_once(&mut files, &mut seen, path.clone());
            continue;
        }
        let io_error = |e: std::io::Error| IngestError::Io {
            file: path.display().to_string(),
            detail: e.to_string(),
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io_error)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io_error)?;
        entries.sort();
        let (files_before, not_read_before) = (files.len(), not_read.len());
        for entry in entries {
            match why_not_read(&entry) {
                Some(why) => not_read.push(NotRead {
                    file: entry.display().to_string(),
                    why,
                }),
                None => push_once(&mut files, &mut seen, entry),
            }
        }
        if files.len() == files_before {
            return Err(IngestError::NoLedgerFiles {
                folder: path.display().to_string(),
                passed_over: not_read[not_read_before..]
                    .iter()
                    .map(|n| n.file.clone())
                    .collect(),
            });
        }
    }
    Ok((files, not_read))
}

/// Adds a file unless it is already there: a file reached twice (named
/// twice, or named beside its folder) is read once, as twice would make
/// every row its own duplicate. Compared by canonical path (one lookup per
/// file, so a folder of thousands of daily exports stays quick).
fn push_once(files: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>, file: PathBuf) {
    let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
    if seen.insert(identity) {
        files.push(file);
    }
}

/// Why a folder's entry is not a ledger file to read, if it is not.
fn why_not_read(entry: &Path) -> Option<Text> {
    let name = entry.file_name()?.to_string_lossy();
    if entry.is_dir() {
        return Some(Text::new(
            "폴더 (하위 폴더는 읽지 않음)",
            "a folder (folders inside are not read)",
        ));
    }
    if name.starts_with('.') || name.starts_with("~$") {
        return Some(Text::new(
            "숨김 파일 또는 Excel 잠금 파일",
            "a hidden file or Excel's lock file",
        ));
    }
    if name.to_lowercase().ends_with(".scored.xlsx") {
        return Some(Text::new(
            "ledgerlens가 쓴 결과 파일",
            "a scored workbook ledgerlens wrote",
        ));
    }
    // A .txt beside the exports is far likelier a note than a ledger: in a
    // folder it is passed over (and said); named on its own it is read.
    let is_text = name.to_lowercase().ends_with(".txt");
    if is_text || super::Format::from_name(&name).is_none() {
        return Some(Text::new(
            "원장 형식이 아님 (폴더에서는 xlsx, xlsm, xls, ods, csv, tsv만 읽음)",
            "not a ledger format (from a folder only xlsx, xlsm, xls, ods, csv and tsv are read)",
        ));
    }
    None
}

/// Where a column of some file goes in the combined sheet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    Field(Field),
    /// Headers are matched by their text, trimmed, case as written, and by
    /// which of the file's columns of that name it is (exports often have
    /// two 비고): the second 비고 of one file meets the second of another.
    Header {
        text: String,
        nth: usize,
    },
    /// A column without a header but with data keeps a place of its own.
    Unnamed {
        file: usize,
        column: usize,
    },
}

/// The combined sheet's columns: their places, headers and fields.
#[derive(Default)]
struct Layout {
    places: Vec<Place>,
    headers: Vec<String>,
    index: HashMap<Place, usize>,
}

impl Layout {
    fn column(&mut self, place: Place, header: &str) -> usize {
        if let Some(&c) = self.index.get(&place) {
            return c;
        }
        let c = self.places.len();
        self.places.push(place.clone());
        self.headers.push(header.to_string());
        self.index.insert(place, c);
        c
    }

    /// Each of the part's columns' place in the combined sheet, `None` for
    /// a column with neither header nor data.
    fn place_part(&mut self, file: usize, part: &Ledger) -> Vec<Option<usize>> {
        let width = part
            .original
            .iter()
            .map(Vec::len)
            .chain([part.headers.len()])
            .max()
            .unwrap_or(0);
        let field_at: HashMap<usize, Field> = part.columns.iter().map(|(f, c)| (*c, *f)).collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        (0..width)
            .map(|c| {
                let header = part.headers.get(c).map_or("", |h| h.trim());
                let place = match field_at.get(&c) {
                    Some(field) => Place::Field(*field),
                    None if !header.is_empty() => {
                        let nth = seen.entry(header).or_default();
                        *nth += 1;
                        Place::Header {
                            text: header.to_string(),
                            nth: *nth,
                        }
                    }
                    None if part
                        .original
                        .iter()
                        .any(|r| r.get(c).is_some_and(|x| !x.is_empty())) =>
                    {
                        Place::Unnamed { file, column: c }
                    }
                    None => return None,
                };
                // An unnamed column is named after where it came from, so
                // a reader of the combined sheet can tell what it is.
                let header = match &place {
                    Place::Unnamed { .. } => {
                        format!("{} {}", file_name(&part.source), column_letter(c))
                    }
                    _ => header.to_string(),
                };
                Some(self.column(place, &header))
            })
            .collect()
    }
}

/// One ledger from parts read one file each.
fn combine(
    parts: Vec<Ledger>,
    source: String,
    not_read: Vec<NotRead>,
) -> Result<Ledger, IngestError> {
    let rows: usize = parts.iter().map(Ledger::len).sum();
    // One sheet holds the result: a header row and the rows.
    if rows >= crate::limits::MAX_ROWS {
        return Err(IngestError::TooLarge {
            file: source,
            detail: format!(
                "{rows} rows in all; one sheet holds at most {}",
                crate::limits::MAX_ROWS - 1
            ),
        });
    }
    let mut layout = Layout::default();
    let placed: Vec<Vec<Option<usize>>> = parts
        .iter()
        .enumerate()
        .map(|(i, part)| layout.place_part(i, part))
        .collect();
    // Each file is held to the column limit as it is read; the union of
    // files that disagree on their columns is held to it here.
    if layout.places.len() > crate::limits::MAX_COLUMNS {
        return Err(IngestError::TooLarge {
            file: source,
            detail: format!(
                "{} different columns across the files; at most {}",
                layout.places.len(),
                crate::limits::MAX_COLUMNS
            ),
        });
    }
    let mut ledger = Ledger {
        source: source.clone(),
        sheet: parts[0].sheet.clone(),
        header_row: 1,
        headers: layout.headers.clone(),
        columns: layout
            .places
            .iter()
            .enumerate()
            .filter_map(|(c, p)| match p {
                Place::Field(f) => Some((*f, c)),
                _ => None,
            })
            .collect(),
        files: parts.iter().map(|p| p.source.clone()).collect(),
        ..Default::default()
    };
    ledger.transactions.reserve(rows);
    ledger.original.reserve(rows);
    ledger.currency = one_currency(&parts)?;
    ledger.quality = combined_quality(&parts, &ledger, source, not_read);
    let width = layout.places.len();
    for (file, (part, place)) in parts.into_iter().zip(placed).enumerate() {
        let ids = Reinterned::new(&part, &mut ledger);
        for (t, cells) in part.transactions.into_iter().zip(part.original) {
            let mut row = vec![Cell::Empty; width];
            for (c, cell) in cells.into_iter().enumerate() {
                if let Some(Some(to)) = place.get(c) {
                    row[*to] = cell;
                }
            }
            ledger.transactions.push(ids.apply(t, file as u16));
            ledger.original.push(row);
        }
    }
    super::assign_row_keys(&mut ledger);
    Ok(ledger)
}

/// A part's dictionary ids in the combined ledger's dictionaries.
struct Reinterned {
    departments: Vec<u32>,
    accounts: Vec<u32>,
    vendors: Vec<u32>,
    others: Vec<u32>,
}

impl Reinterned {
    fn new(part: &Ledger, into: &mut Ledger) -> Reinterned {
        let map = |from: &super::Dictionary, to: &mut super::Dictionary| {
            (0..from.len() as u32)
                .map(|id| to.intern(from.name(id)))
                .collect()
        };
        Reinterned {
            departments: map(&part.departments, &mut into.departments),
            accounts: map(&part.accounts, &mut into.accounts),
            vendors: map(&part.vendors, &mut into.vendors),
            others: map(&part.others, &mut into.others),
        }
    }

    fn apply(&self, t: Transaction, file: u16) -> Transaction {
        let other = |id: Option<u32>| id.map(|i| self.others[i as usize]);
        Transaction {
            file,
            department: self.departments[t.department as usize],
            account: self.accounts[t.account as usize],
            vendor: self.vendors[t.vendor as usize],
            budget_item: other(t.budget_item),
            payment_method: other(t.payment_method),
            card_holder: other(t.card_holder),
            ..t
        }
    }
}

/// The currency the files name, refused when two name different ones: one
/// ledger's amounts are compared with each other.
fn one_currency(parts: &[Ledger]) -> Result<Option<crate::money::Currency>, IngestError> {
    let mut named = parts
        .iter()
        .filter_map(|p| p.currency.map(|c| (p.source.as_str(), c)));
    let Some((first_file, first)) = named.next() else {
        return Ok(None);
    };
    match named.find(|(_, c)| *c != first) {
        Some((file, other)) => Err(IngestError::MixedCurrencies {
            first_file: first_file.to_string(),
            first: first.code().to_string(),
            file: file.to_string(),
            other: other.code().to_string(),
        }),
        None => Ok(Some(first)),
    }
}

/// The combined report: counts summed, each example naming its file, each
/// file's own header and mapping kept, and the combined sheet's mapping.
fn combined_quality(
    parts: &[Ledger],
    ledger: &Ledger,
    source: String,
    not_read: Vec<NotRead>,
) -> QualityReport {
    let mut q = QualityReport {
        source,
        sheet: ledger.sheet.clone(),
        header_row: 1,
        not_read,
        ..Default::default()
    };
    for (field, &c) in &ledger.columns {
        let matched_by = parts
            .iter()
            .find_map(|p| p.quality.mapping.iter().find(|m| m.field == *field))
            .map(|m| m.matched_by)
            .unwrap_or(super::MatchedBy::Name);
        q.mapping.push(MappedColumn {
            field: *field,
            column: column_letter(c),
            header: ledger.headers[c].clone(),
            matched_by,
        });
    }
    let mut shown_per_kind = HashMap::new();
    for part in parts {
        let pq = &part.quality;
        q.rows_read += pq.rows_read;
        q.rows_kept += pq.rows_kept;
        for (kind, n) in &pq.counts {
            *q.counts.entry(*kind).or_default() += n;
        }
        // Examples stay capped per kind over all files, as in one file.
        for e in &pq.examples {
            let shown = shown_per_kind.entry(e.kind).or_insert(0usize);
            *shown += 1;
            if *shown <= super::quality::EXAMPLES_PER_KIND {
                q.examples.push(super::QualityIssue {
                    file: Some(part.source.clone()),
                    ..e.clone()
                });
            }
        }
        q.files.push(FileRead {
            file: part.source.clone(),
            sheet: pq.sheet.clone(),
            header_row: pq.header_row,
            rows_read: pq.rows_read,
            rows_kept: pq.rows_kept,
            rows_skipped: pq.rows_skipped(),
            date_order: pq.date_order.clone(),
            mapping: pq.mapping.clone(),
        });
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn files_with_other_orders_delimiters_and_columns_become_one_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "2024-01.csv",
            "집행일자,부서명,거래처,집행금액,비고\n2024-01-03,총무과,가나상사,10000,a\n2024-01-04,총무과,다라,20000,b\n",
        );
        // Another order, another delimiter, another name for the date, an extra column, no 비고.
        let b = write(
            dir.path(),
            "2024-02.csv",
            "거래처;집행금액;결의번호;부서명;지출일자\n가나상사;30000;V-9;기획과;2024-02-05\n",
        );
        let ledger = read_paths(&[a, b], &IngestOptions::default()).unwrap();
        assert_eq!(ledger.len(), 3);
        assert_eq!(ledger.files.len(), 2);
        let t = &ledger.transactions[2];
        assert_eq!((t.file, t.sheet_row), (1, 2), "file and row in that file");
        assert_eq!(ledger.departments.name(t.department), "기획과");
        assert_eq!(ledger.vendors.name(t.vendor), "가나상사");
        assert_eq!(
            ledger.vendors.name(ledger.transactions[0].vendor),
            "가나상사"
        );
        assert_eq!(t.amount, 30000.0);
        assert_eq!(t.voucher.as_ref(), "V-9");
        // The date column is the first file's, wherever the second had it.
        let date = ledger.columns[&Field::Date];
        assert_eq!(ledger.headers[date], "집행일자");
        // Every column of either file has a place; none is dropped.
        for h in ["비고", "결의번호"] {
            assert!(ledger.headers.iter().any(|x| x == h), "{h}");
        }
        let memo = ledger.headers.iter().position(|x| x == "비고").unwrap();
        assert_eq!(ledger.original[1][memo], Cell::Text("b".into()));
        assert_eq!(ledger.original[2][memo], Cell::Empty);
        assert_eq!(ledger.quality.files.len(), 2);
        assert_eq!(ledger.quality.rows_kept, 3);
        assert_eq!(ledger.quality.files[1].header_row, 1);
    }

    #[test]
    fn a_folder_is_read_in_name_order_and_what_is_not_read_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let head = "집행일자,부서명,거래처,집행금액\n";
        write(
            dir.path(),
            "b.csv",
            &format!("{head}2024-02-01,총무과,가,2\n"),
        );
        write(
            dir.path(),
            "a.csv",
            &format!("{head}2024-01-01,총무과,가,1\n2024-01-02,,,\n"),
        );
        write(dir.path(), "a.scored.xlsx", "not read");
        write(dir.path(), "notes.txt.bak", "not read");
        std::fs::create_dir(dir.path().join("old")).unwrap();
        let ledger = read_paths(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap();
        let amounts: Vec<f64> = ledger.transactions.iter().map(|t| t.amount).collect();
        assert_eq!(amounts, [1.0, 2.0]);
        let passed: Vec<&str> = ledger
            .quality
            .not_read
            .iter()
            .map(|n| n.file.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(passed, ["a.scored.xlsx", "notes.txt.bak", "old"]);
        // A damaged row is counted and named with its file.
        let e = (ledger.quality.examples.iter())
            .find(|e| e.kind == super::super::IssueKind::MissingAmount)
            .unwrap();
        assert!(e.file.as_deref().unwrap().ends_with("a.csv"));
        assert_eq!(e.row, 3);
    }

    #[test]
    fn files_naming_different_currencies_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "a.csv",
            "Date,Vendor,Amount\n2024-01-01,A,$10.00\n",
        );
        let b = write(
            dir.path(),
            "b.csv",
            "Date,Vendor,Amount\n2024-01-01,A,£10.00\n",
        );
        let e = read_paths(&[a, b], &IngestOptions::default()).unwrap_err();
        assert_eq!(crate::error::Explain::code(&e), "mixed_currencies");
    }

    #[test]
    fn two_columns_of_one_name_keep_both_cells_and_an_unnamed_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(
            dir.path(),
            "a.csv",
            "Date,Vendor,Amount,Note,Note\n2024-01-01,A,10,x,y\n",
        );
        let b = write(
            dir.path(),
            "b.csv",
            "Date,Vendor,Amount,Note,\n2024-01-02,B,20,z,w\n",
        );
        let ledger = read_paths(&[a, b], &IngestOptions::default()).unwrap();
        let notes: Vec<usize> = (0..ledger.headers.len())
            .filter(|&c| ledger.headers[c] == "Note")
            .collect();
        assert_eq!(notes.len(), 2, "{:?}", ledger.headers);
        assert_eq!(ledger.original[0][notes[0]], Cell::Text("x".into()));
        assert_eq!(ledger.original[0][notes[1]], Cell::Text("y".into()));
        assert_eq!(ledger.original[1][notes[0]], Cell::Text("z".into()));
        let unnamed = ledger.headers.iter().position(|h| h == "b.csv E").unwrap();
        assert_eq!(ledger.original[1][unnamed], Cell::Text("w".into()));
    }

    #[test]
    fn a_file_named_twice_is_read_once_and_an_empty_month_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.csv", "Date,Vendor,Amount\n2024-01-01,A,10\n");
        write(dir.path(), "b.csv", "Date,Vendor,Amount\n");
        write(dir.path(), "readme.txt", "notes");
        let ledger = read_paths(
            &[dir.path().to_path_buf(), a.clone(), a],
            &IngestOptions::default(),
        )
        .unwrap();
        assert_eq!(ledger.len(), 1);
        let passed: Vec<&str> = (ledger.quality.not_read.iter())
            .map(|n| n.file.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(passed, ["readme.txt", "b.csv"]);
    }

    #[test]
    fn the_error_named_is_the_first_failing_file_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.csv", "b.csv", "c.csv"] {
            write(dir.path(), name, "Vendor,Amount\nA,10\n");
        }
        for _ in 0..5 {
            let e = read_paths(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap_err();
            let text = crate::error::Explain::message(&e).en;
            assert!(text.contains("a.csv"), "{text}");
        }
    }

    #[test]
    fn an_empty_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "readme.md", "x");
        let e = read_paths(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap_err();
        assert_eq!(crate::error::Explain::code(&e), "no_ledger_files");
        let text = crate::error::Explain::message(&e).en;
        assert!(text.contains("readme.md"), "{text}");
    }
}
