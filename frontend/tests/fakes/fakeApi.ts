// A hand-written fake of the Stockline REST API behind `fetch`: the unit tests
// talk to it exactly as the app talks to the server, and can read what was sent.
import { vi } from 'vitest';
import type { ChangeOut, ImportLineError, InventoryRow, Product } from '../../src/api/types';
import { changeRoutes } from './fakeChanges';

export interface SentRequest {
  method: string;
  url: URL;
  body: unknown;
  headers: Headers;
}

export interface FakeApi {
  products: Map<number, string>;
  /** product_id -> its unit, for the products that have one */
  units: Map<number, string>;
  /** `${product_id}|${date}` -> level */
  records: Map<string, number>;
  requests: SentRequest[];
  /** Makes the next PUT of that record fail with this status and detail. */
  failPut: (productId: number, date: string, status: number, detail: string) => void;
  /** Lines the import endpoint reports as bad (422) until cleared. */
  importErrors: ImportLineError[];
  requestsTo: (method: string, path: string) => SentRequest[];
  /** When set, writes without `Authorization: Bearer <token>` get 401, as with STOCKLINE_API_TOKEN. */
  token: string | null;
  /** The change history, oldest first; every PUT and undo adds to it, tests may add more. */
  changes: ChangeOut[];
  /** When set, the history cannot be read: GET /api/changes answers 503 with this detail. */
  changesDown: string | null;
  /** Adds an entry to the history as a write would (actor and note as the server decodes them). */
  record: (entry: Omit<ChangeOut, 'change_id' | 'at'>) => ChangeOut;
}

const UNAUTHORIZED = 'this server needs `Authorization: Bearer <token>` to change data';
const etagOf = (level: number | undefined) => (level === undefined ? null : `"L${level}"`);

/** The server's If-Match / If-None-Match rule for one record: null when the write may go ahead. */
function refusal(headers: Headers, level: number | undefined): Response | null {
  const tag = etagOf(level);
  const ifMatch = headers.get('If-Match');
  const ifNoneMatch = headers.get('If-None-Match');
  const wanted = ifMatch?.split(',').map((t) => t.trim());
  const matchFails = wanted !== undefined && (tag === null || !(wanted.includes('*') || wanted.includes(tag)));
  const noneFails = ifNoneMatch !== null && tag !== null && (ifNoneMatch === '*' || ifNoneMatch === tag);
  if (!matchFails && !noneFails) return null;
  const detail = tag === null ? 'the record does not exist' : `the record's level is now ${level}`;
  return problem(412, detail, { current_level: level ?? null, current_etag: tag });
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export function problem(status: number, detail: string, extra: object = {}): Response {
  const body = { type: 'about:blank', title: 'Error', status, detail, ...extra };
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } });
}

// jsdom's Blob has no text(); FileReader is what it offers.
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** Who and why, as the server reads them from a write: the percent-encoded header and `?note=`. */
export function authorOf(headers: Headers, query: URLSearchParams) {
  const actor = headers.get('X-Stockline-Actor');
  return { actor: actor ? decodeURIComponent(actor) : 'anonymous', note: query.get('note') };
}

export function installFakeApi(products: Record<number, string>, records: [number, string, number][] = []): FakeApi {
  const api: FakeApi = {
    products: new Map(Object.entries(products).map(([id, name]) => [Number(id), name])),
    units: new Map(),
    records: new Map(records.map(([id, date, level]) => [`${id}|${date}`, level])),
    requests: [],
    importErrors: [],
    failPut: (id, date, status, detail) => failures.set(`${id}|${date}`, { status, detail }),
    requestsTo: (method, path) => api.requests.filter((r) => r.method === method && r.url.pathname === path),
    token: null,
    changes: [],
    changesDown: null,
    record: (entry) => {
      const last = api.changes[api.changes.length - 1];
      const change = { ...entry, change_id: (last?.change_id ?? 0) + 1, at: new Date(Date.UTC(2025, 5, 1, 12, api.changes.length)).toISOString() };
      api.changes.push(change);
      return change;
    },
  };
  const failures = new Map<string, { status: number; detail: string }>();

  function product(id: number): Product {
    const keys = [...api.records.keys()].filter((k) => k.startsWith(`${id}|`)).sort();
    const last = keys[keys.length - 1];
    return {
      product_id: id,
      product_name: api.products.get(id) ?? '',
      record_count: keys.length,
      latest_date: last ? (last.split('|')[1] ?? null) : null,
      latest_level: last ? (api.records.get(last) ?? null) : null,
      unit: api.units.get(id) ?? '',
    };
  }

  function route(method: string, url: URL, body: unknown, headers: Headers): Response {
    const p = url.pathname;
    const q = url.searchParams;
    if (method !== 'GET' && api.token !== null && headers.get('Authorization') !== `Bearer ${api.token}`) {
      return problem(401, UNAUTHORIZED);
    }
    if (method === 'GET' && p === '/api/products') {
      const term = (q.get('search') ?? '').toLowerCase();
      const limit = Number(q.get('limit') ?? 50);
      const offset = Number(q.get('offset') ?? 0);
      const hits = [...api.products.keys()]
        .sort((a, b) => a - b)
        .filter((id) => !term || String(id) === term || api.products.get(id)!.toLowerCase().includes(term));
      return json({ items: hits.slice(offset, offset + limit).map(product), total: hits.length, limit, offset });
    }
    let m = /^\/api\/products\/(\d+)$/.exec(p);
    if (method === 'GET' && m) {
      const id = Number(m[1]);
      return api.products.has(id) ? json(product(id)) : problem(404, `Product ${id} does not exist.`);
    }
    if (method === 'GET' && p === '/api/inventory') {
      const ids = q.getAll('product_id').map(Number);
      const missing = ids.find((id) => !api.products.has(id));
      if (missing !== undefined) return problem(404, `Product ${missing} does not exist.`);
      const start = q.get('start') ?? '0000-00-00';
      const end = q.get('end') ?? '9999-99-99';
      const rows: InventoryRow[] = [...api.records]
        .map(([key, level]) => {
          const [id, date] = key.split('|') as [string, string];
          return { product_id: Number(id), product_name: api.products.get(Number(id))!, date, inventory_level: level };
        })
        .filter((r) => ids.includes(r.product_id) && r.date >= start && r.date <= end)
        .sort((a, b) => a.product_id - b.product_id || a.date.localeCompare(b.date));
      return json(rows);
    }
    m = /^\/api\/products\/(\d+)\/inventory\/(\d{4}-\d{2}-\d{2})$/.exec(p);
    if (method === 'PUT' && m) {
      const key = `${m[1]}|${m[2]}`;
      const failure = failures.get(key);
      if (failure) {
        failures.delete(key);
        return problem(failure.status, failure.detail);
      }
      const refused = refusal(headers, api.records.get(key));
      if (refused) return refused;
      const level = (body as { inventory_level: number }).inventory_level;
      const existed = api.records.has(key);
      const id = Number(m[1]);
      api.record({
        ...authorOf(headers, q),
        product_id: id,
        date: m[2]!,
        previous_level: api.records.get(key) ?? null,
        new_level: level,
        cause: 'edit',
        import_id: null,
        undoes: null,
      });
      api.records.set(key, level);
      const row = { product_id: id, product_name: api.products.get(id), date: m[2], inventory_level: level };
      const response = json(row, existed ? 200 : 201);
      response.headers.set('ETag', etagOf(level)!);
      return response;
    }
    if (method === 'POST' && p === '/api/inventory/import') {
      if (api.importErrors.length) {
        return problem(422, `The file has ${api.importErrors.length} bad lines.`, { errors: api.importErrors });
      }
      const rows = String(body).trim().split('\n').length - 1;
      const dryRun = q.get('dry_run') === 'true';
      return json({ mode: q.get('mode'), dry_run: dryRun, rows, products_created: 1, products_removed: 0, records_written: rows });
    }
    return changeRoutes(api, method, url, headers) ?? problem(404, `No route for ${method} ${p}`);
  }

  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://stockline.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    let body: unknown = init.body;
    if (typeof body === 'string' && headers.get('Content-Type') === 'application/json') {
      body = JSON.parse(body);
    } else if (body instanceof Blob) {
      body = await readBlob(body);
    }
    api.requests.push({ method, url, body, headers });
    return route(method, url, body, headers);
  });
  return api;
}
