// Small DOM helpers shared by the task pane and the dashboard: elements,
// the message banner, band counts, the top-risk list and the heat map.
// Text is always set as text, never as HTML: ledger values reach the page.
// And as shown, not obeyed: el() passes all text through visibleText, and
// the few places that set textContent themselves call it too.

import { lang, t } from "./i18n.js";
import { AgentError, call, hasToken, saveToken } from "./api.js";
import { reasonsText } from "./layout.js";

/** Bidirectional embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text as the page shows it: a bidirectional control in ledger text (a
 * vendor name, a description, a department, a reason quoting them) would
 * reorder what follows it, so that "Evil Corp" reads "proC livE"; each is
 * shown as "[U+202E]" instead, the form the agent uses in its own output.
 * Display only: what the pane writes into cells is the user's text as is.
 */
export function visibleText(value) {
  return String(value ?? "").replace(BIDI_CONTROLS, (c) => `[U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}]`);
}

/** Attributes a person reads (the rest, such as value and data-*, are data and stay as they are). */
const SHOWN_ATTRIBUTES = new Set(["title", "aria-label", "placeholder", "alt"]);

/** An element with attributes (and on* listeners) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = visibleText(value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, SHOWN_ATTRIBUTES.has(name) ? visibleText(value) : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(visibleText(child)));
  }
  return node;
}

/** Fills `node` with `children`, dropping what was there. */
export function fill(node, ...children) {
  node.replaceChildren();
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/** The words and steps for an error, whatever raised it. */
export function describeError(error) {
  if (error instanceof AgentError) {
    if (error.kind === "down") {
      const steps = [t("agent_down_steps")];
      if (error.neverReached) steps.push(`${t("cert_untrusted")} ${t("cert_steps")}`);
      return { kind: "down", title: t("agent_down"), steps };
    }
    if (error.kind === "token") {
      // A key sent and refused reads differently from no key at all.
      return { kind: "token", title: hasToken() ? t("bad_token") : t("no_token"), steps: [t("no_token_steps")] };
    }
    if (error.code === "paused") return { kind: "paused", title: t("paused"), steps: [] };
    // A budget sheet that is not one has its own codes and words.
    if (["not_a_budget", "no_budget_lines"].includes(error.code)) {
      return { kind: "budget", title: t("no_budget"), steps: [error.message] };
    }
    if (["no_header", "missing_columns", "empty_sheet", "mapped_header_not_found"].includes(error.code)) {
      return { kind: "ledger", title: t("no_ledger"), steps: [error.message] };
    }
    return { kind: "agent", title: t("error", { message: error.message }), steps: [] };
  }
  const code = error?.code ?? "";
  if (code === "RequestPayloadSizeLimitExceeded" || code === "ResponsePayloadSizeLimitExceeded") {
    return { kind: "excel", title: t("excel_limit", { message: error.message }), steps: [] };
  }
  return { kind: "error", title: t("error", { message: error?.message ?? String(error) }), steps: [] };
}

/**
 * Shows a message in the banner: "info", "success", "warning" or "error".
 * An error about the token also offers a field to paste it, then `retry`.
 */
export function showMessage(banner, level, title, steps = [], { tokenForm = false, retry } = {}) {
  const parts = [el("strong", { text: title })];
  for (const step of steps) parts.push(el("p", { text: step }));
  if (tokenForm) {
    const input = el("input", { type: "password", id: "token-input", "aria-label": t("token_paste"), placeholder: t("token_paste") });
    const save = el("button", {
      class: "button",
      type: "button",
      text: t("token_save"),
      onclick: () => {
        if (!input.value.trim()) return;
        saveToken(input.value);
        retry?.();
      },
    });
    parts.push(el("div", { class: "token-form" }, input, save));
  }
  banner.className = `banner ${level}`;
  banner.setAttribute("role", level === "error" ? "alert" : "status");
  fill(banner, ...parts);
  banner.hidden = false;
}

export function showError(banner, error, retry) {
  const d = describeError(error);
  showMessage(banner, "error", d.title, d.steps, { tokenForm: d.kind === "token", retry });
  return d;
}

export function hideMessage(banner) {
  banner.hidden = true;
  fill(banner);
}

/** A progress bar with a label: set(done, total, text). */
export function progressBar() {
  const bar = el("div", { class: "bar" });
  const label = el("span", { class: "progress-label" });
  const node = el("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100" }, el("div", { class: "track" }, bar), label);
  return {
    node,
    set(done, total, text) {
      const pct = total ? Math.round((100 * done) / total) : 0;
      bar.style.width = `${pct}%`;
      node.setAttribute("aria-valuenow", String(pct));
      label.textContent = visibleText(text);
    },
  };
}

const formatter = new Intl.NumberFormat("ko-KR");

export function formatNumber(n) {
  return typeof n === "number" ? formatter.format(n) : String(n ?? "");
}

/**
 * Counts by band (`counts`: code -> n) as coloured chips, one per band of
 * `choices` ({code, label}, highest first: layout.js bandChoices).
 */
export function bandCounts(counts, choices) {
  return el(
    "div",
    { class: "band-counts" },
    choices.map(({ code, label }) =>
      el("div", { class: `chip band-${code}`, "data-band": code }, el("span", { class: "chip-label", text: label }), el("span", { class: "chip-count", text: formatNumber(counts?.[code] ?? 0) })),
    ),
  );
}

/**
 * The ten highest rows as a clickable list. Each item: {row, score, band,
 * title, detail, reasons}; `onPick(item)` runs on click or Enter.
 */
export function topList(items, onPick) {
  return el(
    "ol",
    { class: "top-list" },
    items.map((item) =>
      el(
        "li",
        {},
        el(
          "button",
          { type: "button", class: "top-item", "data-row": String(item.row), onclick: () => onPick?.(item) },
          el("span", { class: `score band-${item.band}`, text: item.score.toFixed(1) }),
          el("span", { class: "top-text" }, el("span", { class: "top-title", text: item.title }), el("span", { class: "top-detail", text: item.detail }), el("span", { class: "top-reasons", text: item.reasons })),
        ),
      ),
    ),
  );
}

/**
 * A review-next answer (GET runs/{id}/next) as the pane and the dashboard
 * show it: why there is nothing, or the rows with their chance of being
 * confirmed and what their review would teach.
 */
export function nextList(next, onPick) {
  if (next.why) return [el("p", { class: "muted", text: next.why[lang()] })];
  if (!next.rows.length) return [el("p", { class: "muted", text: t("next_none") })];
  const percent = (x) => Math.round(x * 100);
  const items = next.rows.map((r) => ({
    row: r.row,
    key: r.key,
    score: r.score,
    band: r.band,
    title: [r.department, r.vendor].filter(Boolean).join(" · ") || t("row", { row: r.row }),
    detail: `${t("next_detail", { row: r.row, confidence: percent(r.confidence), teaching: percent(r.teaching) })} · ${formatNumber(r.amount)}`,
    reasons: reasonsText(r),
  }));
  return [el("p", { class: "muted", text: t("next_counts", { n: formatNumber(next.unreviewed), version: next.model_version }) }), topList(items, onPick)];
}

/** An SVG element (the charts): `el` for the SVG namespace. */
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  // Ledger text (a department in a legend) is shown, never obeyed, as in el().
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, SHOWN_ATTRIBUTES.has(k) ? visibleText(v) : String(v));
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false || child === "") continue;
    node.append(child instanceof Node ? child : document.createTextNode(visibleText(child)));
  }
  return node;
}

/**
 * A ROC curve: `points` are [false-positive rate, true-positive rate] from
 * (0, 0) to (1, 1). The diagonal is chance; the vertical line is where the
 * curve stands highest above it, the KS gap, labelled with its size.
 */
export function rocChart(points, label) {
  const size = 260;
  const pad = 34;
  const x = (f) => pad + f * size;
  const y = (t) => pad + (1 - t) * size;
  let best = [0, 0];
  for (const [f, tp] of points) if (tp - f > best[1] - best[0]) best = [f, tp];
  const line = points.map(([f, tp]) => `${x(f).toFixed(1)},${y(tp).toFixed(1)}`).join(" ");
  const total = size + 2 * pad;
  return svg(
    "svg",
    { class: "roc-chart", viewBox: `0 0 ${total} ${total}`, width: total, height: total, role: "img", "aria-label": label },
    svg("rect", { x: pad, y: pad, width: size, height: size, class: "frame" }),
    svg("line", { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: "chance" }),
    svg("polyline", { points: line, class: "curve" }),
    svg("line", { x1: x(best[0]), y1: y(best[0]), x2: x(best[0]), y2: y(best[1]), class: "ks" }),
    svg("text", { x: x(best[0]) + 4, y: (y(best[0]) + y(best[1])) / 2, class: "ks-label" }, `KS ${(best[1] - best[0]).toFixed(3)}`),
    svg("text", { x: pad + size / 2, y: total - 6, class: "axis", "text-anchor": "middle" }, t("model_fpr")),
    svg("text", { x: 12, y: pad + size / 2, class: "axis", "text-anchor": "middle", transform: `rotate(-90 12 ${pad + size / 2})` }, t("model_tpr")),
  );
}

/**
 * The department × month heat map: `flags` is [[department, month, n]].
 * Darker red for more flags; every cell also shows its number.
 */
export function heatMap(flags) {
  if (!flags.length) return el("p", { class: "muted", text: t("dash_heat_empty") });
  const months = [...new Set(flags.map((f) => f[1]))].sort();
  const departments = [...new Set(flags.map((f) => f[0]))].sort();
  const counts = new Map(flags.map(([d, m, n]) => [`${d}\u0000${m}`, n]));
  const max = Math.max(...flags.map((f) => f[2]));
  const head = el("tr", {}, el("th", { text: t("col_dept") }), months.map((m) => el("th", { scope: "col", text: m })));
  const rows = departments.map((d) =>
    el(
      "tr",
      {},
      el("th", { scope: "row", text: d }),
      months.map((m) => {
        const n = counts.get(`${d}\u0000${m}`) ?? 0;
        const cell = el("td", { class: "heat", "data-count": String(n), title: `${d} · ${m}: ${n}`, text: n ? String(n) : "" });
        const strength = n / max;
        cell.style.backgroundColor = `rgba(220, 53, 69, ${(0.08 + 0.82 * strength).toFixed(3)})`;
        if (strength > 0.55) cell.style.color = "#fff";
        return cell;
      }),
    ),
  );
  return el("div", { class: "table-wrap" }, el("table", { class: "heatmap" }, el("thead", {}, head), el("tbody", {}, rows)));
}

/**
 * Fetches a file the agent makes (`history.xlsx`, `report.pdf`) and hands
 * it to the browser to save, under the name the agent gave it.
 */
export async function downloadFrom(path, fallbackName) {
  const response = await call(path);
  // Characters the PDF's font lacks ("U+4E36 U+1F600"), drawn as empty boxes.
  const missing = (response.headers.get("X-Ledgerlens-Missing-Glyphs") ?? "").split(" ").filter(Boolean).map((u) => `${String.fromCodePoint(parseInt(u.slice(2), 16))} ${u}`);
  const blob = await response.blob();
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  const link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return { name, missing };
}

/** Round steps from 0 past `max`: 1, 2 or 5 times a power of ten. */
function ticks(max, wanted = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / wanted;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}

/** Each line's look: a colour and a dash, so a grey print still tells them apart. */
const LINE_STYLES = [
  ["#1f3864", ""],
  ["#c55a11", "6 3"],
  ["#548235", "2 3"],
  ["#7030a0", "8 3 2 3"],
  ["#7f7f7f", "4 4"],
];

/**
 * Lines over months: `series` is [{name, values}] (one value a month),
 * with a legend, round ticks formatted by `format`, and a month label as
 * often as they fit (always the newest).
 */
export function lineChart(months, series, format, label) {
  const [w, h, left, top, bottom] = [720, 240, 96, 28, 26];
  // Room on the right for half the newest month's label.
  const pw = w - left - 28;
  const ph = h - top - bottom;
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const steps = ticks(max);
  const topValue = steps[steps.length - 1];
  const x = (i) => left + (months.length === 1 ? pw / 2 : (pw * i) / (months.length - 1));
  const y = (v) => top + ph - (v / topValue) * ph;
  const every = Math.max(1, Math.ceil((months.length * 52) / pw));
  const legend = series.map((s, i) => {
    const [colour, dash] = LINE_STYLES[i % LINE_STYLES.length];
    const lx = left + i * 130;
    return svg("g", {}, svg("line", { x1: lx, y1: 10, x2: lx + 22, y2: 10, stroke: colour, "stroke-width": 2, "stroke-dasharray": dash }), svg("text", { x: lx + 26, y: 14, class: "legend" }, s.name));
  });
  return svg(
    "svg",
    { class: "line-chart", viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": label },
    ...legend,
    ...steps.map((v) => svg("g", {}, svg("line", { x1: left, y1: y(v), x2: left + pw, y2: y(v), class: "grid" }), svg("text", { x: left - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, format(v)))),
    ...months.map((m, i) => ((months.length - 1 - i) % every === 0 ? svg("text", { x: x(i), y: h - 8, class: "axis", "text-anchor": "middle" }, m) : null)).filter(Boolean),
    ...series.map((s, i) => {
      const [colour, dash] = LINE_STYLES[i % LINE_STYLES.length];
      const points = s.values.map((v, j) => `${x(j).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      return svg("polyline", { points, fill: "none", stroke: colour, "stroke-width": 2, "stroke-dasharray": dash, "data-series": s.name });
    }),
  );
}

/**
 * A comparison group's amounts as bars (log-spaced bins from the agent),
 * the row's amount a red line and the median a dashed one.
 */
export function histogram(distribution, format, label) {
  const { bins, amount, median } = distribution;
  const [w, h, left, top, bottom] = [520, 150, 36, 10, 30];
  const pw = w - left - 10;
  const ph = h - top - bottom;
  if (!bins.length) return el("p", { class: "muted", text: label });
  const lo = Math.log(bins[0].low);
  const hi = Math.log(bins[bins.length - 1].high);
  const span = hi - lo || 1;
  const x = (v) => left + (Math.min(Math.max(Math.log(Math.max(v, bins[0].low)), lo), hi) - lo) / span * pw;
  const most = Math.max(...bins.map((b) => b.count));
  const bars = bins.map((b) => {
    const bh = (b.count / most) * ph;
    return svg("rect", { x: x(b.low) + 0.5, y: top + ph - bh, width: Math.max(1, x(b.high) - x(b.low) - 1), height: bh, class: "bin" }, svg("title", {}, `${format(b.low)} – ${format(b.high)}: ${b.count}`));
  });
  const marker = (v, cls, text, anchor) =>
    svg("g", { class: cls }, svg("line", { x1: x(v), y1: top, x2: x(v), y2: top + ph }), svg("text", { x: x(v), y: h - 6, "text-anchor": anchor }, text));
  return svg(
    "svg",
    { class: "histogram", viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": label },
    svg("line", { x1: left, y1: top + ph, x2: left + pw, y2: top + ph, class: "grid" }),
    ...bars,
    marker(median, "median", `${t("dash_median")} ${format(median)}`, x(median) < x(amount) ? "end" : "start"),
    marker(amount, "this", format(amount), x(amount) <= x(median) ? "end" : "start"),
  );
}
