// Turns inventory rows into uPlot's column data: one shared x (dates) and one
// y column per product. A counted level holds until the next count, so each
// column is filled forward; the stepped path then draws exactly that, and the
// cursor readout shows the level in force on any date, not a gap.
import type { InventoryRow, ProductRef } from '../api/types';
import { isoToEpochSeconds } from './dates';

export interface ChartSeries {
  /** Epoch seconds of every date that any selected product has. */
  xs: number[];
  /** One column per product, aligned with xs; null before its first count. */
  levels: (number | null)[][];
  labels: string[];
}

/** How a product is named wherever the UI shows one: `Blue Widget (kg) (#7)`. */
export function productLabel(p: ProductRef): string {
  const unit = p.unit ? ` (${p.unit})` : '';
  return `${p.product_name}${unit} (#${p.product_id})`;
}

export function buildChartSeries(rows: readonly InventoryRow[], products: readonly ProductRef[]): ChartSeries {
  const dates = new Set<string>();
  const byProduct = new Map<number, Map<string, number>>();
  for (const row of rows) {
    dates.add(row.date);
    let levels = byProduct.get(row.product_id);
    if (!levels) byProduct.set(row.product_id, (levels = new Map()));
    levels.set(row.date, row.inventory_level);
  }
  // ISO dates sort correctly as strings.
  const sortedDates = [...dates].sort();
  const xs = sortedDates.map(isoToEpochSeconds);
  const shown = products.filter((p) => byProduct.has(p.product_id));
  const levels = shown.map((p) => {
    const counted = byProduct.get(p.product_id) ?? new Map<string, number>();
    let held: number | null = null;
    return sortedDates.map((d) => {
      const level = counted.get(d);
      if (level !== undefined) held = level;
      return held;
    });
  });
  return { xs, levels, labels: shown.map(productLabel) };
}
