// Editing levels in the table. Drafts are kept per record; Save checks every
// changed draft first and sends nothing while any is invalid, then sends one
// PUT per changed record. A record the server refused keeps its typed value
// and the server's message, so nothing typed is silently lost.
import { useCallback, useMemo, useState } from 'react';
import { ApiError, setLevel } from '../api/client';
import type { InventoryRow } from '../api/types';
import { checkLevel } from '../lib/level';
import { rowKey } from '../lib/sortRows';
import type { Feedback } from './feedback';

export interface LevelEditing {
  editing: boolean;
  saving: boolean;
  drafts: ReadonlyMap<string, string>;
  /** Per record: why its draft was refused, by the check or by the server. */
  errors: ReadonlyMap<string, string>;
  feedback: Feedback | null;
  start: () => void;
  change: (key: string, text: string) => void;
  cancel: () => void;
  save: () => Promise<void>;
}

const PARALLEL_SAVES = 4;

async function runLimited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  async function worker() {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (!task) continue;
      try {
        results[index] = { status: 'fulfilled', value: await task() };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function useLevelEditing(rows: readonly InventoryRow[], onSaved: () => void): LevelEditing {
  const [editing, setEditing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, string>>(new Map());
  const [errors, setErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const byKey = useMemo(() => new Map(rows.map((r) => [rowKey(r), r])), [rows]);

  const start = useCallback(() => {
    setEditing(true);
    setDrafts(new Map());
    setErrors(new Map());
    setFeedback(null);
  }, []);

  const cancel = useCallback(() => {
    setEditing(false);
    setDrafts(new Map());
    setErrors(new Map());
    setFeedback(null);
  }, []);

  const change = useCallback((key: string, text: string) => {
    setDrafts((d) => new Map(d).set(key, text));
    setErrors((e) => {
      if (!e.has(key)) return e;
      const next = new Map(e);
      next.delete(key);
      return next;
    });
  }, []);

  const save = useCallback(async () => {
    const changes: { key: string; row: InventoryRow; level: number }[] = [];
    const invalid = new Map<string, string>();
    for (const [key, text] of drafts) {
      const row = byKey.get(key);
      if (!row || text === String(row.inventory_level)) continue;
      const check = checkLevel(text);
      if (check.ok) {
        if (check.value !== row.inventory_level) changes.push({ key, row, level: check.value });
      } else {
        invalid.set(key, check.message);
      }
    }
    if (invalid.size > 0) {
      setErrors(invalid);
      setFeedback({ kind: 'error', text: `Nothing saved: fix ${plural(invalid.size, 'invalid level')} first.` });
      return;
    }
    if (changes.length === 0) {
      cancel();
      setFeedback({ kind: 'success', text: 'No changes to save.' });
      return;
    }
    setSaving(true);
    const results = await runLimited(
      changes.map((c) => () => setLevel(c.row.product_id, c.row.date, c.level)),
      PARALLEL_SAVES,
    );
    const failed = new Map<string, string>();
    results.forEach((result, i) => {
      const change = changes[i];
      if (result.status === 'rejected' && change) {
        const reason: unknown = result.reason;
        failed.set(change.key, reason instanceof ApiError ? reason.detail : String(reason));
      }
    });
    const saved = changes.length - failed.size;
    setSaving(false);
    setErrors(failed);
    setDrafts((d) => new Map([...d].filter(([key]) => failed.has(key))));
    if (failed.size === 0) {
      setEditing(false);
      setFeedback({ kind: 'success', text: `Saved ${plural(saved, 'change')}.` });
    } else {
      setFeedback({
        kind: 'error',
        text: `Saved ${saved} of ${changes.length}; ${plural(failed.size, 'change')} failed, see the marked rows.`,
      });
    }
    if (saved > 0) onSaved();
  }, [drafts, byKey, cancel, onSaved]);

  return { editing, saving, drafts, errors, feedback, start, change, cancel, save };
}
