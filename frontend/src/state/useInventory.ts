// Loads the inventory rows of the selection over the date range. A newer
// request aborts the older one, so a slow answer can never overwrite a newer
// view; the last rows stay on screen while the next ones load.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, getInventory } from '../api/client';
import type { InventoryRow } from '../api/types';
import type { ViewState } from './urlState';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface InventoryState {
  status: LoadStatus;
  rows: InventoryRow[];
  error: string | null;
  /** Fetches again (after a save or an import). */
  reload: () => void;
}

export function rangeError(start: string | null, end: string | null): string | null {
  return start && end && start > end ? 'The start date is after the end date.' : null;
}

interface Loaded {
  key: string;
  rows: InventoryRow[];
  error: string | null;
}

export function useInventory(view: ViewState): InventoryState {
  const [loaded, setLoaded] = useState<Loaded>({ key: '', rows: [], error: null });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const idsKey = view.productIds.join(',');
  const { start, end } = view;
  const active = idsKey !== '' && !rangeError(start, end);
  // Identifies the request the screen should show; loading until its answer is in.
  const key = active ? `${idsKey}|${start ?? ''}|${end ?? ''}|${generation}` : '';

  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    const productIds = idsKey.split(',').map(Number);
    getInventory({ productIds, start, end }, controller.signal).then(
      (rows) => setLoaded({ key, rows, error: null }),
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded((old) => ({ key, rows: old.rows, error: err instanceof ApiError ? err.detail : String(err) }));
      },
    );
    return () => controller.abort();
  }, [key, idsKey, start, end]);

  if (!active) return { status: 'idle', rows: EMPTY_ROWS, error: null, reload };
  if (loaded.key !== key) return { status: 'loading', rows: loaded.rows, error: null, reload };
  return { status: loaded.error ? 'error' : 'ready', rows: loaded.rows, error: loaded.error, reload };
}

const EMPTY_ROWS: InventoryRow[] = [];
