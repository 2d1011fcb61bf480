// Everything the pane does to the workbook, through Office.js. Reads and
// writes go in blocks (see blocks.js); values first, then formats; bands
// and clusters are coloured by one conditional format each, not cell by
// cell, so sorting and filtering keep the colours right.

import { BLOCK_BUDGET, MAX_BLOCK_ROWS, chunkByBytes, readInBlocks, Cancelled } from "./blocks.js";
import { asCellText, columnLetter, findAddedColumns, formulaString } from "./layout.js";

/** Column widths of the added columns, in points. */
const WIDTHS = { score: 56, band: 48, cluster: 110, reasons: 340, review: 96, review_reason: 130, note: 160, key: 20 };

/** A worksheet by name, or the active one. */
function worksheet(context, name) {
  const sheets = context.workbook.worksheets;
  return name ? sheets.getItem(name) : sheets.getActiveWorksheet();
}

/** The sheet names and which one is active. */
export async function listSheets() {
  return Excel.run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load("items/name");
    const active = sheets.getActiveWorksheet();
    active.load("name");
    await context.sync();
    return { names: sheets.items.map((s) => s.name), active: active.name };
  });
}

/**
 * How many rows and columns the sheet uses, counted from A1 so that row
 * numbers in the agent's answer are the sheet's own.
 */
export async function sheetExtent(name) {
  return Excel.run(async (context) => {
    const used = worksheet(context, name).getUsedRangeOrNullObject(true);
    used.load("rowIndex,columnIndex,rowCount,columnCount");
    await context.sync();
    if (used.isNullObject) return { rows: 0, columns: 0 };
    return { rows: used.rowIndex + used.rowCount, columns: used.columnIndex + used.columnCount };
  });
}

/** One rectangle's values, in one sync. */
async function readRange(context, sheet, row, column, rows, columns) {
  const range = sheet.getRangeByIndexes(row, column, rows, columns);
  range.load("values");
  await context.sync();
  return range.values;
}

/** Rows [start, start + count) × columns [0, width) as Office.js values. */
export async function readRows(name, start, count, width) {
  return Excel.run((context) => readRange(context, worksheet(context, name), start, 0, count, width));
}

/** Reads rows [start, start + total) of `width` columns in blocks. */
export async function readBlocks(name, { start = 0, total, width, column = 0, onBlock, cancelled }) {
  return Excel.run(async (context) => {
    const sheet = worksheet(context, name);
    return readInBlocks((at, count) => readRange(context, sheet, at, column, count, width), total, { start, onBlock, cancelled });
  });
}

/**
 * Finds ledgerlens's columns in the first rows (as far down as the
 * layout's `header_scan_rows`, where the header is looked for):
 * {headerIndex, start, at} or null if the sheet was never scored.
 */
export function locateAdded(topRows, layout) {
  for (let i = 0; i < Math.min(topRows.length, layout.header_scan_rows); i++) {
    const found = findAddedColumns(topRows[i], layout);
    if (found) return { headerIndex: i, ...found };
  }
  return null;
}

/** The reviewer's columns of our block, as far as the sheet has them. */
const REVIEW_COLUMNS = ["review", "review_reason", "note"];

/**
 * The reviews already in the sheet, read before it is scored again or
 * synced: per row {key, review and review_reason as typed, note}. A sheet
 * scored before a column existed reads "" for it.
 */
export async function readPreviousReviews(name, added, lastRow, { onBlock, cancelled } = {}) {
  const first = added.headerIndex + 1;
  const total = Math.max(0, lastRow - first);
  const present = [...REVIEW_COLUMNS, "key"].map((c) => added.at[c]).filter((c) => c !== undefined);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  const rows = await readBlocks(name, { start: first, total, width: hi - lo + 1, column: lo, onBlock, cancelled });
  const cell = (r, what) => (added.at[what] === undefined ? "" : r[added.at[what] - lo]);
  return rows.map((r) => ({
    key: String(cell(r, "key") ?? ""),
    review: cell(r, "review"),
    review_reason: cell(r, "review_reason"),
    note: cell(r, "note"),
  }));
}

/** How many columns a block of ours found in a sheet spans. */
function blockWidth(added) {
  return Math.max(...Object.values(added.at)) - added.start + 1;
}

/**
 * Writes the added columns: `cells` holds one row of values per sheet row
 * from the header down (header first), one value for each of
 * `style.columns` (the layout's column codes). Clears a previous block of
 * ours first (its rows may have been more), then values in blocks, then
 * formats. `style` gives the codes, labels and colours (see taskpane.js).
 */
export async function writeAdded(name, { headerIndex, start, previous, cells, style, onBlock }) {
  const width = style.columns.length;
  await Excel.run(async (context) => {
    const sheet = worksheet(context, name);
    if (previous) {
      const used = sheet.getUsedRange(true);
      used.load("rowIndex,rowCount");
      await context.sync();
      const bottom = used.rowIndex + used.rowCount;
      // The old block's own width: one scored by an older version has
      // fewer columns, and the user's next column is not ours to clear.
      const old = sheet.getRangeByIndexes(previous.headerIndex, previous.start, bottom - previous.headerIndex, blockWidth(previous));
      old.conditionalFormats.clearAll();
      old.dataValidation.clear();
      old.clear(Excel.ClearApplyTo.all);
      sheet.getRangeByIndexes(0, previous.start, 1, blockWidth(previous)).getEntireColumn().columnHidden = false;
      // A block from an older version is narrower: the columns it lacks
      // are inserted after it, so whatever the user keeps to its right
      // moves over instead of being written on.
      const missing = width - blockWidth(previous);
      if (missing > 0) {
        sheet.getRangeByIndexes(0, previous.start + blockWidth(previous), 1, missing).getEntireColumn().insert(Excel.InsertShiftDirection.right);
      }
      await context.sync();
    }
    // The score's number format travels with its block: a format array
    // for the whole column would itself pass the request limit.
    const blocks = chunkByBytes(cells, BLOCK_BUDGET - 16 * MAX_BLOCK_ROWS);
    const scoreColumn = start + style.columns.indexOf("score");
    let written = 0;
    for (const block of blocks) {
      const values = cells.slice(block.start, block.start + block.count);
      sheet.getRangeByIndexes(headerIndex + block.start, start, block.count, width).values = values;
      const dataStart = Math.max(block.start, 1);
      const dataRows = block.start + block.count - dataStart;
      if (dataRows > 0) {
        sheet.getRangeByIndexes(headerIndex + dataStart, scoreColumn, dataRows, 1).numberFormat = Array.from({ length: dataRows }, () => ["0.0"]);
      }
      await context.sync();
      written += block.count;
      onBlock?.(written);
    }
  });
  await formatAdded(name, { headerIndex, start, rows: cells.length - 1, style });
}

/** Formats of the added columns, filters, frozen header. */
async function formatAdded(name, { headerIndex, start, rows, style }) {
  await Excel.run(async (context) => {
    const sheet = worksheet(context, name);
    const col = (what) => start + style.columns.indexOf(what);
    const header = sheet.getRangeByIndexes(headerIndex, start, 1, style.columns.length);
    header.format.fill.color = style.headerFill;
    header.format.font.color = "#FFFFFF";
    header.format.font.bold = true;
    style.columns.forEach((what, i) => {
      sheet.getRangeByIndexes(headerIndex, start + i, 1, 1).format.columnWidth = WIDTHS[what];
    });
    if (rows > 0) {
      const first = headerIndex + 1;
      // One conditional format per band over score and band, keyed on the
      // band cell, so colours follow the rows through sorts and filters.
      const bandCells = sheet.getRangeByIndexes(first, col("score"), rows, 2);
      const bandRef = `$${columnLetter(col("band"))}${first + 1}`;
      for (const band of style.bandCodes) {
        const cf = bandCells.conditionalFormats.add(Excel.ConditionalFormatType.custom);
        cf.custom.rule.formula = `=${bandRef}=${formulaString(style.bands[band])}`;
        cf.custom.format.fill.color = style.colours[band].fill;
        cf.custom.format.font.color = style.colours[band].font;
      }
      const clusterCells = sheet.getRangeByIndexes(first, col("cluster"), rows, 1);
      const clusterRef = `$${columnLetter(col("cluster"))}${first + 1}`;
      style.clusters.forEach((clusterName, i) => {
        const cf = clusterCells.conditionalFormats.add(Excel.ConditionalFormatType.custom);
        cf.custom.rule.formula = `=${clusterRef}=${formulaString(clusterName)}`;
        cf.custom.format.fill.color = style.palette[i % style.palette.length];
      });
      const review = sheet.getRangeByIndexes(first, col("review"), rows, 1);
      review.dataValidation.clear();
      review.dataValidation.rule = { list: { inCellDropDown: true, source: style.reviews.join(",") } };
      const reason = sheet.getRangeByIndexes(first, col("review_reason"), rows, 1);
      reason.dataValidation.clear();
      reason.dataValidation.rule = { list: { inCellDropDown: true, source: style.reasons.join(",") } };
    }
    sheet.getRangeByIndexes(0, col("key"), 1, 1).getEntireColumn().columnHidden = true;
    sheet.freezePanes.freezeRows(headerIndex + 1);
    sheet.autoFilter.remove();
    await context.sync();
    sheet.autoFilter.apply(sheet.getRangeByIndexes(headerIndex, 0, rows + 1, start + style.columns.length));
    await context.sync();
  });
}

/**
 * Selects the row holding `key`: where the scoring left it if it is still
 * there, else wherever sorting moved it.
 */
export async function selectRowByKey(name, { key, row, keyColumn, headerIndex, width }) {
  return Excel.run(async (context) => {
    const sheet = worksheet(context, name);
    const cell = sheet.getRangeByIndexes(row - 1, keyColumn, 1, 1);
    cell.load("values");
    const used = sheet.getUsedRange(true);
    used.load("rowIndex,rowCount");
    await context.sync();
    let index = String(cell.values[0][0]) === key ? row - 1 : -1;
    if (index < 0) {
      const first = headerIndex + 1;
      const keys = await readInBlocks((at, count) => readRange(context, sheet, at, keyColumn, count, 1), used.rowIndex + used.rowCount - first, { start: first });
      const found = keys.findIndex((k) => String(k[0]) === key);
      if (found >= 0) index = first + found;
    }
    if (index < 0) return false;
    sheet.activate();
    sheet.getRangeByIndexes(index, 0, 1, width).select();
    await context.sync();
    return true;
  });
}

/** Sheet names not yet taken: "name", else "name (2)", "name (3)", … */
function uniqueName(wanted, taken) {
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) {
    const candidate = `${wanted} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Inserts an xlsx's sheets at the end (ExcelApi 1.13); returns their names. */
export async function insertWorkbook(base64) {
  return Excel.run(async (context) => {
    const inserted = context.workbook.insertWorksheetsFromBase64(base64, { positionType: Excel.WorksheetPositionType.end });
    await context.sync();
    // Excel answers with the new sheets' ids; the user wants their names.
    const sheets = inserted.value.map((id) => context.workbook.worksheets.getItem(id));
    for (const s of sheets) s.load("name");
    if (sheets.length) sheets[0].activate();
    await context.sync();
    return sheets.map((s) => s.name);
  });
}

/**
 * Writes sheets laid out by the agent (GET /api/v1/history `sheets`, for
 * Excel without 1.13; a Score's 집행률 sheet) through the range API.
 * `replacing`: names of sheets this pane wrote before and now writes
 * again, deleted first (never a sheet it did not write). `activate`:
 * whether the first sheet written is shown.
 */
export async function writeLaidOutSheets(sheets, { replacing = [], activate = true } = {}) {
  return Excel.run(async (context) => {
    const all = context.workbook.worksheets;
    all.load("items/name");
    await context.sync();
    const stale = all.items.filter((s) => replacing.includes(s.name));
    for (const s of stale) s.delete();
    if (stale.length) await context.sync();
    const taken = new Set(all.items.map((s) => s.name).filter((n) => !stale.some((s) => s.name === n)));
    const names = [];
    for (const laidOut of sheets) {
      const name = uniqueName(laidOut.name, taken);
      taken.add(name);
      names.push(name);
      const sheet = all.add(name);
      const width = Math.max(1, ...laidOut.rows.map((r) => r.cells.length));
      const values = laidOut.rows.map((r) => {
        // Text stays text: Excel would otherwise read "2024", "1e5" or a
        // date-like word as a value (the apostrophe is not part of it).
        const row = r.cells.map((c) => (typeof c.value === "number" ? c.value : c.value === "" ? "" : `'${c.value}`));
        while (row.length < width) row.push("");
        return row;
      });
      for (const block of chunkByBytes(values)) {
        sheet.getRangeByIndexes(block.start, 0, block.count, width).values = values.slice(block.start, block.start + block.count);
        await context.sync();
      }
      laidOut.rows.forEach((r, i) => {
        if (r.header) sheet.getRangeByIndexes(i, 0, 1, r.cells.length).format.font.bold = true;
        r.cells.forEach((c, j) => {
          if (!c.fill && !c.number_format) return;
          const cell = sheet.getRangeByIndexes(i, j, 1, 1);
          if (c.fill) cell.format.fill.color = `#${c.fill}`;
          if (c.number_format) cell.numberFormat = [[c.number_format]];
        });
      });
      laidOut.widths.forEach((w, j) => {
        // Excel widths are in characters; the API takes points (about 7 a character).
        sheet.getRangeByIndexes(0, j, 1, 1).format.columnWidth = Math.round(w * 7);
      });
      if (laidOut.filter_columns) {
        sheet.autoFilter.apply(sheet.getRangeByIndexes(0, 0, laidOut.rows.length, laidOut.filter_columns));
      }
      await context.sync();
    }
    if (names.length && activate) {
      all.getItem(names[0]).activate();
      await context.sync();
    }
    return names;
  });
}

export { Cancelled };
