// Charts drawn from JSON the page embeds with json_script (no inline script, no CDN):
// <canvas data-chart="ID" data-chart-type="bar|doughnut"> reads {labels, datasets: [{label, data}]}
// from the element with that id. Every chart has its numbers in a table beside it as well.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  const palette = ["#1f3b5b", "#d9822b", "#2b9a66", "#7a5195", "#c0392b", "#4a90a4", "#b8a038", "#8c8c8c"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const type = canvas.dataset.chartType || "bar";
    const round = type === "doughnut";
    data.datasets.forEach(function (set, i) {
      set.backgroundColor = round ? palette.slice(0, set.data.length) : palette[i % palette.length];
      set.borderWidth = round ? 1 : 0;
    });
    new Chart(canvas, {
      type: type,
      data: data,
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: canvas.dataset.chartAxis || "x",
        plugins: { legend: { display: round || data.datasets.length > 1, position: "bottom" } },
        scales: round ? {} : { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
})();
