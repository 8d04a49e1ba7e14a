"use strict";
// The inbox refreshes itself every 2 seconds with the same filters.
(function () {
  const C = window.Console, body = document.querySelector("#inbox tbody");
  const prefix = {butler: "管家：", bot: "助手：", user: ""};
  async function refresh() {
    try {
      const data = await C.call("GET", "/api/inbox" + window.location.search);
      body.replaceChildren(...data.rows.map(r => {
        const tr = C.el("tr"); tr.dataset.sender = r.sender;
        const a = C.el("a", null, r.sender); a.href = "/conversations/" + encodeURIComponent(r.sender);
        const first = C.el("td"); first.append(a); tr.append(first);
        tr.append(C.el("td", null, r.channel), C.el("td", null, r.product), C.el("td", "last", (prefix[r.from] || "") + r.last), C.el("td", null, r.at));
        const flags = C.el("td");
        r.flags.forEach(f => flags.append(C.el("span", "flag", f)));
        if (r.holder) flags.append(C.el("span", "holder", r.holder));
        tr.append(flags);
        return tr;
      }));
      if (!data.rows.length) { const tr = C.el("tr", "empty"); const td = C.el("td", null, "还没有会话。"); td.colSpan = 6; tr.append(td); body.replaceChildren(tr); }
    } catch (e) { /* try again at the next tick */ }
  }
  setInterval(refresh, 2000);
})();
