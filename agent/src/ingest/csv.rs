//! CSV as Korean ERPs export it: UTF-8 (with or without BOM), CP949/EUC-KR,
//! or UTF-16 from Excel's "Unicode text"; comma, semicolon or tab separated.

use super::cell::{Cell, Grid};
use super::error::{Beyond, IngestError};
use crate::limits::{MAX_COLUMNS, MAX_ROWS};

/// Byte sequences that are not valid UTF-8.
fn utf8_errors(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count()
}

/// Byte sequences that are not valid CP949 (counted without building the text).
fn cp949_errors(bytes: &[u8]) -> usize {
    let mut decoder = encoding_rs::EUC_KR.new_decoder_without_bom_handling();
    let mut out = [0u8; 16 * 1024];
    let (mut src, mut errors) = (bytes, 0);
    loop {
        let (result, read, _) = decoder.decode_to_utf8_without_replacement(src, &mut out, true);
        src = &src[read..];
        match result {
            encoding_rs::DecoderResult::InputEmpty => return errors,
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(..) => errors += 1,
        }
    }
}

/// Decodes the bytes to text, naming the encoding that was used.
///
/// Without a byte-order mark the encoding is decided on the evidence of the
/// whole file: it is whichever of UTF-8 and CP949 leaves fewer byte
/// sequences undecodable (UTF-8 on a tie). One bad byte in a UTF-8 file
/// stays one bad byte, replaced by U+FFFD and reported by row in the
/// data-quality report, instead of turning every Hangul letter of the file
/// into CP949 mojibake.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8");
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, enc, _) = encoding_rs::UTF_16LE.decode(bytes);
        return (text.into_owned(), enc.name());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_owned(), "UTF-8");
    }
    if utf8_errors(bytes) <= cp949_errors(bytes) {
        return (String::from_utf8_lossy(bytes).into_owned(), "UTF-8");
    }
    // encoding_rs's EUC-KR is the WHATWG one, i.e. Windows code page
    // 949, a superset of EUC-KR: what Korean Excel writes.
    let (text, _, _) = encoding_rs::EUC_KR.decode(bytes);
    (text.into_owned(), "CP949")
}

/// Picks the separator whose count per line is most often the same and
/// non-zero over the first lines.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for delim in [b',', b'\t', b';', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, delim as char))
            .collect();
        // The most common non-zero count, and how many lines have it.
        let mut freq = std::collections::HashMap::new();
        for c in counts.iter().filter(|c| **c > 0) {
            *freq.entry(*c).or_insert(0usize) += 1;
        }
        let agreeing = freq.values().copied().max().unwrap_or(0);
        if agreeing > best.1 {
            best = (delim, agreeing);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delim: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for ch in line.chars() {
        if ch == '"' {
            quoted = !quoted;
        } else if ch == delim && !quoted {
            n += 1;
        }
    }
    n
}

/// A CSV field as a cell: plain numbers become numbers (so amounts and
/// serials compare as numbers), everything else stays text for the
/// normalisers. Codes with leading zeros ("00123") and numbers too long
/// for an f64 to hold exactly (voucher numbers) stay text.
fn csv_cell(field: &str) -> Cell {
    let t = field.trim();
    if t.is_empty() {
        return Cell::Empty;
    }
    let significant = t.chars().filter(char::is_ascii_digit).count();
    let leading_zero = t.len() > 1 && t.starts_with('0') && !t.starts_with("0.");
    if significant > 15 {
        return Cell::text(t);
    }
    let plain = t
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'));
    if plain && !leading_zero {
        if let Ok(n) = t.parse::<f64>() {
            return Cell::Number(n);
        }
    }
    Cell::text(t)
}

/// A CSV file's one sheet is named after the file; so is an Arrow table's,
/// which is read as its CSV would be (ingest/arrow.rs).
pub(crate) fn sheet_name(source: &str) -> String {
    std::path::Path::new(source)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("CSV")
        .to_string()
}

pub fn read_csv(bytes: &[u8], source: &str) -> Result<Grid, IngestError> {
    let (text, encoding) = decode(bytes);
    // Old Mac exports end lines with a lone \r, which neither the
    // delimiter sniffer nor the line counter sees as a line break.
    let text = if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    };
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    // Rows are placed where a spreadsheet would show them: the csv reader
    // skips blank lines, and a quoted field may span several lines. A
    // record's start position counts the blank lines before it, so its line
    // is worked out back from where it ended.
    let bytes = text.as_bytes();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line breaks inside earlier quoted fields: lines, but not rows.
    let mut breaks_before = 0u64;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| IngestError::Corrupt {
                file: source.into(),
                detail: format!("CSV ({encoding}): {e}"),
            })?;
        if !more {
            break;
        }
        let end = reader.position();
        // Only a consumed \n counts as a line: with CRLF the reader stops
        // after the \r and takes the \n with the next record.
        let terminated = end.byte() > 0 && bytes.get(end.byte() as usize - 1) == Some(&b'\n');
        let inner_breaks: u64 = record.iter().map(|f| f.matches('\n').count() as u64).sum();
        let line = end.line() - inner_breaks - u64::from(terminated);
        let row = (line - breaks_before).saturating_sub(1) as usize;
        breaks_before += inner_breaks;
        let mut cells: Vec<Cell> = record.iter().map(csv_cell).collect();
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        // The limits every format has: a value past them is refused naming
        // its cell, never dropped unseen.
        let far = |col: usize, beyond| IngestError::FarCell {
            file: source.into(),
            sheet: sheet_name(source),
            cell: format!("{}{}", super::quality::column_letter(col), row + 1),
            beyond,
        };
        if cells.len() > MAX_COLUMNS {
            let col = (MAX_COLUMNS..cells.len())
                .find(|&c| !cells[c].is_empty())
                .unwrap_or(MAX_COLUMNS);
            return Err(far(col, Beyond::Columns));
        }
        if row >= MAX_ROWS && !cells.is_empty() {
            return Err(far(0, Beyond::Rows));
        }
        if rows.len() < row {
            rows.resize_with(row, Vec::new);
        }
        rows.push(cells);
    }
    Ok(Grid {
        sheet: sheet_name(source),
        first_row: 1,
        rows,
        date1904: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp949_is_decoded() {
        let (bytes, _, _) = encoding_rs::EUC_KR.encode("집행일자,금액\n2024-01-02,1000\n");
        let (text, enc) = decode(&bytes);
        assert_eq!(enc, "CP949");
        assert!(text.starts_with("집행일자,금액"));
    }

    #[test]
    fn one_bad_byte_does_not_make_a_utf8_file_cp949() {
        let mut bytes = "집행일자,부서명,집행금액\n".repeat(2000).into_bytes();
        bytes.extend_from_slice(b"2024-01-02,\xff\xfe,1000\n");
        let (text, enc) = decode(&bytes);
        assert_eq!(enc, "UTF-8");
        assert!(text.starts_with("집행일자"));
        assert_eq!(
            text.matches('\u{fffd}').count(),
            2,
            "two bad bytes, two replacements"
        );
        // And a CP949 file with a byte CP949 cannot read stays CP949.
        let text = "집행일자,금액\n".repeat(500);
        let mut cp949 = encoding_rs::EUC_KR.encode(&text).0.into_owned();
        cp949.push(0xff);
        assert_eq!(decode(&cp949).1, "CP949");
    }

    #[test]
    fn rows_and_columns_past_the_limits_are_refused_naming_the_cell() {
        let wide = format!("{}\n", vec!["x"; 300].join(","));
        match read_csv(wide.as_bytes(), "wide.csv") {
            Err(IngestError::FarCell {
                cell,
                beyond: Beyond::Columns,
                ..
            }) => assert_eq!(cell, "IW1"),
            other => panic!("{other:?}"),
        }
        // Empty fields past the limit are no data, and are fine.
        let trailing = format!("a,b{}\n1,2\n", ",".repeat(400));
        assert!(read_csv(trailing.as_bytes(), "t.csv").is_ok());
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b,c\n\"1,5\",2,3\n"), b',');
        // Commas inside amounts don't fool it when semicolons separate.
        assert_eq!(
            sniff_delimiter("금액;부서\n1,000;총무과\n2,500;재무과\n"),
            b';'
        );
    }

    #[test]
    fn numbers_keep_codes_as_text() {
        assert_eq!(csv_cell("1500"), Cell::Number(1500.0));
        assert_eq!(csv_cell("-3.5"), Cell::Number(-3.5));
        assert_eq!(csv_cell("00123"), Cell::Text("00123".into()));
        assert_eq!(csv_cell("1,000"), Cell::Text("1,000".into()));
        assert_eq!(csv_cell("  "), Cell::Empty);
        assert_eq!(
            csv_cell("2024012900000012345"),
            Cell::Text("2024012900000012345".into())
        );
    }

    /// The first cell of every row, "" for empty rows.
    fn first_cells(grid: &Grid) -> Vec<String> {
        grid.rows
            .iter()
            .map(|r| r.first().map(Cell::display).unwrap_or_default())
            .collect()
    }

    #[test]
    fn crlf_and_cr_only_files_keep_sheet_rows() {
        for text in ["a;b\r\n1;2\r\n\r\n3;4\r\n", "a;b\r1;2\r\r3;4\r"] {
            let grid = read_csv(text.as_bytes(), "t.csv").unwrap();
            assert_eq!(first_cells(&grid), vec!["a", "1", "", "3"], "{text:?}");
            assert_eq!(grid.rows[1].len(), 2, "split on semicolons");
        }
    }

    #[test]
    fn blank_lines_and_multiline_fields_keep_sheet_rows() {
        let text = "a,b\n1,2\n\n\n\"x\ny\",3\n4,5";
        let grid = read_csv(text.as_bytes(), "t.csv").unwrap();
        assert_eq!(first_cells(&grid), vec!["a", "1", "", "", "x\ny", "4"]);
    }
}
