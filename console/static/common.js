"use strict";
// Shared by the console's pages: JSON calls with the session's CSRF token, and text-only rendering.
window.Console = {
  csrf: document.body.dataset.csrf || "",
  async call(method, url, body) {
    const r = await fetch(url, {method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": this.csrf},
      body: body === undefined ? undefined : JSON.stringify(body)});
    let data = {};
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    if (!r.ok) { throw new Error(data.error || ("HTTP " + r.status)); }
    return data;
  },
  el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;   // never innerHTML: customers' text stays text
    return e;
  }
};
