import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FRONTEND_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function chromiumPath() {
  return process.env.CHROMIUM || '/usr/bin/chromium';
}

/** The back end's CLI: $STOCKLINE_BIN, or the project's virtualenv next to frontend/. */
export function stocklineBin() {
  return resolve(FRONTEND_DIR, process.env.STOCKLINE_BIN || '../.venv/bin/stockline');
}
