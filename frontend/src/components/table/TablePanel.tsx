// The table section: its edit toolbar (with an optional note for the change
// history), feedback after a save, and the table.
import type { InventoryRow } from '../../api/types';
import { MAX_NOTE_LENGTH } from '../../lib/text';
import type { LoadStatus } from '../../state/useInventory';
import type { LevelEditing } from '../../state/useLevelEditing';
import { Feedback } from '../Feedback';
import { InventoryTable } from './InventoryTable';

interface Props {
  hasSelection: boolean;
  rows: readonly InventoryRow[];
  status: LoadStatus;
  editor: LevelEditing;
}

export function TablePanel({ hasSelection, rows, status, editor }: Props) {
  const changed = [...editor.drafts].length;
  return (
    <section className="panel" aria-labelledby="table-title">
      <div className="panel-header">
        <h2 id="table-title">Records</h2>
        <div className="toolbar">
          {editor.editing ? (
            <>
              <button type="button" className="primary" onClick={() => void editor.save()} disabled={editor.saving}>
                {editor.saving ? 'Saving…' : 'Save'}
              </button>
              <button type="button" onClick={editor.cancel} disabled={editor.saving}>
                Cancel
              </button>
              <label className="note-field">
                Note for this save (optional)
                <input
                  value={editor.note}
                  maxLength={MAX_NOTE_LENGTH}
                  placeholder="Why, for the history"
                  disabled={editor.saving}
                  onChange={(e) => editor.setNote(e.target.value)}
                />
              </label>
              <span className="hint">{changed ? `${changed} edited` : 'Change any level, then Save.'}</span>
            </>
          ) : (
            <button type="button" onClick={editor.start} disabled={rows.length === 0}>
              Edit levels
            </button>
          )}
        </div>
      </div>
      <Feedback feedback={editor.feedback} />
      {!hasSelection ? (
        <p className="empty">No product selected.</p>
      ) : rows.length === 0 && editor.conflicts.size === 0 && status !== 'loading' ? (
        <p className="empty">No records in this date range.</p>
      ) : (
        <InventoryTable rows={rows} editor={editor} />
      )}
    </section>
  );
}
