import { useId } from 'react';
import type { InventoryRow } from '../../api/types';
import { isoToDmy } from '../../lib/dates';

interface Props {
  row: InventoryRow;
  editing: boolean;
  draft: string | undefined;
  error: string | undefined;
  disabled: boolean;
  onChange: (text: string) => void;
}

/** The level of one record: text, or an input with its own error message while editing. */
export function LevelCell({ row, editing, draft, error, disabled, onChange }: Props) {
  const errorId = useId();
  if (!editing) return <td className="num">{row.inventory_level}</td>;
  const edited = draft !== undefined && draft !== String(row.inventory_level);
  return (
    <td className="num level-edit">
      <input
        className={edited ? 'level-input edited' : 'level-input'}
        inputMode="numeric"
        aria-label={`Level of ${row.product_name} on ${isoToDmy(row.date)}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        value={draft ?? String(row.inventory_level)}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span id={errorId} className="field-error" role="alert">
          {error}
        </span>
      )}
    </td>
  );
}
