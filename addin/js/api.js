// Talking to the local agent: same origin, so no CORS; the token comes in
// the page's address (from `ledgerlens manifest` or the tray's Open
// dashboard). token-handoff.js, the first script on each page, takes it out
// of the address bar and keeps it for this origin; imported here too, so
// it has run whatever the page loaded.

import "./token-handoff.js";
import { lang } from "./i18n.js";

const handoff = globalThis.ledgerlensToken;
let token = null;
/** Whether any request reached the agent since the page loaded. */
let reachedAgent = false;

/** The token the address brought (see token-handoff.js), else the saved one. */
export function initToken() {
  token = handoff.fromAddress || handoff.stored();
  return token;
}

export function saveToken(value) {
  // Kept in memory as well: storage may be off, then it lasts for this page.
  token = handoff.save(value);
}

export function hasToken() {
  return Boolean(token);
}

/**
 * Why a call failed, in the pane's terms:
 * - "down": nothing answered (agent stopped, or, if it never answered
 *   since the page loaded, possibly an untrusted certificate);
 * - "token": the agent refused the token;
 * - "agent": the agent answered with an error (code and message given).
 */
export class AgentError extends Error {
  constructor(kind, { code = "", message = "", status = 0, neverReached = false } = {}) {
    super(message || kind);
    this.kind = kind;
    this.code = code;
    this.status = status;
    this.neverReached = neverReached;
  }
}

/** Calls `/api/v1/<path>`; resolves to the Response (status 2xx) or throws AgentError. */
export async function call(path, { method = "GET", body, contentType, signal } = {}) {
  const headers = { "Accept-Language": lang() };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && contentType === undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (contentType) {
    headers["Content-Type"] = contentType;
  }
  let response;
  try {
    response = await fetch(`/api/v1/${path}`, { method, headers, body: payload, signal });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new AgentError("down", { message: String(error?.message ?? error), neverReached: !reachedAgent });
  }
  reachedAgent = true;
  if (response.ok) return response;
  let code = "";
  let message = response.statusText;
  try {
    const json = await response.json();
    code = json?.error?.code ?? "";
    message = json?.error?.message ?? message;
  } catch {
    // Not JSON: the status text serves.
  }
  if (response.status === 401) throw new AgentError("token", { code, message, status: 401 });
  throw new AgentError("agent", { code, message, status: response.status });
}

export async function getJson(path, options) {
  return (await call(path, options)).json();
}

export async function postJson(path, body, options = {}) {
  return (await call(path, { ...options, method: "POST", body })).json();
}
