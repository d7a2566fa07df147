import type { InventoryRow } from '../api/types';

export type SortKey = 'product_id' | 'product_name' | 'date' | 'inventory_level';
export type SortDirection = 'asc' | 'desc';

export interface SortOrder {
  key: SortKey;
  direction: SortDirection;
}

/** The server's order (product, then date), which the table starts in. */
export const DEFAULT_SORT: SortOrder = { key: 'product_id', direction: 'asc' };

/** A sorted copy; ties keep product then date order so pages are stable. */
export function sortRows(rows: readonly InventoryRow[], order: SortOrder): InventoryRow[] {
  const sign = order.direction === 'asc' ? 1 : -1;
  const compare = (a: InventoryRow, b: InventoryRow): number => {
    const x = a[order.key];
    const y = b[order.key];
    const primary =
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    if (primary !== 0) return primary * sign;
    return a.product_id - b.product_id || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
  };
  return [...rows].sort(compare);
}

export function rowKey(row: Pick<InventoryRow, 'product_id' | 'date'>): string {
  return `${row.product_id}|${row.date}`;
}
