// The real task pane, served by the real agent, in headless Chromium, with
// the in-memory Excel (fake-office.js) in place of office.js: Score writes
// its columns, formats and validation; reviews sync and survive a second
// Score; History inserts sheets; a stopped agent gets its message; a
// 200k-row sheet goes in blocks under Excel on the web's 5 MB limit.
import { test } from "node:test";
import assert from "node:assert/strict";

import { sharedBrowserAndAgent, demoLedger, excel, openPane, screenshot, startAgent } from "./harness.mjs";
import { layout } from "./fake-layout.mjs";

const LIMIT = 5 * 1024 * 1024;
const SHEET = "집행내역";
const KO = ["위험점수", "위험등급", "군집", "사유", "검토 결과", "검토 사유", "검토 메모", "행 키"];
const shared = sharedBrowserAndAgent();

async function score(page, timeout = 180_000) {
  await page.waitForSelector("#score:not([disabled])", { timeout: 30_000 });
  // A Score before this one left its summary: mark it, so the wait below
  // is for this Score's (the pane replaces the summary's nodes), not a
  // return at once while the click's work has not yet begun.
  await page.$$eval("#summary .top-list", (lists) => lists.forEach((l) => l.setAttribute("data-stale", "")));
  await page.click("#score");
  // Done, or failed: an error banner ends the wait with its text.
  await page.waitForSelector("#summary .top-list:not([data-stale]) li, #banner.error", { timeout });
  if (await page.isVisible("#banner.error")) assert.fail(await page.textContent("#banner"));
  await page.waitForSelector("#score:not([disabled])", { timeout });
}

/** The sheet's rows as {index, key, review, reason, note, band, …} for our columns. */
async function ourColumns(page, start) {
  return excel(
    page,
    ({ sheet, start }) =>
      __fakeExcel.values(sheet).map((row, index) => ({
        index,
        score: row[start],
        band: row[start + 1],
        cluster: row[start + 2],
        reasons: row[start + 3],
        review: row[start + 4],
        reason: row[start + 5],
        note: row[start + 6],
        key: row[start + 7],
      })),
    { sheet: SHEET, start },
  );
}

/** Types `[row, status, reason, note]` into the review columns, as a reviewer would. */
async function markReviews(page, width, cells) {
  await excel(
    page,
    ({ sheet, col, cells }) =>
      cells.forEach(([row, ...typed]) => typed.forEach((value, i) => __fakeExcel.setCell(sheet, row, col + i, value))),
    { sheet: SHEET, col: width + 4, cells },
  );
}

test("Score, review, sort, sync, delete, score again, and insert history on a 20k-row ledger", async () => {
  // The header on row 1 here (the 200k test keeps the title rows above it).
  const values = demoLedger(20_000, 3).values.slice(3);
  const width = values[0].length;
  const { page, errors } = await openPane(shared.browser, shared.agent, { sheets: { [SHEET]: values } });
  await page.waitForSelector("#mapping-body table", { state: "attached" });
  // The preview says how each column was found: the demo's headers by name.
  const why = await page.$$eval("#mapping-body td .muted", (spans) => spans.map((s) => s.textContent.trim()));
  assert.ok(why.length >= 2 && why.every((w) => w === "머리글 이름으로"), JSON.stringify(why));
  await screenshot(page, "pane-1-ready");
  await score(page);
  await screenshot(page, "pane-2-scored");

  // The columns, right of the data, header first.
  const header = await excel(page, (s) => __fakeExcel.values(s)[0], SHEET);
  assert.deepEqual(header.slice(width, width + KO.length), KO);
  let rows = (await ourColumns(page, width)).slice(1);
  const keyed = rows.filter((r) => r.key);
  assert.ok(keyed.length >= 20_000, `${keyed.length} rows scored`);
  for (const r of keyed) {
    assert.equal(typeof r.score, "number");
    assert.ok(r.score >= 0 && r.score <= 100);
    assert.ok(["높음", "중간", "낮음"].includes(r.band), r.band);
    assert.equal(typeof r.key, "string", "keys stay text");
    assert.match(r.key, /^[0-9a-f]+(-\d+)?$/);
  }
  assert.ok(keyed.some((r) => r.band === "높음") && keyed.some((r) => r.reasons));

  // One conditional format per band (score and band columns), one per cluster.
  const formats = await excel(page, (s) => __fakeExcel.conditionalFormats(s), SHEET);
  const bandFormats = formats.filter((f) => /"(높음|중간|낮음)"/.test(f.formula));
  assert.equal(bandFormats.length, 3, JSON.stringify(formats));
  const high = bandFormats.find((f) => f.formula.includes('"높음"'));
  assert.equal(high.fill.toUpperCase(), "#FFC7CE");
  assert.match(high.address, /^J2:K\d+$/);
  const clusterFormats = formats.filter((f) => f.address.startsWith("L"));
  assert.ok(clusterFormats.length >= 2, "clusters get a palette");
  // The review and reason dropdowns, filters, frozen header, hidden key.
  const validations = await excel(page, (s) => __fakeExcel.validations(s), SHEET);
  assert.equal(validations.length, 2);
  assert.equal(validations[0].source, "확인된 이상,정상,증빙 필요");
  assert.match(validations[0].address, /^N2:N\d+$/);
  assert.equal(validations[1].source, layout.ko.review_reasons.join(","));
  assert.match(validations[1].address, /^O2:O\d+$/);
  assert.equal(await excel(page, (s) => __fakeExcel.frozenRows(s), SHEET), 1);
  assert.match(await excel(page, (s) => __fakeExcel.autoFilter(s), SHEET), /^A1:Q\d+$/);
  assert.deepEqual(await excel(page, (s) => __fakeExcel.hiddenColumns(s), SHEET), [width + 7]);
  // Our header in its own fill (the agent's added_header_fill), white and bold.
  const ourHeader = await excel(page, ({ s, c }) => __fakeExcel.style(s, 0, c), { s: SHEET, c: width });
  assert.equal(ourHeader.fill.toUpperCase(), "#7030A0");
  assert.equal(ourHeader.fontColor.toUpperCase(), "#FFFFFF");
  assert.equal(ourHeader.bold, true);
  // The band chips of the summary, in the layout's order and words.
  assert.deepEqual(await page.$$eval("#summary .band-counts .chip", (cs) => cs.map((c) => [c.dataset.band, c.querySelector(".chip-label").textContent])), [
    ["high", "높음"],
    ["medium", "중간"],
    ["low", "낮음"],
  ]);
  assert.deepEqual(await excel(page, () => __fakeExcel.formulasWritten), []);
  assert.ok((await excel(page, () => __fakeExcel.maxRequestBytes())) <= LIMIT);
  assert.ok((await excel(page, () => __fakeExcel.maxResponseBytes())) <= LIMIT);

  // Clicking a top-10 entry selects its row.
  const first = await page.$eval("#summary .top-item", (b) => Number(b.dataset.row));
  await page.click("#summary .top-item");
  await page.waitForFunction((row) => __fakeExcel.selection().address.startsWith(`A${row}:`), first);

  // A reviewer marks three flagged rows, then sorts the sheet by amount.
  const flagged = keyed.filter((r) => r.band === "높음").slice(0, 3);
  const marks = [
    ["확인된 이상", "중복", "중복 지급 확인"],
    ["정상", "규정상 허용", ""],
    ["증빙 필요", "", "영수증 요청"],
  ];
  await markReviews(page, width, flagged.map((r, i) => [r.index, ...marks[i]]));
  await excel(page, ({ sheet, col }) => __fakeExcel.sortBy(sheet, col, true), { sheet: SHEET, col: 6 });
  await page.click("#tab-sync");
  await page.fill("#reviewer", "김감사");
  await page.click("#sync");
  await page.waitForSelector("#banner.success");
  assert.match(await page.textContent("#banner"), /3/);
  await screenshot(page, "pane-3-synced");
  const saved = (await shared.agent.api("reviews")).json.reviews;
  for (const [i, r] of flagged.entries()) {
    const review = saved.find((s) => s.key === r.key);
    assert.ok(review, `review of ${r.key} saved`);
    assert.equal(review.status, ["confirmed", "normal", "needs_evidence"][i]);
    assert.equal(review.reason, ["duplicate", "allowed_by_rules", null][i]);
    assert.equal(review.reviewer, "김감사");
    assert.equal(review.note, marks[i][2]);
  }

  // Row 1 stays, row 2's description is edited (a new transaction, a new
  // key), row 3 is deleted. Scoring again keeps row 1's review on its row,
  // wherever the sort moved it, and reports the other two, not drops them.
  rows = await ourColumns(page, width);
  const edited = rows.find((r) => r.key === flagged[1].key);
  await excel(page, ({ sheet, row }) => __fakeExcel.setCell(sheet, row, 5, `${__fakeExcel.cell(sheet, row, 5)} (수정)`), { sheet: SHEET, row: edited.index });
  const gone = rows.find((r) => r.key === flagged[2].key);
  await excel(page, ({ sheet, row }) => __fakeExcel.deleteRow(sheet, row), { sheet: SHEET, row: gone.index });
  await page.click("#tab-score");
  await score(page);
  rows = await ourColumns(page, width);
  assert.equal(rows[0].score, KO[0], "our columns were replaced, not added again");
  assert.equal(await excel(page, (s) => __fakeExcel.values(s)[0].length, SHEET), width + KO.length);
  const kept = rows.find((x) => x.key === flagged[0].key);
  assert.ok(kept, "the untouched row keeps its key");
  assert.equal(kept.review, marks[0][0]);
  assert.equal(kept.reason, marks[0][1]);
  assert.equal(kept.note, marks[0][2]);
  assert.ok(!rows.some((x) => x.key === flagged[1].key || x.key === flagged[2].key));
  assert.match(await page.textContent("#summary .orphans summary"), /사라진 행의 검토 2건/);
  // Formats replaced, not piled up: three band formats, all over today's rows.
  const again = await excel(page, (s) => __fakeExcel.conditionalFormats(s), SHEET);
  assert.equal(again.filter((f) => /"(높음|중간|낮음)"/.test(f.formula)).length, 3);
  assert.ok(again.every((f) => f.address.endsWith(`${rows.length}`)), JSON.stringify(again));
  assert.equal((await excel(page, (s) => __fakeExcel.validations(s), SHEET)).length, 2);
  await screenshot(page, "pane-4-rescored");

  // Sync again: the deleted row's review is reported, not dropped.
  await page.click("#tab-sync");
  await page.click("#sync");
  await page.waitForSelector("#banner.warning");
  assert.match(await page.textContent("#sync-result"), /사라진 행의 검토 2건/);
  assert.equal((await shared.agent.api("reviews")).json.reviews.find((s) => s.key === flagged[2].key).status, "needs_evidence");

  // History: the supervisors' sheets inserted from the agent's workbook.
  await page.click("#tab-history");
  await page.click("#history");
  await page.waitForSelector("#banner.success");
  const names = await excel(page, () => __fakeExcel.sheetNames());
  for (const name of ["실행 이력", "부서×월 플래그", "검토 결과", "월별 상위 10", "반복 플래그", "모델 품질"]) assert.ok(names.includes(name), `${name} in ${names}`);
  assert.equal((await excel(page, () => __fakeExcel.inserted)).length, 1);
  assert.match(await page.textContent("#banner"), /실행 이력/);
  await screenshot(page, "pane-5-history");

  // The English switch relabels the pane.
  await page.click("#lang");
  assert.equal(await page.textContent("#tab-score"), "Score");
  await screenshot(page, "pane-6-english");
  assert.deepEqual(errors, []);
});

test("a sheet scored before review reasons: the new column is inserted, the user's own column moves right; a reason that does not fit is reported", async () => {
  const values = demoLedger(2_000, 3).values.slice(3);
  const width = values[0].length;
  const OLD = KO.filter((h) => h !== "검토 사유");
  // The block an older version wrote, and the user's own column beside it.
  const sheetValues = values.map((row, i) => [...row, ...(i === 0 ? OLD : OLD.map(() => "")), i === 0 ? "내 메모" : i % 100 === 0 ? `메모 ${i}` : ""]);
  const { page, errors } = await openPane(shared.browser, shared.agent, { sheets: { [SHEET]: sheetValues } });
  await score(page);
  const header = await excel(page, (s) => __fakeExcel.values(s)[0], SHEET);
  assert.deepEqual(header.slice(width), [...KO, "내 메모"]);
  const all = await excel(page, (s) => __fakeExcel.values(s), SHEET);
  for (let i = 100; i < values.length; i += 100) assert.equal(all[i][width + KO.length], `메모 ${i}`, `the user's note on row ${i + 1} moved with its row`);

  const rows = (await ourColumns(page, width)).filter((r) => r.key && r.band === "높음");
  await markReviews(page, width, [
    [rows[0].index, "정상", "분할", ""],
    [rows[1].index, "확인된 이상", "분할", "세 번에 나눠 결제"],
  ]);
  await page.click("#tab-sync");
  await page.click("#sync");
  await page.waitForSelector("#banner.warning");
  const result = await page.textContent("#sync-result");
  assert.match(result, /검토 결과와 맞지 않는 검토 사유 1건/);
  assert.match(result, new RegExp(`${rows[0].index + 1}: 분할 ≠ 정상`));
  const saved = (await shared.agent.api("reviews")).json.reviews;
  assert.equal(saved.find((s) => s.key === rows[0].key), undefined, "a misfit review is not sent");
  assert.deepEqual(
    (({ status, reason, note }) => ({ status, reason, note }))(saved.find((s) => s.key === rows[1].key)),
    { status: "confirmed", reason: "split", note: "세 번에 나눠 결제" },
  );
  await screenshot(page, "pane-7-reason-misfit");
  assert.deepEqual(errors, []);
});

test("History through the range API where insertWorksheetsFromBase64 is missing (ExcelApi 1.9)", async () => {
  const { page, errors } = await openPane(shared.browser, shared.agent, { sheets: { Sheet1: [["메모"]] }, apiVersion: "1.9" });
  await page.click("#tab-history");
  await page.click("#history");
  await page.waitForSelector("#banner.success");
  assert.match(await page.textContent("#banner"), /범위 API/);
  const names = await excel(page, () => __fakeExcel.sheetNames());
  assert.ok(names.includes("실행 이력") && names.includes("반복 플래그"), names);
  const runs = await excel(page, () => __fakeExcel.values("실행 이력"));
  assert.equal(runs[0][0], "시작 시각(UTC)");
  assert.ok(runs.length >= 3, "one row per run");
  assert.equal(await excel(page, () => __fakeExcel.style("실행 이력", 0, 0).bold), true);
  assert.deepEqual(await excel(page, () => __fakeExcel.formulasWritten), []);
  await screenshot(page, "pane-7-history-range-api");
  assert.deepEqual(errors, []);
});

test("Sample: the plan follows the fields, a seeded draw from the rows not flagged goes to two sheets, an unaudited row is named, the filled sample is evaluated", async () => {
  const { page, errors } = await openPane(shared.browser, shared.agent, { sheets: { [SHEET]: demoLedger(3_000, 5).values.slice(3) } });
  await score(page);
  await page.click("#tab-sample");
  // 95%, 5% materiality, no errors expected: 3.00 / 0.05 = 60 (AICPA, jfa).
  await page.waitForFunction(() => /\b60\b/.test(document.querySelector("#sample-plan").textContent));
  assert.deepEqual(await page.$$eval("#sample-method option", (o) => o.map((x) => x.textContent)), ["고정 간격 금액단위", "셀 금액단위", "무작위 항목"]);
  await page.fill("#sample-materiality", "2");
  await page.dispatchEvent("#sample-materiality", "change");
  await page.waitForFunction(() => /\b150\b/.test(document.querySelector("#sample-plan").textContent));
  await page.fill("#sample-materiality", "0");
  await page.dispatchEvent("#sample-materiality", "change");
  await page.waitForSelector("#sample-plan.problem");
  await page.fill("#sample-materiality", "5");
  await page.dispatchEvent("#sample-materiality", "change");
  await page.waitForFunction(() => /\b60\b/.test(document.querySelector("#sample-plan").textContent));

  await page.click("#sample-select");
  await page.waitForSelector("#banner.success");
  const names = await excel(page, () => __fakeExcel.sheetNames());
  assert.ok(names.includes("표본") && names.includes("표본 정보"), names);
  const sample = await excel(page, () => __fakeExcel.values("표본"));
  const header = sample[0];
  assert.deepEqual(header, ["표본 번호", "원본 파일", "원본 행", "집행일자", "부서명", "계정과목", "거래처", "적요", "장부 금액", "선정 단위 수", "감사 금액", "감사 메모", "행 키"]);
  const rows = sample.slice(1).filter((r) => r[0] !== "" && r[0] !== undefined);
  const hits = rows.reduce((n, r) => n + r[9], 0);
  assert.equal(hits, 60, "every one of the 60 units is a hit of some row");
  assert.ok(rows.every((r) => typeof r[8] === "number" && r[8] > 0 && typeof r[12] === "string" && r[12].length >= 16), "book values are numbers, keys text");
  // Drawn from the low band only: each sampled key is a low-band row of the scored sheet.
  const scored = await excel(page, (s) => __fakeExcel.values(s), SHEET);
  const keyAt = scored[0].indexOf("행 키");
  const bandOf = new Map(scored.slice(1).map((r) => [r[keyAt], r[keyAt - 6]]));
  for (const r of rows) assert.equal(bandOf.get(r[12]), "낮음", `row ${r[2]} is low band`);
  const info = new Map((await excel(page, () => __fakeExcel.values("표본 정보"))).slice(1).map((r) => [r[0], r[2]]));
  assert.equal(info.get("method"), "interval");
  assert.equal(info.get("confidence"), 0.95);
  assert.equal(typeof info.get("seed"), "string", "the seed stays text");
  assert.match(await page.textContent("#banner"), /표본 \d+건/);

  // Not audited yet: the agent names the sheet, the column and the rows.
  await page.click("#sample-evaluate");
  await page.waitForSelector("#banner.error");
  assert.match(await page.textContent("#banner"), /'표본' 시트 K열 \(감사 금액\): 감사 금액이 빈 행 \d+건/);

  // Audited: every row as booked but the first, overstated by half.
  await excel(
    page,
    ({ rows }) => rows.forEach((r, i) => __fakeExcel.setCell("표본", i + 1, 10, i === 0 ? r[8] / 2 : r[8])),
    { rows },
  );
  await page.click("#sample-evaluate");
  await page.waitForSelector("#sample-result p");
  const shown = await page.textContent("#sample-result");
  assert.match(shown, /오류 1건 \/ 표본 \d+건/);
  // The same answer as the agent gives for the rows themselves.
  const direct = await shared.agent.api("sample/evaluate", {
    method: "POST",
    body: {
      confidence: 0.95,
      materiality: 0.05,
      method: "interval",
      population_items: info.get("population_items"),
      population_value: info.get("population_value"),
      rows: rows.map((r, i) => ({ book: r[8], audited: i === 0 ? r[8] / 2 : r[8] })),
    },
  });
  assert.equal(direct.status, 200, JSON.stringify(direct.json));
  assert.ok(shown.includes(direct.json.conclusion_text.ko), `${shown} has ${direct.json.conclusion_text.ko}`);
  await screenshot(page, "pane-11-sample");

  // A second sample gets its own pair of sheets.
  await page.click("#sample-select");
  await page.waitForFunction(() => document.querySelectorAll("#sample-sheet option").length === 2);
  const after = await excel(page, () => __fakeExcel.sheetNames());
  assert.ok(after.includes("표본 (2)") && after.includes("표본 정보 (2)"), after);
  assert.deepEqual(errors, []);
});

test("Review next: nothing before a model; after a Sync teaches one, a Score alerts at the user's confidence and the two views list unreviewed rows that select their row", async () => {
  // An agent of its own: no other test's reviews have taught it anything.
  const agent = await startAgent();
  try {
    const values = demoLedger(3_000, 4).values.slice(3);
    const width = values[0].length;
    const { page, errors } = await openPane(shared.browser, agent, { sheets: { [SHEET]: values } });
    await score(page);
    assert.ok(!(await page.isVisible("#alert-show")), "no model, no alert");
    await page.click("#tab-next");
    await page.waitForFunction(() => /모델이 아직 없습니다/.test(document.querySelector("#next-result").textContent));
    assert.equal(await page.textContent("#next-sure"), "확인 가능성 높은 순");

    // 20 of the flagged rows reviewed, half each way, and synced: a model.
    const flagged = (await ourColumns(page, width)).slice(1).filter((r) => r.band === "높음").slice(0, 20);
    await markReviews(page, width, flagged.map((r, i) => [r.index, i % 2 ? "정상" : "확인된 이상", "", ""]));
    await page.click("#tab-sync");
    await page.click("#sync");
    await page.waitForSelector("#banner.success, #banner.warning");
    for (let i = 0; ; i++) {
      const status = (await agent.api("model/status")).json;
      if (status.in_use && !status.training) break;
      assert.ok(i < 600, JSON.stringify(status));
      await new Promise((r) => setTimeout(r, 100));
    }

    // The user's alert confidence goes with the Score; the banner counts
    // the unreviewed rows at or above it and opens the sure view.
    await page.click("#tab-next");
    await page.fill("#alert-confidence", "101");
    await page.click("#tab-score");
    await page.click("#score");
    await page.waitForSelector("#banner.error");
    assert.match(await page.textContent("#banner"), /1에서 100 사이/);
    await page.click("#tab-next");
    await page.fill("#alert-confidence", "1");
    await page.dispatchEvent("#alert-confidence", "change");
    await page.click("#tab-score");
    await score(page);
    await page.waitForSelector("#alert-show");
    assert.match(await page.textContent("#banner"), /검토하지 않은 행 [\d,]+건이 확인된 이상일 가능성 1% 이상입니다/);
    assert.equal(await page.evaluate(() => localStorage.getItem("ledgerlens.alert_confidence")), "1");
    await page.click("#alert-show");
    await page.waitForSelector("#next-result .top-item");
    assert.equal(await page.getAttribute("#next-sure", "aria-pressed"), "true");
    const reviewedKeys = new Set(flagged.map((r) => r.key));
    const shown = async () => page.$$eval("#next-result .top-detail", (ds) => ds.map((d) => Number(/확인 가능성 (\d+)%/.exec(d.textContent)[1])));
    const sure = await shown();
    assert.ok(sure.length > 0 && sure.length <= 20, JSON.stringify(sure));
    assert.ok(sure.every((c, i) => i === 0 || sure[i - 1] >= c), `most likely first: ${sure}`);
    await screenshot(page, "pane-10-review-next");

    // A listed row is selected in the sheet when clicked; none was reviewed.
    const row = await page.$eval("#next-result .top-item", (b) => Number(b.dataset.row));
    await page.click("#next-result .top-item");
    await page.waitForFunction((row) => __fakeExcel.selection().address.startsWith(`A${row}:`), row);
    const listedKeys = (await ourColumns(page, width)).filter((r) => r.index + 1 === row).map((r) => r.key);
    assert.ok(listedKeys.length === 1 && !reviewedKeys.has(listedKeys[0]), `row ${row} was not reviewed`);

    // The other view: what a review would teach, most first.
    await page.click("#next-teach");
    await page.waitForFunction(() => document.querySelector("#next-teach").getAttribute("aria-pressed") === "true" && document.querySelector("#next-result .top-item"));
    const teach = await page.$$eval("#next-result .top-detail", (ds) => ds.map((d) => Number(/학습 효과 (\d+)%/.exec(d.textContent)[1])));
    assert.ok(teach.every((c, i) => i === 0 || teach[i - 1] >= c), `teaches most first: ${teach}`);
    await page.click("#lang");
    assert.equal(await page.textContent("#tab-next"), "Review next");
    assert.equal(await page.textContent("#next-teach"), "would teach the model most");
    await screenshot(page, "pane-11-review-next-english");
    assert.deepEqual(errors, []);
  } finally {
    agent.stop();
  }
});

test("Score with a budget sheet: the 집행률 sheet beside the ledger holds the ledger's own sums and warnings, is rewritten (not doubled) at the next Score; a sheet that is not a budget is told as such", async () => {
  const values = demoLedger(2_000, 4).values.slice(3);
  const [header, ...data] = values;
  const at = (h) => header.indexOf(h);
  const dateOf = (serial) => new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
  const year = Math.max(...data.map((r) => dateOf(r[at("집행일자")]).getUTCFullYear()));
  const thisYear = data.filter((r) => dateOf(r[at("집행일자")]).getUTCFullYear() === year);
  const through = Math.max(...thisYear.map((r) => dateOf(r[at("집행일자")]).getUTCMonth() + 1));
  // Each department × budget item's spending to date, summed here by hand.
  const sums = new Map();
  for (const r of thisYear) {
    const line = `${r[at("부서명")]}\u0000${r[at("예산과목")]}`;
    sums.set(line, (sums.get(line) ?? 0) + r[at("집행금액")]);
  }
  const lines = [...sums.entries()].sort((a, b) => b[1] - a[1]).map(([line, spent]) => [...line.split("\u0000"), spent]);
  const [overDept, overItem, overSpent] = lines[0];
  // The biggest line is given half what it spent (heading over); the rest
  // twice; and one row is broken.
  const budget = [
    [`${year}년 세출예산`, "", ""],
    ["부서명", "예산과목", "예산액"],
    ...lines.map(([d, i, spent], n) => [d, i, n === 0 ? spent / 2 : spent * 2]),
    [overDept, "기타", "많음"],
  ];
  const brokenRow = budget.length;
  const { page, errors } = await openPane(shared.browser, shared.agent, { sheets: { [SHEET]: values, 예산: budget, 메모: [["이름", "값"], ["가", 1]] } });
  await page.waitForSelector("#budget-sheet option[value='예산']", { state: "attached" });
  assert.equal(await page.inputValue("#budget-sheet"), "", "no budget until one is chosen");
  await page.selectOption("#budget-sheet", "예산");
  await score(page);
  await page.waitForSelector("#summary .budget-warnings");

  const sheets = await excel(page, () => __fakeExcel.sheetNames());
  assert.ok(sheets.includes("집행률"), sheets);
  assert.equal((await excel(page, () => __fakeExcel.selection())).sheet, SHEET, "the ledger stays in view");
  const rows = await excel(page, () => __fakeExcel.values("집행률"));
  assert.deepEqual(rows[0].slice(0, 4), ["부서", "예산과목", "월", "예산현액"]);
  // The lines' months, then a blank row, then the notes.
  const lineRows = rows.slice(1, rows.findIndex((r, i) => i > 0 && r.every((c) => c === "")));
  assert.equal(lineRows.length, lines.length * through, "every line, every month to the ledger's latest");
  const overIndex = rows.findIndex((r) => r[0] === overDept && r[1] === overItem && r[2] === through);
  const over = rows[overIndex];
  assert.ok(Math.abs(over[5] - overSpent) < 0.5, `spent to date ${over[5]} = ${overSpent}`);
  assert.ok(Math.abs(over[6] - 2) < 1e-9, `rate ${over[6]}`);
  assert.equal(over[10], "초과 집행 우려");
  assert.equal((await excel(page, (i) => __fakeExcel.style("집행률", i, 6), overIndex)).numberFormat, "0.0%");
  assert.ok(rows.some((r) => String(r[0]).startsWith(`건너뛴 예산 행 ${brokenRow} (C${brokenRow})`)), "the broken budget row is named with its cell");
  const warned = await page.$$eval("#summary .budget-warnings li", (lis) => lis.map((li) => [li.className, li.textContent]));
  assert.equal(warned[0][0], "warning-over");
  assert.ok(warned[0][1].includes(overDept) && warned[0][1].includes("200.0%"), warned[0][1]);
  assert.match(await page.textContent("#summary"), /예산 \d+개 항목의 집행률을 '집행률' 시트에 넣었습니다/);
  await screenshot(page, "pane-12-budget");

  // The next Score rewrites the sheet it wrote, rather than adding another.
  await score(page);
  await page.waitForSelector("#summary .budget-warnings");
  const again = await excel(page, () => __fakeExcel.sheetNames());
  assert.equal(again.filter((n) => n.startsWith("집행률")).length, 1, again);

  // A sheet that is not a budget: its own words, not "no ledger".
  await page.selectOption("#budget-sheet", "메모");
  await page.click("#score");
  await page.waitForSelector("#banner.error");
  const text = await page.textContent("#banner");
  assert.match(text, /예산 시트에서 예산을 찾지 못했습니다/);
  assert.match(text, /메모/);
  assert.doesNotMatch(text, /원장을 찾지 못했습니다|--map/);
  await screenshot(page, "pane-13-not-a-budget");
  assert.deepEqual(errors, []);
});

test("Score with forecasts: the 예측 sheet beside the ledger lists the months outside their range as the summary counts them; the next Score reuses the kept model and rewrites the sheet", async () => {
  const values = demoLedger(3_000, 5).values.slice(3);
  const { page, errors } = await openPane(shared.browser, shared.agent, { sheets: { [SHEET]: values } });
  await page.waitForSelector("#mapping-body table", { state: "attached" });
  assert.equal(await page.isChecked("#forecast"), false, "no forecasts until asked for");
  await page.check("#forecast");
  await score(page);
  await page.waitForSelector("#summary .forecast-model");

  const sheets = await excel(page, () => __fakeExcel.sheetNames());
  assert.ok(sheets.includes("예측"), sheets);
  assert.equal((await excel(page, () => __fakeExcel.selection())).sheet, SHEET, "the ledger stays in view");
  const rows = await excel(page, () => __fakeExcel.values("예측"));
  assert.deepEqual(rows[0].slice(0, 5), ["부서", "계정과목", "월", "지출", "예측"]);
  const summary = await page.textContent("#summary");
  const flagged = Number(summary.match(/예측 범위를 벗어난 달 ([\d,]+)건/)[1].replace(/,/g, ""));
  const flagRows = rows.slice(1, rows.findIndex((r, i) => i > 0 && r.every((c) => c === "")));
  if (flagged) {
    assert.equal(flagRows.length, flagged, "every flagged month on the sheet");
    const listed = await page.$$eval("#summary .forecast-flags li", (lis) => lis.map((li) => li.textContent));
    assert.equal(listed.length, Math.min(10, flagged));
    // The summary's first reason is the sheet's first row's.
    assert.equal(listed[0], flagRows[0][9]);
  } else assert.deepEqual(flagRows.map((r) => r[0]), ["최근 달 중 예측 범위를 벗어난 달이 없습니다"]);
  assert.match(summary, /\d+개 계열을 예측해 '예측' 시트에 넣었습니다/);
  assert.match(await page.textContent("#summary .forecast-model"), /새로 학습: 보관된 예측 모델 없음/);
  assert.ok(rows.some((r) => String(r[0]).startsWith("예측 모델")), "the sheet names the model it used");
  await screenshot(page, "pane-14-forecast");

  // The same ledger again: the kept model serves, and the sheet is rewritten, not doubled.
  await score(page);
  await page.waitForSelector("#summary .forecast-model");
  assert.match(await page.textContent("#summary .forecast-model"), /재사용/);
  const again = await excel(page, () => __fakeExcel.sheetNames());
  assert.equal(again.filter((n) => n.startsWith("예측")).length, 1, again);
  assert.deepEqual(await excel(page, () => __fakeExcel.values("예측")).then((r) => r.slice(0, flagRows.length + 1)), rows.slice(0, flagRows.length + 1));

  // The PDF report of these runs, saved from the History tab.
  await page.click("#tab-history");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#report-pdf")]);
  assert.match(download.suggestedFilename(), /^ledgerlens-report-\d{8}\.pdf$/);
  await page.waitForSelector("#banner.success");
  assert.match(await page.textContent("#banner"), /PDF 보고서 'ledgerlens-report-\d{8}\.pdf'을\(를\) 내려받았습니다/);
  assert.deepEqual(errors, []);
});

test("clear messages: agent stopped, no key, no ledger", async () => {
  const other = await startAgent();
  const { page } = await openPane(shared.browser, other, { sheets: { [SHEET]: demoLedger(500, 5).values } });
  await page.waitForSelector("#score:not([disabled])");
  other.stop();
  await page.click("#score");
  await page.waitForSelector("#banner.error");
  const text = await page.textContent("#banner");
  assert.match(text, /에이전트에 연결할 수 없습니다/);
  assert.match(text, /ledgerlens serve/);
  await screenshot(page, "pane-8-agent-down");

  const noKey = await openPane(shared.browser, shared.agent, { sheets: { [SHEET]: [["a"]] }, token: "" });
  await noKey.page.evaluate(() => localStorage.clear());
  await noKey.page.reload();
  await noKey.page.waitForSelector("#banner.error #token-input");
  assert.match(await noKey.page.textContent("#banner"), /에이전트 키가 없습니다/);
  // Pasting the key recovers.
  await noKey.page.fill("#token-input", shared.agent.token);
  await noKey.page.click("#banner .token-form button");
  await noKey.page.waitForSelector("#banner.warning");
  assert.match(await noKey.page.textContent("#banner"), /원장을 찾지 못했습니다/);
  await screenshot(noKey.page, "pane-9-no-ledger");
});

test("a 200k-row sheet is read and written in blocks, each request under 5 MB", async () => {
  const values = demoLedger(200_000, 9).values;
  const { page, errors } = await openPane(shared.browser, shared.agent, { sheets: { [SHEET]: values } });
  await score(page, 600_000);
  const syncs = await excel(page, () => __fakeExcel.syncs.map((s) => [s.requestBytes, s.responseBytes]));
  const maxRequest = Math.max(...syncs.map((s) => s[0]));
  const maxResponse = Math.max(...syncs.map((s) => s[1]));
  console.log(`200k rows: ${syncs.length} syncs, largest request ${maxRequest} B, largest response ${maxResponse} B`);
  assert.ok(maxRequest <= LIMIT, `request of ${maxRequest} bytes`);
  assert.ok(maxResponse <= LIMIT, `response of ${maxResponse} bytes`);
  assert.ok(syncs.length > 20, "read and written in many blocks");
  // Header on row 4 below the title rows; every data row scored.
  const header = await excel(page, (s) => __fakeExcel.values(s)[3], SHEET);
  assert.deepEqual(header.slice(9, 9 + KO.length), KO);
  assert.equal(await excel(page, (s) => __fakeExcel.frozenRows(s), SHEET), 4);
  const keys = await excel(page, ({ s, key }) => __fakeExcel.values(s).slice(4).filter((r) => r[key]).length, { s: SHEET, key: 9 + KO.length - 1 });
  assert.ok(keys >= 200_000, `${keys} rows keyed`);
  await screenshot(page, "pane-10-200k");
  assert.deepEqual(errors, []);
});

test("the unit tests' layout (fake-layout.mjs) is exactly what the agent serves", async () => {
  const served = await shared.agent.api("layout");
  assert.equal(served.status, 200);
  assert.deepEqual(served.json, layout);
});
