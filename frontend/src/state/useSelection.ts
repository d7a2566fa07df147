// The selection (products and date range) as React state kept in step with the
// URL, plus the products (names, units) the chips and legend need. The URL holds
// only ids, so products opened from a link are fetched once.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, getProduct } from '../api/client';
import type { ProductRef } from '../api/types';
import { MAX_SELECTED, parseViewState, writeViewToLocation, type ViewState } from './urlState';

export interface Selection {
  view: ViewState;
  selected: ProductRef[];
  select: (product: ProductRef) => void;
  remove: (productId: number) => void;
  clear: () => void;
  setRange: (start: string | null, end: string | null) => void;
  /** Records names seen elsewhere (inventory rows), so renames show up. */
  rememberNames: (products: readonly ProductRef[]) => void;
  /** Something about the selection the user should know (a product from the link is gone). */
  notice: string | null;
}

export function useSelection(): Selection {
  const [view, setView] = useState<ViewState>(() => parseViewState(window.location.search));
  const [names, setNames] = useState<ReadonlyMap<number, ProductRef>>(() => new Map());
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => writeViewToLocation(view), [view]);

  useEffect(() => {
    const onPop = () => setView(parseViewState(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const rememberNames = useCallback((products: readonly ProductRef[]) => {
    setNames((old) => {
      // A product seen without its unit (an inventory row) keeps the unit known before.
      const merged = (p: ProductRef): ProductRef => ({
        product_id: p.product_id,
        product_name: p.product_name,
        unit: p.unit ?? old.get(p.product_id)?.unit,
      });
      const same = (p: ProductRef) => {
        const known = old.get(p.product_id);
        return known?.product_name === p.product_name && known.unit === merged(p).unit;
      };
      if (products.every(same)) return old;
      const next = new Map(old);
      for (const p of products) next.set(p.product_id, merged(p));
      return next;
    });
  }, []);

  const remove = useCallback((productId: number) => {
    setView((v) => ({ ...v, productIds: v.productIds.filter((id) => id !== productId) }));
  }, []);

  const unnamed = view.productIds.filter((id) => !names.has(id));
  const unnamedKey = unnamed.join(',');
  useEffect(() => {
    if (!unnamedKey) return;
    const controller = new AbortController();
    for (const id of unnamedKey.split(',').map(Number)) {
      getProduct(id, controller.signal).then(
        (p) => rememberNames([p]),
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 404) {
            remove(id);
            setNotice(`Product #${id} from the link does not exist; it was left out.`);
          }
        },
      );
    }
    return () => controller.abort();
  }, [unnamedKey, rememberNames, remove]);

  const select = useCallback(
    (product: ProductRef) => {
      rememberNames([product]);
      if (view.productIds.length >= MAX_SELECTED && !view.productIds.includes(product.product_id)) {
        setNotice(`At most ${MAX_SELECTED} products can be shown at once; remove one first.`);
        return;
      }
      setNotice(null);
      setView((v) =>
        v.productIds.includes(product.product_id) ? v : { ...v, productIds: [...v.productIds, product.product_id] },
      );
    },
    [rememberNames, view.productIds],
  );

  const clear = useCallback(() => setView((v) => ({ ...v, productIds: [] })), []);
  const setRange = useCallback(
    (start: string | null, end: string | null) => setView((v) => ({ ...v, start, end })),
    [],
  );

  const selected = useMemo(
    () => view.productIds.map((id) => names.get(id) ?? { product_id: id, product_name: `Product #${id}` }),
    [view.productIds, names],
  );

  return { view, selected, select, remove, clear, setRange, rememberNames, notice };
}
