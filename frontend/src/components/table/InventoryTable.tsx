// The records of the selection: sortable, paginated (so years of daily
// records stay smooth), and editable in place.
import { useMemo, useState } from 'react';
import type { InventoryRow } from '../../api/types';
import { isoToDmy } from '../../lib/dates';
import { DEFAULT_SORT, rowKey, sortRows, type SortKey, type SortOrder } from '../../lib/sortRows';
import type { LevelConflict, LevelEditing } from '../../state/useLevelEditing';
import { LevelCell } from './LevelCell';
import { Pagination } from './Pagination';

export const PAGE_SIZE = 100;

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: 'product_id', label: 'Product ID', numeric: true },
  { key: 'product_name', label: 'Product name', numeric: false },
  { key: 'date', label: 'Date', numeric: false },
  { key: 'inventory_level', label: 'Inventory level', numeric: true },
];

function withConflictRows(rows: readonly InventoryRow[], conflicts: ReadonlyMap<string, LevelConflict>) {
  if (conflicts.size === 0) return rows;
  const present = new Set(rows.map(rowKey));
  const gone = [...conflicts.values()].map((c) => c.row).filter((row) => !present.has(rowKey(row)));
  return gone.length > 0 ? [...rows, ...gone] : rows;
}

interface Props {
  rows: readonly InventoryRow[];
  editor: LevelEditing;
}

export function InventoryTable({ rows, editor }: Props) {
  const [order, setOrder] = useState<SortOrder>(DEFAULT_SORT);
  const [page, setPage] = useState(0);
  // A record deleted meanwhile stays in the table while its conflict waits for a choice.
  const shown = useMemo(() => withConflictRows(rows, editor.conflicts), [rows, editor.conflicts]);
  const sorted = useMemo(() => sortRows(shown, order), [shown, order]);
  const pageCount = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  // Clamped rather than reset in an effect: a reload after a save keeps the page.
  const current = Math.min(page, pageCount - 1);
  const visible = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  function sortBy(key: SortKey) {
    setOrder((o) => ({ key, direction: o.key === key && o.direction === 'asc' ? 'desc' : 'asc' }));
    setPage(0);
  }

  if (shown.length === 0) return null;

  return (
    <>
      <table className="inventory-table">
        <thead>
          <tr>
            {COLUMNS.map((col) => {
              const sorted = order.key === col.key;
              const arrow = sorted ? (order.direction === 'asc' ? ' ▲' : ' ▼') : '';
              return (
                <th
                  key={col.key}
                  scope="col"
                  className={col.numeric ? 'num' : undefined}
                  aria-sort={sorted ? (order.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" className="sort-button" onClick={() => sortBy(col.key)}>
                    {col.label}
                    <span aria-hidden="true">{arrow}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {visible.map((row) => {
            const key = rowKey(row);
            const error = editor.errors.get(key);
            const conflict = editor.conflicts.get(key);
            const marked = error ? 'row-error' : conflict ? 'row-conflict' : undefined;
            return (
              <tr key={key} className={marked} data-key={key}>
                <td className="num">{row.product_id}</td>
                <td>{row.product_name}</td>
                <td>{isoToDmy(row.date)}</td>
                <LevelCell
                  row={row}
                  editing={editor.editing}
                  draft={editor.drafts.get(key)}
                  error={error}
                  conflict={conflict}
                  disabled={editor.saving}
                  onChange={(text) => editor.change(key, text)}
                  onOverwrite={() => void editor.overwrite(key)}
                  onKeepTheirs={() => editor.keepTheirs(key)}
                />
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pagination
        page={current}
        pageCount={pageCount}
        first={current * PAGE_SIZE + 1}
        last={current * PAGE_SIZE + visible.length}
        total={sorted.length}
        onPage={setPage}
      />
    </>
  );
}
