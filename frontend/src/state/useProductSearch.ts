// Server-side product search for the picker: debounced so typing sends one
// request, limited so hundreds of products stay fast, and aborted when a newer
// query supersedes it.
import { useEffect, useState } from 'react';
import { ApiError, searchProducts } from '../api/client';
import type { Product } from '../api/types';
import { useDebounced } from './useDebounced';

export const SEARCH_LIMIT = 20;
export const SEARCH_DEBOUNCE_MS = 200;

export interface ProductSearch {
  results: Product[];
  total: number;
  loading: boolean;
  error: string | null;
}

interface Answer {
  query: string | null;
  results: Product[];
  total: number;
  error: string | null;
}

export function useProductSearch(query: string, enabled: boolean): ProductSearch {
  const settled = useDebounced(query.trim(), SEARCH_DEBOUNCE_MS);
  const [answer, setAnswer] = useState<Answer>({ query: null, results: [], total: 0, error: null });

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    searchProducts(settled, { limit: SEARCH_LIMIT, signal: controller.signal }).then(
      (page) => setAnswer({ query: settled, results: page.items, total: page.total, error: null }),
      (err: unknown) => {
        if (controller.signal.aborted) return;
        const error = err instanceof ApiError ? err.detail : String(err);
        setAnswer({ query: settled, results: [], total: 0, error });
      },
    );
    return () => controller.abort();
  }, [settled, enabled]);

  // Older results stay listed while a newer query is on its way.
  const loading = enabled && (answer.query !== settled || settled !== query.trim());
  return { results: answer.results, total: answer.total, loading, error: answer.error };
}
