// The browser dashboard (https://localhost:PORT/, the tray's Open
// dashboard): upload a file, browse runs and their scored rows with
// filters, the department × month heat map, and the history workbook.
// For supervisors and anyone without the add-in; no Office.js here.
// A run cut off by a crash (interrupted) is marked and can be removed.

import { initLang, lang, setLang, t } from "./i18n.js";
import { AgentError, call, getJson, hasToken, initToken } from "./api.js";
import { bandChoices, bandLabel, percent, reasonsText } from "./layout.js";
import { bandCounts, downloadFrom, el, fill, formatNumber, heatMap, hideMessage, histogram, lineChart, nextList, progressBar, rocChart, showError, showMessage, topList, visibleText } from "./ui.js";

const $ = (id) => document.getElementById(id);
const PAGE = 50;
const CONTENT_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  xlsm: "application/vnd.ms-excel.sheet.macroEnabled.12",
  xls: "application/vnd.ms-excel",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  csv: "text/csv",
};

/** `layout` is the agent's vocabulary (GET layout): band codes and labels. */
const state = { layout: null, runs: [], run: null, offset: 0, total: 0, departments: [], history: null, model: null, row: null };

/** The bands, highest first, in the current language; none before the layout came. */
function bands() {
  return state.layout ? bandChoices(state.layout, lang()) : [];
}

function startedAt(run) {
  return run.started_at.replace("T", " ").slice(0, 19);
}

// ---------------------------------------------------------------- render

function renderLabels() {
  document.documentElement.lang = lang();
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = t("lang_switch");
  $("filter-text").placeholder = t("dash_filter_text");
  renderRuns();
  renderFilters();
  if (state.history) renderHistory();
  if (state.row) renderRow();
}

function renderRuns() {
  if (!state.runs.length) {
    fill($("runs"), el("p", { class: "muted", text: t("dash_no_runs") }));
    return;
  }
  // The status column is there only while some run needs it.
  const anyInterrupted = state.runs.some((run) => run.interrupted);
  const headers = [t("dash_started"), t("dash_workbook"), t("sheet"), t("dash_rows_n"), bandLabel(state.layout, lang(), "high"), bandLabel(state.layout, lang(), "medium")];
  if (anyInterrupted) headers.push(t("dash_status"));
  const head = el("tr", {}, headers.map((h) => el("th", { text: h })));
  const rows = state.runs.map((run) =>
    el(
      "tr",
      {
        class: run.id === state.run?.id ? "selected" : null,
        "data-run": run.id,
        "data-interrupted": run.interrupted ? "true" : null,
        tabindex: "0",
        onclick: () => openRun(run),
        // Enter on the row itself: Enter on its Remove button is the button's.
        onkeydown: (e) => e.key === "Enter" && e.target === e.currentTarget && openRun(run),
      },
      el("td", { text: startedAt(run) }),
      el("td", { text: run.workbook }),
      el("td", { text: run.sheet }),
      el("td", { class: "num", text: formatNumber(run.rows) }),
      el("td", { class: "num", text: formatNumber(run.high) }),
      el("td", { class: "num", text: formatNumber(run.medium) }),
      anyInterrupted ? el("td", { class: "status" }, run.interrupted ? interruptedControls(run) : null) : null,
    ),
  );
  fill($("runs"), el("table", { class: "runs" }, el("thead", {}, head), el("tbody", {}, rows)));
}

/** The badge of a run cut off by a crash, and its Remove button. */
function interruptedControls(run) {
  const names = { workbook: run.workbook, sheet: run.sheet, started: startedAt(run) };
  return [
    el("span", { class: "badge interrupted", title: t("dash_interrupted_hint"), text: t("dash_interrupted") }),
    el("button", {
      type: "button",
      class: "button small",
      "data-remove": run.id,
      "aria-label": t("dash_remove_run", names),
      text: t("dash_remove"),
      onclick: (e) => {
        e.stopPropagation(); // not also opening the run
        guarded(() => removeRun(run));
      },
    }),
  ];
}

function renderFilters() {
  const band = $("filter-band");
  const chosenBand = band.value;
  fill(band, el("option", { value: "", text: t("dash_all") }), bands().map((b) => el("option", { value: b.code, text: b.label })));
  band.value = chosenBand;
  const dept = $("filter-dept");
  const chosenDept = dept.value;
  fill(dept, el("option", { value: "", text: t("dash_all") }), state.departments.map((d) => el("option", { value: d, text: d })));
  dept.value = chosenDept;
}

function renderTable(rows) {
  const columns = ["col_score", "col_band", "col_row", "col_date", "col_dept", "col_account", "col_vendor", "col_desc", "col_amount", "col_reasons"];
  const head = el("tr", {}, columns.map((c) => el("th", { scope: "col", text: t(c) })));
  const body = rows.map((r) =>
    el(
      "tr",
      { "data-band": r.band, "data-key": r.key, class: "clickable", tabindex: "0", onclick: () => guarded(() => openRow(r.key)), onkeydown: (e) => e.key === "Enter" && guarded(() => openRow(r.key)) },
      el("td", { class: `num band-${r.band}`, text: r.score.toFixed(1) }),
      el("td", { text: bandLabel(state.layout, lang(), r.band) }),
      el("td", { class: "num", text: String(r.row) }),
      el("td", { text: r.date }),
      el("td", { text: r.department }),
      el("td", { text: r.account }),
      el("td", { text: r.vendor }),
      el("td", { text: r.description }),
      el("td", { class: "num", text: formatNumber(r.amount) }),
      el("td", { class: "reasons", text: reasonsText(r) }),
    ),
  );
  fill($("table"), el("table", { class: "data" }, el("thead", {}, head), el("tbody", {}, body)));
  const to = Math.min(state.offset + rows.length, state.total);
  $("page-label").textContent = t("dash_page", { from: state.total ? state.offset + 1 : 0, to, total: formatNumber(state.total) });
  $("prev").disabled = state.offset === 0;
  $("next").disabled = to >= state.total;
}

// ---------------------------------------------------------------- data

async function guarded(work) {
  hideMessage($("banner"));
  try {
    await work();
  } catch (error) {
    showError($("banner"), error, () => start());
    console.error(error);
  }
}

async function loadRuns() {
  state.runs = (await getJson("runs")).runs;
  renderRuns();
}

async function loadHistory() {
  state.history = (await getJson("history")).history;
  renderHistory();
}

function renderHistory() {
  fill($("heatmap"), heatMap(state.history.flags_by_department_month));
  renderTrends();
  renderExecution();
}

/** How many departments the trend lines name beside the total. */
const TREND_DEPARTMENTS = 4;
/** How many months they span, newest last. */
const TREND_MONTHS = 24;

/** [[department, month, value]] as lines: the total, then the biggest departments. */
function trendSeries(data, months) {
  const byDept = new Map();
  for (const [d, m, v] of data) if (months.includes(m)) byDept.set(d, (byDept.get(d) ?? 0) + v);
  const biggest = [...byDept.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TREND_DEPARTMENTS).map((e) => e[0]);
  const sum = (keep) => months.map((m) => data.filter(([d, mm]) => mm === m && keep(d)).reduce((s, x) => s + x[2], 0));
  return [{ name: t("dash_all"), values: sum(() => true) }, ...biggest.map((d) => ({ name: d, values: sum((x) => x === d) }))];
}

function renderTrends() {
  const { flags_by_department_month: flags, spending_by_department_month: spending } = state.history;
  const months = [...new Set([...flags, ...spending].map((x) => x[1]))].sort().slice(-TREND_MONTHS);
  if (!months.length) {
    fill($("trends"), el("p", { class: "muted", text: t("dash_trend_empty") }));
    return;
  }
  fill(
    $("trends"),
    el("h3", { text: t("dash_trend_flags") }),
    el("div", { class: "chart-wrap", id: "trend-flags" }, lineChart(months, trendSeries(flags, months), formatNumber, t("dash_trend_flags"))),
    el("h3", { text: t("dash_trend_spending") }),
    el("div", { class: "chart-wrap", id: "trend-spending" }, lineChart(months, trendSeries(spending, months), compactNumber, t("dash_trend_spending"))),
  );
}

/** 1,234,567 as "1.2M" (axis labels: the table has the exact figure). */
function compactNumber(n) {
  return new Intl.NumberFormat(lang() === "ko" ? "ko-KR" : "en-GB", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

/**
 * The newest budgeted run's lines where they stand now, warned first: each
 * rate as a bar against its planned pace.
 */
function renderExecution() {
  const execution = state.history.execution;
  if (!execution) {
    fill($("execution"), el("p", { class: "muted", text: t("dash_execution_none") }));
    return;
  }
  const [at, record] = execution;
  const latest = record.rows.filter((r) => r.month === Math.max(1, record.through));
  const order = (r) => (r.warning === "over" ? 0 : r.warning === "under" ? 1 : 2);
  latest.sort((a, b) => order(a) - order(b) || Math.abs(b.deviation ?? 0) - Math.abs(a.deviation ?? 0));
  const words = state.layout?.[lang()]?.execution_warnings ?? {};
  const bar = (r) => {
    const scale = Math.max(1.2, r.rate ?? 0, r.planned);
    const cell = el("td", { class: "rate-bar" });
    const track = el("div", { class: "track" }, el("div", { class: `fill ${r.warning ? `warning-${r.warning}` : ""}` }), el("div", { class: "plan" }));
    track.firstChild.style.width = `${(100 * (r.rate ?? 0)) / scale}%`;
    track.lastChild.style.left = `${(100 * r.planned) / scale}%`;
    cell.append(track);
    return cell;
  };
  const head = el("tr", {}, ["col_dept", "col_item", "col_allocation", "col_spent", "col_rate", "", "col_planned", "col_projected", "col_warning"].map((c) => el("th", { scope: "col", text: c ? t(c) : "" })));
  const rows = latest.map((r) =>
    el(
      "tr",
      { "data-warning": r.warning ?? "" },
      el("td", { text: r.department }),
      el("td", { text: r.item }),
      el("td", { class: "num", text: formatNumber(r.allocation) }),
      el("td", { class: "num", text: formatNumber(r.cumulative) }),
      el("td", { class: "num", text: percent(r.rate) }),
      bar(r),
      el("td", { class: "num", text: percent(r.planned) }),
      el("td", { class: "num", text: percent(r.projected) }),
      el("td", { text: r.warning ? words[r.warning] ?? r.warning : "" }),
    ),
  );
  fill(
    $("execution"),
    el("p", { class: "muted", text: t("dash_execution_of", { at: `${at.replace("T", " ").slice(0, 16)}${at.endsWith("Z") ? " UTC" : ""}`, sheet: record.sheet, year: record.year, through: Math.max(1, record.through) }) }),
    el("div", { class: "table-wrap" }, el("table", { class: "data execution" }, el("thead", {}, head), el("tbody", {}, rows))),
  );
}

/** The row page: its fields and reasons, its group's amounts, its twins. */
async function openRow(key) {
  state.row = await getJson(`runs/${encodeURIComponent(state.run.id)}/rows/${encodeURIComponent(key)}`);
  renderRow();
  $("row-card").hidden = false;
  $("row-card").scrollIntoView({ block: "start" });
}

function renderRow() {
  const { row, group, twins } = state.row;
  $("row-title").textContent = t("dash_row_title", { row: row.row, department: row.department, vendor: row.vendor });
  const facts = [
    ["col_score", `${row.score.toFixed(1)} · ${bandLabel(state.layout, lang(), row.band)}`],
    ["col_date", row.date],
    ["col_dept", row.department],
    ["col_account", row.account],
    ["col_vendor", row.vendor],
    ["col_desc", row.description],
    ["col_amount", formatNumber(row.amount)],
  ];
  const d = group.distribution;
  const share = `${(d.share_at_or_below * 100).toFixed(1)}%`;
  const twinRows = twins.map((r) =>
    el("tr", { "data-key": r.key }, el("td", { class: "num", text: String(r.row) }), el("td", { text: r.date }), el("td", { class: "num", text: formatNumber(r.amount) }), el("td", { text: r.description }), el("td", { class: "reasons", text: reasonsText(r) })),
  );
  fill(
    $("row-detail"),
    el("dl", { class: "facts" }, facts.flatMap(([k, v]) => [el("dt", { text: t(k) }), el("dd", { text: v })])),
    el("h3", { text: t("col_reasons") }),
    el("ul", { class: "reason-list" }, (row.reasons ?? []).map((r) => el("li", { "data-code": r.code, text: r.text }))),
    el("h3", { text: t("dash_row_group", { department: group.department, account: group.account, count: formatNumber(d.count), share }) }),
    el("div", { class: "chart-wrap" }, histogram(d, formatNumber, t("dash_row_group", { department: group.department, account: group.account, count: d.count, share }))),
    el("h3", { text: t("dash_row_twins") }),
    twins.length
      ? el("table", { class: "data twins" }, el("thead", {}, el("tr", {}, ["col_row", "col_date", "col_amount", "col_desc", "col_reasons"].map((c) => el("th", { scope: "col", text: t(c) })))), el("tbody", {}, twinRows))
      : el("p", { class: "muted", text: t("dash_row_no_twins") }),
  );
}

/** The model-quality card: the figures on all and on the later reviews, and the ROC curve. */
async function loadModel() {
  const report = await getJson("model/report");
  state.model = report;
  renderModel();
}

function renderModel() {
  const report = state.model;
  if (!report) return;
  const counts = el("p", { class: "muted", text: t("model_counts", { confirmed: report.confirmed, normal: report.normal, evidence: report.needs_evidence, unscored: report.unscored }) });
  const fixed = (x) => x.toFixed(3);
  // The unsupervised score on all and on the later reviews; the reviews'
  // model and the blend, trained on the earlier ones, on the later.
  const judged = [
    ...report.unsupervised.map((j) => ["unsupervised", j]),
    ...(report.weighted ? [["weighted", report.weighted]] : []),
    ...(report.supervised ? [["supervised", report.supervised]] : []),
    ...(report.blend ? [["blend", report.blend]] : []),
  ];
  const rows = judged.map(([kind, j]) => {
    const set = j.on === "all" ? t("model_on_all") : t("model_on_later", { from: (report.later_from ?? "").slice(0, 10) });
    const on = `${state.layout?.[lang()]?.score_kinds?.[kind] ?? kind} · ${set}`;
    const f = j.figures;
    if (!f) return el("tr", { "data-on": j.on, "data-kind": kind }, el("th", { scope: "row", text: on }), el("td", { text: String(j.rows) }), el("td", { colspan: "4", class: "muted", text: j.missing?.[lang()] ?? t("model_none") }));
    return el("tr", { "data-on": j.on, "data-kind": kind }, el("th", { scope: "row", text: on }), el("td", { text: String(j.rows) }), [f.auc, f.pr_auc, f.ks, f.gini].map((x) => el("td", { class: "figure", text: fixed(x) })));
  });
  const table = el(
    "table",
    { class: "model-figures" },
    el("thead", {}, el("tr", {}, el("th", { text: "" }), el("th", { text: t("model_rows") }), ["AUC", "PR-AUC", "KS", "Gini"].map((h) => el("th", { text: h })))),
    el("tbody", {}, rows),
  );
  const all = report.unsupervised.find((j) => j.on === "all")?.figures;
  // Each detector's weight with the reviews behind it; only the detectors
  // some review touched or the config pinned, the rest are at their default.
  const weighed = (report.weights ?? []).filter((w) => w.reviewed > 0 || w.pinned);
  const reasonWord = (code) => state.layout?.[lang()]?.detectors?.[code] ?? code;
  const weights = weighed.length
    ? el(
        "div",
        { class: "table-wrap" },
        el(
          "table",
          { class: "model-weights" },
          el("caption", { text: t("model_weights") }),
          el("thead", {}, el("tr", {}, ["detector", "configured", "reviewed", "confirmed", "factor", "in_force"].map((h) => el("th", { text: t(`model_weight_${h}`) })))),
          el(
            "tbody",
            {},
            weighed.map((w) =>
              el(
                "tr",
                { "data-code": w.code },
                el("th", { scope: "row", text: reasonWord(w.code) + (w.pinned ? ` (${t("model_pinned")})` : "") }),
                [w.configured.toFixed(2), String(w.reviewed), String(w.confirmed), w.factor.toFixed(2), w.weight.toFixed(2)].map((x) => el("td", { class: "figure", text: x })),
              ),
            ),
          ),
        ),
      )
    : null;
  fill($("model"), counts, el("div", { class: "table-wrap" }, table), weights, all ? el("figure", {}, rocChart(all.roc, t("model_roc")), el("figcaption", { class: "muted", text: t("model_roc") })) : null);
}

async function openRun(run) {
  state.run = run;
  state.offset = 0;
  closeRow();
  $("filter-band").value = "";
  $("filter-dept").value = "";
  $("filter-text").value = "";
  renderRuns();
  $("run-card").hidden = false;
  $("run-title").textContent = visibleText(`${t("dash_table")} · ${run.workbook} · ${run.sheet}`);
  // Filters were just reset, so the first page starts with the ten highest.
  const page = await loadPage();
  state.departments = page.departments;
  renderFilters();
  fill(
    $("run-summary"),
    run.interrupted ? el("p", { class: "problem interrupted-note" }, el("span", { class: "badge interrupted", text: t("dash_interrupted") }), " ", t("dash_interrupted_hint")) : null,
    bandCounts(Object.fromEntries(bands().map((b) => [b.code, run[b.code]])), bands()),
    el("h3", { text: t("top10") }),
    topList(
      page.rows.slice(0, 10).map((r) => ({ row: r.row, score: r.score, band: r.band, title: `${r.department} · ${r.vendor}`, detail: `${t("row", { row: r.row })} · ${r.date} · ${formatNumber(r.amount)}`, reasons: reasonsText(r) })),
      null,
    ),
    await reviewNext(run),
  );
}

/** The run's rows to review next, both ways, side by side. */
async function reviewNext(run) {
  const views = state.layout?.next_view_codes ?? [];
  const columns = [];
  for (const view of views) {
    const next = await getJson(`runs/${encodeURIComponent(run.id)}/next?view=${view}&limit=10`);
    columns.push(el("div", { class: `next-view next-${view}` }, el("h4", { text: state.layout[lang()].next_views[view] }), ...nextList(next, null)));
    if (next.why) break;
  }
  return el("div", { class: "review-next" }, el("h3", { text: t("tab_next") }), el("div", { class: "next-views" }, columns));
}

/** Loads and shows the current page; returns it. */
async function loadPage() {
  const params = new URLSearchParams({ offset: String(state.offset), limit: String(PAGE) });
  if ($("filter-band").value) params.set("band", $("filter-band").value);
  if ($("filter-dept").value) params.set("department", $("filter-dept").value);
  if ($("filter-text").value.trim()) params.set("q", $("filter-text").value.trim());
  const page = await getJson(`runs/${encodeURIComponent(state.run.id)}/rows?${params}`);
  state.total = page.total;
  renderTable(page.rows);
  return page;
}

function closeRun() {
  state.run = null;
  state.offset = 0;
  state.total = 0;
  $("run-card").hidden = true;
  fill($("run-summary"));
  fill($("table"));
  closeRow();
}

function closeRow() {
  state.row = null;
  $("row-card").hidden = true;
  fill($("row-detail"));
}

/**
 * Removes a run cut off by a crash, once the user confirms. The agent
 * removes only such runs (any other gets 409 run_not_interrupted) and
 * records the removal in its audit trail.
 */
async function removeRun(run) {
  const question = t("dash_remove_confirm", { workbook: run.workbook, sheet: run.sheet, started: startedAt(run) });
  // A native dialog reorders text just as the page would.
  if (!globalThis.confirm(visibleText(question))) return;
  let refused = null;
  try {
    await call(`runs/${encodeURIComponent(run.id)}`, { method: "DELETE" });
  } catch (error) {
    refused = error;
  }
  if (!refused && state.run?.id === run.id) closeRun();
  // Removed or refused, the list then shows what the agent holds (another
  // window may have removed the run first); its flags leave the heat map.
  await loadRuns();
  await loadHistory();
  if (refused) throw refused;
  showMessage($("banner"), "success", t("dash_removed", { workbook: run.workbook, sheet: run.sheet }));
}

async function upload(file) {
  const extension = file.name.split(".").pop().toLowerCase();
  const contentType = CONTENT_TYPES[extension];
  if (!contentType) {
    showMessage($("banner"), "error", t("error", { message: file.name }), [t("dash_upload_hint")]);
    return;
  }
  const bar = progressBar();
  fill($("upload-progress"), bar.node);
  bar.set(1, 2, t("dash_uploading", { name: file.name }));
  try {
    const response = await call(`score?workbook=${encodeURIComponent(file.name)}`, { method: "POST", body: file, contentType });
    const result = await response.json();
    await loadRuns();
    await loadHistory();
    await loadModel();
    const run = state.runs.find((r) => r.id === result.run_id);
    if (run) await openRun(run);
    showMessage($("banner"), "success", t("dash_scored", { name: file.name, rows: formatNumber(result.results.length) }));
  } finally {
    fill($("upload-progress"));
  }
}

// ---------------------------------------------------------------- start

async function start() {
  await guarded(async () => {
    if (!hasToken()) throw new AgentError("token");
    state.layout ??= await getJson("layout");
    renderFilters();
    await loadRuns();
    await loadHistory();
    await loadModel();
    if (state.runs.length && !state.run) await openRun(state.runs[0]);
  });
}

function wire() {
  $("lang").addEventListener("click", () => {
    setLang(lang() === "ko" ? "en" : "ko");
    renderLabels();
    renderModel();
    if (state.run) guarded(() => openRun(state.run));
  });
  $("file").addEventListener("change", (e) => {
    const file = e.target.files?.[0];
    if (file) guarded(() => upload(file));
    e.target.value = "";
  });
  const zone = $("dropzone");
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const file = e.dataTransfer?.files?.[0];
    if (file) guarded(() => upload(file));
  });
  const refilter = () => {
    state.offset = 0;
    guarded(loadPage);
  };
  $("filter-band").addEventListener("change", refilter);
  $("filter-dept").addEventListener("change", refilter);
  let typing;
  $("filter-text").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(refilter, 300);
  });
  $("prev").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE);
    guarded(loadPage);
  });
  $("next").addEventListener("click", () => {
    state.offset += PAGE;
    guarded(loadPage);
  });
  $("row-close").addEventListener("click", closeRow);
  $("download").addEventListener("click", () => guarded(() => downloadFrom("history.xlsx", "ledgerlens-history.xlsx")));
  $("download-pdf").addEventListener("click", () =>
    guarded(async () => {
      const { missing } = await downloadFrom(`report.pdf?lang=${lang()}`, "ledgerlens-report.pdf");
      if (missing.length) showMessage($("banner"), "warning", t("report_pdf_missing", { chars: missing.join(", ") }));
    }),
  );
}

initLang();
initToken();
wire();
renderLabels();
start();
