// The change history of the selected products (and date range): who changed
// which record when, from what to what, and why; newest first, a page at a
// time. Each entry can be undone; an import's entries can undo the whole
// import, after the person confirms.
import { useEffect, useId, useRef } from 'react';
import type { ChangeOut } from '../../api/types';
import { whenText, type NameOf } from '../../lib/changes';
import type { ChangeHistory } from '../../state/useChangeHistory';
import { useUndo } from '../../state/useUndo';
import { Feedback } from '../Feedback';
import { ChangeEntry } from './ChangeEntry';

interface Props {
  history: ChangeHistory;
  nameOf: NameOf;
  /** The view has a date range: only records dated within it are listed. */
  ranged: boolean;
  /** After an undo: reload the chart, the table and the history. */
  onChanged: () => void;
}

function ConfirmUndoImport({ change, busy, onConfirm, onCancel }: {
  change: ChangeOut;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const id = useId();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div className="confirm-undo" role="group" aria-labelledby={`${id}-q`} aria-describedby={`${id}-what`}>
      <p id={`${id}-q`}>
        <strong>
          Undo the import of {whenText(change.at)} by {change.actor}?
        </strong>
      </p>
      <p id={`${id}-what`}>
        Every record it wrote goes back to its level before the import, in every product it touched, not only the ones
        shown here. Products it created stay, without records. If any of those records changed since, nothing is undone.
      </p>
      <div className="toolbar">
        <button type="button" ref={confirm} className="danger" onClick={onConfirm} disabled={busy}>
          Undo the whole import
        </button>
        <button type="button" onClick={onCancel}>
          Keep it
        </button>
      </div>
    </div>
  );
}

function HistoryStatus({ history, ranged }: { history: ChangeHistory; ranged: boolean }) {
  const { status, items, error, reload } = history;
  if (status === 'error') {
    return (
      <div className="feedback error" role="alert">
        Could not load the history: {error}{' '}
        <button type="button" className="link-button" onClick={reload}>
          Try again
        </button>
      </div>
    );
  }
  if (items.length > 0) return status === 'loading' ? <p className="hint">Updating…</p> : null;
  if (status === 'loading') return <p className="empty">Loading the history…</p>;
  return (
    <p className="empty">
      No changes recorded for {ranged ? 'records in this date range' : 'these products'} yet.
    </p>
  );
}

export function HistoryPanel({ history, nameOf, ranged, onChanged }: Props) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const undo = useUndo(nameOf, onChanged);
  const { items, hasMore, loadingMore, moreError } = history;
  const importButtonId = (change: ChangeOut) => `${id}-import-${change.change_id}`;

  function cancelUndoImport() {
    const from = undo.confirming;
    undo.cancelUndoImport();
    if (from) document.getElementById(importButtonId(from))?.focus();
  }

  function confirmUndoImport() {
    heading.current?.focus(); // the list reloads; the panel keeps the focus
    void undo.confirmUndoImport();
  }

  return (
    <section className="panel history" aria-labelledby={`${id}-title`}>
      <div className="panel-header">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          History
        </h2>
        <button type="button" onClick={history.reload}>
          Refresh
        </button>
      </div>
      <p className="hint">
        Changes to the selected products{ranged ? ' on dates in the chosen range' : ''}, newest first. Undo puts back
        the level a change replaced, unless the record changed since.
      </p>
      {undo.confirming && (
        <ConfirmUndoImport
          change={undo.confirming}
          busy={undo.busy}
          onConfirm={confirmUndoImport}
          onCancel={cancelUndoImport}
        />
      )}
      <Feedback feedback={undo.feedback} />
      <HistoryStatus history={history} ranged={ranged} />
      {items.length > 0 && (
        <>
          <div className="change change-head" aria-hidden="true">
            <span>When</span>
            <span>Who</span>
            <span>Record</span>
            <span>Level</span>
            <span>Cause</span>
          </div>
          <ol className="changes" aria-label="Changes, newest first">
            {items.map((change) => (
              <ChangeEntry
                key={change.change_id}
                change={change}
                nameOf={nameOf}
                busy={undo.busy}
                importButtonId={importButtonId(change)}
                onUndo={(c) => void undo.undo(c)}
                onUndoImport={undo.askUndoImport}
              />
            ))}
          </ol>
        </>
      )}
      {moreError && (
        <p className="feedback error" role="alert">
          Could not load older changes: {moreError}
        </p>
      )}
      {hasMore && (
        <button type="button" className="load-more" onClick={history.loadMore} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
