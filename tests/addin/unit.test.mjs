// Unit tests of the pane's own logic: block planning, column mapping,
// our columns in a sheet, carrying reviews over by row key, the key's
// hand-off out of the address, and how ledger text is shown.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import vm from "node:vm";

import { BLOCK_BUDGET, REQUEST_LIMIT, chunkByBytes, jsonBytes, readInBlocks, rowsPerBlock, Cancelled } from "../../addin/js/blocks.js";
import { initialChoices, overrides, problems } from "../../addin/js/mapping.js";
import { asCellText, bandChoices, bandLabel, columnIndex, columnLetter, dateText, findAddedColumns, formulaString, percent, reasonsText } from "../../addin/js/layout.js";
import { collectReviews, mergeReviews, reasonCode, reasonFits, reasonLabel, reviewCode, reviewLabel } from "../../addin/js/reviews.js";
import { locateAdded } from "../../addin/js/sheet.js";
import { freePair, planning, samplePairs } from "../../addin/js/sample.js";
import { missingKeys } from "../../addin/js/i18n.js";
// A classic script in the pages; here, outside a page, it only defines its helpers.
import "../../addin/js/token-handoff.js";
import { visibleText } from "../../addin/js/ui.js";
// GET layout as the agent serves it (checked against the agent in pane.e2e.test.mjs).
import { layout } from "./fake-layout.mjs";

const { splitToken } = globalThis.ledgerlensToken;

test("rows per block follow the row size, capped both ways", () => {
  assert.equal(rowsPerBlock(150), 20_000, "narrow rows hit the row cap");
  assert.equal(rowsPerBlock(1000), Math.floor(BLOCK_BUDGET / 1000));
  assert.equal(rowsPerBlock(10 * REQUEST_LIMIT), 1, "a giant row still goes, alone");
  assert.ok(BLOCK_BUDGET < REQUEST_LIMIT);
});

test("chunks of rows to write stay under the byte budget", () => {
  const rows = Array.from({ length: 5000 }, (_, i) => [i, "가".repeat(i % 300), "x"]);
  const budget = 64 * 1024;
  const chunks = chunkByBytes(rows, budget, 1000);
  let next = 0;
  for (const c of chunks) {
    assert.equal(c.start, next);
    next += c.count;
    assert.ok(c.count <= 1000);
    assert.ok(jsonBytes(rows.slice(c.start, c.start + c.count)) <= budget, `chunk at ${c.start} too big`);
  }
  assert.equal(next, rows.length);
  // One row bigger than the budget is still written, on its own.
  const huge = [["x".repeat(100)], ["y".repeat(10)]];
  assert.deepEqual(chunkByBytes(huge, 50), [
    { start: 0, count: 1 },
    { start: 1, count: 1 },
  ]);
});

test("reading in blocks sizes blocks from what was read and halves on Excel's refusal", async () => {
  const sheet = Array.from({ length: 50_000 }, (_, i) => [i, "적요".repeat(20)]);
  const asked = [];
  let refusals = 0;
  const read = async (start, count) => {
    const block = sheet.slice(start, start + count);
    if (jsonBytes(block) > 400_000) {
      refusals++;
      throw Object.assign(new Error("too large"), { code: "RequestPayloadSizeLimitExceeded" });
    }
    asked.push(count);
    return block;
  };
  const progress = [];
  const rows = await readInBlocks(read, sheet.length, { firstBlock: 20_000, budget: 300_000, onBlock: (n) => progress.push(n) });
  assert.deepEqual(rows, sheet);
  assert.ok(refusals >= 1, "the first, too-large block was refused");
  assert.ok(asked.every((n) => n <= 20_000));
  assert.equal(progress.at(-1), sheet.length);
  assert.ok(progress.every((n, i) => i === 0 || n > progress[i - 1]));
});

test("reading stops between blocks when cancelled", async () => {
  let reads = 0;
  const read = async (start, count) => {
    reads++;
    return Array.from({ length: count }, () => [1]);
  };
  await assert.rejects(
    readInBlocks(read, 100_000, { firstBlock: 1000, cancelled: () => reads >= 2 }),
    (e) => e instanceof Cancelled,
  );
  assert.equal(reads, 2);
});

const detected = {
  found: true,
  header_row: 4,
  headers: ["집행일자", "부서명", "계정과목", "거래처", "적요", "지급액", "메모"],
  mapping: [
    { field: "date", index: 0, header: "집행일자" },
    { field: "department", index: 1, header: "부서명" },
    { field: "account", index: 2, header: "계정과목" },
    { field: "vendor", index: 3, header: "거래처" },
  ],
  missing: ["amount"],
  fields: [
    { key: "date", required: true },
    { key: "department", required: false },
    { key: "account", required: true },
    { key: "vendor", required: false },
    { key: "description", required: false },
    { key: "amount", required: true },
  ],
};

test("column mapping: detection is the start, a missing required field blocks scoring", () => {
  const choices = initialChoices(detected);
  assert.equal(choices.date, 0);
  assert.equal(choices.amount, -1);
  const p = problems(detected, choices);
  assert.deepEqual(p.missing, ["amount"]);
  assert.equal(p.ok, false);
});

test("column mapping: only the user's changes go to the agent, by header", () => {
  const choices = initialChoices(detected);
  assert.deepEqual(overrides(detected, choices), {});
  choices.amount = 5;
  choices.description = 4;
  assert.deepEqual(overrides(detected, choices), { amount: "지급액", description: "적요" });
  assert.equal(problems(detected, choices).ok, true);
  choices.vendor = 5; // the same column for two fields
  const p = problems(detected, choices);
  assert.equal(p.ok, false);
  assert.deepEqual(p.duplicates.map((pair) => [...pair].sort()), [["amount", "vendor"]]);
});

test("column mapping: a chosen header that names two columns is flagged", () => {
  const twice = { ...detected, headers: [...detected.headers.slice(0, 6), "지급액"] };
  const choices = initialChoices(twice);
  choices.amount = 6;
  assert.deepEqual(problems(twice, choices).ambiguous, ["amount"]);
});

test("our columns are found by their names in either language", () => {
  const ko = ["집행일자", "금액", ...layout.columns.map((c) => layout.ko.columns[c])];
  assert.deepEqual(findAddedColumns(ko, layout), { start: 2, at: { score: 2, band: 3, cluster: 4, reasons: 5, review: 6, review_reason: 7, note: 8, key: 9 } });
  const en = ["Date", "Amount", "x", ...layout.columns.map((c) => layout.en.columns[c])];
  assert.equal(findAddedColumns(en, layout).at.key, 10);
  assert.equal(findAddedColumns(["집행일자", "금액"], layout), null);
  assert.equal(findAddedColumns(["위험점수", "위험등급"], layout), null, "without a key column nothing can be matched");
});

test("our columns' header is looked for as far down as the layout says", () => {
  const header = ["집행일자", "금액", ...layout.columns.map((c) => layout.ko.columns[c])];
  const above = (n) => Array.from({ length: n }, () => ["", ""]);
  const depth = layout.header_scan_rows;
  assert.deepEqual(locateAdded([...above(depth - 1), header], layout), { headerIndex: depth - 1, start: 2, at: { score: 2, band: 3, cluster: 4, reasons: 5, review: 6, review_reason: 7, note: 8, key: 9 } });
  assert.equal(locateAdded([...above(depth), header], layout), null, "below the scan depth it is not ours");
  assert.equal(locateAdded([...above(2), header], { ...layout, header_scan_rows: 2 }), null, "the depth is the layout's");
});

test("bands come from the layout, highest first, in either language", () => {
  assert.deepEqual(bandChoices(layout, "ko"), [
    { code: "high", label: "높음" },
    { code: "medium", label: "중간" },
    { code: "low", label: "낮음" },
  ]);
  assert.deepEqual(bandChoices(layout, "en").map((b) => b.label), ["High", "Medium", "Low"]);
  assert.equal(bandLabel(layout, "en", "medium"), "Medium");
  assert.equal(bandLabel(layout, "ko", "unknown"), "unknown", "a code the layout lacks shows as itself");
});

test("reasons are one cell's text, each already in the caller's language", () => {
  const result = { reasons: [{ code: "amount_outlier", text: "금액 이상" }, { code: "weekend", text: "주말 집행" }] };
  assert.equal(reasonsText(result), "금액 이상 · 주말 집행");
  assert.equal(reasonsText({}), "");
});

test("cell text is never a formula; letters and dates convert both ways", () => {
  assert.equal(asCellText("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
  assert.equal(asCellText("+1"), "'+1");
  assert.equal(asCellText("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(asCellText("정상 거래"), "정상 거래");
  assert.equal(formulaString('say "hi"'), '"say ""hi"""');
  for (const i of [0, 25, 26, 27, 701, 702, 16383]) assert.equal(columnIndex(columnLetter(i)), i);
  assert.equal(columnLetter(26), "AA");
  assert.equal(dateText(45292), "2024-01-01");
  assert.equal(dateText("2024-01-01"), "2024-01-01");
});

test("review labels in either language, or codes, read as codes", () => {
  assert.equal(reviewCode("확인된 이상", layout), "confirmed");
  assert.equal(reviewCode(" needs evidence ", layout), "needs_evidence");
  assert.equal(reviewCode("normal", layout), "normal");
  assert.equal(reviewCode("", layout), "");
  assert.equal(reviewCode("maybe", layout), null);
  assert.equal(reviewLabel("normal", layout, "ko"), "정상");
  assert.equal(reviewLabel("", layout, "en"), "");
});

test("reviews are collected by key; unknown values and notes without a status are reported", () => {
  const got = collectReviews({
    keys: ["k1", "k2", "", "k4", "k5"],
    statuses: ["정상", "", "정상", "maybe", ""],
    notes: ["ok", "", "", "", "call vendor"],
    layout,
    reviewer: "kim",
    firstRow: 5,
  });
  assert.deepEqual(got.reviews, [{ key: "k1", status: "normal", note: "ok", reviewer: "kim" }]);
  assert.deepEqual(got.invalid, [{ row: 8, value: "maybe" }]);
  assert.deepEqual(got.noteOnly, [{ row: 9, key: "k5", note: "call vendor" }]);
});

test("review reasons read as codes in either language and fit only their own status", () => {
  assert.equal(reasonCode("중복", layout), "duplicate");
  assert.equal(reasonCode(" false alarm (a trait of the data) ", layout), "false_alarm");
  assert.equal(reasonCode("off_purpose", layout), "off_purpose");
  assert.equal(reasonCode("", layout), "");
  assert.equal(reasonCode("because", layout), null);
  assert.equal(reasonLabel("split", layout, "ko"), "분할");
  assert.ok(reasonFits("split", "confirmed", layout));
  assert.ok(!reasonFits("split", "normal", layout));
  assert.ok(!reasonFits("approved_exception", "needs_evidence", layout));
});

test("a review carries its reason; a reason that does not fit, or has no status, is reported and not sent", () => {
  const got = collectReviews({
    keys: ["k1", "k2", "k3", "k4", "k5", "k6"],
    statuses: ["확인된 이상", "정상", "정상", "", "Needs evidence", "정상"],
    reasons: ["분할", "", "중복", "기타", "", "because"],
    notes: ["", "", "", "", "", ""],
    layout,
    reviewer: "kim",
    firstRow: 2,
  });
  assert.deepEqual(got.reviews, [
    { key: "k1", status: "confirmed", reason: "split", note: "", reviewer: "kim" },
    { key: "k2", status: "normal", note: "", reviewer: "kim" },
    { key: "k5", status: "needs_evidence", note: "", reviewer: "kim" },
  ]);
  assert.deepEqual(got.misfit, [
    { row: 4, status: "normal", reason: "duplicate" },
    { row: 5, status: "", reason: "other" },
  ]);
  assert.deepEqual(got.invalid, [{ row: 7, value: "because" }]);
});

test("a sheet scored before reasons existed syncs as before", () => {
  const got = collectReviews({ keys: ["k1"], statuses: ["정상"], notes: ["ok"], layout, reviewer: "kim", firstRow: 2 });
  assert.deepEqual(got.reviews, [{ key: "k1", status: "normal", note: "ok", reviewer: "kim" }]);
  assert.deepEqual(got.misfit, []);
});

test("re-scoring carries reviews over by key, wherever the rows moved, and reports orphans", () => {
  const previous = new Map([
    ["a", { status: "confirmed", note: "dup invoice" }],
    ["b", { status: "", note: "" }],
    ["c", { status: "normal", note: "" }],
    ["gone", { status: "needs_evidence", note: "receipt?" }],
  ]);
  // Sorted differently now, "gone" was deleted, "d" is new.
  const results = [{ key: "c" }, { key: "d" }, { key: "a" }, { key: "b" }];
  const { carried, kept, orphans } = mergeReviews(previous, results);
  assert.equal(kept, 2);
  assert.deepEqual(carried[0], { status: "normal", note: "" });
  assert.equal(carried[1], undefined);
  assert.deepEqual(carried[2], { status: "confirmed", note: "dup invoice" });
  assert.equal(carried[3], undefined, "an empty review is not carried");
  assert.deepEqual(orphans, [{ key: "gone", status: "needs_evidence", note: "receipt?" }]);
});

test("every message exists in Korean and English", () => {
  assert.deepEqual(missingKeys(), { en: [], ko: [] });
});

test("the key comes out of the address; the other parameters and the hash stay as they were", () => {
  const key = "ab".repeat(32);
  const base = "https://localhost:48620/addin/taskpane.html";
  assert.deepEqual(splitToken(`${base}?token=${key}`), { token: key, cleaned: "/addin/taskpane.html" });
  // Office adds its own parameters (office.js reads _host_Info): kept byte for byte, in order.
  assert.deepEqual(splitToken(`${base}?_host_Info=Excel$Win32$16.01$ko-KR$$$$0&token=${key}&x=a%20b+c#top`), {
    token: key,
    cleaned: "/addin/taskpane.html?_host_Info=Excel$Win32$16.01$ko-KR$$$$0&x=a%20b+c#top",
  });
  assert.deepEqual(splitToken(`https://localhost:48620/addin/?token=${key}#runs`), { token: key, cleaned: "/addin/#runs" });
  // Encoded and padded as a copied link may be; a second token is removed too, the first counts.
  assert.deepEqual(splitToken(`${base}?token=%20${key}%0A&token=other`), { token: key, cleaned: "/addin/taskpane.html" });
  // An empty key is no key, but still leaves the address.
  assert.deepEqual(splitToken(`${base}?token=&lang=en`), { token: null, cleaned: "/addin/taskpane.html?lang=en" });
  assert.deepEqual(splitToken(`${base}?token`), { token: null, cleaned: "/addin/taskpane.html" });
  // Nothing to replace without a token parameter, whatever else is there.
  assert.deepEqual(splitToken(`${base}?tokens=1&mytoken=2#token=3`), { token: null, cleaned: null });
  assert.deepEqual(splitToken(base), { token: null, cleaned: null });
});

/** Runs token-handoff.js as a page would, in a fresh global with this address and storage. */
function handOffIn(href, storage) {
  const replaced = [];
  const page = {
    URL,
    URLSearchParams,
    location: { href },
    history: { state: null, replaceState: (state, title, url) => replaced.push(url) },
    localStorage: storage,
  };
  vm.runInNewContext(fs.readFileSync(new URL("../../addin/js/token-handoff.js", import.meta.url), "utf8"), page);
  return { handoff: page.ledgerlensToken, replaced };
}

test("the page hands the key off at once: out of the address, into storage", () => {
  const saved = new Map();
  const storage = { getItem: (k) => saved.get(k) ?? null, setItem: (k, v) => saved.set(k, v) };
  const { handoff, replaced } = handOffIn("https://localhost:48620/addin/?token=k1&x=1#h", storage);
  assert.deepEqual(replaced, ["/addin/?x=1#h"]);
  assert.equal(handoff.fromAddress, "k1");
  assert.equal(saved.get(handoff.TOKEN_KEY), "k1");
  // The next page without it in the address finds it saved, and the address is left alone.
  const next = handOffIn("https://localhost:48620/addin/taskpane.html", storage);
  assert.deepEqual(next.replaced, []);
  assert.equal(next.handoff.fromAddress, null);
  assert.equal(next.handoff.stored(), "k1");
  // Storage off (a locked-down WebView): the key still leaves the address and reaches api.js.
  const refusing = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); } };
  const off = handOffIn("https://localhost:48620/addin/taskpane.html?token=k2", refusing);
  assert.deepEqual(off.replaced, ["/addin/taskpane.html"]);
  assert.equal(off.handoff.fromAddress, "k2");
  assert.equal(off.handoff.stored(), null);
});

test("bidirectional controls in ledger text are shown, not obeyed", () => {
  assert.equal(visibleText("\u202EproC livE"), "[U+202E]proC livE");
  assert.equal(visibleText("a\u202Ab\u202Bc\u202Cd\u202De\u202Ef"), "a[U+202A]b[U+202B]c[U+202C]d[U+202D]e[U+202E]f");
  assert.equal(visibleText("\u2066x\u2067y\u2068z\u2069"), "[U+2066]x[U+2067]y[U+2068]z[U+2069]");
  // Their neighbours are not controls of that kind, and Korean, Arabic and Hebrew text is untouched.
  assert.equal(visibleText("\u2029\u2065\u206A\u202F\u200F"), "\u2029\u2065\u206A\u202F\u200F");
  assert.equal(visibleText("(주)가나상사 · شركة · חברה"), "(주)가나상사 · شركة · חברה");
  // Already shown is shown the same (the agent uses this form too); numbers and nothing become text.
  assert.equal(visibleText("[U+202E]x"), "[U+202E]x");
  assert.equal(visibleText(1234.5), "1234.5");
  assert.equal(visibleText(0), "0");
  assert.equal(visibleText(null), "");
  assert.equal(visibleText(undefined), "");
});

test("sampling: each sample sheet finds its parameters by the same suffix, in either language", () => {
  const names = ["원장", "표본", "표본 정보", "표본 (2)", "Sample (3)", "Sample parameters (3)", "표본 (4)", "표본 정보 (5)"];
  // "표본 (2)" and "표본 (4)" have no parameter sheet of their own: not offered.
  assert.deepEqual(samplePairs(names, layout), [
    { sample: "표본", parameters: "표본 정보" },
    { sample: "Sample (3)", parameters: "Sample parameters (3)" },
  ]);
  // A new sample takes the first suffix free on both sheets.
  assert.deepEqual(freePair(names, layout, "ko"), { sample: "표본 (3)", parameters: "표본 정보 (3)" });
  assert.deepEqual(freePair(["원장", "표본 정보 (2)"], layout, "ko"), { sample: "표본", parameters: "표본 정보" });
  assert.deepEqual(freePair(["Sample"], layout, "en"), { sample: "Sample (2)", parameters: "Sample parameters (2)" });
  assert.deepEqual(planning({ confidence: "0.95", materiality: "5", expected: "0.5", method: "cell" }), { confidence: 0.95, materiality: 0.05, expected: 0.005, method: "cell" });
});

test("rates are shown as the 집행률 sheet shows them, a missing one as a dash", () => {
  assert.equal(percent(0.875), "87.5%");
  assert.equal(percent(2), "200.0%");
  assert.equal(percent(null), "-");
  assert.equal(percent(undefined), "-");
});
