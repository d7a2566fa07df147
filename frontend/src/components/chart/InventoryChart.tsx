// The chart panel: draws the empty, loading and error states itself so the
// area is never a blank box, and the uPlot chart once there is data.
import { useMemo, type ReactNode } from 'react';
import type { InventoryRow, ProductRef } from '../../api/types';
import { buildChartSeries } from '../../lib/series';
import type { LoadStatus } from '../../state/useInventory';
import { UplotChart } from './UplotChart';

interface Props {
  products: readonly ProductRef[];
  rows: readonly InventoryRow[];
  status: LoadStatus;
  error: string | null;
  onRetry: () => void;
}

export function InventoryChart({ products, rows, status, error, onRetry }: Props) {
  const series = useMemo(() => buildChartSeries(rows, products), [rows, products]);

  let placeholder: ReactNode = null;
  if (products.length === 0) {
    placeholder = <p>Pick a product above to see its inventory level over time.</p>;
  } else if (status === 'error') {
    placeholder = (
      <div role="alert">
        <p>Could not load the inventory: {error}</p>
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  } else if (series.xs.length === 0) {
    placeholder = <p>{status === 'loading' ? 'Loading inventory…' : 'No records for this selection and date range.'}</p>;
  }

  return (
    <section className="panel chart-panel" aria-labelledby="chart-title" aria-busy={status === 'loading'}>
      <h2 id="chart-title">Level over time</h2>
      {placeholder ? (
        <div className="chart-placeholder" data-testid="chart-placeholder">
          {placeholder}
        </div>
      ) : (
        <>
          {status === 'loading' && <p className="chart-updating">Updating…</p>}
          <UplotChart series={series} />
        </>
      )}
    </section>
  );
}
