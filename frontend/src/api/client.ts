// A small typed fetch client for the Stockline REST API. Plain fetch keeps the
// bundle small; the types come from the generated OpenAPI schema.
import type {
  Health,
  ImportLineError,
  ImportMode,
  ImportReport,
  InventoryRow,
  LevelBody,
  Product,
  ProductCreate,
  ProductPage,
  QueryOf,
} from './types';

/** An API failure carrying what the server said (RFC 9457 problem details). */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: ImportLineError[];

  constructor(status: number, detail: string, errors: ImportLineError[] = []) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.errors = errors;
  }
}

type QueryValue = string | number | boolean | readonly (string | number)[] | undefined | null;

/** Builds a query string; arrays repeat the key, as the API expects for product_id. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      for (const item of value) search.append(key, String(item));
    } else {
      search.append(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function isLineError(value: unknown): value is ImportLineError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.line === 'number' && typeof v.message === 'string';
}

/** Turns a failed response into an ApiError, whatever shape its body has. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let detail = response.statusText || `HTTP ${response.status}`;
  let errors: ImportLineError[] = [];
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.detail === 'string' && body.detail) detail = body.detail;
    else if (typeof body.title === 'string' && body.title) detail = body.title;
    if (Array.isArray(body.errors)) errors = body.errors.filter(isLineError);
  } catch {
    if (text.trim()) detail = text.trim().slice(0, 500);
  }
  return new ApiError(response.status, detail, errors);
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...init.headers } });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Cannot reach the Stockline server. Is it running?');
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await send(path, { signal });
  return (await response.json()) as T;
}

function sendJson(path: string, method: string, body: unknown): Promise<Response> {
  return send(path, {
    method,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
}

const enc = encodeURIComponent;

export interface SearchOptions {
  limit?: number;
  offset?: number;
  signal?: AbortSignal;
}

export function searchProducts(search: string, options: SearchOptions = {}): Promise<ProductPage> {
  const query: QueryOf<'/api/products', 'get'> = {
    search: search.trim() || undefined,
    limit: options.limit,
    offset: options.offset,
  };
  return getJson(`/api/products${queryString({ ...query })}`, options.signal);
}

export function getProduct(productId: number, signal?: AbortSignal): Promise<Product> {
  return getJson(`/api/products/${enc(productId)}`, signal);
}

export async function createProduct(body: ProductCreate): Promise<Product> {
  return (await (await sendJson('/api/products', 'POST', body)).json()) as Product;
}

export interface InventoryQuery {
  productIds: readonly number[];
  start?: string | null;
  end?: string | null;
}

export function getInventory(q: InventoryQuery, signal?: AbortSignal): Promise<InventoryRow[]> {
  const query: QueryOf<'/api/inventory', 'get'> = {
    product_id: [...q.productIds],
    start: q.start ?? undefined,
    end: q.end ?? undefined,
  };
  return getJson(`/api/inventory${queryString({ ...query })}`, signal);
}

export interface SetLevelResult {
  row: InventoryRow;
  /** True when the date had no record before (201), false when it was replaced (200). */
  created: boolean;
}

export async function setLevel(productId: number, date: string, level: number): Promise<SetLevelResult> {
  const body: LevelBody = { inventory_level: level };
  const response = await sendJson(`/api/products/${enc(productId)}/inventory/${enc(date)}`, 'PUT', body);
  return { row: (await response.json()) as InventoryRow, created: response.status === 201 };
}

export async function deleteLevel(productId: number, date: string): Promise<void> {
  await send(`/api/products/${enc(productId)}/inventory/${enc(date)}`, { method: 'DELETE' });
}

export interface ImportOptions {
  mode: ImportMode;
  dryRun: boolean;
}

export async function importCsv(csv: Blob | string, options: ImportOptions): Promise<ImportReport> {
  const query: QueryOf<'/api/inventory/import', 'post'> = { mode: options.mode, dry_run: options.dryRun };
  const response = await send(`/api/inventory/import${queryString({ ...query })}`, {
    method: 'POST',
    body: csv,
    headers: { 'Content-Type': 'text/csv' },
  });
  return (await response.json()) as ImportReport;
}

/** A link the browser can follow to download the selection as the brief's CSV. */
export function exportUrl(productIds: readonly number[]): string {
  const query: QueryOf<'/api/inventory/export', 'get'> = { product_id: [...productIds] };
  return `/api/inventory/export${queryString({ ...query })}`;
}

export function health(): Promise<Health> {
  return getJson('/api/health');
}
