// Headless Debian Chromium driven by playwright-core (never Playwright's own
// browser download), with helpers that act on the page as a person would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './config.mjs';

export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'stockline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 900 },
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15_000);
  // The page is served with a strict Content-Security-Policy; anything it blocks is a bug.
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}`),
    ),
  );
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // A 4xx the UI handles (and shows) is logged by Chromium as a failed resource; not a bug.
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(msg.text());
  });
  // If the tests are interrupted, at least the profile folder goes.
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  process.once('exit', removeProfile);
  const close = async () => {
    // Bounded: a browser that hangs on close must not keep the server alive.
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([context.close().catch(() => {}), timeout]);
    removeProfile();
  };
  return { page, problems, close };
}

/** Types into the picker, waits until the list shows only matches, and picks the first with Enter. */
export async function pickProduct(page, text) {
  const input = page.getByRole('combobox', { name: 'Products' });
  await input.click();
  await input.fill(text);
  await page.waitForFunction((t) => {
    const options = [...document.querySelectorAll('[role=option]')];
    return options.length > 0 && options.every((o) => o.textContent.includes(t));
  }, text);
  await input.press('Enter');
  await input.press('Escape');
}

/** The table's visible rows as arrays of cell texts. */
export function tableRows(page) {
  return page.$$eval('table.inventory-table tbody tr', (rows) =>
    rows.map((r) => [...r.cells].map((c) => (c.querySelector('input')?.value ?? c.textContent).trim())),
  );
}

/** How many pixels of the chart's canvas are painted (0 for a blank canvas). */
export function canvasInk(page) {
  return page.$eval('.chart-host canvas', (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  });
}

export function legendLabels(page) {
  return page.$$eval('.u-legend .u-series:not(:first-child) .u-label', (els) => els.map((e) => e.textContent));
}
