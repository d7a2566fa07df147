// Loads the change history of the selection over the date range, newest first,
// one page at a time. A newer view aborts the older request; "Load more"
// appends the next page only if the view is still the one it was asked for.
// `reload` (after any write) starts again from the newest entry.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, getChanges } from '../api/client';
import type { ChangeOut } from '../api/types';
import { appendPage } from '../lib/changes';
import type { LoadStatus } from './useInventory';
import { rangeError } from './useInventory';
import type { ViewState } from './urlState';

export const HISTORY_PAGE_SIZE = 50;

export interface ChangeHistory {
  status: LoadStatus;
  items: readonly ChangeOut[];
  error: string | null;
  /** True while older entries exist that are not loaded yet. */
  hasMore: boolean;
  loadingMore: boolean;
  /** Why the last "Load more" failed. */
  moreError: string | null;
  loadMore: () => void;
  reload: () => void;
}

interface Loaded {
  /** The request whose answer this is. */
  key: string;
  /** The view (products and range) it belongs to, without the reload count. */
  viewKey: string;
  items: ChangeOut[];
  next: number | null;
  error: string | null;
}

interface More {
  key: string;
  loading: boolean;
  error: string | null;
}

const EMPTY: Loaded = { key: '', viewKey: '', items: [], next: null, error: null };
const NO_MORE: More = { key: '', loading: false, error: null };
const message = (err: unknown) => (err instanceof ApiError ? err.detail : String(err));

function queryOf(viewKey: string) {
  const [ids = '', start = '', end = ''] = viewKey.split('|');
  return { productIds: ids.split(',').map(Number), start: start || null, end: end || null, limit: HISTORY_PAGE_SIZE };
}

export function useChangeHistory(view: ViewState): ChangeHistory {
  const [loaded, setLoaded] = useState<Loaded>(EMPTY);
  const [more, setMore] = useState<More>(NO_MORE);
  const [generation, setGeneration] = useState(0);
  const moreRequest = useRef<AbortController | null>(null);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const idsKey = view.productIds.join(',');
  const active = idsKey !== '' && !rangeError(view.start, view.end);
  const viewKey = active ? `${idsKey}|${view.start ?? ''}|${view.end ?? ''}` : '';
  const key = active ? `${viewKey}|${generation}` : '';

  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    moreRequest.current?.abort();
    getChanges(queryOf(viewKey), controller.signal).then(
      (page) => setLoaded({ key, viewKey, items: page.items, next: page.next_cursor, error: null }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoaded({ ...EMPTY, key, viewKey, error: message(err) });
      },
    );
    return () => controller.abort();
  }, [key, viewKey]);

  useEffect(() => () => moreRequest.current?.abort(), []);

  const loadMore = useCallback(() => {
    const from = loaded;
    if (from.key !== key || from.next === null || (more.key === key && more.loading)) return;
    const controller = new AbortController();
    moreRequest.current = controller;
    setMore({ key, loading: true, error: null });
    getChanges({ ...queryOf(from.viewKey), cursor: from.next }, controller.signal).then(
      (page) => {
        setLoaded((old) =>
          old.key === from.key ? { ...old, items: appendPage(old.items, page.items), next: page.next_cursor } : old,
        );
        setMore(NO_MORE);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setMore({ key: from.key, loading: false, error: message(err) });
      },
    );
  }, [loaded, more, key]);

  const base = { loadMore, reload };
  if (!active) return { ...base, status: 'idle', items: NO_ITEMS, error: null, hasMore: false, loadingMore: false, moreError: null };
  const moreNow = more.key === key ? more : NO_MORE;
  const extra = { loadingMore: moreNow.loading, moreError: moreNow.error };
  if (loaded.key !== key) {
    // While a reload runs, the entries of the same view stay on screen.
    const items = loaded.viewKey === viewKey ? loaded.items : NO_ITEMS;
    return { ...base, ...extra, status: 'loading', items, error: null, hasMore: false };
  }
  const status = loaded.error ? 'error' : 'ready';
  return { ...base, ...extra, status, items: loaded.items, error: loaded.error, hasMore: loaded.next !== null };
}

const NO_ITEMS: ChangeOut[] = [];
