// The rule for an inventory level, checked before anything is sent so the
// user learns at the input what is wrong instead of from a 400.

/** The API stores a level as a 32-bit integer (LevelWrite.inventory_level maximum). */
export const MAX_LEVEL = 2_147_483_647;

export type LevelCheck = { ok: true; value: number } | { ok: false; message: string };

export function checkLevel(text: string): LevelCheck {
  const value = text.trim();
  if (value === '') return { ok: false, message: 'Enter a level.' };
  if (/^[+-]?\d*[.,]\d+$/.test(value) || /^[+-]?\d+[.,]\d*$/.test(value)) {
    return { ok: false, message: 'Use a whole number, without decimals.' };
  }
  if (/^-\d+$/.test(value)) return { ok: false, message: 'A level cannot be negative.' };
  if (!/^\+?\d+$/.test(value)) return { ok: false, message: 'Enter a whole number, like 42.' };
  const level = Number(value);
  if (level > MAX_LEVEL) return { ok: false, message: `A level can be at most ${MAX_LEVEL}.` };
  return { ok: true, value: level };
}
