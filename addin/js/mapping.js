// The column mapping the user previews and may change before scoring.
// Detection itself is the agent's (POST /api/v1/columns), so the pane and
// the command line always agree; this module turns the user's choices
// into the overrides the agent takes and says what is still missing.

/**
 * The starting choices from the agent's detection: field key -> column
 * index (or -1 for none).
 */
export function initialChoices(detected) {
  const choices = {};
  for (const field of detected.fields) choices[field.key] = -1;
  for (const m of detected.mapping ?? []) choices[m.field] = m.index;
  return choices;
}

/**
 * The overrides to send with the sheet: the header named for every field
 * the user changed from what was detected. Unchanged fields are left to
 * the agent, whose matching they came from.
 */
export function overrides(detected, choices) {
  const found = initialChoices(detected);
  const map = {};
  for (const [field, index] of Object.entries(choices)) {
    if (index !== found[field] && index >= 0) map[field] = detected.headers[index];
  }
  return map;
}

/**
 * What stops scoring: required fields without a column, and columns
 * chosen for two fields at once.
 */
export function problems(detected, choices) {
  const missing = detected.fields
    .filter((f) => f.required && !(choices[f.key] >= 0))
    .map((f) => f.key);
  const seen = new Map();
  const duplicates = [];
  for (const [field, index] of Object.entries(choices)) {
    if (index < 0) continue;
    if (seen.has(index)) duplicates.push([seen.get(index), field]);
    else seen.set(index, field);
  }
  // A header chosen by name must name one column only, or the agent
  // would take the first of them.
  const ambiguous = Object.keys(overrides(detected, choices)).filter((field) => {
    const header = detected.headers[choices[field]];
    return detected.headers.filter((h) => h === header).length > 1;
  });
  return { missing, duplicates, ambiguous, ok: !missing.length && !duplicates.length && !ambiguous.length };
}
