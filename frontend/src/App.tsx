// The one page: pick products, see their levels as a chart and a table over a
// shared date range, edit and add records, import and export CSV.
import { useEffect } from 'react';
import { exportUrl } from './api/client';
import { AddRecordForm } from './components/AddRecordForm';
import { InventoryChart } from './components/chart/InventoryChart';
import { DateRangeFilter } from './components/DateRangeFilter';
import { ImportPanel } from './components/ImportPanel';
import { ProductPicker } from './components/ProductPicker';
import { TablePanel } from './components/table/TablePanel';
import { TokenDialog } from './components/TokenDialog';
import { useInventory } from './state/useInventory';
import { useLevelEditing } from './state/useLevelEditing';
import { useSelection } from './state/useSelection';

export function App() {
  const selection = useSelection();
  const { view, selected, rememberNames } = selection;
  const inventory = useInventory(view);
  const editor = useLevelEditing(inventory.rows, inventory.reload);

  // Rows carry the current names, which may be newer than the chips' (after an import).
  useEffect(() => rememberNames(inventory.rows), [inventory.rows, rememberNames]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Stockline</h1>
        <p>Inventory history by product</p>
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
            <AddRecordForm products={selected} onAdded={inventory.reload} />
          </section>
        )}
        <ImportPanel onImported={inventory.reload} />
      </main>
      <TokenDialog />
    </div>
  );
}
