import { afterEach, describe, expect, it, vi } from 'vitest';
import { actorHeaders, storeActor, storedActor } from '../src/api/actor';
import { getChanges, importCsv, setLevel, undoChange } from '../src/api/client';
import type { ChangeOut, UndoBlocker } from '../src/api/types';
import {
  appendPage,
  causeText,
  levelText,
  transitionText,
  undoneText,
  undoRefusedText,
  whenText,
} from '../src/lib/changes';
import { cleanLine, noteParam } from '../src/lib/text';
import { installFakeApi } from './fakes/fakeApi';

const names: Record<number, string> = { 1: 'Apples', 2: 'Pears' };
const nameOf = (id: number) => names[id] ?? `Product #${id}`;

function entry(over: Partial<ChangeOut> = {}): ChangeOut {
  return {
    change_id: 7,
    product_id: 1,
    date: '2025-01-03',
    previous_level: 50,
    new_level: 555,
    at: '2025-06-01T12:34:56.789Z',
    actor: 'Ann',
    cause: 'edit',
    note: null,
    import_id: null,
    undoes: null,
    ...over,
  };
}

const blocker = (over: Partial<UndoBlocker> = {}): UndoBlocker => ({
  product_id: 1,
  date: '2025-01-03',
  expected_level: 555,
  current_level: 777,
  product_exists: true,
  ...over,
});

describe('an entry of the history, as shown', () => {
  it('shows old → new with a dash for no record', () => {
    expect(levelText(null)).toBe('—');
    expect(levelText(0)).toBe('0');
    expect(transitionText(entry())).toBe('50 → 555');
    expect(transitionText(entry({ previous_level: null, new_level: 7 }))).toBe('— → 7');
    expect(transitionText(entry({ new_level: null }))).toBe('50 → —');
  });

  it('names the cause, and which entry an undo took back', () => {
    expect(causeText(entry())).toBe('Edit');
    expect(causeText(entry({ cause: 'import', import_id: 'ab12' }))).toBe('Import');
    expect(causeText(entry({ cause: 'undo', undoes: 3 }))).toBe('Undo of #3');
    expect(causeText(entry({ cause: 'product_deletion' }))).toBe('Product deleted');
  });

  it('shows the UTC instant in the reader’s time zone, readably', () => {
    expect(whenText('2025-06-01T12:34:56.789Z', 'en-GB', 'UTC')).toBe('1 Jun 2025, 12:34');
    expect(whenText('2025-06-01T23:30:00Z', 'en-GB', 'Europe/Paris')).toBe('2 Jun 2025, 01:30');
    expect(whenText('not a time')).toBe('not a time');
  });

  it('says what an undo did', () => {
    expect(undoneText(entry({ new_level: 50 }), nameOf)).toBe('Undone: Apples on 03-01-2025 is back to 50.');
    expect(undoneText(entry({ product_id: 2, new_level: null }), nameOf)).toBe(
      'Undone: Pears on 03-01-2025 has no record again.',
    );
  });
});

describe('a refused undo, in plain words', () => {
  it('says what the record holds now and that nothing changed', () => {
    expect(undoRefusedText('change', [blocker()], 1, 'x', nameOf)).toBe(
      'Not undone: Apples on 03-01-2025 changed since and now holds 777 (this change left 555). Nothing was changed.',
    );
    expect(undoRefusedText('change', [blocker({ current_level: null })], 1, 'x', nameOf)).toBe(
      'Not undone: Apples on 03-01-2025 changed since and now has no record (this change left 555). Nothing was changed.',
    );
  });

  it('for an import, counts the other records that changed', () => {
    const text = undoRefusedText('import', [blocker({ expected_level: null, product_id: 9 })], 4, 'x', nameOf);
    expect(text).toBe(
      'Import not undone: Product #9 on 03-01-2025 changed since and now holds 777 (the import left no record); ' +
        '3 more records changed too. Nothing was changed.',
    );
    expect(undoRefusedText('import', [blocker({ product_exists: false })], 2, 'x', nameOf)).toBe(
      'Import not undone: Apples on 03-01-2025: the product has been deleted since; 1 more record changed too. Nothing was changed.',
    );
  });

  it('falls back to the server’s detail when no record is listed', () => {
    expect(undoRefusedText('change', [], 0, 'it changed', nameOf)).toBe('Not undone: it changed. Nothing was changed.');
  });
});

describe('paging', () => {
  it('appends older entries once each', () => {
    const page1 = [entry({ change_id: 9 }), entry({ change_id: 8 })];
    const page2 = [entry({ change_id: 8 }), entry({ change_id: 5 })];
    expect(appendPage(page1, page2).map((c) => c.change_id)).toEqual([9, 8, 5]);
  });

  it('asks for the selection, range, page size and cursor', async () => {
    const fetchMock = vi.fn(async () => new Response('{"items":[],"next_cursor":null}', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await getChanges({ productIds: [1, 2], start: '2025-01-01', end: null, limit: 50, cursor: 31 });
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/changes?product_id=1&product_id=2&start=2025-01-01&limit=50&cursor=31',
      expect.anything(),
    );
  });
});

describe('who and why on every write', () => {
  afterEach(() => storeActor(''));

  it('keeps the name cleaned and percent-encodes it for the header (browsers refuse non-Latin-1 values)', () => {
    expect(actorHeaders('')).toEqual({});
    expect(actorHeaders('  Łukasz Nowak ')).toEqual({ 'X-Stockline-Actor': '%C5%81ukasz%20Nowak' });
    expect(storeActor(' Zoë\tM. ')).toBe('Zoë M.');
    expect(storedActor()).toBe('Zoë M.');
    expect(localStorage.getItem('stockline.actorName')).toBe('Zoë M.');
    expect(storeActor('   ')).toBe('');
    expect(localStorage.getItem('stockline.actorName')).toBeNull();
  });

  it('cuts text to the API’s limits, in characters, not UTF-16 units', () => {
    expect(cleanLine('a\nb\u0085c', 10)).toBe('a b c');
    expect(cleanLine('😀'.repeat(5), 3)).toBe('😀😀😀');
    expect(noteParam('   ')).toBeUndefined();
    expect(noteParam('x'.repeat(600))).toHaveLength(500);
  });

  it('sends the name with every write and never with a read; the note as ?note=', async () => {
    const api = installFakeApi({ 1: 'Apples' }, [[1, '2025-01-01', 10]]);
    storeActor('José Müller');
    await setLevel(1, '2025-01-01', 11, '"L10"', 'recount');
    await importCsv('product_id;product_name;date;inventory_level\n', { mode: 'merge', dryRun: false, note: 'monthly' });
    await undoChange(1);
    await getChanges({ productIds: [1] });

    const writes = api.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => r.headers.get('X-Stockline-Actor'))).toEqual(Array(3).fill('Jos%C3%A9%20M%C3%BCller'));
    expect(writes.map((r) => r.url.searchParams.get('note'))).toEqual(['recount', 'monthly', null]);
    expect(api.requestsTo('GET', '/api/changes')[0]?.headers.has('X-Stockline-Actor')).toBe(false);
    expect(api.changes.map((c) => [c.actor, c.note, c.cause])).toEqual([
      ['José Müller', 'recount', 'edit'],
      ['José Müller', null, 'undo'],
    ]);
  });

  it('a refused undo is a 409 ApiError listing the records that changed', async () => {
    const api = installFakeApi({ 1: 'Apples' }, [[1, '2025-01-01', 10]]);
    await setLevel(1, '2025-01-01', 11);
    api.records.set('1|2025-01-01', 12);
    await expect(undoChange(1)).rejects.toMatchObject({
      status: 409,
      blockedCount: 1,
      blocked: [{ product_id: 1, date: '2025-01-01', expected_level: 11, current_level: 12, product_exists: true }],
    });
    expect(api.records.get('1|2025-01-01')).toBe(12);
  });
});
