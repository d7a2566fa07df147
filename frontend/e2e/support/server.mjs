// Starts the real Stockline back end on a free port over a CSV store in a
// temporary folder, serving the built front end, and always stops it again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRONTEND_DIR, stocklineBin } from './config.mjs';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Servers still running (process group -> data folder), killed and removed if
// this process ends without the tests' after() hook (a crash, Ctrl-C, the
// runner's time limit).
const running = new Map();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

process.once('exit', () => {
  for (const [pid, dir] of running) {
    killGroup(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(1));

/** `env` adds settings, e.g. `{ STOCKLINE_API_TOKEN: '…' }`. */
export async function startServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stockline-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(stocklineBin(), ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: {
      ...process.env,
      // Four slashes: an absolute path.
      STOCKLINE_STORAGE: `csv:///${join(dir, 'inventory.csv')}`,
      STOCKLINE_FRONTEND_DIR: join(FRONTEND_DIR, 'dist'),
      ...env,
    },
    // Own process group, so stopping it also stops any worker it spawned.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = false;
  running.set(child.pid, dir);
  child.on('exit', () => {
    exited = true;
    running.delete(child.pid);
  });

  const stop = async () => {
    if (!exited) {
      killGroup(child.pid, 'SIGTERM');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!exited && Date.now() < deadline) await sleep(100);
      if (!exited) killGroup(child.pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { baseUrl, stop, log: () => output };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`the back end did not become healthy within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
}
