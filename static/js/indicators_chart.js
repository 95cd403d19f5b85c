// Draw a JV's indicators by year from the JSON the page embeds (no inline script, no CDN).
(function () {
  const canvas = document.getElementById("indicators-chart");
  const data = document.getElementById("indicators-data");
  if (!canvas || !data || typeof Chart === "undefined") return;
  const series = JSON.parse(data.textContent);
  const names = series.labels;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: series.years,
      datasets: [
        { type: "bar", label: names.revenue, data: series.revenue, backgroundColor: "rgba(31, 59, 91, 0.55)", order: 2 },
        { type: "line", label: names.net_profit, data: series.net_profit, borderColor: "#d9822b", backgroundColor: "#d9822b", yAxisID: "y1", order: 1 },
        { type: "line", label: names.dividends_received, data: series.dividends_received, borderColor: "#2b9a66", backgroundColor: "#2b9a66", yAxisID: "y1", order: 1 },
      ],
    },
    options: { maintainAspectRatio: false, animation: false, scales: {
      y: { beginAtZero: true, position: "left" },
      y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } },
    } },
  });
})();
