// Undoing from the history: one entry at once, a whole import after the person
// confirms. A refused undo (409: the record changed since) writes nothing and
// says what the record holds now. Either way the views reload, so they show
// what is stored.
import { useCallback, useState } from 'react';
import { ApiError, undoChange, undoImport } from '../api/client';
import type { ChangeOut } from '../api/types';
import { undoneText, undoRefusedText, type NameOf } from '../lib/changes';
import { plural } from './levelChanges';
import type { Feedback } from './feedback';

export interface Undo {
  busy: boolean;
  feedback: Feedback | null;
  /** An import entry whose "Undo import" waits for the person's confirmation. */
  confirming: ChangeOut | null;
  undo: (change: ChangeOut) => Promise<void>;
  askUndoImport: (change: ChangeOut) => void;
  confirmUndoImport: () => Promise<void>;
  cancelUndoImport: () => void;
}

function failureText(what: 'change' | 'import', err: unknown, nameOf: NameOf): string {
  if (err instanceof ApiError && err.status === 409) {
    return undoRefusedText(what, err.blocked, err.blockedCount, err.detail, nameOf);
  }
  const head = what === 'change' ? 'Not undone' : 'Import not undone';
  return `${head}: ${err instanceof ApiError ? err.detail : String(err)}`;
}

export function useUndo(nameOf: NameOf, onChanged: () => void): Undo {
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [confirming, setConfirming] = useState<ChangeOut | null>(null);

  /** Runs one undo request; the views reload afterwards, whatever the answer. */
  const run = useCallback(
    async (what: 'change' | 'import', request: () => Promise<string>) => {
      setBusy(true);
      setFeedback(null);
      try {
        setFeedback({ kind: 'success', text: await request() });
      } catch (err) {
        setFeedback({ kind: 'error', text: failureText(what, err, nameOf) });
      } finally {
        setBusy(false);
        onChanged();
      }
    },
    [nameOf, onChanged],
  );

  const undo = useCallback(
    (change: ChangeOut) => {
      setConfirming(null);
      return run('change', async () => undoneText(await undoChange(change.change_id), nameOf));
    },
    [run, nameOf],
  );

  const askUndoImport = useCallback((change: ChangeOut) => {
    setFeedback(null);
    setConfirming(change);
  }, []);

  const cancelUndoImport = useCallback(() => setConfirming(null), []);

  const confirmUndoImport = useCallback(async () => {
    const importId = confirming?.import_id;
    setConfirming(null);
    if (!importId) return;
    await run('import', async () => {
      const done = await undoImport(importId);
      return `Import undone: ${plural(done.records_restored, 'record')} put back as before the import.`;
    });
  }, [confirming, run]);

  return { busy, feedback, confirming, undo, askUndoImport, confirmUndoImport, cancelUndoImport };
}
