// The view (selected products and date range) lives in the query string, so a
// copied link or a reload shows the same view:
//   ?product=1&product=2&start=2025-01-01&end=2025-12-31
import { isIsoDate } from '../lib/dates';

export interface ViewState {
  productIds: number[];
  start: string | null;
  end: string | null;
}

/** GET /api/inventory takes at most this many product_id values (its maxItems). */
export const MAX_SELECTED = 100;

/** Reads the view from a query string, dropping anything malformed rather than failing. */
export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const ids: number[] = [];
  for (const raw of params.getAll('product')) {
    const id = Number(raw);
    if (/^\d+$/.test(raw) && Number.isSafeInteger(id) && id > 0 && !ids.includes(id)) ids.push(id);
  }
  const date = (key: string) => {
    const value = params.get(key);
    return value && isIsoDate(value) ? value : null;
  };
  return { productIds: ids.slice(0, MAX_SELECTED), start: date('start'), end: date('end') };
}

/** Writes the view as a query string ('' when there is nothing to keep). */
export function formatViewState(view: ViewState): string {
  const params = new URLSearchParams();
  for (const id of view.productIds) params.append('product', String(id));
  if (view.start) params.set('start', view.start);
  if (view.end) params.set('end', view.end);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Replaces the current history entry's query, keeping path and hash. */
export function writeViewToLocation(view: ViewState): void {
  const { pathname, hash, search } = window.location;
  const next = formatViewState(view);
  if (next === search || (next === '' && search === '')) return;
  window.history.replaceState(window.history.state, '', `${pathname}${next}${hash}`);
}
