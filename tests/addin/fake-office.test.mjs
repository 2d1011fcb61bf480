// Unit test for fake-office.js (run: node --test tests/addin/fake-office.test.mjs).
//
// fake-office.js is a classic browser script, so it is loaded here the way a <script> tag would
// run it: its source is evaluated with vm.runInThisContext, which defines Office, Excel and
// __fakeExcel on Node's globalThis. Each test reloads it for a fresh workbook and, where needed,
// a different __fakeExcelConfig (which is read at load time).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import vm from "node:vm";
import zlib from "node:zlib";

const SRC = fs.readFileSync(new URL("./fake-office.js", import.meta.url), "utf8");
function load(config) {
  globalThis.__fakeExcelConfig = config;
  vm.runInThisContext(SRC, { filename: "fake-office.js" });
  delete globalThis.__fakeExcelConfig;
  return globalThis.__fakeExcel;
}
const rejectsWith = (p, code) => assert.rejects(p, (e) => { assert.equal(e.code, code, e.message); return true; });

test("Office globals, onReady and requirement sets", async () => {
  load({ apiVersion: "1.9", displayLanguage: "en-US" });
  assert.deepEqual(await Office.onReady(), { host: "Excel", platform: "PC" });
  assert.equal(Office.HostType.Excel, "Excel");
  assert.equal(Office.context.displayLanguage, "en-US");
  const ok = Office.context.requirements.isSetSupported;
  assert.ok(ok("ExcelApi", "1.9") && ok("ExcelApi", "1.4"));
  assert.ok(!ok("ExcelApi", "1.13") && !ok("ExcelApi", "1.10") && !ok("WordApi", "1.1"));
  load();
  assert.equal(Office.context.displayLanguage, "ko-KR");
  assert.ok(Office.context.requirements.isSetSupported("ExcelApi", "1.13"));
});

test("properties are unreadable until loaded and synced", async () => {
  const fx = load();
  fx.addSheet("Sheet1", [["a", 1]]);
  await Excel.run(async (ctx) => {
    const r = ctx.workbook.worksheets.getActiveWorksheet().getRange("A1:B1");
    r.load("values");
    assert.throws(() => r.values, (e) => e.code === "PropertyNotLoaded");
    await ctx.sync();
    assert.deepEqual(r.values, [["a", 1]]);
    assert.throws(() => r.address, (e) => e.code === "PropertyNotLoaded");
    const missing = ctx.workbook.worksheets.getItemOrNullObject("nope");
    assert.throws(() => missing.isNullObject, (e) => e.code === "PropertyNotLoaded");
    await ctx.sync();
    assert.equal(missing.isNullObject, true);
    ctx.workbook.worksheets.getItem("nope").load("name");
    await rejectsWith(ctx.sync(), "ItemNotFound");
  });
});

test("a write and a later load in one batch; typed-entry coercion; formulas recorded", async () => {
  const fx = load();
  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.add("결과");
    const a = ws.getRange("A1:E1");
    a.values = [["00123", "12.5", "2024-01-15", "=1+1", "'=SUM(A1)"]];
    const keys = ws.getRange("F1:H1");
    keys.values = [["1234567890123456", "1234567e89012345", "-12%"]]; // all-digit hex keys lose digits
    keys.load("values");
    const b = ws.getRange("A2:B2");
    b.numberFormat = [["@", "@"]]; // text format first, so the values stay text
    b.values = [["00123", "=HYPERLINK(\"x\")"]];
    a.load("values"); b.load("values,address");
    await ctx.sync();
    assert.deepEqual(a.values, [[123, 12.5, 45306, "=1+1", "=SUM(A1)"]]);
    assert.deepEqual(b.values, [["00123", "=HYPERLINK(\"x\")"]]);
    assert.deepEqual(keys.values, [[1234567890123450, "1234567e89012345", -0.12]]);
    assert.equal(b.address, "'결과'!A2:B2");
  });
  assert.deepEqual(fx.formulasWritten, [{ sheet: "결과", address: "D1", formula: "=1+1" }]);
  assert.equal(fx.style("결과", 0, 2).numberFormat, "yyyy-mm-dd");
  assert.equal(fx.cell("결과", 1, 0), "00123");
});

test("Excel.run syncs what is still queued; add() duplicates fail", async () => {
  const fx = load();
  await Excel.run(async (ctx) => { ctx.workbook.worksheets.getItem("Sheet1").getRange("B2").values = [["x"]]; });
  assert.equal(fx.cell("Sheet1", 1, 1), "x");
  await rejectsWith(Excel.run(async (ctx) => { ctx.workbook.worksheets.add("sheet1"); await ctx.sync(); }), "ItemAlreadyExists");
  await rejectsWith(Excel.run(async (ctx) => { ctx.workbook.worksheets.add("x".repeat(32)); await ctx.sync(); }), "InvalidArgument");
});

test("values must match the range's shape", async () => {
  load();
  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getActiveWorksheet();
    ws.getRange("A1:B2").values = [[1, 2]];
    await rejectsWith(ctx.sync(), "InvalidArgument");
    ws.getRange("A1:B1").values = [1, 2];
    await rejectsWith(ctx.sync(), "InvalidArgument");
    ws.getRange("A1:B2").values = 7; // a scalar is broadcast, as in Office.js
    const r = ws.getRange("A1:B2").load("values");
    await ctx.sync();
    assert.deepEqual(r.values, [[7, 7], [7, 7]]);
  });
});

test("object creation is ordered: a used range is taken where it was requested", async () => {
  load();
  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getActiveWorksheet();
    ws.getRange("A1:B2").values = [[1, 2], [3, 4]];
    const before = ws.getUsedRange().load("address");
    ws.getRange("E10").values = [["x"]];
    const after = ws.getUsedRange().load("address");
    await ctx.sync();
    assert.deepEqual([before.address, after.address], ["Sheet1!A1:B2", "Sheet1!A1:E10"]);
  });
});

test("used range, null objects and address formatting", async () => {
  const fx = load();
  fx.addSheet("Ledger 2024", [["h1", "h2", "h3"], [1, "", 3], ["", "", ""], [4, 5, ""]]);
  fx.addSheet("Empty", []);
  fx.addSheet("Offset", []);
  fx.setCell("Offset", 2, 3, "x");
  await Excel.run(async (ctx) => {
    const wss = ctx.workbook.worksheets;
    const u = wss.getItem("Ledger 2024").getUsedRange().load("address,rowCount,columnCount,rowIndex,columnIndex");
    const e = wss.getItem("Empty").getUsedRange().load("address");
    const en = wss.getItem("Empty").getUsedRangeOrNullObject().load("address");
    const o = wss.getItem("Offset").getUsedRange(true).load("address");
    const c = wss.getItem("Ledger 2024").getRange("C:C").load("address");
    wss.load("items/name");
    await ctx.sync();
    assert.equal(u.address, "'Ledger 2024'!A1:C4");
    assert.deepEqual([u.rowCount, u.columnCount, u.rowIndex, u.columnIndex], [4, 3, 0, 0]);
    assert.equal(e.address, "Empty!A1");
    assert.equal(en.isNullObject, true);
    assert.equal(o.address, "Offset!D3"); // Excel's used range starts at the first used cell
    assert.equal(c.address, "'Ledger 2024'!C:C");
    assert.deepEqual(wss.items.map((w) => w.name), ["Sheet1", "Ledger 2024", "Empty", "Offset"]);
  });
  assert.deepEqual(fx.values("Ledger 2024")[3], [4, 5, ""]);
});

test("5 MB limit: oversized requests and responses are rejected and apply nothing", async () => {
  const fx = load();
  const big = Array.from({ length: 80000 }, (_, i) => ["row-" + i, "가나다라마바사아자차카타파하" + i, i]);
  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getActiveWorksheet();
    ws.getRange("A1:C80000").values = big;
    await rejectsWith(ctx.sync(), "RequestPayloadSizeLimitExceeded");
  });
  assert.equal(fx.cell("Sheet1", 0, 0), "");
  assert.ok(fx.maxRequestBytes() > 5 * 1024 * 1024);

  fx.addSheet("Big", big);
  await Excel.run(async (ctx) => {
    ctx.workbook.worksheets.getActiveWorksheet().getRange("A1").values = [["written"]];
    ctx.workbook.worksheets.getActiveWorksheet().getRange("A1").format.fill.color = "#FF0000";
    ctx.workbook.worksheets.add("Scratch");
    const r = ctx.workbook.worksheets.getItem("Big").getUsedRange().load("values");
    await rejectsWith(ctx.sync(), "ResponsePayloadSizeLimitExceeded");
    assert.throws(() => r.values, (e) => e.code === "PropertyNotLoaded");
  });
  // the writes in the rejected batch were undone
  assert.equal(fx.cell("Sheet1", 0, 0), "");
  assert.equal(fx.style("Sheet1", 0, 0).fill, null);
  assert.deepEqual(fx.sheetNames(), ["Sheet1", "Big"]);
  assert.ok(fx.maxResponseBytes() > 5 * 1024 * 1024);
  const last = fx.syncs[fx.syncs.length - 1];
  assert.ok(last.responseBytes > 5 * 1024 * 1024 && last.ops > 0);
});

test("200k-row ledger read in 10k-row blocks with getRangeByIndexes", async () => {
  const fx = load();
  const rows = [["date", "account", "memo", "amount", ...Array.from({ length: 12 }, (_, i) => "c" + i)]];
  for (let i = 1; i < 200000; i++) rows.push(["2024-01-01", "4010" + (i % 97), "거래 " + i, i * 10, ...Array(12).fill(i % 7)]);
  fx.addSheet("Ledger", rows, { activate: true });
  await Excel.run(async (ctx) => {
    const used = ctx.workbook.worksheets.getActiveWorksheet().getUsedRange().load("rowCount,columnCount");
    await ctx.sync();
    assert.deepEqual([used.rowCount, used.columnCount], [200000, 16]);
    let seen = 0, worst = 0;
    for (let start = 0; start < used.rowCount; start += 10000) {
      const t0 = performance.now();
      const block = ctx.workbook.worksheets.getActiveWorksheet()
        .getRangeByIndexes(start, 0, Math.min(10000, used.rowCount - start), used.columnCount).load("values");
      await ctx.sync();
      worst = Math.max(worst, performance.now() - t0);
      seen += block.values.length;
      if (start === 190000) assert.deepEqual(block.values[9999].slice(0, 4), ["2024-01-01", "4010" + (199999 % 97), "거래 199999", 1999990]);
    }
    assert.equal(seen, 200000);
    assert.ok(worst < 500, `slowest block took ${worst} ms`);
  });
  assert.ok(fx.maxResponseBytes() < 5 * 1024 * 1024);
});

test("formats, conditional formats, validation, freeze, filter, hidden columns, selection", async () => {
  const fx = load();
  fx.addSheet("R", [["a", "b", "c", "d"], [1, 2, 3, 4], [5, 6, 7, 8]], { activate: true });
  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getItem("R");
    const cf = ws.getRange("D2:D3").conditionalFormats.add(Excel.ConditionalFormatType.custom);
    cf.custom.rule.formula = "=$D2>5";
    cf.custom.format.fill.color = "#ffc7ce";
    cf.custom.format.font.color = "#9C0006";
    const cv = ws.getRange("C2:C3").conditionalFormats.add(Excel.ConditionalFormatType.cellValue);
    cv.cellValue.rule = { formula1: "5", operator: "GreaterThan" };
    cv.cellValue.format.fill.color = "#FFEB9C";
    ws.getRange("B2:B3").dataValidation.rule = { list: { inCellDropDown: true, source: "ok,review,fraud" } };
    ws.freezePanes.freezeRows(1);
    ws.autoFilter.apply(ws.getRange("A1:D3"));
    ws.getRange("C:C").columnHidden = true;
    ws.getRange("A:A").numberFormat = "#,##0";
    ws.getRange("A:A").format.columnWidth = 120;
    ws.getRange("A1:D1").format.font.bold = true;
    ws.getRange("A1:D1").format.fill.color = "#DDEBF7";
    ws.getRange("B2").select();
    const fmt = ws.getRange("A1:D1").format.load("columnWidth");
    const font = ws.getRange("A1:D1").format.font.load("bold");
    await ctx.sync();
    assert.equal(fmt.columnWidth, null); // mixed widths read as null, as in Office.js
    assert.equal(font.bold, true);
    ws.getRange("B2:B3").dataValidation.rule = { list: { source: "x,".repeat(200) } };
    await rejectsWith(ctx.sync(), "InvalidArgument");
  });
  assert.deepEqual(fx.conditionalFormats("R"), [
    { address: "D2:D3", type: "Custom", formula: "=$D2>5", formula2: null, operator: null, fill: "#FFC7CE", font: "#9C0006", bold: null },
    { address: "C2:C3", type: "CellValue", formula: "5", formula2: null, operator: "GreaterThan", fill: "#FFEB9C", font: null, bold: null },
  ]);
  assert.deepEqual(fx.validations("R"), [{ address: "B2:B3", type: "list", source: "ok,review,fraud" }]);
  assert.equal(fx.frozenRows("R"), 1);
  assert.equal(fx.autoFilter("R"), "A1:D3");
  assert.deepEqual(fx.hiddenColumns("R"), [2]);
  assert.deepEqual(fx.selection(), { sheet: "R", address: "B2" });
  const cols = fx.columnFormats("R");
  assert.equal(cols[0].numberFormat, "#,##0");
  assert.equal(cols[0].width, 120);
  assert.equal(fx.style("R", 0, 1).bold, true);
  assert.equal(fx.formulasWritten.length, 0);

  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getItem("R");
    ws.getRange("A1:D3").conditionalFormats.clearAll();
    ws.getRange("B2:B3").dataValidation.clear();
    ws.autoFilter.remove();
    ws.getRange("C:C").columnHidden = false;
    ws.getRange("A1:D3").clear(Excel.ClearApplyTo.contents);
  });
  assert.deepEqual([fx.conditionalFormats("R"), fx.validations("R"), fx.autoFilter("R"), fx.hiddenColumns("R")], [[], [], null, []]);
  assert.deepEqual(fx.values("R"), []);
  assert.equal(fx.style("R", 0, 1).bold, true); // clearing contents keeps formats
});

// A minimal zip writer (deflated entries) so the test needs no xlsx library.
function zip(files) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text), comp = zlib.deflateRawSync(data), nameBuf = Buffer.from(name);
    const crc = zlib.crc32 ? zlib.crc32(data) : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(comp.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10); central.writeUInt32LE(crc, 16); central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, comp);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + comp.length;
  }
  const cd = Buffer.concat(centrals), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
const XLSX = zip({
  "xl/workbook.xml": `<?xml version="1.0"?><workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
    `<sheet name="요약 &amp; 통계" sheetId="1" r:id="rId1"/><sheet name="Sheet1" sheetId="2" r:id="rId2"/></sheets></workbook>`,
  "xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>` +
    `<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>`,
  "xl/sharedStrings.xml": `<sst><si><t>점수</t></si><si><r><t>ri</t></r><r><t>ch</t></r></si></sst>`,
  "xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>0.75</v></c></row>` +
    `<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="b"><v>1</v></c><c r="C2" t="inlineStr"><is><t>inline</t></is></c></row></sheetData></worksheet>`,
  "xl/worksheets/sheet2.xml": `<worksheet><sheetData/></worksheet>`,
}).toString("base64");

test("insertWorksheetsFromBase64 parses the xlsx on ExcelApi 1.13", async () => {
  const fx = load({ apiVersion: "1.13" });
  const ids = await Excel.run(async (ctx) => {
    const res = ctx.workbook.insertWorksheetsFromBase64(XLSX, { positionType: Excel.WorksheetPositionType.end });
    assert.throws(() => res.value, (e) => e.code === "ValueNotLoaded");
    await ctx.sync();
    return res.value;
  });
  assert.deepEqual(fx.sheetNames(), ["Sheet1", "요약 & 통계", "Sheet1 (2)"]);
  assert.equal(ids.length, 2);
  assert.deepEqual(fx.inserted, [{ names: ["요약 & 통계", "Sheet1 (2)"], bytes: Buffer.from(XLSX, "base64").length }]);
  assert.deepEqual(fx.values("요약 & 통계"), [["점수", 0.75, ""], ["rich", true, "inline"]]);

  // The browser path (DecompressionStream), exercised here by hiding Node's zlib from the fake.
  const saved = process.getBuiltinModule;
  process.getBuiltinModule = undefined;
  try {
    await Excel.run(async (ctx) => {
      ctx.workbook.insertWorksheetsFromBase64(XLSX, { sheetNamesToInsert: ["요약 & 통계"], positionType: "Beginning" });
    });
  } finally {
    process.getBuiltinModule = saved;
  }
  assert.deepEqual(fx.sheetNames().slice(0, 2), ["요약 & 통계 (2)", "Sheet1"]);
  assert.equal(fx.cell("요약 & 통계 (2)", 0, 0), "점수");
  await Excel.run(async (ctx) => { // the returned ids work as worksheet keys
    const ws = ctx.workbook.worksheets.getItem(ids[1]).load("name");
    await ctx.sync();
    assert.equal(ws.name, "Sheet1 (2)");
  });
});

test("insertWorksheetsFromBase64 fails with ApiNotFound on ExcelApi 1.9", async () => {
  const fx = load({ apiVersion: "1.9" });
  assert.ok(!Office.context.requirements.isSetSupported("ExcelApi", "1.13"));
  await rejectsWith(Excel.run(async (ctx) => {
    ctx.workbook.insertWorksheetsFromBase64(XLSX);
    await ctx.sync();
  }), "ApiNotFound");
  assert.deepEqual(fx.sheetNames(), ["Sheet1"]);
  assert.deepEqual(fx.inserted, []);
});

test("user edits: sortBy and deleteRow move whole rows with their formats", async () => {
  const fx = load();
  fx.addSheet("S", [["name", "amt"], ["b", 20], ["a", 10], ["c", ""], ["d", 30]]);
  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getItem("S");
    ws.getRange("A3:B3").format.fill.color = "#FF0000"; // row "a"
    ws.getRange("B2:B5").conditionalFormats.add("Custom").custom.rule.formula = "=B2>15";
  });
  fx.sortBy("S", 1, true);
  assert.deepEqual(fx.values("S"), [["name", "amt"], ["d", 30], ["b", 20], ["a", 10], ["c", ""]]);
  assert.equal(fx.style("S", 3, 0).fill, "#FF0000");
  fx.sortBy("S", 0, false);
  assert.deepEqual(fx.values("S").map((r) => r[0]), ["name", "a", "b", "c", "d"]);
  fx.deleteRow("S", 1);
  assert.deepEqual(fx.values("S"), [["name", "amt"], ["b", 20], ["c", ""], ["d", 30]]);
  assert.equal(fx.style("S", 1, 0).fill, null);
  assert.equal(fx.conditionalFormats("S")[0].address, "B2:B4");
  assert.deepEqual(fx.columnFormats("S")[0].fill, null);
});

test("whole columns inserted to the right move cells, widths, hidden columns and boxes", async () => {
  const fx = load();
  fx.addSheet("S", [["a", "b", "c"], [1, 2, 3]]);
  await Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getItem("S");
    ws.getRange("C1").format.columnWidth = 90;
    ws.getRange("C1").getEntireColumn().columnHidden = true;
    ws.getRange("C2:C2").conditionalFormats.add("Custom").custom.rule.formula = "=C2>1";
    ws.getRange("A2:C2").dataValidation.rule = { list: { inCellDropDown: true, source: "x,y" } };
    ws.getRangeByIndexes(0, 1, 1, 2).getEntireColumn().insert(Excel.InsertShiftDirection.right);
  });
  assert.deepEqual(fx.values("S"), [["a", "", "", "b", "c"], [1, "", "", 2, 3]]);
  assert.deepEqual(fx.hiddenColumns("S"), [4]);
  assert.equal(fx.conditionalFormats("S")[0].address, "E2");
  assert.equal(fx.validations("S")[0].address, "A2:E2", "a box across the insertion grows");
  await Excel.run(async (ctx) => {
    ctx.workbook.worksheets.getItem("S").getRange("A1:B1").insert(Excel.InsertShiftDirection.down);
    await rejectsWith(ctx.sync(), "InvalidArgument");
  });
});
