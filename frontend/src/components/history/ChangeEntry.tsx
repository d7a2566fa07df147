import { useId } from 'react';
import type { ChangeOut } from '../../api/types';
import { causeText, recordText, transitionText, whenText, type NameOf } from '../../lib/changes';

interface Props {
  change: ChangeOut;
  nameOf: NameOf;
  busy: boolean;
  /** Id for the entry's "Undo import" button, so focus can come back to it. */
  importButtonId: string;
  onUndo: (change: ChangeOut) => void;
  onUndoImport: (change: ChangeOut) => void;
}

/** The name the server records for a write that named none. */
const ANONYMOUS = 'anonymous';

/** One line of the history: when, who, which record, old → new, why; and the ways to take it back. */
export function ChangeEntry({ change, nameOf, busy, importButtonId, onUndo, onUndoImport }: Props) {
  const id = useId();
  // The buttons are described by the record and its levels: "Undo", "Blue Widget on 03-01-2023 50 → 555".
  const summary = `${id}-record ${id}-levels`;
  // While an undo runs the buttons refuse clicks but stay focusable (aria-disabled), so focus is not lost.
  return (
    <li className="change" data-change-id={change.change_id}>
      <span className="change-when">
        <time dateTime={change.at}>{whenText(change.at)}</time>
        <span className="change-id"> #{change.change_id}</span>
      </span>
      <span className={change.actor === ANONYMOUS ? 'change-actor anonymous' : 'change-actor'}>{change.actor}</span>
      <span className="change-record" id={`${id}-record`}>
        {recordText(nameOf, change.product_id, change.date)}
      </span>
      <span className="change-levels" id={`${id}-levels`}>
        {transitionText(change)}
      </span>
      <span className={`change-cause cause-${change.cause}`}>{causeText(change)}</span>
      <span className="change-actions">
        <button
          type="button"
          onClick={() => busy || onUndo(change)}
          aria-disabled={busy || undefined}
          aria-describedby={summary}
        >
          Undo
        </button>
        {change.cause === 'import' && change.import_id && (
          <button
            type="button"
            id={importButtonId}
            onClick={() => busy || onUndoImport(change)}
            aria-disabled={busy || undefined}
            aria-describedby={summary}
          >
            Undo import
          </button>
        )}
      </span>
      {change.note && (
        <p className="change-note">
          <span className="visually-hidden">Note: </span>
          {change.note}
        </p>
      )}
    </li>
  );
}
