/* Draws each chart from its figure, a JSON data block (<script type="application/json">, never run) next
   to its <div>, with plotly.js from our static files: the page carries no inline script. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".plotly-graph-div[data-figure]").forEach(function (div) {
    var figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
    Plotly.newPlot(div, figure.data, figure.layout, figure.config);
  });
});
