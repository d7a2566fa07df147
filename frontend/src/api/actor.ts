// The name the person's changes are recorded under in the change history. Kept
// in localStorage (it is not a secret, and should outlive the tab) and sent
// with every write as X-Stockline-Actor, percent-encoded: a header value
// outside Latin-1 makes the browser refuse the request.
import { cleanLine, MAX_ACTOR_LENGTH } from '../lib/text';

const STORAGE_KEY = 'stockline.actorName';
export const ACTOR_HEADER = 'X-Stockline-Actor';
let memoryName = '';

/** The stored name, '' when none is set (the server then records "anonymous"). */
export function storedActor(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return memoryName; // storage disabled: the name lives as long as the page
  }
}

/** Keeps the name, cleaned as the API wants it; an empty name forgets it. */
export function storeActor(name: string): string {
  const clean = cleanLine(name, MAX_ACTOR_LENGTH);
  memoryName = clean;
  try {
    if (clean) localStorage.setItem(STORAGE_KEY, clean);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // kept in memory only
  }
  return clean;
}

/** The header a write carries for `name`: none for an empty name. */
export function actorHeaders(name: string = storedActor()): Record<string, string> {
  const clean = cleanLine(name, MAX_ACTOR_LENGTH);
  return clean ? { [ACTOR_HEADER]: encodeURIComponent(clean) } : {};
}
