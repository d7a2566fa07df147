// Entry point of `npm run e2e`: checks what the end-to-end tests need, then
// runs them with node's test runner. Without Chromium it skips (exit 0),
// except in CI (CI=true), where a skipped browser test would hide a gap.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, stocklineBin } from './support/config.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_TIMEOUT_MS = 8 * 60_000;

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

if (!existsSync(chromiumPath())) {
  console.log(`e2e skipped: no Chromium at ${chromiumPath()}`);
  process.exit(process.env.CI === 'true' ? 1 : 0);
}
if (!existsSync(join(root, 'dist', 'index.html'))) fail('no dist/index.html; run `npm run build` first');
if (!existsSync(stocklineBin())) {
  fail(`no back end at ${stocklineBin()}; install it (uv sync) or set STOCKLINE_BIN`);
}

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=1', ...['app', 'writes', 'history'].map((name) => join(root, 'e2e', `${name}.e2e.test.mjs`))],
  // Its own process group, so the time limit reaches the test files too; they
  // stop their back end when signalled (support/server.mjs).
  { cwd: root, stdio: 'inherit', detached: true },
);
const timer = setTimeout(() => {
  console.error(`e2e: still running after ${RUN_TIMEOUT_MS / 1000} s; stopping it`);
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}, RUN_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  });
}
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  process.exit(code ?? (signal ? 1 : 0));
});
