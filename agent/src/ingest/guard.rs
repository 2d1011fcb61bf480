//! Defensive checks on a workbook's container before a parser sees it.
//!
//! calamine trusts what a file declares: it reserves memory for the shared
//! strings an xlsx claims to have, and a zip entry may inflate a
//! thousandfold. A hostile or broken file must get a clear refusal, not a
//! crash or an out-of-memory kill, so sizes are checked here first.

use std::io::{Cursor, Read};

use super::error::IngestError;

/// Largest input file accepted.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;
/// Largest total uncompressed size of an xlsx/ods archive.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 3 << 30;
/// Entries that inflate more than this ratio, and to more than
/// [`RATIO_FLOOR_BYTES`], are treated as a zip bomb. Real sheet XML
/// compresses about 10–30×.
pub const MAX_RATIO: u64 = 250;
pub const RATIO_FLOOR_BYTES: u64 = 50 << 20;

pub fn check_size(len: u64, file: &str) -> Result<(), IngestError> {
    if len > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge {
            file: file.into(),
            detail: format!("{len} bytes; the limit is {MAX_INPUT_BYTES}"),
        });
    }
    Ok(())
}

fn hostile(file: &str, detail: String) -> IngestError {
    IngestError::Hostile {
        file: file.into(),
        detail,
    }
}

/// Checks an xlsx or ods zip: total and per-entry inflated sizes, and that
/// the shared-string count an xlsx declares could fit in its own entry.
pub fn check_zip(bytes: &[u8], file: &str) -> Result<(), IngestError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| IngestError::Corrupt {
            file: file.into(),
            detail: e.to_string(),
        })?;
    let mut total: u64 = 0;
    let mut shared_strings = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| IngestError::Corrupt {
            file: file.into(),
            detail: e.to_string(),
        })?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        total = total.saturating_add(size);
        if size > RATIO_FLOOR_BYTES && size / packed > MAX_RATIO {
            return Err(hostile(
                file,
                format!(
                    "{name} inflates {}× to {size} bytes (zip bomb)",
                    size / packed
                ),
            ));
        }
        // calamine finds the workbook folder through _rels/.rels, so the
        // part need not live under xl/: check any shared-strings part.
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            shared_strings.push((i, size));
        }
    }
    if total > MAX_UNCOMPRESSED_BYTES {
        return Err(hostile(
            file,
            format!("{total} bytes uncompressed; the limit is {MAX_UNCOMPRESSED_BYTES}"),
        ));
    }
    for (index, size) in shared_strings {
        let mut head = Vec::with_capacity(SST_HEAD_BYTES);
        archive
            .by_index(index)
            .map_err(|e| IngestError::Corrupt {
                file: file.into(),
                detail: e.to_string(),
            })?
            .take(SST_HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| IngestError::Corrupt {
                file: file.into(),
                detail: e.to_string(),
            })?;
        let head = String::from_utf8_lossy(&head);
        let Some(tag) = sst_start_tag(&head) else {
            if size == 0 {
                continue;
            }
            return Err(hostile(
                file,
                format!("the shared strings do not open with <sst> in their first {SST_HEAD_BYTES} bytes"),
            ));
        };
        // Each string takes at least "<si><t/></si>", 12 bytes.
        if let Some(declared) = declared_count(tag, "uniqueCount") {
            if declared > size / 12 + 1 {
                return Err(hostile(
                    file,
                    format!("declares {declared} shared strings in {size} bytes"),
                ));
            }
        }
    }
    Ok(())
}

/// How far into the shared-strings part its opening tag is looked for.
const SST_HEAD_BYTES: usize = 64 * 1024;

/// The `<sst ...>` start tag (any namespace prefix) in `head`, if there.
fn sst_start_tag(head: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(lt) = head[from..].find('<').map(|p| from + p) {
        let rest = &head[lt + 1..];
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        if local == "sst" {
            let end = rest.find('>').map_or(head.len(), |e| lt + 1 + e);
            return Some(&head[lt..end]);
        }
        from = lt + 1;
    }
    None
}

/// The number in `name="123"` (either quote, spaces around `=`) inside a
/// start tag, if present.
fn declared_count(tag: &str, name: &str) -> Option<u64> {
    let mut from = 0;
    while let Some(at) = tag[from..].find(name).map(|p| from + p) {
        from = at + name.len();
        let before = tag[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix(['"', '\'']) else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        // More digits than a u64 holds is itself absurd.
        return Some(digits.parse().unwrap_or(u64::MAX));
    }
    None
}

/// What an OLE compound file holds: an encrypted OOXML package (a
/// password-protected xlsx) or something else, such as a legacy xls.
pub fn is_encrypted_package(bytes: &[u8]) -> bool {
    cfb::CompoundFile::open(Cursor::new(bytes))
        .map(|c| c.exists("/EncryptedPackage"))
        .unwrap_or(false)
}

/// The extent an ods sheet's valued cells span once `number-rows-repeated`
/// and `number-columns-repeated` are expanded. calamine reads an ods sheet
/// into one dense range of that extent, so a few bytes declaring a value
/// repeated across 16,000 columns and thousands of rows would take
/// gigabytes; this streams `content.xml` first and refuses such a sheet.
pub fn check_ods_extent(
    bytes: &[u8],
    file: &str,
    sheet: Option<&str>,
    max_columns: usize,
    max_rows: usize,
    max_cells: usize,
) -> Result<(), IngestError> {
    use quick_xml::events::{BytesStart, Event};

    let corrupt = |detail: String| IngestError::Corrupt {
        file: file.into(),
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let content = archive
        .by_name("content.xml")
        .map_err(|e| corrupt(format!("content.xml: {e}")))?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));

    fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == name)
            .map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_default()
            })
    }
    fn has_attribute(e: &BytesStart<'_>, name: &str) -> bool {
        e.attributes()
            .flatten()
            .any(|a| a.key.local_name().as_ref() == name)
    }
    fn repeat(e: &BytesStart<'_>, name: &str) -> u64 {
        attribute(e, name)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    }

    let mut buf = Vec::new();
    let (mut in_sheet, mut seen_table, mut name) = (false, false, String::new());
    let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
    let (mut last_row, mut last_col) = (0u64, 0u64);
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            // Name the part, the sheet and the cell the XML broke at; the
            // parser's own position is a byte offset into the part.
            let place = if in_sheet {
                format!(
                    "content.xml, sheet '{name}' near cell {}{}",
                    super::quality::column_letter(col as usize),
                    row + 1
                )
            } else {
                "content.xml".to_string()
            };
            corrupt(format!("{place} (byte {}): {e}", reader.buffer_position()))
        })?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "table" if in_sheet => break,
                    "table-row" if in_sheet => row = row.saturating_add(row_repeat),
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        let Some(e) = start else { continue };
        match e.local_name().as_ref() {
            "table" if !seen_table || !in_sheet => {
                let table = attribute(&e, "name").unwrap_or_default();
                // The named sheet (matched as the reader does), else the first.
                let wanted = match sheet {
                    Some(w) => table == w || table.trim().eq_ignore_ascii_case(w.trim()),
                    None => !seen_table,
                };
                seen_table = true;
                if wanted {
                    in_sheet = true;
                    name = table;
                }
            }
            "table-row" if in_sheet => {
                row_repeat = repeat(&e, "number-rows-repeated");
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            "table-cell" | "covered-table-cell" if in_sheet => {
                let span = repeat(&e, "number-columns-repeated");
                if has_attribute(&e, "value-type") {
                    let end_col = col.saturating_add(span - 1);
                    let end_row = row.saturating_add(row_repeat - 1);
                    if end_col >= max_columns as u64 || end_row >= max_rows as u64 {
                        let (r, c) = if end_col >= max_columns as u64 {
                            (row, col.max(max_columns as u64))
                        } else {
                            (row.max(max_rows as u64), col)
                        };
                        return Err(IngestError::FarCell {
                            file: file.into(),
                            sheet: name,
                            cell: format!("{}{}", super::quality::column_letter(c as usize), r + 1),
                            beyond: if end_col >= max_columns as u64 {
                                super::error::Beyond::Columns
                            } else {
                                super::error::Beyond::Rows
                            },
                        });
                    }
                    last_row = last_row.max(end_row);
                    last_col = last_col.max(end_col);
                }
                col = col.saturating_add(span);
            }
            _ => {}
        }
        buf.clear();
    }
    let extent = (last_row + 1).saturating_mul(last_col + 1);
    if extent > max_cells as u64 {
        return Err(hostile(
            file,
            format!(
                "sheet {name:?} spans {} rows × {} columns ({extent} cells); the limit is {max_cells}",
                last_row + 1,
                last_col + 1
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_counts_are_read_from_the_sst_tag() {
        let head = r#"<?xml version="1.0"?><sst xmlns="x" count="10" uniqueCount="7"><si>"#;
        let tag = sst_start_tag(head).unwrap();
        assert_eq!(declared_count(tag, "uniqueCount"), Some(7));
        assert_eq!(declared_count(tag, "count"), Some(10));
        let prefixed = "<!-- x --><x:sst xmlns:x=\"m\"\n\tuniqueCount = '4000000000'>";
        assert_eq!(
            declared_count(sst_start_tag(prefixed).unwrap(), "uniqueCount"),
            Some(4_000_000_000)
        );
        assert_eq!(
            declared_count(
                "<sst uniqueCount=\"99999999999999999999999\">",
                "uniqueCount"
            ),
            Some(u64::MAX)
        );
        assert_eq!(sst_start_tag("<other/><sstx/>"), None);
    }
}
