// End-to-end: the built front end, served by the real back end over a CSV
// store, driven in headless Chromium. Run through `npm run e2e`.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { canvasInk, launchBrowser, legendLabels, pickProduct, tableRows } from './support/browser.mjs';
import { FRONTEND_DIR } from './support/config.mjs';
import { apiClient, DAYS, isoToDmy, sampleCsv } from './support/data.mjs';
import { startServer } from './support/server.mjs';

const SCREENSHOTS = join(FRONTEND_DIR, 'screenshots');
const TEST_TIMEOUT = { timeout: 90_000 };

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  api = apiClient(server.baseUrl);
  const report = await api.importCsv(sampleCsv(), 'replace');
  assert.equal(report.rows, 5 * DAYS);
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
}, { timeout: 120_000 });

after(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.stop();
  }
});

const page = () => browser.page;

async function screenshot(name) {
  const p = page();
  await p.mouse.move(0, 0);
  await p.evaluate(() => document.activeElement?.blur());
  await p.screenshot({ path: join(SCREENSHOTS, name) });
}
const waitForRows = (text) => page().getByText(new RegExp(`Rows 1–\\d+ of ${text}`)).waitFor();

test('the page is served at a link that carries the view in its query string', async () => {
  const res = await fetch(`${server.baseUrl}/?product=1&start=2025-01-01`);
  assert.equal(res.status, 200, 'the back end must serve the UI at / whatever the query string holds');
  assert.match(res.headers.get('content-type'), /text\/html/);
});

test('pick a product: the chart is drawn and the table agrees with the API', TEST_TIMEOUT, async () => {
  const p = page();
  await p.goto(server.baseUrl);
  await p.getByText('Pick a product above').waitFor();

  await pickProduct(p, 'Blue Widget');
  await waitForRows(DAYS);
  assert.equal(new URL(p.url()).search, '?product=1');
  await p.locator('.chart-host canvas').waitFor();
  assert.ok((await canvasInk(p)) > 2000, 'the chart canvas has lines on it');

  const expected = (await api.inventory(1)).slice(0, 100);
  const shown = await tableRows(p);
  assert.deepEqual(
    shown,
    expected.map((r) => [String(r.product_id), r.product_name, isoToDmy(r.date), String(r.inventory_level)]),
  );

  // The cursor readout shows the date and level under the pointer.
  const over = await p.locator('.u-over').boundingBox();
  await p.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
  const readout = await p.$$eval('.u-legend .u-series .u-value', (els) => els.map((e) => e.textContent));
  assert.match(readout[0], /^\d{2}-\d{2}-\d{4}$/);
  assert.match(readout[1], /^\d+$/);

  // Drag to zoom, then reset.
  const reset = p.getByRole('button', { name: 'Reset zoom' });
  assert.equal(await reset.isDisabled(), true);
  await p.mouse.move(over.x + over.width * 0.3, over.y + 40);
  await p.mouse.down();
  await p.mouse.move(over.x + over.width * 0.6, over.y + 40, { steps: 5 });
  await p.mouse.up();
  assert.equal(await reset.isEnabled(), true);
  await reset.click();
  assert.equal(await reset.isDisabled(), true);

  await screenshot('main-single.png');
});

test('two products: two series in the legend, and a CSV link for both', TEST_TIMEOUT, async () => {
  const p = page();
  await p.goto(`${server.baseUrl}/?product=1`);
  await waitForRows(DAYS);
  await pickProduct(p, 'Red Gadget');
  await waitForRows(2 * DAYS);
  assert.deepEqual(await legendLabels(p), ['Blue Widget (#1)', 'Red Gadget (#2)']);
  assert.equal(new URL(p.url()).search, '?product=1&product=2');

  const href = await p.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const res = await fetch(new URL(href, server.baseUrl));
  assert.match(res.headers.get('content-type'), /text\/csv/);
  const lines = (await res.text()).trim().split('\n');
  assert.equal(lines[0], 'product_id;product_name;date;inventory_level');
  assert.equal(lines.length, 1 + 2 * DAYS);

  await screenshot('main-multi.png');
});

test('edit a level, save, reload: it persisted; invalid input is refused', TEST_TIMEOUT, async () => {
  const p = page();
  await p.goto(`${server.baseUrl}/?product=1`);
  await waitForRows(DAYS);
  await p.getByRole('button', { name: 'Edit levels' }).click();

  await p.getByRole('textbox', { name: 'Level of Blue Widget on 02-01-2023' }).fill('-3');
  await p.getByRole('button', { name: 'Save' }).click();
  await p.getByText('A level cannot be negative.').waitFor();

  await p.getByRole('textbox', { name: 'Level of Blue Widget on 02-01-2023' }).fill('137');
  await p.getByRole('button', { name: 'Save' }).click();
  await p.getByRole('status').getByText('Saved 1 change.').waitFor();
  const row = (await api.inventory(1)).find((r) => r.date === '2023-01-02');
  assert.equal(row.inventory_level, 137);

  await p.reload();
  await waitForRows(DAYS);
  const rows = await tableRows(p);
  assert.deepEqual(rows[1], ['1', 'Blue Widget', '02-01-2023', '137']);
});

test('chart draw time for 3 years of daily levels', TEST_TIMEOUT, async (t) => {
  const p = page();
  for (const ids of [[1], [1, 2], [1, 2, 3, 4, 5]]) {
    await p.goto(`${server.baseUrl}/?${ids.map((id) => `product=${id}`).join('&')}`);
    await waitForRows(ids.length * DAYS);
    await p.waitForFunction(() => document.querySelector('.chart-host')?.dataset.drawMs);
    const ms = await p.$eval('.chart-host', (el) => Number(el.dataset.drawMs));
    t.diagnostic(`draw of ${ids.length} x ${DAYS} points: ${ms.toFixed(1)} ms`);
    assert.ok(ms < 1000, `drawing took ${ms} ms`);
  }
});

test('import: a bad line is reported with its number; a good file imports', TEST_TIMEOUT, async () => {
  const p = page();
  await p.goto(server.baseUrl);
  const bad = 'product_id;product_name;date;inventory_level\n7;Orange Thing;01-01-2025;5\n7;Orange Thing;31-02-2025;6\n';
  const input = p.getByLabel('CSV file');
  await input.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  const alert = p.locator('.import-errors');
  await alert.getByText('Line 3:').waitFor();
  assert.match(await alert.textContent(), /Line 3:.*31-02-2025/);

  const good = 'product_id;product_name;date;inventory_level\n7;Orange Thing;01-01-2025;5\n7;Orange Thing;02-01-2025;6\n';
  await input.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await p.getByRole('button', { name: 'Commit import' }).click();
  await p.getByText('Import done.').waitFor();
  assert.deepEqual(
    (await api.inventory(7)).map((r) => r.inventory_level),
    [5, 6],
  );
});

test('the API docs render under their own CSP and can try a request', TEST_TIMEOUT, async () => {
  const p = page();
  const res = await fetch(`${server.baseUrl}/api/ui`);
  assert.match(res.headers.get('content-security-policy'), /script-src 'self';/);
  assert.doesNotMatch(res.headers.get('content-security-policy'), /unsafe-inline/);
  await p.goto(`${server.baseUrl}/api/ui`);
  await p.locator('.opblock').first().waitFor();
  assert.ok((await p.locator('.opblock').count()) > 10, 'every operation is listed');
  await p.locator('.opblock-summary-path', { hasText: '/api/health' }).first().click();
  await p.getByRole('button', { name: 'Try it out' }).click();
  await p.getByRole('button', { name: 'Execute' }).click();
  const status = p.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor();
  assert.equal((await status.innerText()).trim(), '200');
});

test('no errors in the browser console', () => {
  assert.deepEqual(browser.problems, []);
});
