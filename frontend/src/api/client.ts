// A small typed fetch client for the Stockline REST API. Plain fetch keeps the
// bundle small; the types come from the generated OpenAPI schema.
import { noteParam } from '../lib/text';
import { actorHeaders } from './actor';
import { askForToken, storedToken, storeToken } from './auth';
import { ApiError, errorFromResponse } from './errors';
import type {
  ChangeOut,
  ChangePage,
  Health,
  ImportMode,
  ImportReport,
  ImportUndone,
  InventoryRow,
  LevelBody,
  Product,
  ProductCreate,
  ProductPage,
  QueryOf,
  RecordWriteHeaders,
} from './types';

export { ApiError, errorFromResponse } from './errors';
export type { StoredRecord } from './errors';

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

/**
 * Sends a request that changes data, with the person's name for the change
 * history (X-Stockline-Actor) and the session's token when there is one. A 401 asks the person for the token (again, saying why, when the one
 * sent was refused) and retries; cancelling fails the write with the 401.
 */
async function write(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
  for (;;) {
    const token = storedToken();
    const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    const headers = { ...init.headers, ...actorHeaders(), ...auth };
    try {
      return await send(path, { ...init, headers });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      // Another write was refused at the same time and already has a newer token.
      if (storedToken() !== token) continue;
      if (token) storeToken(null);
      const next = await askForToken({ refused: token !== null, message: err.detail });
      if (!next) throw err;
      storeToken(next);
    }
  }
}

function sendJson(path: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return write(path, {
    method,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
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

/** A record's ETag: its level, so a client showing a level knows the tag without asking. */
export function recordEtag(level: number): string {
  return `"L${level}"`;
}

/**
 * What a write expects to find: the record with that ETag, or (null) no record
 * at all. The server refuses with 412 when it finds something else.
 */
export type Expected = string | null;

function preconditionHeaders(expected: Expected): Record<string, string> {
  const headers: RecordWriteHeaders = expected === null ? { 'If-None-Match': '*' } : { 'If-Match': expected };
  return headers as Record<string, string>;
}

export interface SetLevelResult {
  row: InventoryRow;
  /** True when the date had no record before (201), false when it was replaced (200). */
  created: boolean;
  /** The record's new ETag. */
  etag: string | null;
}

type RecordPath = '/api/products/{product_id}/inventory/{date}';
const recordPath = (productId: number, date: string) => `/api/products/${enc(productId)}/inventory/${enc(date)}`;

/** The `?note=` of a write: why it was made, kept with it in the change history. */
function noteQuery(note: string | null | undefined): string {
  const query: QueryOf<RecordPath, 'put'> = { note: noteParam(note) };
  return queryString({ ...query });
}

/**
 * Sets a level; with `expected`, only over that record (or only as a new one).
 * `note` says why, for the change history.
 */
export async function setLevel(
  productId: number,
  date: string,
  level: number,
  expected?: Expected,
  note?: string | null,
): Promise<SetLevelResult> {
  const body: LevelBody = { inventory_level: level };
  const headers = expected === undefined ? {} : preconditionHeaders(expected);
  const response = await sendJson(`${recordPath(productId, date)}${noteQuery(note)}`, 'PUT', body, headers);
  const row = (await response.json()) as InventoryRow;
  return { row, created: response.status === 201, etag: response.headers.get('ETag') };
}

export async function deleteLevel(productId: number, date: string, etag?: string, note?: string | null): Promise<void> {
  const headers = etag === undefined ? {} : preconditionHeaders(etag);
  await write(`${recordPath(productId, date)}${noteQuery(note)}`, { method: 'DELETE', headers });
}

export interface ImportOptions {
  mode: ImportMode;
  dryRun: boolean;
  /** Why, for the change history. */
  note?: string | null;
}

export async function importCsv(csv: Blob | string, options: ImportOptions): Promise<ImportReport> {
  const query: QueryOf<'/api/inventory/import', 'post'> = {
    mode: options.mode,
    dry_run: options.dryRun,
    note: noteParam(options.note),
  };
  const response = await write(`/api/inventory/import${queryString({ ...query })}`, {
    method: 'POST',
    body: csv,
    headers: { 'Content-Type': 'text/csv' },
  });
  return (await response.json()) as ImportReport;
}

export interface ChangesQuery {
  productIds: readonly number[];
  start?: string | null;
  end?: string | null;
  limit?: number;
  /** The `next_cursor` of the page before: entries older than it. */
  cursor?: number | null;
}

/** A page of the change history of those products, newest first. */
export function getChanges(q: ChangesQuery, signal?: AbortSignal): Promise<ChangePage> {
  const query: QueryOf<'/api/changes', 'get'> = {
    product_id: [...q.productIds],
    start: q.start ?? undefined,
    end: q.end ?? undefined,
    limit: q.limit,
    cursor: q.cursor ?? undefined,
  };
  return getJson(`/api/changes${queryString({ ...query })}`, signal);
}

/**
 * Takes one change back: the record gets the level it had before, as a new
 * entry (answered). A 409 ApiError, with `blocked`, when the record changed since.
 */
export async function undoChange(changeId: number, note?: string | null): Promise<ChangeOut> {
  const response = await write(`/api/changes/${enc(changeId)}/undo${noteQuery(note)}`, { method: 'POST' });
  return (await response.json()) as ChangeOut;
}

/** Takes a whole import back, all or nothing; a 409 ApiError when any of its records changed since. */
export async function undoImport(importId: string, note?: string | null): Promise<ImportUndone> {
  const response = await write(`/api/imports/${enc(importId)}/undo${noteQuery(note)}`, { method: 'POST' });
  return (await response.json()) as ImportUndone;
}

/** A link the browser can follow to download the selection as the brief's CSV. */
export function exportUrl(productIds: readonly number[]): string {
  const query: QueryOf<'/api/inventory/export', 'get'> = { product_id: [...productIds] };
  return `/api/inventory/export${queryString({ ...query })}`;
}

export function health(): Promise<Health> {
  return getJson('/api/health');
}
