/* Live countdowns to a case's deadline: every element with [data-countdown][data-due="<ISO instant>"]
   shows "còn 11 giờ 58 phút" / "còn 3 ngày 4 giờ" / "quá hạn 2 giờ 5 phút" and gets the class "overdue" (and
   its closest [data-case-row] the class "is-overdue") once the deadline has passed. The server renders the
   same text first, so the page reads right without this script. English pages: data-lang="en" on <html>
   is not needed: the words come from the element's data-words (JSON) when given, else Vietnamese. */
(function () {
  "use strict";
  var VI = { left: "còn {span}", late: "quá hạn {span}", dh: "{d} ngày {h} giờ", hm: "{h} giờ {m} phút" };

  function words(element) {
    var raw = element.getAttribute("data-words");
    if (!raw) return VI;
    try { return JSON.parse(raw); } catch (e) { return VI; }
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function text(due, now, w) {
    var seconds = Math.trunc((due - now) / 1000);
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var d = Math.floor(minutes / 1440), h = Math.floor(minutes / 60) % 24, m = minutes % 60;
    var span = d ? fill(w.dh, { d: d, h: h }) : fill(w.hm, { h: h, m: m });
    return fill(seconds > 0 ? w.left : w.late, { span: span });
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown][data-due]").forEach(function (element) {
      var due = Date.parse(element.getAttribute("data-due"));
      if (isNaN(due)) return;
      element.textContent = text(due, now, words(element));
      var late = due <= now;
      element.classList.toggle("overdue", late);
      var row = element.closest("[data-case-row]");
      if (row) row.classList.toggle("is-overdue", late);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 30000);
  });
})();
