import { useId } from 'react';
import type { InventoryRow } from '../../api/types';
import { isoToDmy } from '../../lib/dates';
import { conflictText, type LevelConflict } from '../../state/levelChanges';

interface Props {
  row: InventoryRow;
  editing: boolean;
  draft: string | undefined;
  error: string | undefined;
  /** Set when the record changed since the person saw it. */
  conflict: LevelConflict | undefined;
  disabled: boolean;
  onChange: (text: string) => void;
  onOverwrite: () => void;
  onKeepTheirs: () => void;
}

/**
 * The level of one record: text, or an input with its own error message while
 * editing; after a conflict, what is stored now and the two ways out.
 */
export function LevelCell({ row, editing, draft, error, conflict, disabled, onChange, onOverwrite, onKeepTheirs }: Props) {
  const errorId = useId();
  const conflictId = useId();
  if (!editing) return <td className="num">{row.inventory_level}</td>;
  const edited = draft !== undefined && draft !== String(row.inventory_level);
  const describedBy = [error ? errorId : '', conflict ? conflictId : ''].filter(Boolean).join(' ');
  return (
    <td className="num level-edit">
      <input
        className={edited ? 'level-input edited' : 'level-input'}
        inputMode="numeric"
        aria-label={`Level of ${row.product_name} on ${isoToDmy(row.date)}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        value={draft ?? String(row.inventory_level)}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
      {conflict && (
        <span className="conflict">
          <span id={conflictId} className="conflict-text">
            {conflictText(conflict.current)}
          </span>
          <span className="conflict-actions">
            <button type="button" className="primary" onClick={onOverwrite} disabled={disabled} aria-describedby={conflictId}>
              Overwrite with mine
            </button>
            <button type="button" onClick={onKeepTheirs} disabled={disabled} aria-describedby={conflictId}>
              Keep theirs
            </button>
          </span>
        </span>
      )}
    </td>
  );
}
