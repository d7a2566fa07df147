// Every failed request becomes an ApiError carrying what the server said (RFC
// 9457 problem details): the detail, an import's bad lines, for a 412 the
// record as it is stored now, and for a refused undo (409) the records that
// changed since.
import type { ImportLineError, RecordConflictBody, UndoBlocker, UndoConflictBody } from './types';

/** A record as the server holds it now: its level and ETag, both null when there is none. */
export interface StoredRecord {
  level: number | null;
  etag: string | null;
}

/** An API failure carrying what the server said (RFC 9457 problem details). */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly errors: ImportLineError[];
  /** On a 412: the record as stored now (what the write would have overwritten). */
  readonly current: StoredRecord | null;
  /** On a refused undo: the records that changed since (the first ones when there are many). */
  readonly blocked: UndoBlocker[];
  /** How many records blocked the undo in all. */
  readonly blockedCount: number;

  constructor(
    status: number,
    detail: string,
    errors: ImportLineError[] = [],
    current: StoredRecord | null = null,
    blocked: UndoBlocker[] = [],
    blockedCount: number = blocked.length,
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.current = current;
    this.blocked = blocked;
    this.blockedCount = blockedCount;
  }
}

function isLineError(value: unknown): value is ImportLineError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.line === 'number' && typeof v.message === 'string';
}

const levelOrNull = (value: unknown) => value === null || typeof value === 'number';

function isBlocker(value: unknown): value is UndoBlocker {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.product_id === 'number' &&
    typeof v.date === 'string' &&
    levelOrNull(v.expected_level) &&
    levelOrNull(v.current_level) &&
    typeof v.product_exists === 'boolean'
  );
}

// Typed by the spec's 409 answer to an undo; checked at run time all the same.
function undoBlockers(body: UndoConflictBody): { blocked: UndoBlocker[]; count: number } {
  const listed: unknown = body.blocked;
  const blocked = Array.isArray(listed) ? listed.filter(isBlocker) : [];
  const count: unknown = body.blocked_count;
  return { blocked, count: typeof count === 'number' ? count : blocked.length };
}

// Typed by the spec's 412 answer, so a renamed field fails the type check; checked at run time all the same.
function storedRecord(body: RecordConflictBody): StoredRecord {
  const level: unknown = body.current_level;
  const etag: unknown = body.current_etag;
  return { level: typeof level === 'number' ? level : null, etag: typeof etag === 'string' ? etag : null };
}

/** Turns a failed response into an ApiError, whatever shape its body has. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let detail = response.statusText || `HTTP ${response.status}`;
  let errors: ImportLineError[] = [];
  let current: StoredRecord | null = null;
  let undo: { blocked: UndoBlocker[]; count: number } = { blocked: [], count: 0 };
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.detail === 'string' && body.detail) detail = body.detail;
    else if (typeof body.title === 'string' && body.title) detail = body.title;
    if (Array.isArray(body.errors)) errors = body.errors.filter(isLineError);
    if (response.status === 412) current = storedRecord(body as RecordConflictBody);
    if (response.status === 409) undo = undoBlockers(body as UndoConflictBody);
  } catch {
    if (text.trim()) detail = text.trim().slice(0, 500);
  }
  return new ApiError(response.status, detail, errors, current, undo.blocked, undo.count);
}
