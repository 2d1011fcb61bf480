/*
 * fake-office.js — an in-memory stand-in for office.js + the Excel JavaScript API.
 *
 * The end-to-end tests load the real task pane from the real agent in headless Chromium and
 * answer its <script src=".../office.js"> with this file (playwright page.route). It is therefore
 * a classic script (no import/export) that defines the globals Office, Excel and OfficeExtension,
 * plus window.__fakeExcel, an inspection/puppeteering API for the tests. The Node unit test
 * (fake-office.test.mjs) loads the same text with vm.runInThisContext; everything hangs off
 * globalThis so both hosts work.
 *
 * The point of the fake is to fail where real Excel fails, so the batching model is kept:
 * proxies only queue closures; nothing is applied or readable until `await context.sync()`;
 * reading an unloaded property throws PropertyNotLoaded; each sync is measured against Excel on
 * the web's 5 MB request/response limits. Where real Excel is stricter than a naive fake
 * (typed-entry coercion of strings, 31-char sheet names, 255-char list sources) the fake is too.
 *
 * Config, read once at load time from globalThis.__fakeExcelConfig:
 *   apiVersion ("1.13" | "1.9"), displayLanguage ("ko-KR"), requestLimitBytes (5 MiB),
 *   coerce (true: emulate Excel's parsing of strings written to cells).
 */
(function (root) {
  "use strict";
  const cfg = root.__fakeExcelConfig || {};
  const API = String(cfg.apiVersion || "1.13");
  const LANG = cfg.displayLanguage || "ko-KR";
  const LIMIT = cfg.requestLimitBytes || 5 * 1024 * 1024;
  const COERCE = cfg.coerce !== false;
  const MAXR = 1048576, MAXC = 16384;
  const OP_BYTES = 64; // rough per-action overhead of Office.js's JSON request envelope
  const DEFAULT_W = 48; // default column width in points (8.43 characters)

  // ---------- errors, sizes, addresses ----------

  class OfficeError extends Error { // the shape of OfficeExtension.Error: code, message, debugInfo
    constructor(code, message) {
      super(message || code);
      Object.assign(this, { name: "RichApi.Error", code, debugInfo: { code, message: this.message } });
    }
  }
  const fail = (code, msg) => { throw new OfficeError(code, msg); };
  const notLoaded = (p) => new OfficeError("PropertyNotLoaded", `The property '${p}' is not available. ` +
    `Before reading the property's value, call the load method on the containing object and call "context.sync()".`);

  function verCmp(a, b) { // "1.9" < "1.13": compare dotted versions part by part
    const x = String(a).split("."), y = String(b).split(".");
    for (let i = 0, d; i < Math.max(x.length, y.length); i++) if ((d = (+x[i] || 0) - (+y[i] || 0))) return d;
    return 0;
  }
  // UTF-8 length without allocating an encoded copy (payloads are measured on every sync).
  function utf8Len(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) n += 1; else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c < 0xdc00) { n += 4; i++; } else n += 3;
    }
    return n;
  }
  // Proxies passed as arguments (autoFilter.apply(range)) travel as object paths, not data.
  const jsonBytes = (v) => v === undefined ? 0 :
    utf8Len(JSON.stringify(v, function (k, x) { return this[k] instanceof Obj ? "#obj" : x; }) || "");

  function colName(c) {
    let s = "";
    for (c++; c > 0; c = ((c - 1) / 26) | 0) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
    return s;
  }
  const colIndex = (s) => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  // Excel quotes sheet names unless they are plain identifiers that cannot be read as a cell ref.
  const quoteSheet = (n) => /^[A-Za-z_][A-Za-z0-9_.]*$/.test(n) && !/^[A-Za-z]{1,3}\d+$/.test(n) &&
    !/^R\d*C\d*$/i.test(n) ? n : "'" + n.replace(/'/g, "''") + "'";
  function localAddr(g) {
    if (g.nr === MAXR) return colName(g.c0) + ":" + colName(g.c0 + g.nc - 1);
    if (g.nc === MAXC) return g.r0 + 1 + ":" + (g.r0 + g.nr);
    const a = colName(g.c0) + (g.r0 + 1);
    return g.nr === 1 && g.nc === 1 ? a : a + ":" + colName(g.c0 + g.nc - 1) + (g.r0 + g.nr);
  }
  const fullAddr = (g) => quoteSheet(g.s.name) + "!" + localAddr(g);
  function geo(s, r0, c0, nr, nc) {
    if (![r0, c0, nr, nc].every(Number.isInteger) || r0 < 0 || c0 < 0 || nr < 1 || nc < 1 ||
        r0 + nr > MAXR || c0 + nc > MAXC) fail("InvalidArgument", `Invalid range: row ${r0}, column ${c0}, ${nr}x${nc}.`);
    return { s, r0, c0, nr, nc };
  }
  // "A1", "B2:D10", "C:E", "2:5", with optional $ and an (ignored) sheet prefix.
  function parseAddr(s, text) {
    const bad = () => fail("InvalidArgument", `The address '${text}' is not valid.`);
    const parts = String(text).replace(/^.*!/, "").replace(/\$/g, "").toUpperCase().split(":");
    if (parts.length > 2) bad();
    const p = parts.map((t) => {
      const m = /^([A-Z]{1,3})?(\d+)?$/.exec(t);
      if (!m || (!m[1] && !m[2])) bad();
      return { c: m[1] ? colIndex(m[1]) : undefined, r: m[2] ? +m[2] - 1 : undefined };
    });
    const [a, b = a] = p;
    if ((a.r === undefined) !== (b.r === undefined) || (a.c === undefined) !== (b.c === undefined)) bad();
    const r0 = a.r === undefined ? 0 : Math.min(a.r, b.r), r1 = a.r === undefined ? MAXR - 1 : Math.max(a.r, b.r);
    const c0 = a.c === undefined ? 0 : Math.min(a.c, b.c), c1 = a.c === undefined ? MAXC - 1 : Math.max(a.c, b.c);
    return geo(s, r0, c0, r1 - r0 + 1, c1 - c0 + 1);
  }
  const overlaps = (x, g) => x.r0 < g.r0 + g.nr && g.r0 < x.r0 + x.nr && x.c0 < g.c0 + g.nc && g.c0 < x.c0 + x.nc;
  const inside = (x, g) => x.r0 >= g.r0 && x.c0 >= g.c0 && x.r0 + x.nr <= g.r0 + g.nr && x.c0 + x.nc <= g.c0 + g.nc;
  const box = (g) => ({ r0: g.r0, c0: g.c0, nr: g.nr, nc: g.nc });
  const normColor = (v) => (typeof v === "string" && /^#?[0-9a-f]{6}$/i.test(v) ? "#" + v.replace("#", "").toUpperCase() : v);

  // ---------- workbook model ----------
  // Cells live in sparse arrays of row arrays (values in s.rows, style objects in s.sty), so a
  // 200k x 16 ledger costs 200k small arrays. Styles are interned and immutable, which makes
  // "set fill on 10k rows" a pointer store per cell and row moves (sort, delete) trivially correct.

  const styleByKey = new Map(), styleTrans = new Map();
  function mkStyle(o) {
    const k = JSON.stringify([o.nf, o.fill, o.bold, o.color, o.wrap]);
    let st = styleByKey.get(k);
    if (!st) styleByKey.set(k, (st = Object.freeze({ k, nf: o.nf, fill: o.fill, bold: o.bold, color: o.color, wrap: o.wrap })));
    return st;
  }
  const DEFAULT = mkStyle({ nf: "General", fill: null, bold: false, color: null, wrap: false });
  function withProp(st, prop, v) {
    const key = st.k + "\u0000" + prop + "\u0000" + JSON.stringify(v);
    let r = styleTrans.get(key);
    if (!r) styleTrans.set(key, (r = mkStyle(Object.assign({}, st, { [prop]: v }))));
    return r;
  }

  let state, nextId;
  function newSheet(name) {
    const n = nextId++;
    return {
      name, id: `{00000000-0001-0000-${String(n).padStart(4, "0")}-000000000000}`, rows: [], sty: [],
      // Everything that is not per-cell lives in `m`, which is what a rejected sync snapshots.
      m: { visibility: "Visible", colStyle: [], colWidth: [], colHidden: [], cf: [], dv: [],
        frozenRows: 0, frozenCols: 0, autoFilter: null, sel: { r0: 0, c0: 0, nr: 1, nc: 1 } },
    };
  }
  function reset() {
    nextId = 1;
    const s = newSheet("Sheet1");
    state = { sheets: [s], active: s, tx: null, syncs: [], inserted: [], formulasWritten: [] };
  }
  reset();

  const findSheet = (key) => state.sheets.find((s) => s.id === key || s.name.toLowerCase() === String(key).toLowerCase());
  function checkName(name, self) {
    if (typeof name !== "string" || !name || name.length > 31 || /[:\\/?*[\]]/.test(name) || /^'|'$/.test(name) ||
        name.toLowerCase() === "history") fail("InvalidArgument", `The worksheet name '${name}' is not valid.`);
    const other = findSheet(name);
    if (other && other !== self) fail("ItemAlreadyExists", `A worksheet named '${name}' already exists.`);
  }
  function addSheetModel(name, at) {
    if (name === undefined) for (let i = 1; findSheet((name = "Sheet" + i)); i++);
    checkName(name);
    const s = newSheet(name);
    state.sheets.splice(at === undefined ? state.sheets.length : at, 0, s);
    return s;
  }

  const styleAt = (s, r, c) => (s.sty[r] && s.sty[r][c]) || s.m.colStyle[c] || DEFAULT;
  function readCell(s, r, c) {
    const v = s.rows[r] && s.rows[r][c];
    return v === undefined || v === null ? "" : typeof v === "object" ? v.f : v;
  }
  // Copy-on-write rows: the first write to a row in a sync saves the old arrays so that a sync
  // rejected after running (response too large) can be undone without cloning the sheet.
  function touch(s, r) {
    const tx = state.tx;
    if (tx && s._tx !== tx) { s._tx = tx; s._seen = new Set(); }
    if (tx && !s._seen.has(r)) {
      s._seen.add(r);
      tx.rows.push([s, r, s.rows[r], s.sty[r]]);
      s.rows[r] = s.rows[r] ? s.rows[r].slice() : [];
      s.sty[r] = s.sty[r] ? s.sty[r].slice() : [];
    } else if (!s.rows[r] || !s.sty[r]) { s.rows[r] = s.rows[r] || []; s.sty[r] = s.sty[r] || []; }
  }
  // Bounding box of non-empty cells (and, unless valuesOnly, cells carrying their own format).
  function usedBox(s, valuesOnly) {
    let r0 = Infinity, r1 = -1, c0 = Infinity, c1 = -1;
    const scan = (arr, used) => arr.forEach((row, r) => {
      if (!row) return;
      for (let c = 0; c < row.length; c++) if (used(row[c])) {
        if (r < r0) r0 = r; if (r > r1) r1 = r; if (c < c0) c0 = c; if (c > c1) c1 = c;
      }
    });
    scan(s.rows, (v) => v !== undefined && v !== null && v !== "");
    if (!valuesOnly) scan(s.sty, (st) => st && st !== DEFAULT);
    return r1 < 0 ? null : { s, r0, c0, nr: r1 - r0 + 1, nc: c1 - c0 + 1 };
  }
  const lastRow = (s) => Math.max(s.rows.length, s.sty.length);

  // Office.js accepts a scalar (broadcast to every cell) or a 2-D array of exactly the range's shape.
  function grid(g, v, what) {
    if (!Array.isArray(v)) return () => v;
    if (v.length !== g.nr || v.some((row) => !Array.isArray(row) || row.length !== g.nc)) fail("InvalidArgument",
      `The number of rows or columns in the input array doesn't match the size or dimensions of the range ` +
      `(${what}, range is ${g.nr}x${g.nc}).`);
    return (i, j) => v[i][j];
  }
  function readGrid(g, f) {
    const out = new Array(g.nr);
    for (let i = 0; i < g.nr; i++) for (let j = 0, row = (out[i] = new Array(g.nc)); j < g.nc; j++) row[j] = f(g.s, g.r0 + i, g.c0 + j);
    return out;
  }
  // The common value of f over the range, or null when mixed (Office.js's convention for formats).
  // Rows past the last stored row all look alike, so one of them stands in for the rest.
  function uniform(g, f) {
    const rEnd = Math.min(g.r0 + g.nr, Math.max(lastRow(g.s), g.r0) + 1);
    const first = f(g.s, g.r0, g.c0);
    for (let r = g.r0; r < rEnd; r++) for (let c = g.c0; c < g.c0 + g.nc; c++) if (f(g.s, r, c) !== first) return null;
    return first;
  }
  const colsOf = (g) => Array.from({ length: g.nc }, (_, j) => g.c0 + j);

  // Excel parses strings written to `values` as if typed: numbers, booleans, ISO dates and
  // formulas (leading =, or + / - when not a number) are converted; "@"-formatted cells keep text;
  // a leading apostrophe forces text. Ledger text must therefore be written defensively.
  const NUM = /^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?%?$/;
  function coerce(s, r, c, x) {
    if (typeof x === "number") return isFinite(x) ? x : fail("InvalidArgument", "Cell values must be finite numbers.");
    if (typeof x === "boolean") return x;
    if (typeof x !== "string") fail("InvalidArgument", `Unsupported cell value type '${typeof x}'.`);
    if (!COERCE || x === "" || styleAt(s, r, c).nf === "@") return x;
    if (x[0] === "'") return x.slice(1);
    if (NUM.test(x) && /\d/.test(x)) { // Excel keeps 15 digits (truncating); out-of-range numbers stay text
      const n = Number(x.replace(/[,%]/g, "")) / (x.endsWith("%") ? 100 : 1);
      const cut = 10 ** (Math.floor(Math.log10(Math.abs(n))) - 14);
      if (isFinite(n)) return cut > 1 ? Math.trunc(n / cut) * cut : Number(n.toPrecision(15));
    }
    if (/^(true|false)$/i.test(x)) return x.toUpperCase() === "TRUE";
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(x);
    if (d) {
      const t = Date.UTC(+d[1], +d[2] - 1, +d[3]);
      if (new Date(t).toISOString().slice(0, 10) === x) {
        if (styleAt(s, r, c).nf === "General") s.sty[r][c] = withProp(styleAt(s, r, c), "nf", "yyyy-mm-dd");
        return (t - Date.UTC(1899, 11, 30)) / 86400000;
      }
    }
    if (x[0] === "=" || ((x[0] === "+" || x[0] === "-") && x.length > 1)) {
      state.formulasWritten.push({ sheet: s.name, address: localAddr({ r0: r, c0: c, nr: 1, nc: 1 }), formula: x });
      return { f: x[0] === "=" ? x : "=" + x };
    }
    return x;
  }
  function writeValues(g, v) {
    const at = grid(g, v, "values");
    for (let i = 0, r = g.r0; i < g.nr; i++, r++) {
      touch(g.s, r);
      for (let j = 0, x; j < g.nc; j++) {
        if ((x = at(i, j)) !== null && x !== undefined) g.s.rows[r][g.c0 + j] = coerce(g.s, r, g.c0 + j, x); // null: leave as is
      }
    }
  }
  function setStyle(g, prop, v) {
    const s = g.s, memo = new Map(); // scalar case: one lookup per distinct old style
    const next = Array.isArray(v) ? (st, x) => withProp(st, prop, x)
      : (st) => memo.get(st) || memo.set(st, withProp(st, prop, v)).get(st);
    if (g.nr === MAXR && !Array.isArray(v)) {
      // Whole columns: Excel stores a column format, plus restyles cells that have their own.
      for (const c of colsOf(g)) s.m.colStyle[c] = next(s.m.colStyle[c] || DEFAULT);
      s.sty.forEach((row, r) => {
        const end = row ? Math.min(row.length, g.c0 + g.nc) : 0;
        for (let c = g.c0; c < end; c++) if (s.sty[r][c]) { touch(s, r); s.sty[r][c] = next(s.sty[r][c]); }
      });
      return;
    }
    const at = grid(g, v, prop);
    for (let i = 0, r = g.r0; i < g.nr; i++, r++) {
      touch(s, r);
      for (let j = 0; j < g.nc; j++) s.sty[r][g.c0 + j] = next(styleAt(s, r, g.c0 + j), at(i, j));
    }
  }
  function clearRange(g, how) {
    const s = g.s, contents = how !== "Formats", formats = how === "All" || how === "Formats";
    if (how === "Hyperlinks" || how === "RemoveHyperlinks") return;
    const end = Math.min(g.r0 + g.nr, lastRow(s));
    for (let r = g.r0; r < end; r++) {
      if (!s.rows[r] && !s.sty[r]) continue;
      touch(s, r);
      for (let c = g.c0; c < Math.min(g.c0 + g.nc, Math.max(s.rows[r].length, s.sty[r].length)); c++) {
        if (contents) s.rows[r][c] = undefined;
        if (formats) s.sty[r][c] = undefined;
      }
    }
    if (formats) {
      if (g.nr === MAXR) for (const c of colsOf(g)) s.m.colStyle[c] = undefined;
      s.m.cf = s.m.cf.filter((x) => !inside(x, g));
    }
  }
  // Range.insert on whole columns, shifted right (all the pane asks of it): every cell, style,
  // column property and box at or right of the first column moves right; a box spanning the
  // insertion point grows, as Excel's conditional formats and validations do.
  function insertColumns(g, shift) {
    if (shift !== "Right" || g.nr !== MAXR) fail("InvalidArgument", "fake: only whole columns shifted right are modelled.");
    const s = g.s, at = g.c0, n = g.nc;
    for (let r = 0; r < Math.max(s.rows.length, s.sty.length); r++) {
      if (!s.rows[r] && !s.sty[r]) continue;
      touch(s, r);
      if (s.rows[r].length > at) s.rows[r].splice(at, 0, ...new Array(n));
      if (s.sty[r].length > at) s.sty[r].splice(at, 0, ...new Array(n));
    }
    for (const k of ["colStyle", "colWidth", "colHidden"]) if (s.m[k].length > at) s.m[k].splice(at, 0, ...new Array(n));
    const move = (b) => { if (b.c0 >= at) b.c0 += n; else if (b.c0 + b.nc > at) b.nc += n; };
    s.m.cf.forEach(move);
    s.m.dv.forEach(move);
    if (s.m.autoFilter) move(s.m.autoFilter);
  }
  function autofit(g) {
    const s = g.s, used = usedBox(s, true);
    if (!used) return;
    for (let c = g.c0; c < Math.min(g.c0 + g.nc, used.c0 + used.nc); c++) {
      let w = 0;
      for (let r = g.r0; r < Math.min(g.r0 + g.nr, s.rows.length); r++) w = Math.max(w, String(readCell(s, r, c)).length);
      s.m.colWidth[c] = w ? Math.min(1790, Math.round(w * 7 + 10)) : DEFAULT_W;
    }
  }
  function setValidation(g, rule) {
    const type = Object.keys(rule || {}).find((k) => rule[k]);
    if (!type) fail("InvalidArgument", "The data validation rule is empty.");
    const source = type === "list" ? String(rule.list.source) : JSON.stringify(rule[type]);
    // Excel caps a literal list source at 255 characters (longer ones corrupt the saved file).
    if (type === "list" && source[0] !== "=" && source.length > 255) fail("InvalidArgument", "The list source exceeds 255 characters.");
    g.s.m.dv = g.s.m.dv.filter((x) => !inside(x, g));
    g.s.m.dv.push(Object.assign(box(g), { type, source, rule: JSON.parse(JSON.stringify(rule)) }));
  }

  // ---------- proxies and the request queue ----------

  class Obj {
    constructor(ctx, resolve, kind, bytes) {
      this._ctx = ctx; this._res = resolve; this._tgt = undefined; this._vals = null; this._synced = false;
      // Object creation is itself a queued action: getUsedRange() sees the sheet as it is at
      // this point of the batch, not as it is when the range is first used.
      if (kind) ctx._push(kind, () => { this._t(); }, bytes);
    }
    _t() {
      if (this._tgt === undefined) { this._tgt = this._res(); this._ctx._resolved.push(this); }
      return this._tgt;
    }
    _need() {
      const t = this._t();
      return t === null ? fail("ItemNotFound", "The requested resource doesn't exist.") : t;
    }
    _op(kind, fn, bytes) { this._ctx._push(kind, () => fn(this._need()), bytes); }
    _kid(key, make) { return this["_k_" + key] || (this["_k_" + key] = make()); }
    get isNullObject() { if (!this._synced) throw notLoaded("isNullObject"); return this._tgt === null; }
    load(spec) {
      const paths = parseSpec(spec);
      this._ctx._push("load", (out) => loadInto(this, paths, out));
      return this;
    }
    toJSON() { return Object.assign({}, this._vals); }
  }
  Obj.prototype._table = {};

  // Loadable/settable properties: reads come from the last synced load, writes queue an action.
  function props(target, table) {
    Object.defineProperty(target, "_table", { value: table, configurable: true });
    for (const name of Object.keys(table)) {
      const d = table[name];
      Object.defineProperty(target, name, {
        configurable: true, enumerable: true,
        get() { if (!this._vals || !(name in this._vals)) throw notLoaded(name); return this._vals[name]; },
        set(v) {
          if (!d.set) throw new TypeError(`Cannot set read-only property '${name}'.`);
          this._ctx._push("set:" + name, () => d.set(this._need(), v), jsonBytes(v));
        },
      });
    }
  }
  // Sub-objects (format, fill, font, rules...) have no identity of their own here: they resolve
  // through their parent at sync time, so a table of props, methods and children describes them.
  function node(parent, map, table, methods, kids) {
    const o = new Obj(parent._ctx, () => map(parent._need()));
    if (table) props(o, table);
    for (const k in methods || {}) o[k] = (...args) => o._op(k, (t) => methods[k](t, ...args), jsonBytes(args));
    for (const k in kids || {}) Object.defineProperty(o, k, { get: () => o._kid(k, () => kids[k](o)) });
    return o;
  }
  function clientResult(ctx, kind, compute, bytes) {
    const cr = { _ok: false, _v: undefined, get value() {
      if (!this._ok) throw new OfficeError("ValueNotLoaded", "The value of the result object has not been loaded yet.");
      return this._v;
    } };
    ctx._push(kind, (out) => {
      const done = (v) => { out.bytes += jsonBytes(v); out.pending.push(() => { cr._v = v; cr._ok = true; }); };
      const v = compute();
      return v && typeof v.then === "function" ? v.then(done) : done(v);
    }, bytes);
    return cr;
  }
  function parseSpec(spec) {
    if (spec == null) return [];
    if (typeof spec === "object" && !Array.isArray(spec)) {
      const flat = (o, pre) => Object.keys(o).flatMap((k) =>
        (o[k] && typeof o[k] === "object" ? flat(o[k], pre + k + "/") : o[k] ? [pre + k] : []));
      spec = spec.select !== undefined ? spec.select : flat(spec, "");
    }
    return (Array.isArray(spec) ? spec : String(spec).split(",")).map((s) => s.trim()).filter(Boolean).map((s) => s.split("/"));
  }
  function loadInto(obj, paths, out) {
    const t = obj._t();
    if (t === null) return out.pending.push(() => { obj._synced = true; }); // null object: nothing to load
    const list = paths.length ? paths : obj._items ? [["items"]] : Object.keys(obj._table).map((k) => [k]);
    const groups = new Map();
    for (const [head, ...rest] of list) {
      if (!groups.has(head)) groups.set(head, []);
      if (rest.length) groups.get(head).push(rest);
    }
    const snap = {};
    for (const [head, sub] of groups) {
      if (head === "items" && obj._items) {
        snap.items = obj._items(t);
        for (const it of snap.items) loadInto(it, sub, out);
      } else if (obj._table[head] && !sub.length) {
        const v = (snap[head] = obj._table[head].get(t));
        out.bytes += jsonBytes(v) + head.length + 4;
      } else if (!obj._table[head] && obj[head] instanceof Obj) {
        loadInto(obj[head], sub, out);
      } else fail("InvalidArgument", `Cannot load '${[head].concat(sub[0] || []).join("/")}'.`);
    }
    out.pending.push(() => { obj._vals = Object.assign(obj._vals || {}, snap); obj._synced = true; });
  }

  let lock = Promise.resolve(); // syncs run one at a time, as they would against one host
  class RequestContext {
    constructor() {
      this._ops = []; this._done = false; this._resolved = [];
      this.trackedObjects = { add() {}, remove() {} };
      this.workbook = new Workbook(this);
    }
    _push(kind, run, bytes) {
      if (this._done) fail("InvalidObjectPath", "The object was created in an Excel.run batch that has already finished.");
      this._ops.push({ kind, run, bytes: OP_BYTES + (bytes || 0) });
    }
    sync(passThrough) {
      const ops = this._ops;
      this._ops = [];
      const p = lock.then(() => runBatch(this, ops)).then(() => passThrough);
      lock = p.catch(() => {});
      return p;
    }
  }
  async function runBatch(ctx, ops) {
    const rec = { requestBytes: ops.reduce((n, o) => n + o.bytes, 0), responseBytes: 0, ops: ops.length, kinds: ops.map((o) => o.kind) };
    state.syncs.push(rec);
    // The request size is known before anything runs: Excel rejects the whole batch.
    if (rec.requestBytes > LIMIT) {
      fail("RequestPayloadSizeLimitExceeded", `The request payload size has exceeded the limit (${rec.requestBytes} > ${LIMIT} bytes).`);
    }
    const out = { bytes: 0, pending: [] };
    ctx._resolved = [];
    const tx = (state.tx = { rows: [], active: state.active, fw: state.formulasWritten.length, ins: state.inserted.length,
      sheets: state.sheets.map((s) => [s, s.name, cloneMeta(s.m)]) });
    try {
      // An op that throws leaves earlier ops applied, as in Excel (batches are not transactions).
      for (const op of ops) {
        const p = op.run(out);
        if (p && typeof p.then === "function") await p;
      }
      rec.responseBytes = out.bytes;
      // Only known after running; undo so the caller can retry with smaller blocks from a clean state.
      if (out.bytes > LIMIT) {
        rollback(tx);
        for (const o of ctx._resolved) o._tgt = undefined;
        fail("ResponsePayloadSizeLimitExceeded", `The response payload size has exceeded the limit (${out.bytes} > ${LIMIT} bytes).`);
      }
    } finally {
      state.tx = null;
      tx.rows = []; // sheets keep a reference to their last tx; don't let it pin the old rows
    }
    for (const f of out.pending) f();
    for (const o of ctx._resolved) o._synced = true;
  }
  const cloneMeta = (m) => Object.assign({}, m, {
    colStyle: m.colStyle.slice(), colWidth: m.colWidth.slice(), colHidden: m.colHidden.slice(),
    cf: m.cf.map((x) => Object.assign({}, x)), dv: m.dv.map((x) => Object.assign({}, x)),
    sel: Object.assign({}, m.sel), autoFilter: m.autoFilter && Object.assign({}, m.autoFilter),
  });
  function rollback(tx) {
    for (let i = tx.rows.length - 1; i >= 0; i--) { const [s, r, row, sty] = tx.rows[i]; s.rows[r] = row; s.sty[r] = sty; }
    state.sheets = tx.sheets.map(([s, name, m]) => { s.name = name; s.m = m; return s; });
    state.active = tx.active;
    state.formulasWritten.length = tx.fw;
    state.inserted.length = tx.ins;
  }

  // ---------- Excel object model ----------

  class Workbook extends Obj {
    constructor(ctx) {
      super(ctx, () => state);
      this.worksheets = new WorksheetCollection(ctx);
    }
    getSelectedRange() {
      return new Range(this._ctx, () => Object.assign({ s: state.active }, state.active.m.sel), "getSelectedRange");
    }
    // Real office.js defines this on every host; hosts without ExcelApi 1.13 fail it at sync.
    insertWorksheetsFromBase64(base64, options) {
      return clientResult(this._ctx, "insertWorksheetsFromBase64", () => (verCmp(API, "1.13") < 0
        ? fail("ApiNotFound", "The API you are trying to use could not be found (requires ExcelApi 1.13).")
        : insertXlsx(String(base64), options || {})), utf8Len(String(base64)) + jsonBytes(options));
    }
  }

  class WorksheetCollection extends Obj {
    constructor(ctx) { super(ctx, () => state); }
    get items() { if (!this._vals || !this._vals.items) throw notLoaded("items"); return this._vals.items; }
    _items() { return state.sheets.map((s) => Object.assign(new Worksheet(this._ctx), { _tgt: s })); }
    getActiveWorksheet() { return new Worksheet(this._ctx, () => state.active, "getActiveWorksheet"); }
    getItem(key) {
      const find = () => findSheet(key) || fail("ItemNotFound", `The worksheet '${key}' doesn't exist.`);
      return new Worksheet(this._ctx, find, "getItem", jsonBytes(key));
    }
    getItemOrNullObject(key) { return new Worksheet(this._ctx, () => findSheet(key) || null, "getItemOrNullObject", jsonBytes(key)); }
    add(name) { return new Worksheet(this._ctx, () => addSheetModel(name), "add", jsonBytes(name)); }
    getCount(visibleOnly) {
      return clientResult(this._ctx, "getCount", () => state.sheets.filter((s) => !visibleOnly || s.m.visibility === "Visible").length);
    }
  }

  class Worksheet extends Obj {
    activate() { this._op("activate", (s) => { state.active = s; }); }
    delete() {
      this._op("delete", (s) => {
        if (state.sheets.length === 1) fail("InvalidOperation", "A workbook must contain at least one worksheet.");
        const i = state.sheets.indexOf(s);
        state.sheets.splice(i, 1);
        if (state.active === s) state.active = state.sheets[Math.max(0, i - 1)];
      });
    }
    _range(kind, f, bytes) { return new Range(this._ctx, () => f(this._need()), kind, bytes); }
    getRange(address) {
      return this._range("getRange", (s) => (address === undefined ? geo(s, 0, 0, MAXR, MAXC) : parseAddr(s, address)), jsonBytes(address));
    }
    getRangeByIndexes(r, c, nr, nc) { return this._range("getRangeByIndexes", (s) => geo(s, r, c, nr, nc), 32); }
    getCell(r, c) { return this._range("getCell", (s) => geo(s, r, c, 1, 1), 16); }
    // An empty sheet's used range is A1; the OrNullObject variant returns a null object instead.
    getUsedRange(valuesOnly) { return this._range("getUsedRange", (s) => usedBox(s, !!valuesOnly) || geo(s, 0, 0, 1, 1)); }
    getUsedRangeOrNullObject(valuesOnly) { return this._range("getUsedRangeOrNullObject", (s) => usedBox(s, !!valuesOnly)); }
    get freezePanes() {
      return this._kid("freeze", () => node(this, (s) => s, null, {
        freezeRows: (s, n) => { s.m.frozenRows = n === undefined ? 1 : n; s.m.frozenCols = 0; },
        freezeColumns: (s, n) => { s.m.frozenCols = n === undefined ? 1 : n; s.m.frozenRows = 0; },
        unfreeze: (s) => { s.m.frozenRows = 0; s.m.frozenCols = 0; },
      }));
    }
    get autoFilter() {
      return this._kid("filter", () => node(this, (s) => s, null, {
        apply: (s, range) => {
          const g = range instanceof Obj ? range._need() : parseAddr(s, range);
          if (g.s !== s) fail("InvalidArgument", "The AutoFilter range must be on the same worksheet.");
          s.m.autoFilter = box(g);
        },
        remove: (s) => { s.m.autoFilter = null; },
        clearCriteria() {}, reapply() {},
      }));
    }
  }
  props(Worksheet.prototype, {
    name: { get: (s) => s.name, set: (s, v) => { checkName(v, s); s.name = v; } },
    id: { get: (s) => s.id },
    position: { get: (s) => state.sheets.indexOf(s) },
    visibility: { get: (s) => s.m.visibility, set: (s, v) => { s.m.visibility = v; } },
  });

  class Range extends Obj {
    _sub(kind, f) { return new Range(this._ctx, () => f(this._need()), kind, 32); }
    getCell(r, c) { return this._sub("getCell", (g) => geo(g.s, g.r0 + r, g.c0 + c, 1, 1)); }
    getResizedRange(dr, dc) { return this._sub("getResizedRange", (g) => geo(g.s, g.r0, g.c0, g.nr + dr, g.nc + dc)); }
    getOffsetRange(dr, dc) { return this._sub("getOffsetRange", (g) => geo(g.s, g.r0 + dr, g.c0 + dc, g.nr, g.nc)); }
    getEntireColumn() { return this._sub("getEntireColumn", (g) => geo(g.s, 0, g.c0, MAXR, g.nc)); }
    getEntireRow() { return this._sub("getEntireRow", (g) => geo(g.s, g.r0, 0, g.nr, MAXC)); }
    getRow(i) { return this._sub("getRow", (g) => geo(g.s, g.r0 + i, g.c0, 1, g.nc)); }
    getColumn(j) { return this._sub("getColumn", (g) => geo(g.s, g.r0, g.c0 + j, g.nr, 1)); }
    select() { this._op("select", (g) => { state.active = g.s; g.s.m.sel = box(g); }); }
    clear(applyTo) { this._op("clear", (g) => clearRange(g, applyTo || "All"), jsonBytes(applyTo)); }
    insert(shift) { return new Range(this._ctx, () => { const g = this._need(); insertColumns(g, shift); return g; }, "insert", jsonBytes(shift)); }
    get worksheet() { return this._kid("ws", () => new Worksheet(this._ctx, () => this._need().s)); }
    get format() {
      const cellProp = (p, norm) => ({
        get: (g) => uniform(g, (s, r, c) => styleAt(s, r, c)[p]),
        set: (g, v) => setStyle(g, p, norm ? norm(v) : v),
      });
      return this._kid("format", () => node(this, (g) => g, {
        columnWidth: {
          get: (g) => uniform(Object.assign({}, g, { nr: 1 }), (s, r, c) => s.m.colWidth[c] || DEFAULT_W),
          set: (g, v) => { for (const c of colsOf(g)) g.s.m.colWidth[c] = v; },
        },
        wrapText: cellProp("wrap", (v) => !!v),
      }, { autofitColumns: autofit, autofitRows: () => {} }, {
        fill: (f) => node(f, (g) => g, { color: cellProp("fill", normColor) }, { clear: (g) => setStyle(g, "fill", null) }),
        font: (f) => node(f, (g) => g, { bold: cellProp("bold", (v) => !!v), color: cellProp("color", normColor) }),
      }));
    }
    get conditionalFormats() {
      return this._kid("cfs", () => {
        const coll = node(this, (g) => g, null, { clearAll: (g) => { g.s.m.cf = g.s.m.cf.filter((x) => !overlaps(x, g)); } });
        coll.add = (type) => new ConditionalFormat(this._ctx, () => {
          const g = coll._need();
          if (!Object.values(ConditionalFormatType).includes(type)) fail("InvalidArgument", `Unknown conditional format type '${type}'.`);
          const rec = Object.assign(box(g), { type, formula: null, formula2: null, operator: null,
            fill: null, font: null, bold: null, stopIfTrue: false });
          g.s.m.cf.push(rec);
          return rec;
        }, "conditionalFormats.add", jsonBytes(type));
        return coll;
      });
    }
    get dataValidation() {
      return this._kid("dv", () => node(this, (g) => g, {
        rule: {
          get: (g) => (g.s.m.dv.find((d) => localAddr(d) === localAddr(g)) || { rule: null }).rule,
          set: setValidation,
        },
      }, { clear: (g) => { g.s.m.dv = g.s.m.dv.filter((x) => !overlaps(x, g)); } }));
    }
  }
  props(Range.prototype, {
    values: { get: (g) => readGrid(g, readCell), set: writeValues },
    formulas: { get: (g) => readGrid(g, readCell), set: writeValues }, // formula cells read as their text anyway
    text: { get: (g) => readGrid(g, (s, r, c) => String(readCell(s, r, c))) },
    numberFormat: { get: (g) => readGrid(g, (s, r, c) => styleAt(s, r, c).nf), set: (g, v) => setStyle(g, "nf", v) },
    rowCount: { get: (g) => g.nr },
    columnCount: { get: (g) => g.nc },
    rowIndex: { get: (g) => g.r0 },
    columnIndex: { get: (g) => g.c0 },
    address: { get: fullAddr },
    addressLocal: { get: fullAddr },
    columnHidden: {
      get: (g) => uniform(Object.assign({}, g, { nr: 1 }), (s, r, c) => !!s.m.colHidden[c]),
      set: (g, v) => { for (const c of colsOf(g)) g.s.m.colHidden[c] = !!v; },
    },
  });

  // A conditional format is a record in its sheet's m.cf; its sub-objects read and write fields of it.
  const field = (key, norm) => ({ get: (r) => r[key], set: (r, v) => { r[key] = norm ? norm(v) : v; } });
  const str = (v) => (v === undefined || v === null ? null : String(v));
  class ConditionalFormat extends Obj {
    delete() { this._op("delete", (rec) => { for (const s of state.sheets) s.m.cf = s.m.cf.filter((x) => x !== rec); }); }
    _rule(type, table, kids) {
      const fmt = (n) => node(n, (r) => r, null, null, {
        fill: (f) => node(f, (r) => r, { color: field("fill", normColor) }, { clear: (r) => { r.fill = null; } }),
        font: (f) => node(f, (r) => r, { color: field("font", normColor), bold: field("bold", (v) => !!v) }),
      });
      const check = (rec) => (rec.type === type ? rec : fail("InvalidOperation", `This conditional format is not of type ${type}.`));
      return this._kid(type, () => node(this, check, table, null, Object.assign({ format: fmt }, kids)));
    }
    get custom() { return this._rule("Custom", null, { rule: (n) => node(n, (r) => r, { formula: field("formula", str) }) }); }
    get cellValue() {
      return this._rule("CellValue", { rule: {
        get: (r) => ({ formula1: r.formula, formula2: r.formula2, operator: r.operator }),
        set: (r, v) => Object.assign(r, { formula: str(v.formula1), formula2: str(v.formula2), operator: v.operator }),
      } });
    }
  }
  props(ConditionalFormat.prototype, { type: { get: (r) => r.type }, stopIfTrue: field("stopIfTrue", (v) => !!v) });

  // ---------- insertWorksheetsFromBase64: a minimal xlsx (zip + SpreadsheetML) reader ----------

  const utf8Decode = (u8) => new TextDecoder().decode(u8);
  const xmlText = (s) => s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e) => e[0] === "#"
    ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : +e.slice(1))
    : { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[e.toLowerCase()]);
  const attr = (attrs, name) => {
    const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
    return m ? xmlText(m[1] !== undefined ? m[1] : m[2]) : null;
  };
  function b64ToBytes(b64) {
    let bin;
    try { bin = atob(b64.replace(/\s+/g, "")); } catch (e) { fail("InvalidArgument", "The base64 string is not valid."); }
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  // Central directory only; no zip64, encryption or data descriptors (xlsx writers don't need them).
  function readZip(b) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength), u32 = (o) => dv.getUint32(o, true), u16 = (o) => dv.getUint16(o, true);
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 65557); i--) if (u32(i) === 0x06054b50) { eocd = i; break; }
    if (eocd < 0) fail("InvalidArgument", "The file is not a valid xlsx (zip) workbook.");
    const entries = new Map();
    for (let k = 0, p = u32(eocd + 16); k < u16(eocd + 10); k++) {
      if (u32(p) !== 0x02014b50) fail("InvalidArgument", "Corrupt zip central directory.");
      const nlen = u16(p + 28), off = u32(p + 42), start = off + 30 + u16(off + 26) + u16(off + 28);
      entries.set(utf8Decode(b.subarray(p + 46, p + 46 + nlen)), { method: u16(p + 10), data: b.subarray(start, start + u32(p + 20)) });
      p += 46 + nlen + u16(p + 30) + u16(p + 32);
    }
    return entries;
  }
  async function inflate(e) {
    if (e.method === 0) return e.data;
    if (e.method !== 8) fail("InvalidArgument", `Unsupported zip compression method ${e.method}.`);
    if (typeof process !== "undefined" && process.getBuiltinModule) { // Node (unit test)
      return new Uint8Array(process.getBuiltinModule("zlib").inflateRawSync(e.data));
    }
    const stream = new Blob([e.data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  async function insertXlsx(b64, opts) {
    const bytes = b64ToBytes(b64), zip = readZip(bytes);
    const text = async (name) => (zip.has(name) ? utf8Decode(await inflate(zip.get(name))) : null);
    const wb = await text("xl/workbook.xml");
    if (wb === null) fail("InvalidArgument", "The file is not an xlsx workbook (no xl/workbook.xml).");
    const rels = new Map(), shared = [];
    for (const m of ((await text("xl/_rels/workbook.xml.rels")) || "").matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
      const target = attr(m[1], "Target") || "";
      rels.set(attr(m[1], "Id"), target[0] === "/" ? target.slice(1) : "xl/" + target);
    }
    const runs = (x) => [...x.matchAll(/<(?:\w+:)?t\b[^>]*>([\s\S]*?)<\/(?:\w+:)?t>/g)].map((t) => xmlText(t[1])).join("");
    const sst = (await text("xl/sharedStrings.xml")) || "";
    for (const m of sst.matchAll(/<(?:\w+:)?si\b[^>]*>([\s\S]*?)<\/(?:\w+:)?si>/g)) shared.push(runs(m[1]));
    const wanted = opts.sheetNamesToInsert && opts.sheetNamesToInsert.length ? opts.sheetNamesToInsert : null;
    const parsed = [];
    for (const m of wb.matchAll(/<(?:\w+:)?sheet\b([^>]*?)\/?>/g)) {
      const name = attr(m[1], "name");
      if (!name || (wanted && !wanted.includes(name))) continue;
      const xml = (await text(rels.get(attr(m[1], "(?:\\w+:)?id")))) || "";
      const cells = [];
      for (const c of xml.matchAll(/<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g)) {
        const ref = /^([A-Z]+)(\d+)$/.exec(attr(c[1], "r") || ""), t = attr(c[1], "t"), body = c[2] || "";
        const v = /<(?:\w+:)?v>([\s\S]*?)<\/(?:\w+:)?v>/.exec(body);
        if (!ref) continue;
        const val = t === "inlineStr" ? runs(body) : !v ? undefined : t === "s" ? shared[+v[1]] : t === "b" ? v[1] === "1"
          : t === "str" || t === "e" ? xmlText(v[1]) : Number(v[1]);
        if (val !== undefined) cells.push([+ref[2] - 1, colIndex(ref[1]), val]);
      }
      parsed.push({ name, cells });
    }
    // Placement and renaming follow Excel: default End, clashes become "Name (2)", "Name (3)"...
    const rel = opts.relativeTo instanceof Obj ? opts.relativeTo._need() : opts.relativeTo ? findSheet(opts.relativeTo) : null;
    const pos = opts.positionType || "End";
    let at = pos === "Beginning" ? 0 : rel && pos === "Before" ? state.sheets.indexOf(rel)
      : rel && pos === "After" ? state.sheets.indexOf(rel) + 1 : state.sheets.length;
    const added = parsed.map(({ name, cells }) => {
      let unique = name;
      for (let i = 2; findSheet(unique); i++) unique = `${name} (${i})`;
      const s = addSheetModel(unique, at++);
      for (const [r, c, v] of cells) { touch(s, r); s.rows[r][c] = v; }
      return s;
    });
    state.inserted.push({ names: added.map((s) => s.name), bytes: bytes.length });
    return added.map((s) => s.id); // Excel returns the new worksheets' ids, not their names
  }

  // ---------- globals ----------

  const enumOf = (names) => Object.fromEntries(names.split(" ").map((n) => [n[0].toLowerCase() + n.slice(1), n]));
  const ConditionalFormatType = enumOf("Custom CellValue DataBar ColorScale IconSet TopBottom PresetCriteria ContainsText");
  const ErrorCodes = enumOf("AccessDenied ApiNotFound GeneralException InvalidArgument InvalidOperation InvalidReference " +
    "InvalidSelection ItemAlreadyExists ItemNotFound NotImplemented UnsupportedOperation InvalidObjectPath PropertyNotLoaded " +
    "ValueNotLoaded RunMustReturnPromise RequestPayloadSizeLimitExceeded ResponsePayloadSizeLimitExceeded");
  const readyInfo = { host: "Excel", platform: "PC" };

  root.OfficeExtension = { Error: OfficeError, ErrorCodes };
  root.Office = {
    HostType: Object.fromEntries("Excel Word PowerPoint Outlook OneNote Project Access".split(" ").map((h) => [h, h])),
    PlatformType: { PC: "PC", OfficeOnline: "OfficeOnline", Mac: "Mac", iOS: "iOS", Android: "Android", Universal: "Universal" },
    context: {
      displayLanguage: LANG, contentLanguage: LANG,
      diagnostics: { host: "Excel", platform: "PC", version: "16.0.0.0" },
      requirements: { isSetSupported: (name, version) =>
        String(name).toLowerCase() === "excelapi" && (version === undefined || verCmp(version, API) <= 0) },
    },
    onReady: (cb) => Promise.resolve().then(() => { if (cb) cb(readyInfo); return readyInfo; }),
  };
  setTimeout(() => { if (typeof root.Office.initialize === "function") root.Office.initialize("new"); }, 0);

  root.Excel = {
    // Like Excel.run: the batch must return a promise, and anything still queued when it resolves
    // is synced; afterwards the context's proxies can no longer queue work.
    async run(...args) {
      const batch = args[args.length - 1], ctx = new RequestContext();
      try {
        const p = batch(ctx);
        if (!p || typeof p.then !== "function") fail("RunMustReturnPromise", "The batch function passed to Excel.run must return a promise.");
        const result = await p;
        if (ctx._ops.length) await ctx.sync();
        return result;
      } finally {
        ctx._done = true;
      }
    },
    RequestContext,
    ErrorCodes,
    ConditionalFormatType,
    ConditionalCellValueOperator: enumOf("Between NotBetween EqualTo NotEqualTo GreaterThan LessThan GreaterThanOrEqual LessThanOrEqual"),
    ClearApplyTo: enumOf("All Formats Contents Hyperlinks RemoveHyperlinks ResetContents"),
    InsertShiftDirection: enumOf("Down Right"),
    SheetVisibility: enumOf("Visible Hidden VeryHidden"),
    WorksheetPositionType: enumOf("None Before After Beginning End"),
  };

  // ---------- inspection API for tests (acts directly, outside any batch, like a user) ----------

  const sheetOf = (name) => findSheet(name) || (() => { throw new Error(`__fakeExcel: no sheet '${name}'`); })();
  function deleteRow(name, row) {
    const s = sheetOf(name);
    s.rows.splice(row, 1); s.sty.splice(row, 1);
    // Ranges below move up; ranges spanning the row shrink, as in Excel.
    const shift = (x) => { if (x.nr === MAXR) return true; if (x.r0 > row) x.r0--; else if (x.r0 + x.nr > row) x.nr--; return x.nr > 0; };
    s.m.cf = s.m.cf.filter(shift); s.m.dv = s.m.dv.filter(shift);
    if (s.m.autoFilter && !shift(s.m.autoFilter)) s.m.autoFilter = null;
  }
  // Ascending: numbers, text (case-insensitive), booleans; blanks always last (also descending).
  function sortBy(name, col, desc) {
    const s = sheetOf(name), used = usedBox(s, true);
    if (!used) return;
    const idx = Array.from({ length: used.r0 + used.nr - 1 }, (_, i) => i + 1);
    const rank = (v) => (v === "" ? 3 : typeof v === "number" ? 0 : typeof v === "string" ? 1 : 2);
    const coll = new Intl.Collator(undefined, { sensitivity: "base" }), key = [];
    for (const r of idx) key[r] = readCell(s, r, col);
    idx.sort((a, b) => {
      const x = key[a], y = key[b], rx = rank(x), ry = rank(y);
      if (rx === 3 || ry === 3) return rx - ry;
      if (rx !== ry) return desc ? ry - rx : rx - ry;
      const d = rx === 1 ? coll.compare(x, y) : x < y ? -1 : x > y ? 1 : 0;
      return desc ? -d : d;
    });
    const rows = idx.map((r) => s.rows[r]), sty = idx.map((r) => s.sty[r]);
    idx.forEach((_, i) => { s.rows[i + 1] = rows[i]; s.sty[i + 1] = sty[i]; });
  }
  function columnFormats(name) {
    const s = sheetOf(name), used = usedBox(s, false), m = s.m;
    const lastC = Math.max(used ? used.c0 + used.nc - 1 : -1, m.colWidth.length - 1, m.colHidden.length - 1, m.colStyle.length - 1);
    const lastR = Math.max(used ? used.r0 + used.nr - 1 : 0, 1);
    return Array.from({ length: lastC + 1 }, (_, c) => {
      const styles = new Set(); // interned, so identity comparison is enough
      for (let r = 1; r <= lastR; r++) styles.add(styleAt(s, r, c));
      const pick = (k) => { const vals = new Set([...styles].map((st) => st[k])); return vals.size === 1 ? [...vals][0] : "(mixed)"; };
      return { index: c, width: m.colWidth[c] || DEFAULT_W, hidden: !!m.colHidden[c], numberFormat: pick("nf"),
        fill: pick("fill"), bold: pick("bold"), fontColor: pick("color"), wrapText: pick("wrap") };
    });
  }

  root.__fakeExcel = {
    config: { apiVersion: API, displayLanguage: LANG, requestLimitBytes: LIMIT, coerce: COERCE },
    // Values are stored verbatim (no typed-entry coercion): this is the user's own data.
    addSheet(name, values, opts) {
      const s = findSheet(name) || addSheetModel(name);
      s.rows = (values || []).map((row) => row.slice());
      s.sty = [];
      if (opts && opts.activate) state.active = s;
      return s.name;
    },
    activate(name) { state.active = sheetOf(name); },
    sheetNames: () => state.sheets.map((s) => s.name),
    values(name) { // from A1 to the last used cell, so indexes match cell()
      const s = sheetOf(name), u = usedBox(s, true);
      return u ? readGrid(geo(s, 0, 0, u.r0 + u.nr, u.c0 + u.nc), readCell) : [];
    },
    cell: (name, r, c) => readCell(sheetOf(name), r, c),
    setCell(name, r, c, v) { const s = sheetOf(name); (s.rows[r] = s.rows[r] || [])[c] = v; },
    style(name, r, c) {
      const st = styleAt(sheetOf(name), r, c);
      return { numberFormat: st.nf, fill: st.fill, bold: st.bold, fontColor: st.color, wrapText: st.wrap };
    },
    deleteRow,
    sortBy,
    conditionalFormats: (name) => sheetOf(name).m.cf.map((x) => ({ address: localAddr(x), type: x.type, formula: x.formula,
      formula2: x.formula2, operator: x.operator, fill: x.fill, font: x.font, bold: x.bold })),
    validations: (name) => sheetOf(name).m.dv.map((x) => ({ address: localAddr(x), type: x.type, source: x.source })),
    frozenRows: (name) => sheetOf(name).m.frozenRows,
    frozenColumns: (name) => sheetOf(name).m.frozenCols,
    autoFilter: (name) => (sheetOf(name).m.autoFilter ? localAddr(sheetOf(name).m.autoFilter) : null),
    hiddenColumns: (name) => sheetOf(name).m.colHidden.reduce((a, h, c) => (h ? a.concat(c) : a), []),
    columnFormats,
    selection: () => ({ sheet: state.active.name, address: localAddr(state.active.m.sel) }),
    get syncs() { return state.syncs; },
    get inserted() { return state.inserted; },
    get formulasWritten() { return state.formulasWritten; },
    maxRequestBytes: () => state.syncs.reduce((n, s) => Math.max(n, s.requestBytes), 0),
    maxResponseBytes: () => state.syncs.reduce((n, s) => Math.max(n, s.responseBytes), 0),
    reset,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
