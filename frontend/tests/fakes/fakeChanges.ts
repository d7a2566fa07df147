// The change-history routes of the fake API: list newest first with a cursor,
// undo one entry or a whole import, refusing (409, with `blocked`) when a
// record changed since, as the real server does.
import type { ChangeOut, UndoBlocker } from '../../src/api/types';
import { authorOf, json, problem, type FakeApi } from './fakeApi';

const keyOf = (c: ChangeOut) => `${c.product_id}|${c.date}`;

function blockerOf(api: FakeApi, change: ChangeOut): UndoBlocker | null {
  const current = api.records.get(keyOf(change)) ?? null;
  if (current === change.new_level) return null;
  const { product_id, date } = change;
  return { product_id, date, expected_level: change.new_level, current_level: current, product_exists: true };
}

function refused(blocked: UndoBlocker[]): Response {
  const first = blocked[0]!;
  const now = first.current_level === null ? 'no record' : `level ${first.current_level}`;
  const detail = `product ${first.product_id} on ${first.date} changed since: the change left level ${first.expected_level}, it now has ${now}`;
  return problem(409, detail, { current_level: first.current_level, blocked, blocked_count: blocked.length });
}

/** Puts back what each change replaced, as new undo entries; the last one made. */
function takeBack(api: FakeApi, changes: ChangeOut[], author: { actor: string; note: string | null }): ChangeOut {
  let last: ChangeOut | undefined;
  for (const change of changes) {
    if (change.previous_level === null) api.records.delete(keyOf(change));
    else api.records.set(keyOf(change), change.previous_level);
    const { product_id, date } = change;
    last = api.record({
      ...author,
      product_id,
      date,
      previous_level: change.new_level,
      new_level: change.previous_level,
      cause: 'undo',
      import_id: null,
      undoes: change.change_id,
    });
  }
  return last!;
}

function list(api: FakeApi, q: URLSearchParams): Response {
  const ids = q.getAll('product_id').map(Number);
  const start = q.get('start') ?? '0000-00-00';
  const end = q.get('end') ?? '9999-99-99';
  const cursor = Number(q.get('cursor') ?? Infinity);
  const limit = Number(q.get('limit') ?? 100);
  const matching = [...api.changes]
    .reverse()
    .filter((c) => (!ids.length || ids.includes(c.product_id)) && c.date >= start && c.date <= end && c.change_id < cursor);
  const items = matching.slice(0, limit);
  const more = matching.length > limit;
  return json({ items, next_cursor: more ? items[items.length - 1]!.change_id : null });
}

export function changeRoutes(api: FakeApi, method: string, url: URL, headers: Headers): Response | null {
  const p = url.pathname;
  if (method === 'GET' && p === '/api/changes') {
    return api.changesDown ? problem(503, api.changesDown) : list(api, url.searchParams);
  }
  const author = authorOf(headers, url.searchParams);
  let m = /^\/api\/changes\/(\d+)\/undo$/.exec(p);
  if (method === 'POST' && m) {
    const change = api.changes.find((c) => c.change_id === Number(m![1]));
    if (!change) return problem(404, `there is no change ${m[1]} in the history`);
    const blocked = blockerOf(api, change);
    return blocked ? refused([blocked]) : json(takeBack(api, [change], author));
  }
  m = /^\/api\/imports\/([0-9a-f]+)\/undo$/.exec(p);
  if (method === 'POST' && m) {
    const importId = m[1]!;
    const changes = api.changes.filter((c) => c.import_id === importId).reverse();
    if (!changes.length) return problem(404, `there is no import ${importId} in the history`);
    const blocked = changes.map((c) => blockerOf(api, c)).filter((b) => b !== null);
    if (blocked.length) return refused(blocked);
    const last = takeBack(api, changes, author);
    return json({ import_id: importId, records_restored: changes.length, last_change_id: last.change_id });
  }
  return null;
}
