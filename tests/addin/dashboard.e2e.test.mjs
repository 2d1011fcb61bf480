// The browser dashboard (https://localhost:PORT/, the tray's Open
// dashboard) in headless Chromium against the real agent: the token
// hand-off, upload, the scored table with filters, the heat map, history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";

import { sharedBrowserAndAgent, demoLedger, screenshot, startAgent } from "./harness.mjs";

const shared = sharedBrowserAndAgent();
const artifact = (name) => path.join(path.dirname(new URL(import.meta.url).pathname), "artifacts", name);

/** What clicking `selector` downloads: {name, bytes}. */
async function downloaded(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const stream = await download.createReadStream();
  const bytes = await new Promise((resolve) => {
    const parts = [];
    stream.on("data", (p) => parts.push(p));
    stream.on("end", () => resolve(Buffer.concat(parts)));
  });
  return { name: download.suggestedFilename(), bytes };
}

test("upload a ledger, filter the scored table, see the heat map and download history", async () => {
  const { xlsx } = demoLedger(5000, 4);
  const context = await shared.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1400 }, locale: "ko-KR", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Where the tray's Open dashboard lands; the key leaves the address bar.
  await page.goto(`${shared.agent.origin}/?token=${shared.agent.token}`);
  await page.waitForSelector("#runs p.muted");
  assert.equal(new URL(page.url()).pathname, "/addin/");
  assert.ok(!page.url().includes("token"), page.url());

  await page.setInputFiles("#file", xlsx);
  await page.waitForSelector("#banner.success", { timeout: 120_000 });
  await page.waitForSelector("#table tbody tr");
  assert.equal(await page.locator("#runs tbody tr").count(), 1);
  assert.match(await page.textContent("#runs tbody tr"), /demo_ledger\.xlsx/);
  assert.equal(await page.locator("#table tbody tr").count(), 50, "a page of 50 rows");
  const scores = await page.$$eval("#table tbody tr td:first-child", (tds) => tds.map((td) => Number(td.textContent)));
  assert.ok(scores.every((s, i) => i === 0 || s <= scores[i - 1]), "highest risk first");
  assert.match(await page.textContent("#page-label"), /1–50/);
  const total = Number((await page.textContent("#page-label")).split("/")[1].replace(/[^0-9]/g, ""));
  assert.ok(total >= 5000, `${total} rows`);

  // The bands, in the agent's order and words: filter, summary chips, runs table.
  const bandOptions = () => page.$$eval("#filter-band option", (os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(await bandOptions(), [["", "전체"], ["high", "높음"], ["medium", "중간"], ["low", "낮음"]]);
  assert.deepEqual(await page.$$eval("#run-summary .band-counts .chip", (cs) => cs.map((c) => [c.dataset.band, c.querySelector(".chip-label").textContent])), [
    ["high", "높음"],
    ["medium", "중간"],
    ["low", "낮음"],
  ]);
  assert.deepEqual((await page.$$eval("#runs thead th", (ths) => ths.map((th) => th.textContent))).slice(4, 6), ["높음", "중간"]);
  const bandCells = await page.$$eval("#table tbody tr td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
  assert.ok(bandCells.every((b) => ["높음", "중간", "낮음"].includes(b)), bandCells.join());
  // Reasons are text in the page's language, one " · " between them.
  const reasonCells = await page.$$eval("#table tbody tr td.reasons", (tds) => tds.map((td) => td.textContent));
  assert.ok(reasonCells.some((r) => r.length > 0), "the highest rows have reasons");
  assert.ok(reasonCells.every((r) => !r.includes("[object") && !r.includes("undefined")), reasonCells.join("\n"));

  // Filters: band, then department, then text.
  await page.selectOption("#filter-band", "high");
  await page.waitForFunction(() => [...document.querySelectorAll("#table tbody tr")].every((tr) => tr.dataset.band === "high"));
  const highs = await page.locator("#table tbody tr").count();
  assert.ok(highs > 0);
  const dept = await page.$eval("#filter-dept option:nth-child(2)", (o) => o.value);
  await page.selectOption("#filter-dept", dept);
  await page.waitForFunction((d) => [...document.querySelectorAll("#table tbody tr td:nth-child(5)")].every((td) => td.textContent === d), dept);
  await page.selectOption("#filter-band", "");
  await page.selectOption("#filter-dept", "");
  const vendor = await page.$eval("#table tbody tr td:nth-child(7)", (td) => td.textContent);
  await page.fill("#filter-text", vendor);
  await page.waitForFunction((v) => {
    const rows = [...document.querySelectorAll("#table tbody tr")];
    return rows.length > 0 && rows.every((tr) => tr.textContent.includes(v));
  }, vendor);

  // The department × month heat map: a cell per department and month,
  // coloured by its count.
  const cells = await page.locator("#heatmap td.heat").count();
  assert.ok(cells > 10, `${cells} heat map cells`);
  const counts = await page.$$eval("#heatmap td.heat", (tds) => tds.map((td) => Number(td.dataset.count)));
  const flagged = (await shared.agent.api("history")).json.history.flags_by_department_month.reduce((n, f) => n + f[2], 0);
  assert.equal(counts.reduce((a, b) => a + b, 0), flagged);
  await screenshot(page, "dashboard-1-scored");

  // Model quality: reviewers confirm the three highest rows and call the
  // next three normal; the card shows the figures and the ROC curve.
  const run = (await shared.agent.api("runs")).json.runs[0];
  const top = (await shared.agent.api(`runs/${run.id}/rows?limit=6`)).json.rows;
  const marks = top.map((r, i) => ({ key: r.key, status: i < 3 ? "confirmed" : "normal", reason: i < 3 ? "duplicate" : "false_alarm", reviewer: "대시보드 검토" }));
  assert.equal((await shared.agent.api("reviews", { method: "POST", body: { reviews: marks } })).status, 200);
  // The six reviews teach a model (weights; too few for trees): once it
  // is in use, the run card lists the rows to review next.
  for (let i = 0; ; i++) {
    const status = (await shared.agent.api("model/status")).json;
    if (status.in_use && !status.training) break;
    assert.ok(i < 600, JSON.stringify(status));
    await new Promise((r) => setTimeout(r, 100));
  }
  const report = (await shared.agent.api("model/report")).json;
  await page.reload();
  await page.waitForSelector("#model table.model-figures tbody tr");
  const figures = await page.$$eval("#model tr[data-on='all'] td.figure", (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(figures, [report.unsupervised[0].figures.auc.toFixed(3), report.unsupervised[0].figures.pr_auc.toFixed(3), report.unsupervised[0].figures.ks.toFixed(3), report.unsupervised[0].figures.gini.toFixed(3)]);
  assert.match(await page.textContent("#model p.muted"), new RegExp(`확인된 이상 ${report.confirmed} · 정상 ${report.normal}`));
  const points = await page.$eval("#model svg.roc-chart polyline.curve", (p) => p.getAttribute("points").split(" ").length);
  assert.equal(points, report.unsupervised[0].figures.roc.length);
  // Each reviewed detector's learnt weight, with the reviews behind it.
  const weightRows = await page.$$eval("#model table.model-weights tbody tr", (trs) => trs.map((tr) => [tr.dataset.code, Number(tr.children[2].textContent), Number(tr.children[5].textContent)]));
  const reviewedWeights = report.weights.filter((w) => w.reviewed > 0 || w.pinned);
  assert.ok(reviewedWeights.length > 0, JSON.stringify(report.weights));
  assert.deepEqual(weightRows, reviewedWeights.map((w) => [w.code, w.reviewed, Number(w.weight.toFixed(2))]));
  // Review next, both ways, from the model in use: none of the six listed.
  await page.waitForSelector("#run-summary .review-next .next-sure .top-item");
  await page.waitForSelector("#run-summary .review-next .next-teach .top-item");
  assert.equal(await page.textContent("#run-summary .next-sure h4"), "확인 가능성 높은 순");
  const listedRows = await page.$$eval("#run-summary .review-next .top-item", (bs) => bs.map((b) => Number(b.dataset.row)));
  for (const r of top) assert.ok(!listedRows.includes(r.row), `reviewed row ${r.row} is not listed`);
  await page.locator("#run-summary .review-next").screenshot({ path: path.join(path.dirname(new URL(import.meta.url).pathname), "artifacts", "dashboard-5-review-next.png") });
  // The card alone: a full page of 5,000 rows would shrink it past reading.
  await page.locator("#model-card").screenshot({ path: path.join(path.dirname(new URL(import.meta.url).pathname), "artifacts", "dashboard-4-model.png") });

  // History workbook and PDF report downloads.
  const history = await downloaded(page, "#download");
  assert.match(history.name, /^ledgerlens-history-\d{8}\.xlsx$/);
  assert.equal(history.bytes.subarray(0, 2).toString(), "PK");
  const pdf = await downloaded(page, "#download-pdf");
  assert.match(pdf.name, /^ledgerlens-report-\d{8}\.pdf$/);
  assert.equal(pdf.bytes.subarray(0, 5).toString(), "%PDF-");

  // English.
  await page.click("#lang");
  assert.equal(await page.textContent("#upload-card h2"), "Upload a ledger file");
  assert.deepEqual(await bandOptions(), [["", "All"], ["high", "High"], ["medium", "Medium"], ["low", "Low"]]);
  await page.waitForFunction(() => [...document.querySelectorAll("#run-summary .chip-label")].map((c) => c.textContent).join() === "High,Medium,Low");
  await screenshot(page, "dashboard-2-english");
  assert.deepEqual(errors, []);
  await context.close();
});

test("trends by month and department, the execution-rate view, and a row's page with its group and twins", async () => {
  const agent = await startAgent();
  try {
    // A run with a budget: its biggest line of the newest year given half what it spent.
    const values = demoLedger(3_000, 6).values.slice(3);
    const [header, ...data] = values;
    const at = (h) => header.indexOf(h);
    const dateOf = (serial) => new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
    const year = Math.max(...data.map((r) => dateOf(r[at("집행일자")]).getUTCFullYear()));
    const sums = new Map();
    for (const r of data.filter((r) => dateOf(r[at("집행일자")]).getUTCFullYear() === year)) {
      const line = `${r[at("부서명")]}\u0000${r[at("예산과목")]}`;
      sums.set(line, (sums.get(line) ?? 0) + r[at("집행금액")]);
    }
    const [[line, spent]] = [...sums.entries()].sort((a, b) => b[1] - a[1]);
    const [overDept, overItem] = line.split("\u0000");
    const scored = await agent.api("score", {
      method: "POST",
      body: { workbook: "budgeted.xlsx", sheet: "집행내역", rows: values, budget: { sheet: "예산", rows: [["부서명", "예산과목", "예산액"], [overDept, overItem, spent / 2]] } },
    });
    assert.equal(scored.status, 200, JSON.stringify(scored.json));
    // A row flagged as a duplicate: its page should list its twin.
    const duplicate = scored.json.results.find((r) => r.reasons.some((x) => x.code === "duplicate"));
    assert.ok(duplicate, "the demo has a duplicate payment");
    const vendor = data[duplicate.row - 2][at("거래처")];

    const context = await shared.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 1400 }, locale: "ko-KR" });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${agent.origin}/?token=${agent.token}`);

    // Trends: the total and the four most flagged (and spending) departments, one point a month.
    await page.waitForSelector("#trend-flags svg polyline");
    const months = new Set(data.map((r) => dateOf(r[at("집행일자")]).toISOString().slice(0, 7))).size;
    for (const id of ["trend-flags", "trend-spending"]) {
      const lines = await page.$$eval(`#${id} polyline`, (ps) => ps.map((p) => [p.dataset.series, p.getAttribute("points").split(" ").length]));
      assert.equal(lines.length, 5, JSON.stringify(lines));
      assert.equal(lines[0][0], "전체");
      assert.ok(lines.every(([, n]) => n === Math.min(months, 24)), JSON.stringify(lines));
    }
    await page.locator("#trend-card").screenshot({ path: artifact("dashboard-6-trends.png") });

    // Execution: the warned line first, at 200% with its bar past the plan.
    await page.waitForSelector("#execution table.execution tbody tr");
    const first = await page.$eval("#execution tbody tr", (tr) => ({ warning: tr.dataset.warning, cells: [...tr.children].map((td) => td.textContent) }));
    assert.equal(first.warning, "over");
    assert.deepEqual(first.cells.slice(0, 2), [overDept, overItem]);
    assert.equal(first.cells[4], "200.0%");
    assert.equal(first.cells[8], "초과 집행 우려");
    await page.locator("#execution-card").screenshot({ path: artifact("dashboard-7-execution.png") });

    // The row page: open the run, find the duplicate by its vendor, click it.
    await page.click("#runs tbody tr");
    await page.waitForSelector("#table tbody tr");
    await page.fill("#filter-text", vendor);
    await page.waitForSelector(`#table tbody tr[data-key="${duplicate.key}"]`);
    await page.click(`#table tbody tr[data-key="${duplicate.key}"]`);
    await page.waitForSelector("#row-card:not([hidden]) .histogram");
    assert.match(await page.textContent("#row-title"), new RegExp(`^${duplicate.row}행 · `));
    const codes = await page.$$eval("#row-detail .reason-list li", (lis) => lis.map((li) => li.dataset.code));
    assert.ok(codes.includes("duplicate"), codes.join());
    assert.ok((await page.locator("#row-detail .histogram .bin").count()) > 0);
    const twins = await page.$$eval("#row-detail table.twins tbody tr", (trs) => trs.map((tr) => tr.dataset.key));
    assert.ok(twins.length >= 1 && !twins.includes(duplicate.key), JSON.stringify(twins));
    // The twin is the same vendor's payment of the same amount.
    const detail = await agent.api(`runs/${scored.json.run_id}/rows/${twins[0]}`);
    assert.equal(detail.json.row.vendor, vendor);
    assert.equal(detail.json.row.amount, data[duplicate.row - 2][at("집행금액")]);
    await page.locator("#row-card").screenshot({ path: artifact("dashboard-8-row.png") });
    // An unknown key is a clear 404, in the API's error shape.
    const missing = await agent.api(`runs/${scored.json.run_id}/rows/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, "no_such_row");
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    agent.stop();
  }
});

test("without the key the dashboard says how to get it", async () => {
  const context = await shared.browser.newContext({ ignoreHTTPSErrors: true, locale: "ko-KR" });
  const page = await context.newPage();
  await page.goto(`${shared.agent.origin}/`);
  await page.waitForSelector("#banner.error #token-input");
  assert.match(await page.textContent("#banner"), /에이전트 키가 없습니다/);
  await page.fill("#token-input", "0".repeat(64));
  await page.click("#banner .token-form button");
  await page.waitForFunction(() => document.querySelector("#banner.error")?.textContent.includes("맞지 않습니다"));
  await context.close();
});

test("a run cut off by a crash is marked and can be removed, a complete one cannot", async () => {
  const agent = await startAgent();
  try {
    const { values } = demoLedger(400, 3);
    const score = (workbook) => agent.api("score", { method: "POST", body: { workbook, sheet: "원장", rows: values } });
    const cut = (await score("cut.xlsx")).json.run_id;
    const whole = (await score("whole.xlsx")).json.run_id;
    // What a crash between the answer and the scored rows leaves: the run's
    // rows not marked recorded (python's sqlite3 beside the running agent).
    execFileSync("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE runs SET rows_recorded = 0 WHERE id = ?', (sys.argv[2],)); c.commit()", path.join(agent.dir, "ledgerlens.sqlite"), cut]);
    const context = await shared.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: "ko-KR" });
    const page = await context.newPage();
    await page.goto(`${agent.origin}/?token=${agent.token}`);
    await page.waitForSelector("#runs tbody tr");
    assert.equal(await page.locator("#runs tbody tr").count(), 2);
    const marked = page.locator('#runs tbody tr[data-interrupted="true"]');
    assert.equal(await marked.count(), 1);
    assert.match(await marked.textContent(), /cut\.xlsx/);
    assert.match(await marked.locator(".badge.interrupted").textContent(), /중단됨/);
    assert.equal(await page.locator(`#runs [data-remove="${whole}"]`).count(), 0, "a complete run has no Remove");
    await screenshot(page, "dashboard-3-interrupted");
    page.once("dialog", (d) => d.accept());
    await page.click(`#runs [data-remove="${cut}"]`);
    await page.waitForSelector("#banner.success");
    await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 1);
    const runs = (await agent.api("runs")).json.runs.map((r) => r.id);
    assert.deepEqual(runs, [whole]);
    // The agent refuses to remove a complete run, whatever the page does.
    const refused = await agent.api(`runs/${whole}`, { method: "DELETE" });
    assert.equal(refused.status, 409);
    assert.equal(refused.json.error.code, "run_not_interrupted");
    await context.close();
  } finally {
    agent.stop();
  }
});
