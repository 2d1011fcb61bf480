// The audit sample's two sheets in a workbook: the sample ("표본") and
// its parameters ("표본 정보"), named by the agent (layout.sample_sheets).
// A second sample gets both names with the same " (2)", so each sample
// sheet can find its parameters. Pure logic, unit-tested.

function escaped(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The sample sheets of a workbook with their parameter sheets, in the workbook's order. */
export function samplePairs(names, layout) {
  const taken = new Set(names);
  const pairs = [];
  for (const name of names) {
    for (const code of ["ko", "en"]) {
      const [sample, parameters] = layout[code].sample_sheets;
      const m = new RegExp(`^${escaped(sample)}( \\(\\d+\\))?$`).exec(name);
      if (!m) continue;
      const partner = `${parameters}${m[1] ?? ""}`;
      if (taken.has(partner)) {
        pairs.push({ sample: name, parameters: partner });
        break;
      }
    }
  }
  return pairs;
}

/** Names for a new sample's two sheets that are both free: "표본", else "표본 (2)", … */
export function freePair(names, layout, code) {
  const taken = new Set(names);
  const [sample, parameters] = layout[code].sample_sheets;
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : ` (${n})`;
    if (!taken.has(sample + suffix) && !taken.has(parameters + suffix)) return { sample: sample + suffix, parameters: parameters + suffix };
  }
}

/** The planning the pane's fields say, as the agent takes it (shares, not percents). */
export function planning({ confidence, materiality, expected, method }) {
  return { confidence: Number(confidence), materiality: Number(materiality) / 100, expected: Number(expected) / 100, method };
}
