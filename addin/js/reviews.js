// Reviews as they live in the sheet (a status and a reason picked from
// dropdowns, and a note, beside a hidden row key) and as the agent keeps
// them (a status code, an optional reason code, per key).
// Matching is by row key only, never by row number: users sort, filter
// and delete rows between scoring and syncing.

/**
 * The code a dropdown cell holds, by its label in either language or the
 * code itself: "" for an empty cell, null if unrecognised.
 */
function codeOf(value, codes, labels) {
  const text = String(value ?? "").trim();
  if (!text) return "";
  const lower = text.toLowerCase();
  for (const l of ["ko", "en"]) {
    const i = labels[l].findIndex((label) => label.toLowerCase() === lower);
    if (i >= 0) return codes[i];
  }
  return codes.includes(lower) ? lower : null;
}

/** The review status code a cell holds, "" for none, null if unrecognised. */
export function reviewCode(value, layout) {
  return codeOf(value, layout.review_codes, { ko: layout.ko.reviews, en: layout.en.reviews });
}

/** The review reason code a cell holds, "" for none, null if unrecognised. */
export function reasonCode(value, layout) {
  return codeOf(value, layout.review_reason_codes, { ko: layout.ko.review_reasons, en: layout.en.review_reasons });
}

/** The dropdown label for a status code ("" for none). */
export function reviewLabel(code, layout, lang) {
  const i = layout.review_codes.indexOf(code);
  return i >= 0 ? layout[lang].reviews[i] : "";
}

/** The dropdown label for a reason code ("" for none). */
export function reasonLabel(code, layout, lang) {
  const i = layout.review_reason_codes.indexOf(code);
  return i >= 0 ? layout[lang].review_reasons[i] : "";
}

/** Whether reason `reason` explains status `status` (the agent checks it too). */
export function reasonFits(reason, status, layout) {
  return layout.review_reason_status[layout.review_reason_codes.indexOf(reason)] === status;
}

/**
 * Reviews entered in the sheet. `keys`, `statuses`, `reasons` and `notes`
 * are the columns' values, row by row (`reasons` may be absent: a sheet
 * scored before reasons existed); `firstRow` is the 1-based sheet row of
 * the first. Rows without a key are not ledger rows and are skipped.
 * A value no dropdown offers is `invalid`; a reason that does not explain
 * the row's status (or stands without one) is `misfit`: neither is sent,
 * both are reported by row.
 */
export function collectReviews({ keys, statuses, reasons = [], notes, layout, reviewer, firstRow }) {
  const reviews = [];
  const invalid = [];
  const misfit = [];
  const noteOnly = [];
  for (let i = 0; i < keys.length; i++) {
    const key = String(keys[i] ?? "").trim();
    if (!key) continue;
    const row = firstRow + i;
    const status = reviewCode(statuses[i], layout);
    const reason = reasonCode(reasons[i], layout);
    const note = String(notes[i] ?? "").trim();
    if (status === null) {
      invalid.push({ row, value: String(statuses[i]) });
    } else if (reason === null) {
      invalid.push({ row, value: String(reasons[i]) });
    } else if (reason && !reasonFits(reason, status, layout)) {
      misfit.push({ row, status, reason });
    } else if (status) {
      reviews.push(reason ? { key, status, reason, note, reviewer } : { key, status, note, reviewer });
    } else if (note) {
      noteOnly.push({ row, key, note });
    }
  }
  return { reviews, invalid, misfit, noteOnly };
}

/**
 * Carries the reviews already in the sheet over to a new scoring.
 * `previous` maps key -> {status, reason, note} as read before scoring; `results`
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
    if (before && (before.status || before.reason || before.note)) {
      carried[i] = before;
      used.add(result.key);
      kept++;
    }
  });
  const orphans = [];
  for (const [key, review] of previous) {
    if (!used.has(key) && (review.status || review.reason || review.note)) orphans.push({ key, ...review });
  }
  return { carried, kept, orphans };
}
