// Editing levels in the table. Drafts are kept per record; Save checks every
// changed draft first and sends nothing while any is invalid, then sends one
// PUT per changed record with If-Match: the level the person saw. A record
// changed meanwhile (412) shows what is stored now and waits for the person to
// choose: overwrite it with theirs, or keep the stored one. A record refused
// for another reason keeps the typed value and the server's message. Nothing
// typed is silently lost. An optional note (why) goes with every write of the
// edit into the change history.
import { useCallback, useMemo, useState } from 'react';
import { ApiError, setLevel } from '../api/client';
import type { InventoryRow } from '../api/types';
import { isoToDmy } from '../lib/dates';
import { checkLevel } from '../lib/level';
import { rowKey } from '../lib/sortRows';
import type { Feedback } from './feedback';
import {
  collectChanges,
  partialSaveText,
  plural,
  runLimited,
  sortResults,
  type LevelConflict,
} from './levelChanges';

export type { LevelConflict } from './levelChanges';

export interface LevelEditing {
  editing: boolean;
  saving: boolean;
  drafts: ReadonlyMap<string, string>;
  /** Per record: why its draft was refused, by the check or by the server. */
  errors: ReadonlyMap<string, string>;
  /** Per record: it changed since the person saw it; they choose what stays. */
  conflicts: ReadonlyMap<string, LevelConflict>;
  feedback: Feedback | null;
  /** Why these changes are made; kept with each in the change history. */
  note: string;
  setNote: (note: string) => void;
  start: () => void;
  change: (key: string, text: string) => void;
  cancel: () => void;
  save: () => Promise<void>;
  /** Writes the person's level over what is stored now. */
  overwrite: (key: string) => Promise<void>;
  /** Drops the person's level; the stored one stays. */
  keepTheirs: (key: string) => void;
}

const PARALLEL_SAVES = 4;
const EMPTY = new Map<never, never>();

function without<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
}

const only = <V>(map: ReadonlyMap<string, V>, keep: (key: string) => boolean) =>
  new Map([...map].filter(([key]) => keep(key)));

export function useLevelEditing(rows: readonly InventoryRow[], onSaved: () => void): LevelEditing {
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, string>>(EMPTY);
  // Each draft's record as it was when the person started typing.
  const [seen, setSeen] = useState<ReadonlyMap<string, InventoryRow>>(EMPTY);
  const [errors, setErrors] = useState<ReadonlyMap<string, string>>(EMPTY);
  const [conflicts, setConflicts] = useState<ReadonlyMap<string, LevelConflict>>(EMPTY);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [note, setNote] = useState('');
  const byKey = useMemo(() => new Map(rows.map((r) => [rowKey(r), r])), [rows]);

  const reset = useCallback((stillEditing: boolean) => {
    setEditing(stillEditing);
    setDrafts(EMPTY);
    setSeen(EMPTY);
    setErrors(EMPTY);
    setConflicts(EMPTY);
    setFeedback(null);
    setNote('');
  }, []);
  const start = useCallback(() => reset(true), [reset]);
  const cancel = useCallback(() => reset(false), [reset]);

  const change = useCallback(
    (key: string, text: string) => {
      setDrafts((d) => new Map(d).set(key, text));
      setErrors((e) => without(e, key));
      const row = byKey.get(key);
      if (row) setSeen((s) => (s.has(key) ? s : new Map(s).set(key, row)));
    },
    [byKey],
  );

  /** Forgets a record's draft once it is settled; leaves edit mode when none is left. */
  const settle = useCallback((key: string) => {
    setDrafts((d) => without(d, key));
    setSeen((s) => without(s, key));
    setErrors((e) => without(e, key));
    setConflicts((c) => without(c, key));
    if ([...drafts.keys()].every((k) => k === key)) {
      setEditing(false);
      setNote('');
    }
  }, [drafts]);

  const save = useCallback(async () => {
    const { changes, invalid } = collectChanges(drafts, seen, byKey, conflicts);
    if (invalid.size > 0) {
      setErrors(invalid);
      setFeedback({ kind: 'error', text: `Nothing saved: fix ${plural(invalid.size, 'invalid level')} first.` });
      return;
    }
    if (changes.length === 0) {
      if (conflicts.size > 0) {
        setFeedback({ kind: 'error', text: 'Choose “Overwrite with mine” or “Keep theirs” for the marked rows.' });
        return;
      }
      cancel();
      setFeedback({ kind: 'success', text: 'No changes to save.' });
      return;
    }
    setSaving(true);
    const tasks = changes.map((c) => () => setLevel(c.row.product_id, c.row.date, c.level, c.expected, note));
    const sorted = sortResults(changes, await runLimited(tasks, PARALLEL_SAVES));
    const { failed, conflicts: found, saved } = sorted;
    const pending = (key: string) => failed.has(key) || found.has(key) || conflicts.has(key);
    setSaving(false);
    setErrors(failed);
    setConflicts((c) => new Map([...c, ...found]));
    setDrafts((d) => only(d, pending));
    setSeen((s) => only(s, pending));
    if (failed.size === 0 && found.size === 0) {
      // Rows still waiting for a choice from an earlier save keep edit mode open.
      if (conflicts.size === 0) {
        setEditing(false);
        setNote('');
      }
      const waiting = conflicts.size > 0 ? ' The marked rows still need a choice.' : '';
      setFeedback({ kind: 'success', text: `Saved ${plural(saved, 'change')}.${waiting}` });
    } else {
      setFeedback({ kind: 'error', text: partialSaveText(changes.length, sorted) });
    }
    // A conflict reloads too: the chart and the other rows show what is stored now.
    if (saved > 0 || found.size > 0) onSaved();
  }, [drafts, seen, byKey, conflicts, cancel, onSaved, note]);

  const overwrite = useCallback(
    async (key: string) => {
      const conflict = conflicts.get(key);
      if (!conflict) return;
      const check = checkLevel(drafts.get(key) ?? '');
      if (!check.ok) {
        setErrors((e) => new Map(e).set(key, check.message));
        return;
      }
      const { row, current } = conflict;
      const where = `${row.product_name} on ${isoToDmy(row.date)}`;
      setSaving(true);
      try {
        await setLevel(row.product_id, row.date, check.value, current.etag, note);
        settle(key);
        setFeedback({ kind: 'success', text: `Saved ${check.value} for ${where}.` });
        onSaved();
      } catch (err) {
        const now = err instanceof ApiError && err.status === 412 ? err.current : null;
        if (now) {
          setConflicts((c) => new Map(c).set(key, { row, current: now }));
          setFeedback({ kind: 'error', text: `The level for ${where} changed again; nothing saved.` });
          onSaved();
        } else {
          setErrors((e) => new Map(e).set(key, err instanceof ApiError ? err.detail : String(err)));
        }
      } finally {
        setSaving(false);
      }
    },
    [conflicts, drafts, settle, onSaved, note],
  );

  const keepTheirs = useCallback(
    (key: string) => {
      const conflict = conflicts.get(key);
      if (!conflict) return;
      const { row, current } = conflict;
      const where = `${row.product_name} on ${isoToDmy(row.date)}`;
      settle(key);
      setFeedback({
        kind: 'success',
        text: current.level === null ? `Kept theirs: the record for ${where} stays deleted.` : `Kept ${current.level} for ${where}.`,
      });
      onSaved();
    },
    [conflicts, settle, onSaved],
  );

  return {
    editing,
    saving,
    drafts,
    errors,
    conflicts,
    feedback,
    note,
    setNote,
    start,
    change,
    cancel,
    save,
    overwrite,
    keepTheirs,
  };
}
