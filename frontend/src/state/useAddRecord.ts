// Adding one record from the form. It is sent with If-None-Match: *, so it
// never replaces a level silently: when the date already has one (412), the
// form shows it and offers to replace it, which is sent with If-Match on the
// level shown.
import { useCallback, useState } from 'react';
import { ApiError, setLevel, type Expected, type StoredRecord } from '../api/client';
import type { ProductRef } from '../api/types';
import { isoToDmy } from '../lib/dates';
import { productLabel } from '../lib/series';
import type { Feedback } from './feedback';

/** A record was found where the form meant to create one (or gone where it meant to replace). */
export interface AddConflict {
  product: ProductRef;
  date: string;
  level: number;
  current: StoredRecord;
  /** The note the person gave, sent again with the replacement. */
  note: string;
}

export function useAddRecord(onAdded: () => void) {
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [conflict, setConflict] = useState<AddConflict | null>(null);

  /** Resolves true when the level was written. */
  const write = useCallback(
    async (product: ProductRef, date: string, level: number, expected: Expected, note: string): Promise<boolean> => {
      setBusy(true);
      setFeedback(null);
      setConflict(null);
      try {
        const { created } = await setLevel(product.product_id, date, level, expected, note);
        const verb = created ? 'Added' : 'Replaced the level with';
        setFeedback({ kind: 'success', text: `${verb} ${level} for ${productLabel(product)} on ${isoToDmy(date)}.` });
        onAdded();
        return true;
      } catch (err) {
        const current = err instanceof ApiError && err.status === 412 ? err.current : null;
        if (current) setConflict({ product, date, level, current, note });
        else setFeedback({ kind: 'error', text: err instanceof ApiError ? err.detail : String(err) });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [onAdded],
  );

  const add = useCallback(
    (product: ProductRef, date: string, level: number, note = '') => write(product, date, level, null, note),
    [write],
  );

  /** Writes the form's level over the one found (or adds it, if that one is gone now). */
  const replace = useCallback(
    () => {
      if (!conflict) return Promise.resolve(false);
      const { product, date, level, current, note } = conflict;
      return write(product, date, level, current.etag, note);
    },
    [conflict, write],
  );

  const dismiss = useCallback(() => setConflict(null), []);

  return { busy, feedback, conflict, add, replace, dismiss };
}
