// What the browser tests stand on: the real agent binary, demo ledgers
// from its own generator, an HTTPS client trusting only the agent's CA,
// and headless Chromium with the in-memory Excel in place of office.js.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), ".cache/ledgerlens/target");
export const BIN = process.env.LEDGERLENS_BIN ?? path.join(TARGET, "debug/ledgerlens");
export const ARTIFACTS = process.env.LEDGERLENS_ARTIFACTS ?? path.join(ROOT, "tests/addin/artifacts");
const FAKE_OFFICE = fs.readFileSync(path.join(import.meta.dirname, "fake-office.js"), "utf8");
const OFFICE_JS = "https://appsforoffice.microsoft.com/**";

export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ledgerlens-${prefix}-`));
  // An agent's folder holds ledger rows, its key and its CA's key: gone
  // with the test process, not left in /tmp run after run.
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The real agent on a free port with its own data folder. */
export async function startAgent(dir = tempDir("agent")) {
  const child = spawn(BIN, ["serve", "--port", "0", "--no-tray", "--data-dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start: ${out}`)), 30_000);
    const onData = (chunk) => {
      out += chunk;
      const m = /url: https:\/\/localhost:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => reject(new Error(`agent exited ${code}: ${out}`)));
  });
  const token = fs.readFileSync(path.join(dir, "token"), "utf8").trim();
  const ca = fs.readFileSync(path.join(dir, "ca.pem"));
  return {
    dir,
    port,
    token,
    origin: `https://localhost:${port}`,
    stop() {
      child.kill("SIGKILL");
    },
    /** A JSON call to the API over HTTPS, trusting only this agent's CA. */
    api(pathname, { method = "GET", body } = {}) {
      return new Promise((resolve, reject) => {
        const req = https.request(
          { host: "localhost", port, path: `/api/v1/${pathname}`, method, ca, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } },
          (res) => {
            let data = "";
            res.setEncoding("utf8");
            res.on("data", (c) => (data += c));
            res.on("end", () => resolve({ status: res.statusCode, json: data ? JSON.parse(data) : null }));
          },
        );
        req.on("error", reject);
        if (body !== undefined) req.write(JSON.stringify(body));
        req.end();
      });
    },
  };
}

/** A demo ledger as Office.js values (and the xlsx beside it). */
export function demoLedger(rows, seed = 1) {
  const dir = tempDir("demo");
  execFileSync(BIN, ["demo", "--rows", String(rows), "--seed", String(seed), "--out-dir", dir, "--generate-only", "--office-json"], { stdio: "ignore" });
  return {
    values: JSON.parse(fs.readFileSync(path.join(dir, "demo_ledger.office.json"), "utf8")),
    xlsx: path.join(dir, "demo_ledger.xlsx"),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Opens the real task pane from the agent in a pane-sized page, office.js
 * answered by the in-memory Excel, which starts with `sheets` ({name:
 * values}); the first is active.
 */
export async function openPane(browser, agent, { sheets = {}, apiVersion = "1.13", token = agent.token, locale = "ko-KR" } = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 380, height: 1000 }, locale });
  const setup = Object.entries(sheets)
    .map(([name, values], i) => `__fakeExcel.addSheet(${JSON.stringify(name)}, ${JSON.stringify(values)}, { activate: ${i === 0} });`)
    .join("\n");
  await context.route(OFFICE_JS, (route) => route.fulfill({ contentType: "application/javascript", body: `${FAKE_OFFICE}\n${setup}` }));
  await context.addInitScript((config) => {
    globalThis.__fakeExcelConfig = config;
  }, { apiVersion, displayLanguage: locale });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const query = token ? `?token=${token}` : "";
  await page.goto(`${agent.origin}/addin/taskpane.html${query}`);
  return { page, context, errors };
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Runs `fn` in the page against the fake workbook. */
export function excel(page, fn, arg) {
  return page.evaluate(fn, arg);
}

/**
 * One browser and one agent for a test file: `shared.browser` and
 * `shared.agent` are set before its tests and closed after them.
 */
export function sharedBrowserAndAgent() {
  const shared = {};
  before(async () => {
    shared.browser = await launchBrowser();
    shared.agent = await startAgent();
  });
  after(async () => {
    await shared.browser?.close();
    shared.agent?.stop();
  });
  return shared;
}
