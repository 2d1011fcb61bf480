// Reviews as they live in the sheet (a dropdown label and a note beside a
// hidden row key) and as the agent keeps them (a status code per key).
// Matching is by row key only, never by row number: users sort, filter
// and delete rows between scoring and syncing.

/** The review status code a cell holds, "" for none, null if unrecognised. */
export function reviewCode(value, layout) {
  const text = String(value ?? "").trim();
  if (!text) return "";
  const lower = text.toLowerCase();
  const codes = layout.review_codes;
  for (const l of ["ko", "en"]) {
    const i = layout[l].reviews.findIndex((label) => label.toLowerCase() === lower);
    if (i >= 0) return codes[i];
  }
  return codes.includes(lower) ? lower : null;
}

/** The dropdown label for a status code ("" for none). */
export function reviewLabel(code, layout, lang) {
  const i = layout.review_codes.indexOf(code);
  return i >= 0 ? layout[lang].reviews[i] : "";
}

/**
 * Reviews entered in the sheet. `keys`, `statuses` and `notes` are the
 * three columns' values, row by row; `firstRow` is the 1-based sheet row
 * of the first. Rows without a key are not ledger rows and are skipped.
 */
export function collectReviews({ keys, statuses, notes, layout, reviewer, firstRow }) {
  const reviews = [];
  const invalid = [];
  const noteOnly = [];
  for (let i = 0; i < keys.length; i++) {
    const key = String(keys[i] ?? "").trim();
    if (!key) continue;
    const status = reviewCode(statuses[i], layout);
    const note = String(notes[i] ?? "").trim();
    if (status === null) {
      invalid.push({ row: firstRow + i, value: String(statuses[i]) });
    } else if (status) {
      reviews.push({ key, status, note, reviewer });
    } else if (note) {
      noteOnly.push({ row: firstRow + i, key, note });
    }
  }
  return { reviews, invalid, noteOnly };
}

/**
 * Carries the reviews already in the sheet over to a new scoring.
 * `previous` maps key -> {status, note} as read before scoring; `results`
 * are the agent's rows. Returns the review for each result (by index),
 * how many were kept, and the reviews whose rows are gone (orphans) so
 * they are reported and saved, never dropped silently.
 */
export function mergeReviews(previous, results) {
  const carried = new Array(results.length);
  const used = new Set();
  let kept = 0;
  results.forEach((result, i) => {
    const before = previous.get(result.key);
    if (before && (before.status || before.note)) {
      carried[i] = before;
      used.add(result.key);
      kept++;
    }
  });
  const orphans = [];
  for (const [key, review] of previous) {
    if (!used.has(key) && (review.status || review.note)) orphans.push({ key, ...review });
  }
  return { carried, kept, orphans };
}
