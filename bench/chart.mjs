// Time to draw the chart of 10 products x 1,095 days in Debian's Chromium, through the
// built front end served by `stockline serve`. Usage: node bench/chart.mjs BASE_URL [RUNS]
// Prints JSON: uPlot's own draw time (drawClear to draw hooks) and the time from
// navigation to the drawn chart (fetching and parsing the rows included), median of RUNS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '../frontend/node_modules/playwright-core/index.mjs';

const [baseUrl, runs = '5'] = process.argv.slice(2);
const PRODUCTS = 10;
const DAYS = 1095;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const profile = mkdtempSync(join(tmpdir(), 'stockline-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  timeout: 30_000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const query = Array.from({ length: PRODUCTS }, (_, i) => `product=${i + 1}`).join('&');
  const draws = [];
  const toChart = [];
  for (let run = 0; run < Number(runs); run++) {
    await page.goto(`${baseUrl}/?${query}`);
    await page.waitForFunction(
      ([series, points]) => {
        const host = document.querySelector('.chart-host');
        return host?.dataset.drawMs && host.dataset.seriesCount === series && host.dataset.pointCount === points;
      },
      [String(PRODUCTS), String(DAYS)],
      { timeout: 30_000 },
    );
    // Two frames later any draw the last data change scheduled is done.
    const [drawMs, sinceNavigation] = await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
        done([Number(document.querySelector('.chart-host').dataset.drawMs), performance.now()])))),
    );
    draws.push(drawMs);
    toChart.push(sinceNavigation);
  }
  console.log(JSON.stringify({
    products: PRODUCTS, points: DAYS, runs: Number(runs),
    draw_ms: median(draws), navigation_to_chart_ms: median(toChart), draws_ms: draws,
  }));
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
