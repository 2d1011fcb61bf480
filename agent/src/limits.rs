//! Every size limit ledgerlens enforces, in one place, so that every format
//! and every door refuses the same things the same way, naming what was
//! too big.
//!
//! Sheets are bounded as Excel bounds them: whatever a real workbook can
//! hold is taken, and a file that claims more is refused with an error that
//! names the cell, never silently cut. Stored texts are bounded because the
//! store keeps them for ever and every history page reads them back.

/// Rows a sheet may have: Excel's own sheet height.
pub const MAX_ROWS: usize = 1_048_576;
/// Columns a sheet may have: no ledger is this wide, and a far-away cell
/// must not widen every row (Excel allows 16,384).
pub const MAX_COLUMNS: usize = 256;
/// Non-empty cells one sheet of a file may hold (a million rows of 40 columns).
pub const MAX_CELLS: usize = 40_000_000;
/// Cells one `POST score` JSON body may hold: about 200k rows × 60 columns;
/// parsed cells are larger than a file's, so fewer are allowed.
pub const MAX_JSON_CELLS: usize = 12_000_000;
/// Total text one sheet may hold, counted per cell (shared strings are
/// copied into each cell that uses them).
pub const MAX_TEXT_BYTES: usize = 1 << 30;
/// Characters in one cell: Excel's own limit, so anything longer cannot
/// have come from a sheet, and cannot be written back into one.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Characters in a workbook or sheet name the store records for a run.
pub const MAX_NAME_CHARS: usize = 255;
/// Characters in a row key a review names (ours are 16 hex digits and a
/// short occurrence suffix).
pub const MAX_KEY_CHARS: usize = 64;
/// Characters in a reviewer's name.
pub const MAX_REVIEWER_CHARS: usize = 200;
/// Characters in a review's note.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// Largest `POST score` body: a 200k-row sheet as JSON is 40–60 MB.
pub const MAX_SCORE_BODY: u64 = 256 * 1024 * 1024;
/// Largest `POST reviews` body.
pub const MAX_REVIEWS_BODY: u64 = 32 * 1024 * 1024;
/// Largest `POST columns` body: the first rows of a sheet (the pane sends
/// the 40 the header is looked for in).
pub const MAX_COLUMNS_BODY: u64 = 4 * 1024 * 1024;
