"use strict";
// A conversation: new messages every 1.5 s, takeover / hand-back, a draft from the assistant's answer, replies.
(function () {
  const C = window.Console, root = document.getElementById("conversation");
  const sender = root.dataset.sender, base = "/api/conversations/" + encodeURIComponent(sender);
  const lines = document.getElementById("lines"), notice = document.getElementById("notice"), state = document.getElementById("state");
  const reply = document.getElementById("reply"), sources = document.getElementById("draft-sources");
  let last = Number(root.dataset.last || 0), drafted = false;
  const who = {user: "客户", bot: "助手", butler: "管家 ", system: ""};

  function show(e) {
    const li = C.el("li", "line " + e.kind); li.dataset.id = e.id;
    li.append(C.el("span", "who", who[e.kind] + (e.kind === "butler" ? (e.who || "") : "")), C.el("span", "at", e.at), C.el("div", "text", e.text));
    if (e.kind === "user" && e.intent) li.append(C.el("div", "meta", "意图 " + e.intent));
    if (e.answer && e.answer.type) {
      const m = C.el("div", "meta answer", "回答类型 " + e.answer.type + (e.answer.covered === true ? " · 覆盖判断：可以" : e.answer.covered === false ? " · 覆盖判断：不可以" : ""));
      (e.answer.sources || []).forEach(s => m.append(C.el("span", "source", "《" + s.title + "》" + s.section)));
      li.append(m);
    }
    lines.append(li); lines.scrollTop = lines.scrollHeight;
  }
  function held(holder) { state.textContent = holder ? ("由 " + holder + " 接管中：助手暂停回复") : "助手在回复"; }
  async function poll() {
    try {
      const data = await C.call("GET", base + "/events?after=" + last);
      data.entries.forEach(e => { show(e); last = Math.max(last, e.id); });
      held(data.holder);
    } catch (e) { /* next tick */ }
  }
  async function act(what, body) {
    notice.textContent = "";
    try { const r = await C.call("POST", base + "/" + what, body); held(r.holder); await poll(); return true; }
    catch (e) { notice.textContent = e.message; return false; }
  }
  document.getElementById("takeover").addEventListener("click", () => act("takeover"));
  document.getElementById("handback").addEventListener("click", () => act("handback"));
  document.getElementById("send").addEventListener("click", async () => {
    if (await act("reply", {text: reply.value, drafted})) { reply.value = ""; sources.replaceChildren(); drafted = false; }
  });
  document.getElementById("make-draft").addEventListener("click", async () => {
    notice.textContent = "";
    try {
      const r = await C.call("GET", base + "/draft");
      if (!r.draft) { notice.textContent = "客户还没有提问。"; return; }
      reply.value = r.draft.text; drafted = true;
      sources.replaceChildren(...r.draft.sources.map(s => C.el("li", "source", "来源：《" + s.title + "》" + s.section)));
    } catch (e) { notice.textContent = e.message; }
  });
  setInterval(poll, 1500);
})();
