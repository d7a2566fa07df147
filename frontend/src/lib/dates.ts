// Dates travel as ISO calendar dates (YYYY-MM-DD) and are shown as the
// brief's dd-mm-yyyy. They are calendar days, not instants, so every
// conversion is done in UTC to keep a day from shifting with the time zone.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (rejects 2025-02-30). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** 2025-01-31 -> 31-01-2025 */
export function isoToDmy(iso: string): string {
  const m = ISO_DATE.exec(iso);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : iso;
}

/** Seconds since the epoch at UTC midnight of that day, uPlot's time unit. */
export function isoToEpochSeconds(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / 1000;
}

/** Inverse of isoToEpochSeconds, shown as dd-mm-yyyy. */
export function epochSecondsToDmy(seconds: number): string {
  return isoToDmy(new Date(seconds * 1000).toISOString().slice(0, 10));
}
