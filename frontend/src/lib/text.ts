// Short free text sent to the API (a person's name, a note): one line,
// trimmed, bounded. The API refuses control characters and over-long text with
// a 400; cleaning here means a pasted tab or an extra space never costs a write.

// C0 and C1 control characters: what the API refuses (Unicode category Cc).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Control characters become spaces; trimmed; at most `max` characters (code points, as the API counts). */
export function cleanLine(text: string, max: number): string {
  const oneLine = text.replace(CONTROL, ' ').trim();
  const chars = [...oneLine];
  return chars.length <= max ? oneLine : chars.slice(0, max).join('').trimEnd();
}

/** The API's limit for a note kept with a change. */
export const MAX_NOTE_LENGTH = 500;
/** The API's limit for the name a change is recorded under. */
export const MAX_ACTOR_LENGTH = 100;

/** A note as sent: cleaned, or undefined (not sent) when empty. */
export function noteParam(note: string | null | undefined): string | undefined {
  return cleanLine(note ?? '', MAX_NOTE_LENGTH) || undefined;
}
