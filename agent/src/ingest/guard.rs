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
    let mut shared_strings = None;
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
        if name.eq_ignore_ascii_case("xl/sharedStrings.xml") {
            shared_strings = Some((i, size));
        }
    }
    if total > MAX_UNCOMPRESSED_BYTES {
        return Err(hostile(
            file,
            format!("{total} bytes uncompressed; the limit is {MAX_UNCOMPRESSED_BYTES}"),
        ));
    }
    if let Some((index, size)) = shared_strings {
        let mut head = Vec::with_capacity(4096);
        archive
            .by_index(index)
            .map_err(|e| IngestError::Corrupt {
                file: file.into(),
                detail: e.to_string(),
            })?
            .take(4096)
            .read_to_end(&mut head)
            .map_err(|e| IngestError::Corrupt {
                file: file.into(),
                detail: e.to_string(),
            })?;
        let head = String::from_utf8_lossy(&head);
        // Each string takes at least "<si><t/></si>", 12 bytes.
        for attribute in ["uniqueCount", "count"] {
            if let Some(declared) = declared_count(&head, attribute) {
                if attribute == "uniqueCount" && declared > size / 12 + 1 {
                    return Err(hostile(
                        file,
                        format!("declares {declared} shared strings in {size} bytes"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The number in `name="123"` inside the `<sst ...>` tag, if present.
fn declared_count(head: &str, name: &str) -> Option<u64> {
    let tag_start = head.find("<sst")?;
    let tag = &head[tag_start
        ..head[tag_start..]
            .find('>')
            .map_or(head.len(), |e| tag_start + e)];
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    let digits: String = tag[at..].chars().take_while(char::is_ascii_digit).collect();
    // More digits than a u64 holds is itself absurd.
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// What an OLE compound file holds: an encrypted OOXML package (a
/// password-protected xlsx) or something else, such as a legacy xls.
pub fn is_encrypted_package(bytes: &[u8]) -> bool {
    cfb::CompoundFile::open(Cursor::new(bytes))
        .map(|c| c.exists("/EncryptedPackage"))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_counts_are_read_from_the_sst_tag() {
        let head = r#"<?xml version="1.0"?><sst xmlns="x" count="10" uniqueCount="7"><si>"#;
        assert_eq!(declared_count(head, "uniqueCount"), Some(7));
        assert_eq!(declared_count(head, "count"), Some(10));
        assert_eq!(
            declared_count(
                "<sst uniqueCount=\"99999999999999999999999\">",
                "uniqueCount"
            ),
            Some(u64::MAX)
        );
        assert_eq!(declared_count("<other/>", "count"), None);
    }
}
