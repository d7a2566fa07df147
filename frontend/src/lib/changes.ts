// How an entry of the change history reads on screen, and what a refused undo
// says: pure functions of the API's shapes, so every wording is tested alone.
import type { ChangeOut, UndoBlocker } from '../api/types';
import { isoToDmy } from './dates';

/** A product's name by id; entries carry only the id. */
export type NameOf = (productId: number) => string;

/** A level, or an em dash for "no record". */
export function levelText(level: number | null): string {
  return level === null ? '—' : String(level);
}

/** "50 → 555", "— → 7" (a new record), "50 → —" (a removed one). */
export function transitionText(change: Pick<ChangeOut, 'previous_level' | 'new_level'>): string {
  return `${levelText(change.previous_level)} → ${levelText(change.new_level)}`;
}

/** What caused the change, in a word or three. */
export function causeText(change: Pick<ChangeOut, 'cause' | 'undoes'>): string {
  switch (change.cause) {
    case 'edit':
      return 'Edit';
    case 'import':
      return 'Import';
    case 'undo':
      return change.undoes === null ? 'Undo' : `Undo of #${change.undoes}`;
    case 'product_deletion':
      return 'Product deleted';
  }
}

const whenFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant from the API (UTC, ISO 8601) in the reader's own time zone and
 * words, to the minute, e.g. "27 Nov 2026, 10:37" (the entry's number orders
 * changes made within one minute). `locale` and `timeZone` are for tests.
 */
export function whenText(at: string, locale?: string, timeZone?: string): string {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) return at;
  const key = `${locale ?? ''}|${timeZone ?? ''}`;
  let format = whenFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    whenFormats.set(key, format);
  }
  return format.format(instant);
}

/** "Blue Widget on 03-01-2023" */
export function recordText(nameOf: NameOf, productId: number, date: string): string {
  return `${nameOf(productId)} on ${isoToDmy(date)}`;
}

/** The line shown after an undo went through; `done` is the new entry it made. */
export function undoneText(done: ChangeOut, nameOf: NameOf): string {
  const where = recordText(nameOf, done.product_id, done.date);
  return done.new_level === null
    ? `Undone: ${where} has no record again.`
    : `Undone: ${where} is back to ${done.new_level}.`;
}

function blockerText(blocker: UndoBlocker, nameOf: NameOf, by: string): string {
  const where = recordText(nameOf, blocker.product_id, blocker.date);
  if (!blocker.product_exists) return `${where}: the product has been deleted since`;
  const now = blocker.current_level === null ? 'now has no record' : `now holds ${blocker.current_level}`;
  const left = blocker.expected_level === null ? 'no record' : String(blocker.expected_level);
  return `${where} changed since and ${now} (${by} left ${left})`;
}

/**
 * Why an undo was refused (409), from the records the server says changed
 * since. Falls back to the server's own words when it listed none.
 */
export function undoRefusedText(
  what: 'change' | 'import',
  blocked: readonly UndoBlocker[],
  count: number,
  detail: string,
  nameOf: NameOf,
): string {
  const first = blocked[0];
  const head = what === 'change' ? 'Not undone' : 'Import not undone';
  if (!first) return `${head}: ${detail}. Nothing was changed.`;
  const others = count - 1;
  const more = others > 0 ? `; ${others} more ${others === 1 ? 'record' : 'records'} changed too` : '';
  return `${head}: ${blockerText(first, nameOf, what === 'change' ? 'this change' : 'the import')}${more}. Nothing was changed.`;
}

/** Older entries appended below the ones loaded, without repeating any (by id). */
export function appendPage(loaded: readonly ChangeOut[], older: readonly ChangeOut[]): ChangeOut[] {
  const seen = new Set(loaded.map((c) => c.change_id));
  return [...loaded, ...older.filter((c) => !seen.has(c.change_id))];
}
