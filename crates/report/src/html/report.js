(function () {
  "use strict";
  var body = document.body;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-step]"));
  var stepOf = items.map(function (el) { return Number(el.getAttribute("data-step")); });
  var max = Number(body.getAttribute("data-steps")) - 1;
  var cur = Number(body.getAttribute("data-initial"));
  // A link may open the report at a given event: report.html#step=12 opens it where the
  // counter reads 12 / N; stepping keeps the address in step with the counter.
  var wanted = /^#step=(\d+)$/.exec(window.location.hash);
  if (wanted) { cur = Number(wanted[1]) - 1; }
  var pos = document.getElementById("pos");
  var caption = document.getElementById("caption");
  var buttons = {
    first: document.getElementById("first"),
    prev: document.getElementById("prev"),
    next: document.getElementById("next"),
    last: document.getElementById("last")
  };
  function place(article, now) {
    // Panels of the same resident share their time axes, so the current event's moment is
    // marked in each of them; elsewhere the line stays at the last event shown.
    var shown = article.querySelectorAll("li.event:not(.future)");
    var last = shown.length ? shown[shown.length - 1] : null;
    if (now && now.closest("article").getAttribute("data-resident") === article.getAttribute("data-resident")) {
      last = now;
    }
    var ny = article.querySelector("line.now-y");
    var nx = article.querySelector("line.now-x");
    if (ny) {
      ny.style.display = last ? "" : "none";
      if (last) { ny.setAttribute("y1", last.getAttribute("data-y")); ny.setAttribute("y2", last.getAttribute("data-y")); }
    }
    if (nx) {
      nx.style.display = last ? "" : "none";
      if (last) { nx.setAttribute("x1", last.getAttribute("data-x")); nx.setAttribute("x2", last.getAttribute("data-x")); }
    }
  }
  function show(k) {
    if (max < 0) { pos.textContent = "0 / 0"; return; }
    cur = Math.max(0, Math.min(max, k));
    for (var i = 0; i < items.length; i++) {
      items[i].classList.toggle("future", stepOf[i] > cur);
      items[i].classList.toggle("current", stepOf[i] === cur);
    }
    var now = document.querySelector("li.event.current");
    var articles = document.querySelectorAll("article.resident");
    for (var a = 0; a < articles.length; a++) { place(articles[a], now); }
    pos.textContent = (cur + 1) + " / " + (max + 1);
    caption.textContent = now ? now.getAttribute("data-caption") : "";
    buttons.first.disabled = buttons.prev.disabled = cur <= 0;
    buttons.next.disabled = buttons.last.disabled = cur >= max;
    if (now) {
      var list = now.parentNode;
      var top = now.offsetTop - list.clientHeight / 2;
      list.scrollTop = top > 0 ? top : 0;
    }
    body.setAttribute("data-step", String(cur));
    if (window.history && window.history.replaceState && /^#(step=\d+)?$/.test(window.location.hash || "#")) {
      window.history.replaceState(null, "", "#step=" + (cur + 1));
    }
  }
  // The timeline by legal date: a change drawn on the day its fact took effect instead.
  var legal = document.getElementById("legal");
  if (legal) {
    legal.addEventListener("change", function () { body.classList.toggle("legal-view", legal.checked); });
  }
  buttons.first.addEventListener("click", function () { show(0); });
  buttons.prev.addEventListener("click", function () { show(cur - 1); });
  buttons.next.addEventListener("click", function () { show(cur + 1); });
  buttons.last.addEventListener("click", function () { show(max); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (keys[e.key]) { show(cur + keys[e.key]); e.preventDefault(); }
    else if (e.key === "Home") { show(0); e.preventDefault(); }
    else if (e.key === "End") { show(max); e.preventDefault(); }
  });
  show(cur);
})();
