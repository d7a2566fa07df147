// The one page: pick products, see their levels as a chart and a table over a
// shared date range, edit and add records, see and undo their history, import
// and export CSV.
import { useCallback, useEffect, useMemo } from 'react';
import { exportUrl } from './api/client';
import { ActorName } from './components/ActorName';
import { AddRecordForm } from './components/AddRecordForm';
import { InventoryChart } from './components/chart/InventoryChart';
import { DateRangeFilter } from './components/DateRangeFilter';
import { HistoryPanel } from './components/history/HistoryPanel';
import { ImportPanel } from './components/ImportPanel';
import { ProductPicker } from './components/ProductPicker';
import { TablePanel } from './components/table/TablePanel';
import { TokenDialog } from './components/TokenDialog';
import type { NameOf } from './lib/changes';
import { useChangeHistory } from './state/useChangeHistory';
import { useInventory } from './state/useInventory';
import { useLevelEditing } from './state/useLevelEditing';
import { useSelection } from './state/useSelection';

export function App() {
  const selection = useSelection();
  const { view, selected, rememberNames } = selection;
  const inventory = useInventory(view);
  const history = useChangeHistory(view);
  const { reload: reloadInventory } = inventory;
  const { reload: reloadHistory } = history;
  // Every write made here (edit, add, import, undo) shows in the chart, the table and the history.
  const afterWrite = useCallback(() => {
    reloadInventory();
    reloadHistory();
  }, [reloadInventory, reloadHistory]);
  const editor = useLevelEditing(inventory.rows, afterWrite);
  const names = useMemo(() => new Map(selected.map((p) => [p.product_id, p.product_name])), [selected]);
  const nameOf = useCallback<NameOf>((id) => names.get(id) ?? `Product #${id}`, [names]);

  // Rows carry the current names, which may be newer than the chips' (after an import).
  useEffect(() => rememberNames(inventory.rows), [inventory.rows, rememberNames]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Stockline</h1>
        <p>Inventory history by product</p>
        <ActorName />
      </header>
      <main>
        <section className="panel selection" aria-label="Selection">
          <ProductPicker
            selected={selected}
            onSelect={selection.select}
            onRemove={selection.remove}
            onClear={selection.clear}
          />
          <div className="selection-row">
            <DateRangeFilter start={view.start} end={view.end} onChange={selection.setRange} />
            {selected.length > 0 && (
              <a className="button-link" href={exportUrl(view.productIds)} download>
                Download CSV
              </a>
            )}
          </div>
          {selection.notice && (
            <p className="feedback error" role="alert">
              {selection.notice}
            </p>
          )}
        </section>
        <InventoryChart
          products={selected}
          rows={inventory.rows}
          status={inventory.status}
          error={inventory.error}
          onRetry={inventory.reload}
        />
        <TablePanel
          hasSelection={selected.length > 0}
          rows={inventory.rows}
          status={inventory.status}
          editor={editor}
        />
        {selected.length > 0 && (
          <section className="panel" aria-label="Add record">
            <AddRecordForm products={selected} onAdded={afterWrite} />
          </section>
        )}
        {selected.length > 0 && (
          <HistoryPanel history={history} nameOf={nameOf} ranged={Boolean(view.start || view.end)} onChanged={afterWrite} />
        )}
        <ImportPanel onImported={afterWrite} />
      </main>
      <TokenDialog />
    </div>
  );
}
