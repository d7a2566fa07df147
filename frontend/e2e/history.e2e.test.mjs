// End-to-end: the change history. The person sets the name they appear as,
// saves an edit with a note, finds it in the History panel and undoes it; an
// undo over a record someone changed since is refused and changes nothing; an
// import made in the page is undone whole. Run through `npm run e2e`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, tableRows } from './support/browser.mjs';
import { FRONTEND_DIR } from './support/config.mjs';
import { apiClient, sampleCsv } from './support/data.mjs';
import { startServer } from './support/server.mjs';

const DAYS = 10;
// Not Latin-1: a browser refuses such a header value unless it is percent-encoded.
const NAME = 'Łukasz Nowak';
const TEST_TIMEOUT = { timeout: 90_000 };

let server;
let api;
let browser;

before(async () => {
  server = await startServer();
  api = apiClient(server.baseUrl);
  await api.importCsv(sampleCsv(2, DAYS), 'replace');
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.stop();
  }
});

const page = () => browser.page;
const history = () => page().getByRole('region', { name: 'History' });
const entries = () => history().getByRole('listitem');
const levelInput = (dmy) => page().getByRole('textbox', { name: `Level of Blue Widget on ${dmy}` });

async function openProduct() {
  const p = page();
  await p.goto(`${server.baseUrl}/?product=1`);
  await p.getByText(`Rows 1–${DAYS} of ${DAYS}`).waitFor();
  await entries().first().waitFor();
}

/** Edits one level in the table and saves it, with a note when given. */
async function saveLevel(dmy, level, note) {
  const p = page();
  await p.getByRole('button', { name: 'Edit levels' }).click();
  await levelInput(dmy).fill(String(level));
  if (note) await p.getByLabel('Note for this save (optional)').fill(note);
  await p.getByRole('button', { name: 'Save', exact: true }).click();
  await p.getByRole('status').getByText('Saved 1 change.').waitFor();
}

/** Waits until the table's row `index` shows `level` (the table reloads after a write). */
function waitForLevel(index, level) {
  return page().waitForFunction(
    ([i, text]) => document.querySelectorAll('table.inventory-table tbody tr')[i]?.cells[3]?.textContent.trim() === text,
    [index, String(level)],
  );
}

test('a named edit with a note shows in the history; Undo puts the level back', TEST_TIMEOUT, async () => {
  const p = page();
  await openProduct();
  await p.getByLabel('Your name').fill(NAME);
  const before = await api.level(1, '2023-01-03');

  await saveLevel('03-01-2023', 555, 'recount after audit');
  const edit = entries().filter({ hasText: 'recount after audit' });
  await edit.waitFor();
  assert.equal(await entries().first().getAttribute('data-change-id'), await edit.getAttribute('data-change-id'));
  const text = await edit.textContent();
  for (const part of [NAME, 'Blue Widget on 03-01-2023', `${before} → 555`, 'Edit']) {
    assert.ok(text.includes(part), `the entry shows "${part}": ${text}`);
  }
  const [stored] = await api.changes('product_id=1&limit=1');
  assert.deepEqual(
    [stored.actor, stored.note, stored.previous_level, stored.new_level, stored.cause],
    [NAME, 'recount after audit', before, 555, 'edit'],
  );

  await edit.getByRole('button', { name: 'Undo', exact: true }).click();
  await history().getByRole('status').getByText(`Undone: Blue Widget on 03-01-2023 is back to ${before}.`).waitFor();
  await waitForLevel(2, before);
  assert.deepEqual((await tableRows(p))[2], ['1', 'Blue Widget', '03-01-2023', String(before)]);
  assert.equal(await api.level(1, '2023-01-03'), before);
  await entries().first().getByText(`Undo of #${stored.change_id}`).waitFor();
  assert.match(await entries().first().textContent(), new RegExp(`${NAME}.*555 → ${before}`));

  await p.mouse.move(0, 0);
  await history().screenshot({ path: join(FRONTEND_DIR, 'screenshots', 'history.png') });
});

test('undoing a change whose record changed since is refused with what it holds now', TEST_TIMEOUT, async () => {
  await openProduct();
  await saveLevel('04-01-2023', 600);
  const entry = entries().filter({ hasText: 'Blue Widget on 04-01-2023' }).filter({ hasText: '→ 600' });
  await entry.waitFor();

  // Someone else changes the record behind the page's back.
  await api.setLevel(1, '2023-01-04', 777);
  const count = (await api.changes('limit=1000')).length;
  await entry.getByRole('button', { name: 'Undo', exact: true }).click();
  await history()
    .getByRole('alert')
    .getByText(
      'Not undone: Blue Widget on 04-01-2023 changed since and now holds 777 (this change left 600). Nothing was changed.',
    )
    .waitFor();
  assert.equal(await api.level(1, '2023-01-04'), 777);
  assert.equal((await api.changes('limit=1000')).length, count, 'no entry was written');
  await waitForLevel(3, 777); // the page shows what is stored now
});

test('an import made in the page can be undone whole, after a confirmation', TEST_TIMEOUT, async () => {
  const p = page();
  await openProduct();
  const before = [await api.level(1, '2023-01-07'), await api.level(1, '2023-01-08')];
  const csv = 'product_id;product_name;date;inventory_level\n1;Blue Widget;07-01-2023;1007\n1;Blue Widget;08-01-2023;1008\n';
  await p.getByLabel('Note for the import (optional)').fill('supplier file');
  await p.getByLabel('CSV file').setInputFiles({ name: 'supplier.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await p.getByRole('button', { name: 'Commit import' }).click();
  await p.getByText('Import done.').waitFor();
  await waitForLevel(6, 1007);

  const imported = entries().filter({ hasText: 'supplier file' });
  await imported.first().waitFor();
  assert.equal(await imported.count(), 2);
  assert.match(await imported.first().textContent(), /Import/);
  await imported.first().getByRole('button', { name: 'Undo import' }).click();
  await history().getByRole('group', { name: /Undo the import of/ }).waitFor();
  await history().getByRole('button', { name: 'Undo the whole import' }).click();
  await history().getByRole('status').getByText('Import undone: 2 records put back as before the import.').waitFor();
  assert.deepEqual([await api.level(1, '2023-01-07'), await api.level(1, '2023-01-08')], before);
  await waitForLevel(6, before[0]);
});

test('no errors in the browser console (CSP violations included)', () => {
  assert.deepEqual(browser.problems, []);
});
