/* global document, window */
// The reports page's charts: Chart.js (served from this site, /assets/desk/chart.umd.js) draws
// each <canvas data-chart> from the figures the server rendered into it. No inline code.
for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
  const { label, labels, values } = JSON.parse(canvas.dataset.chart);
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label, data: values, backgroundColor: '#3b6fd8' }] },
    options: { animation: false, responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}
