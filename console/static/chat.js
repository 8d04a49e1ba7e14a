"use strict";
// The web chat: messages through the assistant; a butler's replies arrive by polling.
(function () {
  const lines = document.getElementById("chat-lines"), form = document.getElementById("chat-form"), input = document.getElementById("chat-input");
  const token = (document.cookie.split("; ").find(c => c.startsWith("webchat_token=")) || "=").split("=")[1];
  let last = 0;
  function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function show(kind, text, choices) {
    const li = el("li", "line " + kind); li.append(el("span", "who", {user: "我", bot: "助手", butler: "健康管家", system: ""}[kind] || ""), el("div", "text", text));
    (choices || []).forEach(c => { const b = el("button", "choice", c.title); b.type = "button"; b.addEventListener("click", () => send(c.payload || c.title)); li.append(b); });
    lines.append(li); lines.scrollTop = lines.scrollHeight;
  }
  async function send(text) {
    if (!text.trim()) return;
    show("user", text);
    try {
      const r = await fetch("/chat/api/send", {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json", "X-Chat-Token": token}, body: JSON.stringify({text})});
      const data = await r.json();
      if (!r.ok) { show("system", data.error || "发送失败"); return; }
      data.messages.forEach(m => show("bot", m.text, m.buttons.map((t, i) => ({title: t, payload: m.payloads[i]}))));
    } catch (e) { show("system", "发送失败，请稍后再试。"); }
  }
  async function history() {
    const r = await fetch("/chat/api/history", {credentials: "same-origin"}); const data = await r.json();
    data.entries.forEach(e => show(e.kind, e.text)); last = data.last;
  }
  async function poll() {
    try {
      const r = await fetch("/chat/api/updates?after=" + last, {credentials: "same-origin"}); const data = await r.json();
      data.entries.forEach(e => show(e.kind === "system" ? "system" : e.kind, e.text)); last = Math.max(last, data.last);
    } catch (e) { /* next tick */ }
  }
  form.addEventListener("submit", ev => { ev.preventDefault(); const t = input.value; input.value = ""; send(t); });
  history().then(() => setInterval(poll, 1500));
})();
