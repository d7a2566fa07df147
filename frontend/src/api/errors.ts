// Every failed request becomes an ApiError carrying what the server said (RFC
// 9457 problem details): the detail, an import's bad lines, and for a 412 the
// record as it is stored now.
import type { ImportLineError, RecordConflictBody } from './types';

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

  constructor(status: number, detail: string, errors: ImportLineError[] = [], current: StoredRecord | null = null) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.errors = errors;
    this.current = current;
  }
}

function isLineError(value: unknown): value is ImportLineError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.line === 'number' && typeof v.message === 'string';
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
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.detail === 'string' && body.detail) detail = body.detail;
    else if (typeof body.title === 'string' && body.title) detail = body.title;
    if (Array.isArray(body.errors)) errors = body.errors.filter(isLineError);
    if (response.status === 412) current = storedRecord(body as RecordConflictBody);
  } catch {
    if (text.trim()) detail = text.trim().slice(0, 500);
  }
  return new ApiError(response.status, detail, errors, current);
}
