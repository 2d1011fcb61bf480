// The agent's key arrives in the page's address (`?token=…`, from the
// manifest `ledgerlens manifest` writes, or the tray's Open dashboard).
// This runs first on both pages, before office.js, and takes it out of the
// address bar and the history at once: office.js comes from Microsoft's
// CDN and may fail (offline, blocked) or hang, and nothing after it is
// sure to run. The key is kept for this origin (localStorage) and handed
// to api.js.
//
// A classic script, loaded with a plain <script src> (no inline script, so
// a Content-Security-Policy can forbid those): a module would wait until
// the page is parsed, which a blocking office.js holds up. It has no
// import or export, so api.js imports it as well (the page still works if
// an HTML file forgets the tag; a second run only reads what the first
// left) and so do the unit tests.

(function (root) {
  "use strict";
  if (root.ledgerlensToken) return;

  const TOKEN_KEY = "ledgerlens.token";

  /** One `name=value` of a query, decoded as a form would be ("+" is a space). */
  function decodePair(part) {
    const [pair] = new URLSearchParams(part);
    return pair ?? ["", ""];
  }

  /**
   * The token in an address and the address without it: {token, cleaned}.
   * `cleaned` is the path, the other parameters exactly as they came (Office
   * adds its own, such as _host_Info, which office.js reads after this has
   * run) and the hash; it is null when the address has no `token`
   * parameter, so there is nothing to replace. Every `token` parameter is
   * removed, the first one counts; an empty one gives a null token.
   */
  function splitToken(href) {
    const url = new URL(href);
    const kept = [];
    let found = false;
    let token = null;
    for (const part of url.search.slice(1).split("&")) {
      if (!part) continue;
      const [name, value] = decodePair(part);
      if (name !== "token") {
        kept.push(part);
        continue;
      }
      if (!found) token = value.trim() || null;
      found = true;
    }
    if (!found) return { token: null, cleaned: null };
    return { token, cleaned: url.pathname + (kept.length ? `?${kept.join("&")}` : "") + url.hash };
  }

  /** The key saved for this origin, or null. */
  function stored() {
    try {
      return root.localStorage?.getItem(TOKEN_KEY) || null;
    } catch {
      // Storage can be off in a locked-down WebView.
      return null;
    }
  }

  /** Saves the key for this origin; returns it trimmed. */
  function save(value) {
    const token = String(value).trim();
    try {
      root.localStorage?.setItem(TOKEN_KEY, token);
    } catch {
      // Then it is kept for this page only (by api.js).
    }
    return token;
  }

  /** Takes the key out of this page's address; returns it (or null). */
  function handOff() {
    const href = root.location?.href;
    if (!href) return null; // Not a page (the unit tests).
    const { token, cleaned } = splitToken(href);
    if (cleaned !== null) {
      try {
        root.history?.replaceState(root.history.state, "", cleaned);
      } catch {
        // A sandboxed frame may refuse; the key is still kept.
      }
    }
    return token ? save(token) : null;
  }

  root.ledgerlensToken = Object.freeze({ TOKEN_KEY, splitToken, stored, save, fromAddress: handOff() });
})(globalThis);
