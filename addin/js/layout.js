// Where ledgerlens's own columns sit in a sheet and how their cells are
// written. The codes, words and colours come from the agent (GET
// /api/v1/layout, its one vocabulary), the same ones the command line's
// workbook uses, in both languages, so a sheet scored in Korean is still
// recognised after switching to English. The layout's `columns` are the
// columns ledgerlens adds, left to right, to the right of the data; its
// `band_codes` the bands, highest first.

/** "A", "B", …, "Z", "AA", … for a 0-based column index. */
export function columnLetter(index) {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

function normalise(text) {
  return String(text ?? "").trim().toLowerCase();
}

/**
 * Finds ledgerlens's columns in a header row: the block starts where the
 * score header is (in either language) and the others are looked up by
 * name from there. Returns {start, at: {score: index, …}} or null.
 */
export function findAddedColumns(headerRow, layout) {
  const names = {};
  for (const name of layout.columns) {
    names[name] = new Set(["ko", "en"].map((l) => normalise(layout[l].columns[name])));
  }
  const start = headerRow.findIndex((h) => names.score.has(normalise(h)));
  if (start < 0) return null;
  const at = {};
  for (const name of layout.columns) {
    const found = headerRow.findIndex((h, i) => i >= start && names[name].has(normalise(h)));
    if (found >= 0) at[name] = found;
  }
  // Without the key column nothing can be matched; treat it as not ours.
  if (at.key === undefined) return null;
  return { start, at };
}

/**
 * Text as a cell value that Excel keeps as text: Office.js treats a string
 * starting with "=" as a formula (and "+", "-", "@" are formula starts when
 * typed), so such text gets Excel's quote prefix. Ledger text is never
 * written as a formula.
 */
export function asCellText(value) {
  const text = String(value ?? "");
  return /^[=+\-@]/.test(text) ? `'${text}` : text;
}

/** A string literal inside an Excel formula. */
export function formulaString(text) {
  return `"${String(text).replace(/"/g, '""')}"`;
}

/** The band label for a code in the language chosen. */
export function bandLabel(layout, lang, band) {
  return layout[lang].bands[band] ?? band;
}

/** The bands, highest first, as {code, label} in the language chosen. */
export function bandChoices(layout, lang) {
  return layout.band_codes.map((code) => ({ code, label: bandLabel(layout, lang, code) }));
}

/** Reasons of one result, as one cell's text. */
export function reasonsText(result) {
  return (result.reasons ?? []).map((r) => r.text).join(" · ");
}

/** The 0-based index of a column letter ("A" -> 0, "AA" -> 26). */
export function columnIndex(letters) {
  let n = 0;
  for (const ch of String(letters).toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** An Excel date serial (1900 system) as YYYY-MM-DD; other values as text. */
export function dateText(value) {
  if (typeof value !== "number") return String(value ?? "");
  const ms = Date.UTC(1899, 11, 30) + Math.round(value * 86400000);
  return new Date(ms).toISOString().slice(0, 10);
}

/** A rate as the 집행률 sheet shows it ("87.5%"), "-" for none. */
export function percent(rate) {
  return typeof rate === "number" ? `${(rate * 100).toFixed(1)}%` : "-";
}
