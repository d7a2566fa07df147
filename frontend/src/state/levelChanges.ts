// The pure part of saving table edits: which drafts become writes, what each
// write expects to find on the server, and how a batch of answers is summed up.
import { ApiError, recordEtag, type StoredRecord } from '../api/client';
import type { InventoryRow } from '../api/types';
import { checkLevel } from '../lib/level';

/** A write refused with 412: the record changed since the person saw it. */
export interface LevelConflict {
  /** The record as the person saw it; kept so a record deleted meanwhile stays on screen. */
  row: InventoryRow;
  /** What the server holds now. */
  current: StoredRecord;
}

export interface LevelChange {
  key: string;
  row: InventoryRow;
  level: number;
  /** The ETag of the level the person saw when they started typing. */
  expected: string;
}

export interface CollectedChanges {
  changes: LevelChange[];
  invalid: Map<string, string>;
}

/**
 * The drafts to send. `seen` holds each draft's record as it was when the
 * person started typing (its level is what the write expects to replace);
 * `shown` the records on screen now. Drafts waiting for a conflict choice wait.
 */
export function collectChanges(
  drafts: ReadonlyMap<string, string>,
  seen: ReadonlyMap<string, InventoryRow>,
  shown: ReadonlyMap<string, InventoryRow>,
  conflicts: ReadonlyMap<string, LevelConflict>,
): CollectedChanges {
  const changes: LevelChange[] = [];
  const invalid = new Map<string, string>();
  for (const [key, text] of drafts) {
    const before = seen.get(key) ?? shown.get(key);
    if (conflicts.has(key) || !before) continue;
    const now = shown.get(key) ?? before;
    if (text === String(now.inventory_level)) continue;
    const check = checkLevel(text);
    if (!check.ok) invalid.set(key, check.message);
    else if (check.value !== now.inventory_level) {
      changes.push({ key, row: before, level: check.value, expected: recordEtag(before.inventory_level) });
    }
  }
  return { changes, invalid };
}

export interface SortedResults {
  /** Refused for another reason: the server's detail, by record. */
  failed: Map<string, string>;
  conflicts: Map<string, LevelConflict>;
  saved: number;
}

/** Splits the answers to a batch of writes into saved, conflicting (412) and failed. */
export function sortResults(changes: readonly LevelChange[], results: readonly PromiseSettledResult<unknown>[]) {
  const sorted: SortedResults = { failed: new Map(), conflicts: new Map(), saved: 0 };
  results.forEach((result, i) => {
    const change = changes[i];
    if (!change) return;
    if (result.status === 'fulfilled') {
      sorted.saved++;
      return;
    }
    const reason: unknown = result.reason;
    if (reason instanceof ApiError && reason.status === 412 && reason.current) {
      sorted.conflicts.set(change.key, { row: change.row, current: reason.current });
    } else {
      sorted.failed.set(change.key, reason instanceof ApiError ? reason.detail : String(reason));
    }
  });
  return sorted;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The line under the toolbar after a batch that did not fully succeed. */
export function partialSaveText(total: number, { failed, conflicts, saved }: SortedResults): string {
  const problems = [
    failed.size > 0 ? `${plural(failed.size, 'change')} failed` : '',
    conflicts.size > 0 ? `${plural(conflicts.size, 'record')} changed meanwhile` : '',
  ].filter(Boolean);
  return `Saved ${saved} of ${total}; ${problems.join(' and ')}, see the marked rows.`;
}

/** What a conflicting row says about the stored record. */
export function conflictText(current: StoredRecord): string {
  return current.level === null ? 'Changed meanwhile: the record was deleted' : `Changed meanwhile: now ${current.level}`;
}

/** Runs at most `limit` tasks at a time; every task runs, whatever the others do. */
export async function runLimited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
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
