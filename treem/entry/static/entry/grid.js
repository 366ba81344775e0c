/* The entry grid: Enter moves down a column (Shift+Enter up), as in a spreadsheet; Tab keeps its native
   "next cell". */
(function () {
  var grid = document.getElementById("entry-grid");
  if (!grid) return;
  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || input.tagName !== "INPUT") return;
    event.preventDefault();
    var inputs = Array.prototype.slice.call(grid.querySelectorAll("input"));
    var at = inputs.indexOf(input), step = event.shiftKey ? -1 : 1, next = null;
    for (var i = at + step; i >= 0 && i < inputs.length; i += step) {
      if (inputs[i].dataset.col === input.dataset.col) { next = inputs[i]; break; }
    }
    next = next || inputs[at + step];
    if (next) { next.focus(); next.select(); }
  });
})();
