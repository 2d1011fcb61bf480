// The browser dashboard (https://localhost:PORT/, the tray's Open
// dashboard) in headless Chromium against the real agent: the token
// hand-off, upload, the scored table with filters, the heat map, history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";

import { sharedBrowserAndAgent, demoLedger, screenshot, startAgent } from "./harness.mjs";

const shared = sharedBrowserAndAgent();

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
