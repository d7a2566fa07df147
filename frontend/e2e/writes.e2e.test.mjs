// End-to-end: writes that must not be lost or let through. Two editors on one
// record (the test plays the other one through the API), and a server started
// with STOCKLINE_API_TOKEN. Run through `npm run e2e`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, tableRows } from './support/browser.mjs';
import { FRONTEND_DIR } from './support/config.mjs';
import { apiClient, sampleCsv } from './support/data.mjs';
import { startServer } from './support/server.mjs';

const TOKEN = 'e2e-token-4f9c';
const DAYS = 10;
const TEST_TIMEOUT = { timeout: 90_000 };

let open; // a server anyone may write to
let locked; // a server that needs TOKEN to change data
let browser;

before(async () => {
  [open, locked] = await Promise.all([startServer(), startServer({ STOCKLINE_API_TOKEN: TOKEN })]);
  open.api = apiClient(open.baseUrl);
  locked.api = apiClient(locked.baseUrl, TOKEN);
  await open.api.importCsv(sampleCsv(2, DAYS), 'replace');
  await locked.api.importCsv(sampleCsv(2, DAYS), 'replace');
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  try {
    await browser?.close();
  } finally {
    await Promise.all([open?.stop(), locked?.stop()]);
  }
});

const page = () => browser.page;
const levelInput = (dmy) => page().getByRole('textbox', { name: `Level of Blue Widget on ${dmy}` });
const rowOf = (dmy) => page().locator('table.inventory-table tbody tr', { has: levelInput(dmy) });

async function openProduct(server) {
  const p = page();
  await p.goto(`${server.baseUrl}/?product=1`);
  await p.getByText(`Rows 1–${DAYS} of ${DAYS}`).waitFor();
}

/** Waits until the table's row `index` shows `level` (the table reloads after a write). */
function waitForLevel(index, level) {
  return page().waitForFunction(
    ([i, text]) => document.querySelectorAll('table.inventory-table tbody tr')[i]?.cells[3]?.textContent.trim() === text,
    [index, level],
  );
}

/** Of the whole viewport, or of one part of the page. */
async function screenshot(name, part = page()) {
  await page().mouse.move(0, 0);
  await part.screenshot({ path: join(FRONTEND_DIR, 'screenshots', name) });
}

test('the page is served with a Content-Security-Policy of its own assets only', async () => {
  const res = await fetch(`${open.baseUrl}/`);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
});

test('two editors: a save from a stale level shows the new one; "Overwrite with mine" wins', TEST_TIMEOUT, async () => {
  const p = page();
  await openProduct(open);
  const seen = (await tableRows(p))[2][3];
  await p.getByRole('button', { name: 'Edit levels' }).click();

  // The other editor changes the level behind the page's back.
  await open.api.setLevel(1, '2023-01-03', 444);
  await levelInput('03-01-2023').fill('555');
  await p.getByRole('button', { name: 'Save' }).click();

  await rowOf('03-01-2023').getByText('Changed meanwhile: now 444').waitFor();
  await p.getByRole('alert').getByText('Saved 0 of 1; 1 record changed meanwhile').waitFor();
  assert.equal(await levelInput('03-01-2023').inputValue(), '555', 'the typed value is kept');
  assert.equal(await open.api.level(1, '2023-01-03'), 444, `nothing was written over 444 from the stale ${seen}`);
  await screenshot('conflict.png', p.getByRole('region', { name: 'Records' }));

  await rowOf('03-01-2023').getByRole('button', { name: 'Overwrite with mine' }).click();
  await p.getByRole('status').getByText('Saved 555 for Blue Widget on 03-01-2023.').waitFor();
  assert.equal(await open.api.level(1, '2023-01-03'), 555);
  await p.getByRole('button', { name: 'Edit levels' }).waitFor();
  await waitForLevel(2, '555');
  assert.deepEqual((await tableRows(p))[2], ['1', 'Blue Widget', '03-01-2023', '555']);
});

test('two editors: "Keep theirs" drops the edit and shows the stored level', TEST_TIMEOUT, async () => {
  const p = page();
  await openProduct(open);
  await p.getByRole('button', { name: 'Edit levels' }).click();
  await open.api.setLevel(1, '2023-01-04', 71);
  await levelInput('04-01-2023').fill('72');
  await p.getByRole('button', { name: 'Save' }).click();
  await rowOf('04-01-2023').getByRole('button', { name: 'Keep theirs' }).click();
  await p.getByRole('status').getByText('Kept 71 for Blue Widget on 04-01-2023.').waitFor();
  await waitForLevel(3, '71');
  assert.deepEqual((await tableRows(p))[3], ['1', 'Blue Widget', '04-01-2023', '71']);
  assert.equal(await open.api.level(1, '2023-01-04'), 71);
});

test('adding a record on a date that has one offers to replace it', TEST_TIMEOUT, async () => {
  const p = page();
  await openProduct(open);
  const form = p.getByRole('form', { name: 'Add record' });
  await form.getByLabel('Date').fill('2023-01-05');
  await form.getByLabel('Level').fill('909');
  await form.getByRole('button', { name: 'Add record' }).click();
  const stored = await open.api.level(1, '2023-01-05');
  await form.getByText(`A record exists for Blue Widget (#1) on 05-01-2023 with level ${stored}.`).waitFor();
  await form.getByRole('button', { name: 'Replace it with 909' }).click();
  await form.getByText('Replaced the level with 909 for Blue Widget (#1) on 05-01-2023.').waitFor();
  assert.equal(await open.api.level(1, '2023-01-05'), 909);
});

test('a server with an API token: a save asks for it, a wrong one asks again, then it saves', TEST_TIMEOUT, async () => {
  const p = page();
  const refused = await fetch(`${locked.baseUrl}/api/products/1/inventory/2023-01-02`, {
    method: 'PUT',
    body: JSON.stringify({ inventory_level: 1 }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(refused.status, 401, 'the server really needs the token');

  await openProduct(locked);
  await p.getByRole('button', { name: 'Edit levels' }).click();
  await levelInput('02-01-2023').fill('321');
  await p.getByRole('button', { name: 'Save' }).click();

  let dialog = p.getByRole('dialog', { name: 'Access token needed' });
  await dialog.waitFor();
  await screenshot('token.png');
  await dialog.getByLabel('Access token').fill('not-the-token');
  await dialog.getByRole('button', { name: 'Use token and retry' }).click();
  dialog = p.getByRole('dialog', { name: 'Token not accepted' });
  await dialog.getByText('The server refused that token:').waitFor();
  await dialog.getByLabel('Access token').fill(TOKEN);
  await dialog.getByRole('button', { name: 'Use token and retry' }).click();

  await p.getByRole('status').getByText('Saved 1 change.').waitFor();
  assert.equal(await locked.api.level(1, '2023-01-02'), 321);

  // Kept for the session: the next save (even after a reload) does not ask.
  await openProduct(locked);
  await p.getByRole('button', { name: 'Edit levels' }).click();
  await levelInput('06-01-2023').fill('654');
  await p.getByRole('button', { name: 'Save' }).click();
  await p.getByRole('status').getByText('Saved 1 change.').waitFor();
  assert.equal(await p.getByRole('dialog').count(), 0);
  assert.equal(await locked.api.level(1, '2023-01-06'), 654);
});

test('no errors in the browser console (CSP violations included)', () => {
  assert.deepEqual(browser.problems, []);
});
