// The Excel task pane: Score, Sync reviews, History. Office.js does the
// sheet work (sheet.js); the agent does the scoring; the pure logic lives
// in blocks.js, mapping.js, layout.js and reviews.js, which are unit-tested.

import { initLang, lang, setLang, t } from "./i18n.js";
import { AgentError, call, getJson, hasToken, initToken, postJson } from "./api.js";
import { Cancelled } from "./blocks.js";
import { initialChoices, overrides, problems } from "./mapping.js";
import { asCellText, bandChoices, bandLabel, columnIndex, dateText, percent, reasonsText } from "./layout.js";
import { collectReviews, mergeReviews, reasonCode, reasonFits, reasonLabel, reviewCode, reviewLabel } from "./reviews.js";
import { freePair, planning, samplePairs } from "./sample.js";
import * as sheet from "./sheet.js";
import { bandCounts, downloadFrom, el, fill, formatNumber, hideMessage, nextList, progressBar, showError, showMessage, topList, visibleText } from "./ui.js";

const $ = (id) => document.getElementById(id);
/** Reviews go to the agent in requests of this many. */
const REVIEWS_PER_REQUEST = 5000;

const state = {
  layout: null,
  sheets: [],
  sheet: "",
  /** The sheet the budget is read from at Score ("" for none). */
  budgetSheet: "",
  /** The 집행률 sheet this pane last wrote, replaced at the next Score. */
  executionSheet: "",
  /** The 예측 sheet this pane last wrote, replaced at the next Score. */
  forecastSheet: "",
  preview: null,
  choices: {},
  busy: false,
  cancel: null,
  lastSummary: null,
};

function workbookName() {
  const url = globalThis.Office?.context?.document?.url;
  if (url) return decodeURIComponent(String(url).split(/[\\/]/).pop());
  return "Excel";
}

function reviewer() {
  return $("reviewer").value.trim();
}

// ---------------------------------------------------------------- render

/** Puts every fixed label in the current language. */
function renderLabels() {
  document.documentElement.lang = lang();
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  $("lang").textContent = t("lang_switch");
  renderMapping();
  if (state.sheets.length) renderSheets();
  if (state.lastSummary) renderSummary(state.lastSummary);
  if (state.layout) {
    renderNextButtons(state.nextView ?? "sure");
    renderSampleMethods();
    if (!$("panel-sample").hidden) renderSamplePlan();
  }
}

function renderSheets() {
  fill($("sheet"), state.sheets.map((name) => el("option", { value: name, selected: name === state.sheet, text: name })));
  // Any other sheet may hold the budget; none is chosen until the user does.
  const others = state.sheets.filter((name) => name !== state.sheet);
  if (!others.includes(state.budgetSheet)) state.budgetSheet = "";
  fill(
    $("budget-sheet"),
    el("option", { value: "", selected: !state.budgetSheet, text: t("budget_none") }),
    others.map((name) => el("option", { value: name, selected: name === state.budgetSheet, text: name })),
  );
}

function renderMapping() {
  const box = $("mapping-body");
  const preview = state.preview;
  if (!preview?.detected?.found) {
    fill(box);
    return;
  }
  const detected = preview.detected;
  const rows = detected.fields.map((field) => {
    const select = el(
      "select",
      {
        "data-field": field.key,
        "aria-label": field.label[lang()],
        onchange: (e) => {
          state.choices[field.key] = Number(e.target.value);
          renderMappingProblems();
        },
      },
      el("option", { value: "-1", text: t("mapping_none") }),
      detected.headers.map((h, i) => (h ? el("option", { value: String(i), selected: state.choices[field.key] === i, text: h }) : null)),
    );
    if (!(state.choices[field.key] >= 0)) select.value = "-1";
    // Why the agent chose this column: by its header, or by its values.
    const found = (detected.mapping ?? []).find((m) => m.field === field.key && m.index === state.choices[field.key]);
    const how = found && state.layout?.[lang()]?.matched_by?.[found.matched_by];
    const why = how ? el("span", { class: "muted", text: ` ${how}` }) : null;
    return el("tr", {}, el("th", { scope: "row" }, field.label[lang()], field.required ? el("span", { class: "required", text: ` ${t("required")}` }) : null), el("td", {}, select, why));
  });
  fill(box, el("p", { class: "muted", text: `${t("mapping_hint")} ${t("header_row", { row: detected.header_row })}` }), el("table", { class: "mapping" }, el("tbody", {}, rows)), el("p", { id: "mapping-problems", class: "problem" }));
  renderMappingProblems();
}

function renderMappingProblems() {
  const node = $("mapping-problems");
  const preview = state.preview;
  if (!node || !preview?.detected?.found) return;
  const p = problems(preview.detected, state.choices);
  const label = (key) => preview.detected.fields.find((f) => f.key === key)?.label[lang()] ?? key;
  node.textContent = p.missing.length ? visibleText(t("missing_fields", { fields: p.missing.map(label).join(", ") })) : "";
  if (p.missing.length) $("mapping").open = true;
  $("score").disabled = state.busy || !p.ok;
}

function renderSummary(summary) {
  const { bands, top, rows, seconds, kept, orphans, orphansSaved, orphansUnsaved } = summary;
  const parts = [
    el("p", { class: "done", text: t("done_score", { rows: formatNumber(rows), seconds }) }),
    el("h3", { text: t("bands") }),
    bandCounts(bands, bandChoices(state.layout, lang())),
    el("h3", { text: t("top10") }),
    el("p", { class: "muted", text: t("top10_hint") }),
    topList(top, (item) => selectRow(item)),
  ];
  if (kept) parts.push(el("p", { class: "note", text: t("kept_reviews", { n: kept }) }));
  if (summary.budget) parts.push(...budgetSummary(summary.budget));
  if (summary.forecast) parts.push(...forecastSummary(summary.forecast));
  if (orphans.length) {
    parts.push(
      el(
        "details",
        { class: "orphans", open: true },
        el("summary", { text: t("orphans", { n: orphans.length }) }),
        orphansSaved ? el("p", { text: t("orphans_saved") }) : null,
        orphansUnsaved ? el("p", { class: "problem", text: t("orphans_unsaved", { n: orphansUnsaved }) }) : null,
        el("ul", {}, orphans.slice(0, 50).map((o) => el("li", { text: [o.label || "-", o.reasonText, o.note, `${o.key.slice(0, 12)}…`].filter(Boolean).join(" · ") }))),
      ),
    );
  }
  fill($("summary"), ...parts);
}

/**
 * The Score's budget execution: where it was written, the counts, and the
 * lines warned of in the latest month (the month the ledger reaches).
 */
function budgetSummary(budget) {
  const { response, name } = budget;
  const latest = response.rows.filter((r) => r.month === Math.max(1, response.through));
  const warned = latest.filter((r) => r.warning);
  const count = (code) => warned.filter((r) => r.warning === code).length;
  const words = state.layout[lang()].execution_warnings;
  return [
    el("h3", { text: t("budget_title", { through: response.through }) }),
    el("p", { class: "done", text: t("budget_done", { lines: formatNumber(response.lines), name }) }),
    el("p", { class: "muted", text: t("budget_counts", { over: count("over"), under: count("under"), unmatched: formatNumber(response.unmatched[0]), skipped: response.skipped.length }) }),
    warned.length
      ? el(
          "ul",
          { class: "budget-warnings" },
          warned.slice(0, 10).map((r) =>
            el("li", { class: `warning-${r.warning}` }, el("strong", { text: words[r.warning] }), " ", t("budget_line", { department: r.department, item: r.item, rate: percent(r.rate), projected: percent(r.projected) })),
          ),
        )
      : null,
  ];
}

/**
 * The Score's forecasts: where they were written, the model used (trained
 * or reused, and why), and the months that left their range, furthest first.
 */
function forecastSummary(forecast) {
  const { response, name } = forecast;
  return [
    el("h3", { text: t("forecast_title") }),
    el("p", { class: "done", text: t("forecast_done", { series: formatNumber(response.series), name }) }),
    el("p", { class: "muted forecast-model", text: response.model_text }),
    el("p", { class: "muted", text: t("forecast_flags", { n: formatNumber(response.flags.length) }) }),
    response.flags.length ? el("ul", { class: "forecast-flags" }, response.flags.slice(0, 10).map((f) => el("li", { class: `side-${f.side}`, text: f.reason }))) : null,
  ];
}

// ---------------------------------------------------------------- helpers

function setBusy(busy, { cancellable = false } = {}) {
  state.busy = busy;
  for (const id of ["score", "sync", "history", "report-pdf", "sheet", "budget-sheet", "forecast", "sample-select", "sample-evaluate", "next-sure", "next-teach"]) $(id).disabled = busy;
  $("cancel").hidden = !(busy && cancellable);
  if (!busy) renderMappingProblems();
}

async function guarded(work, progressHost) {
  const banner = $("banner");
  hideMessage(banner);
  const bar = progressBar();
  if (progressHost) fill(progressHost, bar.node);
  try {
    await work(bar);
  } catch (error) {
    if (error instanceof Cancelled || error?.name === "AbortError") {
      showMessage(banner, "info", t("cancelled"));
    } else {
      showError(banner, error, () => start());
      console.error(error);
    }
  } finally {
    if (progressHost) fill(progressHost);
    setBusy(false);
  }
}

/** The agent's runs of this workbook's sheet, newest first (as the agent lists them). */
async function runsOf(sheetName) {
  const { runs } = await getJson("runs");
  return runs.filter((r) => r.workbook === workbookName() && r.sheet === sheetName);
}

/**
 * Reviews the agent holds for rows this sheet had in any earlier scoring
 * whose keys are not in `present`: rows deleted or changed since. They
 * are reported, so nobody thinks they were lost.
 */
async function reviewsNotIn(sheetName, present) {
  const mine = await runsOf(sheetName);
  const vanished = new Map();
  for (const run of mine) {
    for (let offset = 0; ; offset += 1000) {
      const page = await getJson(`runs/${encodeURIComponent(run.id)}/rows?reviewed=true&limit=1000&offset=${offset}`);
      for (const r of page.rows) if (!present.has(r.key) && !vanished.has(r.key)) vanished.set(r.key, r);
      if (offset + page.rows.length >= page.total || !page.rows.length) break;
    }
  }
  return [...vanished.values()];
}

// ---------------------------------------------------------------- preview

/** Reads the top of the sheet and asks the agent how it maps the columns. */
async function preview() {
  const name = state.sheet;
  const extent = await sheet.sheetExtent(name);
  if (!extent.rows) {
    state.preview = { extent, detected: null, added: null };
    renderMapping();
    showMessage($("banner"), "warning", t("no_ledger"), [t("empty_sheet")]);
    $("score").disabled = true;
    return;
  }
  const top = await sheet.readRows(name, 0, Math.min(state.layout.header_scan_rows, extent.rows), extent.columns);
  const added = sheet.locateAdded(top, state.layout);
  const width = added ? added.start : extent.columns;
  const detected = await postJson("columns", { sheet: name, rows: top.map((r) => r.slice(0, width)) });
  state.preview = { extent, detected, added, width };
  state.choices = detected.found ? initialChoices(detected) : {};
  if (!detected.found) {
    showMessage($("banner"), "warning", t("no_ledger"), [t("missing_fields", { fields: detected.missing.join(", ") })]);
  } else {
    hideMessage($("banner"));
  }
  renderMapping();
}

// ---------------------------------------------------------------- score

async function runScore(bar) {
  const name = state.sheet;
  // A bad setting is told before the sheet is read.
  const alertAt = alertConfidence();
  await preview();
  const { extent, detected, added, width } = state.preview;
  if (!detected?.found || !problems(detected, state.choices).ok) {
    renderMappingProblems();
    return;
  }
  const started = performance.now();
  let cancelled = false;
  const abort = new AbortController();
  state.cancel = () => {
    cancelled = true;
    abort.abort();
  };
  setBusy(true, { cancellable: true });

  const total = extent.rows;
  const rows = await sheet.readBlocks(name, {
    total,
    width,
    cancelled: () => cancelled,
    onBlock: (done) => bar.set(done * 0.45, total, t("scoring_read", { done: formatNumber(done), total: formatNumber(total) })),
  });
  const previous = added ? await sheet.readPreviousReviews(name, added, total, { cancelled: () => cancelled }) : [];
  const budget = state.budgetSheet ? await readBudget(state.budgetSheet, () => cancelled) : undefined;
  if (cancelled) throw new Cancelled();

  bar.set(0.5 * total, total, t("scoring_send", { rows: formatNumber(total) }));
  const query = new URLSearchParams();
  if (alertAt !== null) query.set("alert_confidence", String(alertAt));
  if ($("forecast").checked) query.set("forecast", "true");
  const path = String(query) ? `score?${query}` : "score";
  const response = await postJson(path, { workbook: workbookName(), sheet: name, rows, map: overrides(detected, state.choices), budget }, { signal: abort.signal });
  // From here the sheet is being written: no cancelling halfway.
  setBusy(true, { cancellable: false });

  const layout = state.layout;
  const before = new Map();
  for (const p of previous) {
    if (!p.key) continue;
    const code = reviewCode(p.review, layout);
    const reason = reasonCode(p.review_reason, layout);
    before.set(p.key, {
      status: code || "",
      label: String(p.review ?? ""),
      reason: reason || "",
      reasonText: String(p.review_reason ?? ""),
      note: String(p.note ?? ""),
    });
  }
  const results = response.results;
  const { carried, kept, orphans } = mergeReviews(before, results);
  const savable = orphans.filter((o) => o.status);
  if (savable.length) {
    // A reason that does not fit its status (the agent would refuse the
    // batch) goes with the note as typed, so nothing of it is lost.
    const saved = (o) => {
      if (!o.reasonText || (o.reason && reasonFits(o.reason, o.status, layout))) return { reason: o.reason || undefined, note: o.note };
      return { note: [o.note, `${layout[lang()].columns.review_reason}: ${o.reasonText}`].filter(Boolean).join(" · ") };
    };
    await postJson("reviews", { reviews: savable.map((o) => ({ key: o.key, status: o.status, ...saved(o), reviewer: reviewer() })) });
  }

  const headerIndex = response.quality.header_row - 1;
  // A loop, not Math.max(...rows): 200k arguments overflow the stack.
  const lastRow = results.reduce((last, r) => Math.max(last, r.row), total);
  const cells = Array.from({ length: lastRow - headerIndex }, () => layout.columns.map(() => ""));
  cells[0] = layout.columns.map((what) => layout[lang()].columns[what]);
  results.forEach((r, i) => {
    const review = carried[i];
    const label = review ? (review.status ? reviewLabel(review.status, layout, lang()) : review.label) : "";
    // A recognised reason is shown in the chosen language; anything else as it was typed.
    const reason = review ? (review.reason ? reasonLabel(review.reason, layout, lang()) : review.reasonText) : "";
    const value = {
      score: Math.round(r.score * 10) / 10,
      band: bandLabel(layout, lang(), r.band),
      cluster: asCellText(r.cluster_name),
      reasons: asCellText(reasonsText(r)),
      review: asCellText(label),
      review_reason: asCellText(reason ?? ""),
      note: asCellText(review?.note ?? ""),
      // Hex keys can look like numbers ("12e45…"); the quote keeps them text.
      key: `'${r.key}`,
    };
    cells[r.row - 1 - headerIndex] = layout.columns.map((what) => value[what] ?? "");
  });
  const clusterNames = [...new Map(results.map((r) => [r.cluster, r.cluster_name])).entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  await sheet.writeAdded(name, {
    headerIndex,
    start: width,
    previous: added,
    cells,
    style: {
      columns: layout.columns,
      headerFill: layout.added_header_fill,
      bandCodes: layout.band_codes,
      bands: layout[lang()].bands,
      colours: layout.band_colours,
      clusters: clusterNames,
      palette: layout.cluster_palette,
      reviews: layout[lang()].reviews,
      reasons: layout[lang()].review_reasons,
    },
    onBlock: (done) => bar.set(0.7 * cells.length + 0.3 * done, cells.length, t("scoring_write", { done: formatNumber(done), total: formatNumber(cells.length) })),
  });

  // Reviews of rows that left the sheet: those still in it whose row
  // changed (saved above) and those the agent holds for rows deleted.
  const gone = new Map(orphans.map((o) => [o.key, { ...o, label: o.status ? reviewLabel(o.status, layout, lang()) : o.label }]));
  for (const r of await reviewsNotIn(name, new Set(results.map((r) => r.key)))) {
    if (!gone.has(r.key)) gone.set(r.key, { key: r.key, status: r.review, label: reviewLabel(r.review, layout, lang()), reasonText: reasonLabel(r.review_reason, layout, lang()), note: `${r.date} · ${r.department} · ${r.vendor}` });
  }

  // The 집행률 sheet, laid out by the agent as the command line writes it;
  // the one this pane wrote at the last Score gives way to it.
  // So are the 예측 sheet and its model line, with forecasts asked for.
  const budgetDone = response.budget ? { response: response.budget, name: await writeOwnSheet(response.budget.laid_out, "executionSheet") } : null;
  const forecastDone = response.forecast ? { response: response.forecast, name: await writeOwnSheet(response.forecast.laid_out, "forecastSheet") } : null;

  const column = {};
  for (const m of response.quality.mapping) column[m.field] = columnIndex(m.column);
  const pick = (row, field) => (column[field] === undefined ? "" : rows[row - 1]?.[column[field]]);
  const top = [...results]
    .sort((a, b) => b.score - a.score)
    .slice(0, 10)
    .map((r) => ({
      row: r.row,
      key: r.key,
      score: r.score,
      band: r.band,
      title: [pick(r.row, "department"), pick(r.row, "vendor")].filter(Boolean).join(" · ") || t("row", { row: r.row }),
      detail: `${t("row", { row: r.row })} · ${dateText(pick(r.row, "date"))} · ${formatNumber(pick(r.row, "amount"))}`,
      reasons: reasonsText(r),
    }));
  state.keyColumn = width + layout.columns.indexOf("key");
  state.keySheet = name;
  state.headerIndex = headerIndex;
  state.lastSummary = {
    bands: response.summary.bands,
    top,
    rows: results.length,
    seconds: ((performance.now() - started) / 1000).toFixed(1),
    kept,
    orphans: [...gone.values()],
    orphansSaved: gone.size - (orphans.length - savable.length),
    orphansUnsaved: orphans.length - savable.length,
    budget: budgetDone,
    forecast: forecastDone,
  };
  renderSummary(state.lastSummary);
  state.lastRun = { sheet: name, id: response.run_id };
  showAlert(response.alert);
}

/**
 * Writes a sheet the agent laid out (집행률, 예측) in place of the one this
 * pane wrote under `state[slot]` at the last Score, leaving the ledger in
 * view; returns the name it was written under.
 */
async function writeOwnSheet(laidOut, slot) {
  const [written] = await sheet.writeLaidOutSheets([laidOut], { replacing: state[slot] ? [state[slot]] : [], activate: false });
  state[slot] = written;
  if (!state.sheets.includes(written)) state.sheets.push(written);
  renderSheets();
  return written;
}

/** The budget sheet as the agent reads it: every used row from A1. */
async function readBudget(name, cancelled) {
  const extent = await sheet.sheetExtent(name);
  const rows = extent.rows ? await sheet.readBlocks(name, { total: extent.rows, width: extent.columns, cancelled }) : [];
  return { sheet: name, rows };
}

/** The banner of a Score holding unreviewed rows the reviews' model is sure of. */
function showAlert(alert) {
  if (!alert?.count) return;
  const banner = $("banner");
  showMessage(banner, "warning", t("alert_rows", { n: formatNumber(alert.count), percent: Math.round(alert.confidence * 100) }));
  banner.append(el("button", { type: "button", class: "button", id: "alert-show", text: t("alert_show"), onclick: () => openNext("sure") }));
}

/** The alert confidence the user set (0–1), or null for the agent's own. */
function alertConfidence() {
  const raw = $("alert-confidence").value.trim();
  if (!raw) return null;
  const percent = Number(raw);
  if (!(percent >= 1 && percent <= 100)) throw new Error(t("bad_alert_confidence"));
  return percent / 100;
}

// ---------------------------------------------------------------- review next

function renderNextButtons(view) {
  for (const button of document.querySelectorAll("#panel-next [data-view]")) {
    button.textContent = state.layout?.[lang()]?.next_views?.[button.dataset.view] ?? button.dataset.view;
    button.className = `button${button.dataset.view === view ? " primary" : ""}`;
    button.setAttribute("aria-pressed", String(button.dataset.view === view));
  }
}

/** The newest run of this sheet: the one just scored, else the agent's latest. */
async function currentRun() {
  if (state.lastRun?.sheet === state.sheet) return state.lastRun.id;
  const [run] = await runsOf(state.sheet);
  return run?.id ?? null;
}

/** Where the sheet keeps the key column, for selecting a row by its key. */
async function locateKeys() {
  if (state.keyColumn !== undefined && state.keySheet === state.sheet) return true;
  const extent = await sheet.sheetExtent(state.sheet);
  const top = extent.rows ? await sheet.readRows(state.sheet, 0, Math.min(state.layout.header_scan_rows, extent.rows), extent.columns) : [];
  const added = sheet.locateAdded(top, state.layout);
  if (!added) return false;
  state.keyColumn = added.start + state.layout.columns.indexOf("key");
  state.headerIndex = added.headerIndex;
  state.keySheet = state.sheet;
  return true;
}

async function runNext(view) {
  state.nextView = view;
  renderNextButtons(view);
  const box = $("next-result");
  const id = await currentRun();
  if (!id) {
    fill(box, el("p", { class: "muted", text: t("next_not_scored") }));
    return;
  }
  const next = await getJson(`runs/${encodeURIComponent(id)}/next?view=${view}&limit=20`);
  // A sheet whose key column cannot be found lists its rows unclickable.
  const located = next.rows.length > 0 && (await locateKeys());
  fill(box, ...nextList(next, located ? (item) => selectRow(item) : null));
}

function openNext(view) {
  showTab("next");
  guarded(() => runNext(view));
}

async function selectRow(item) {
  await guarded(async () => {
    await sheet.selectRowByKey(state.sheet, { key: item.key, row: item.row, keyColumn: state.keyColumn, headerIndex: state.headerIndex, width: state.keyColumn });
  });
}

// ---------------------------------------------------------------- sync

async function runSync(bar) {
  const name = state.sheet;
  setBusy(true);
  const extent = await sheet.sheetExtent(name);
  const top = extent.rows ? await sheet.readRows(name, 0, Math.min(state.layout.header_scan_rows, extent.rows), extent.columns) : [];
  const added = sheet.locateAdded(top, state.layout);
  if (!added) {
    showMessage($("banner"), "warning", t("sync_not_scored"));
    return;
  }
  const total = extent.rows - added.headerIndex - 1;
  const cells = await sheet.readPreviousReviews(name, added, extent.rows, {
    onBlock: (done) => bar.set(done, total, t("sync_reading", { done: formatNumber(done), total: formatNumber(total) })),
  });
  const collected = collectReviews({
    keys: cells.map((c) => c.key),
    statuses: cells.map((c) => c.review),
    reasons: cells.map((c) => c.review_reason),
    notes: cells.map((c) => c.note),
    layout: state.layout,
    reviewer: reviewer(),
    firstRow: added.headerIndex + 2,
  });
  let saved = 0;
  const unknown = [];
  for (let i = 0; i < collected.reviews.length; i += REVIEWS_PER_REQUEST) {
    const part = collected.reviews.slice(i, i + REVIEWS_PER_REQUEST);
    bar.set(i, collected.reviews.length, t("sync_sending", { n: formatNumber(collected.reviews.length) }));
    const answer = await postJson("reviews", { reviews: part });
    saved += answer.saved;
    unknown.push(...answer.unknown_keys);
  }

  // Reviews the agent holds for rows of this sheet's last run that are no
  // longer in the sheet: reported, so nobody thinks they were lost.
  const inSheet = new Set(cells.map((c) => c.key).filter(Boolean));
  const vanished = await reviewsNotIn(name, inSheet);

  const lines = [];
  if (collected.invalid.length) lines.push(el("li", { class: "problem", text: `${t("sync_invalid", { n: collected.invalid.length })}: ${collected.invalid.slice(0, 10).map((x) => `${x.row}: ${x.value}`).join(", ")}` }));
  if (collected.misfit.length) {
    const why = (x) => `${x.row}: ${reasonLabel(x.reason, state.layout, lang())} ≠ ${reviewLabel(x.status, state.layout, lang()) || t("no_status")}`;
    lines.push(el("li", { class: "problem misfit", text: `${t("sync_misfit", { n: collected.misfit.length })}: ${collected.misfit.slice(0, 10).map(why).join(", ")}` }));
  }
  if (unknown.length) lines.push(el("li", { text: t("sync_unknown", { n: unknown.length }) }));
  if (vanished.length) {
    lines.push(
      el(
        "li",
        { class: "vanished" },
        t("sync_vanished", { n: vanished.length }),
        el("ul", {}, vanished.slice(0, 50).map((r) => el("li", { text: `${r.date} · ${r.department} · ${r.vendor} · ${formatNumber(r.amount)} · ${reviewLabel(r.review, state.layout, lang())}` }))),
      ),
    );
  }
  const title = saved ? t("sync_saved", { n: formatNumber(saved) }) : t("sync_none");
  showMessage($("banner"), collected.invalid.length || collected.misfit.length || vanished.length ? "warning" : "success", title);
  fill($("sync-result"), lines.length ? el("ul", { class: "sync-lines" }, lines) : null);
}

// ---------------------------------------------------------------- history

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function runHistory() {
  setBusy(true);
  let names;
  let note = "";
  if (Office.context.requirements.isSetSupported("ExcelApi", "1.13")) {
    const response = await call("history.xlsx");
    names = await sheet.insertWorkbook(toBase64(await response.arrayBuffer()));
  } else {
    const { sheets } = await getJson("history");
    names = await sheet.writeLaidOutSheets(sheets);
    note = ` ${t("history_range")}`;
  }
  showMessage($("banner"), "success", t("history_done", { n: names.length, names: names.join(", ") }) + note);
}

// ---------------------------------------------------------------- sample

function samplePlanning() {
  return planning({ confidence: $("sample-confidence").value, materiality: $("sample-materiality").value, expected: $("sample-expected").value, method: $("sample-method").value });
}

function renderSampleMethods() {
  const box = $("sample-method");
  const chosen = box.value || "interval";
  const words = state.layout?.[lang()]?.selection_methods ?? [];
  fill(box, (state.layout?.selection_method_codes ?? []).map((code, i) => el("option", { value: code, selected: code === chosen, text: words[i] })));
}

/** The plan for the fields as they stand, in words; asked again on every change. */
async function renderSamplePlan() {
  const line = $("sample-plan");
  try {
    const planned = await postJson("sample/plan", samplePlanning());
    line.className = "note";
    line.textContent = planned.text[lang()];
  } catch (error) {
    // A field out of range: the agent says which, in the user's language.
    line.className = "problem";
    line.textContent = error.message;
  }
}

async function renderSampleSheets(wanted) {
  const { names } = await sheet.listSheets();
  state.samples = samplePairs(names, state.layout);
  const box = $("sample-sheet");
  const chosen = wanted ?? box.value;
  if (!state.samples.length) fill(box, el("option", { value: "", text: t("sample_none") }));
  else fill(box, state.samples.map((p) => el("option", { value: p.sample, selected: p.sample === chosen, text: p.sample })));
}

/** Draws a sample from this sheet's last run and writes it as two new sheets. */
async function runSampleSelect() {
  setBusy(true);
  const [run] = await runsOf(state.sheet);
  if (!run) {
    showMessage($("banner"), "warning", t("sample_not_scored"));
    return;
  }
  const drawn = await postJson("sample/select", { run: run.id, ...samplePlanning(), source: `${workbookName()} · ${state.sheet}` });
  const { names } = await sheet.listSheets();
  const free = freePair(names, state.layout, lang());
  const [sampleSheet, parameterSheet] = drawn.sheets;
  const written = await sheet.writeLaidOutSheets([
    { ...sampleSheet, name: free.sample },
    { ...parameterSheet, name: free.parameters },
  ]);
  await renderSampleSheets(written[0]);
  showMessage($("banner"), "success", t("sample_written", { n: formatNumber(drawn.rows.length), names: written.join(", ") }), [drawn.description[lang()]]);
  fill($("sample-result"));
}

/** Reads the chosen sample's two sheets as the auditor filled them and has the agent evaluate them. */
async function runSampleEvaluate() {
  setBusy(true);
  await renderSampleSheets();
  const pair = state.samples.find((p) => p.sample === $("sample-sheet").value);
  if (!pair) {
    showMessage($("banner"), "warning", t("sample_choose"));
    return;
  }
  const grid = async (name) => {
    const extent = await sheet.sheetExtent(name);
    return { name, rows: extent.rows ? await sheet.readRows(name, 0, extent.rows, extent.columns) : [] };
  };
  const sheets = { workbook: workbookName(), sample: await grid(pair.sample), parameters: await grid(pair.parameters) };
  const result = await postJson("sample/evaluate", { sheets });
  const money = (x) => formatNumber(Math.round(x));
  fill(
    $("sample-result"),
    el("h3", { text: t("sample_result") }),
    el("p", { class: result.conclusion === "accept" ? "done" : "problem", text: result.conclusion_text[lang()] }),
    el("p", { class: "muted", text: `${t("sample_errors", { errors: result.errors, n: result.n })} · ${t("sample_upper", { upper: money(result.upper), tolerable: money(result.tolerable) })}` }),
  );
  hideMessage($("banner"));
}

// ---------------------------------------------------------------- start

function showTab(name) {
  for (const tab of ["score", "sync", "history", "next", "sample"]) {
    $(`tab-${tab}`).setAttribute("aria-selected", String(tab === name));
    $(`panel-${tab}`).hidden = tab !== name;
  }
}

async function start() {
  hideMessage($("banner"));
  try {
    if (!hasToken()) throw new AgentError("token");
    state.layout = await getJson("layout");
    const { names, active } = await sheet.listSheets();
    state.sheets = names;
    state.sheet = state.sheet && names.includes(state.sheet) ? state.sheet : active;
    renderSheets();
    await preview();
  } catch (error) {
    showError($("banner"), error, () => start());
  }
}

function wire() {
  $("lang").addEventListener("click", () => {
    setLang(lang() === "ko" ? "en" : "ko");
    renderLabels();
  });
  for (const tab of ["score", "sync", "history"]) $(`tab-${tab}`).addEventListener("click", () => showTab(tab));
  $("tab-next").addEventListener("click", () => openNext(state.nextView ?? "sure"));
  for (const button of document.querySelectorAll("#panel-next [data-view]")) button.addEventListener("click", () => guarded(() => runNext(button.dataset.view)));
  const alertAt = globalThis.localStorage?.getItem("ledgerlens.alert_confidence");
  if (alertAt) $("alert-confidence").value = alertAt;
  $("alert-confidence").addEventListener("change", () => globalThis.localStorage?.setItem("ledgerlens.alert_confidence", $("alert-confidence").value.trim()));
  $("tab-sample").addEventListener("click", () => {
    showTab("sample");
    guarded(async () => {
      renderSampleMethods();
      await renderSampleSheets();
      await renderSamplePlan();
    });
  });
  for (const id of ["sample-confidence", "sample-materiality", "sample-expected", "sample-method"]) $(id).addEventListener("change", () => renderSamplePlan());
  $("sample-select").addEventListener("click", () => guarded(() => runSampleSelect()));
  $("sample-evaluate").addEventListener("click", () => guarded(() => runSampleEvaluate()));
  $("sheet").addEventListener("change", async (e) => {
    state.sheet = e.target.value;
    renderSheets();
    state.lastSummary = null;
    fill($("next-result"));
    fill($("summary"));
    await guarded(() => preview());
  });
  $("budget-sheet").addEventListener("change", (e) => {
    state.budgetSheet = e.target.value;
  });
  // Forecasting is a habit of the person, not of one workbook: kept.
  $("forecast").checked = globalThis.localStorage?.getItem("ledgerlens.forecast") === "true";
  $("forecast").addEventListener("change", (e) => globalThis.localStorage?.setItem("ledgerlens.forecast", String(e.target.checked)));
  $("score").addEventListener("click", () => guarded((bar) => runScore(bar), $("score-progress")));
  $("cancel").addEventListener("click", () => state.cancel?.());
  $("sync").addEventListener("click", () => guarded((bar) => runSync(bar), $("sync-progress")));
  $("history").addEventListener("click", () => guarded(() => runHistory()));
  $("report-pdf").addEventListener("click", () =>
    guarded(async () => {
      setBusy(true);
      const { name, missing } = await downloadFrom(`report.pdf?lang=${lang()}`, "ledgerlens-report.pdf");
      showMessage($("banner"), missing.length ? "warning" : "success", t("report_pdf_done", { name }), missing.length ? [t("report_pdf_missing", { chars: missing.join(", ") })] : []);
    }),
  );
  const saved = globalThis.localStorage?.getItem("ledgerlens.reviewer");
  if (saved) $("reviewer").value = saved;
  $("reviewer").addEventListener("change", () => globalThis.localStorage?.setItem("ledgerlens.reviewer", reviewer()));
}

if (typeof Office === "undefined") {
  // office.js did not load: the page was opened outside Excel (or offline).
  initLang();
  renderLabels();
  showMessage($("banner"), "warning", t("not_in_excel"));
  fill($("banner"), ...$("banner").childNodes, el("p", {}, el("a", { href: "./", text: t("open_dashboard") })));
} else Office.onReady((info) => {
  initLang(Office.context?.displayLanguage);
  initToken();
  wire();
  renderLabels();
  showTab("score");
  if (info?.host && info.host !== Office.HostType.Excel) {
    showMessage($("banner"), "warning", t("not_in_excel"));
    return;
  }
  start();
});
