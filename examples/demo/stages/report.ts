/**
 * Stage 6: the self-contained HTML report, one file that opens without a network: uPlot's
 * script and stylesheet are inlined, the chart data is a JSON block in the page, and a small
 * inline script draws one chart per entry (and lists what it drew in `window.__charts`, which
 * the test reads).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ChartData } from './report-data.js';

const require = createRequire(import.meta.url);

const DRAW = `
const charts = JSON.parse(document.getElementById('chart-data').textContent);
window.__charts = [];
const root = document.getElementById('charts');
for (const c of charts) {
  const box = document.createElement('section');
  box.id = 'chart-' + c.id;
  root.appendChild(box);
  const series = [{ label: c.xLabel }].concat(c.series.map((s) => s.points
    ? { label: s.label, stroke: s.color, paths: () => null, spanGaps: false,
        points: { show: true, size: s.size || 7, stroke: s.color, fill: s.color } }
    : { label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: false } }));
  new uPlot({
    title: c.title, width: Math.min(1000, window.innerWidth - 40), height: 260,
    scales: { x: { time: false } },
    axes: [{ label: c.xLabel }, { label: c.yLabel }],
    series,
  }, c.columns, box);
  window.__charts.push({
    id: c.id,
    points: c.columns[0].length,
    nonNull: c.columns.slice(1).map((s) => s.filter((v) => v !== null).length),
  });
}
`;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Writes the report.
 * @param path - the file to write (its directory is created)
 * @param charts - the chart data
 * @param summary - the run's summary lines, shown above the charts
 */
export function writeReport(
  path: string,
  charts: readonly ChartData[],
  summary: readonly string[],
): void {
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  // JSON inside a script element: escape '<' so no '</script>' can end it early
  const data = JSON.stringify(charts).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>x-quant-toolkit demo report</title>
<style>${css}</style>
<style>
body { font-family: system-ui, sans-serif; margin: 20px; color: #222; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
section { margin: 18px 0; }
</style>
</head>
<body>
<h1>Research to trading, one seeded session</h1>
<p>@x/sim order flow → @x/microstructure features → attention-LSTM, OLS and ridge stacked by
@x/ensemble → @x/registry canary and rollback → @x/oco brackets on the @x/sim venue.</p>
<pre>${esc(summary.join('\n'))}</pre>
<div id="charts"></div>
<script id="chart-data" type="application/json">${data}</script>
<script>${js}</script>
<script>${DRAW}</script>
</body>
</html>
`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
}
