// Adds the level of one selected product on one date; a level already there
// is replaced only when the person says so, after seeing it.
import { useId, useState, type FormEvent } from 'react';
import type { ProductRef } from '../api/types';
import { isIsoDate, isoToDmy } from '../lib/dates';
import { checkLevel } from '../lib/level';
import { productLabel } from '../lib/series';
import { MAX_NOTE_LENGTH } from '../lib/text';
import { useAddRecord, type AddConflict } from '../state/useAddRecord';
import { Feedback } from './Feedback';

interface Props {
  products: readonly ProductRef[];
  onAdded: () => void;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span id={id} className="field-error" role="alert">
      {message}
    </span>
  ) : null;
}

function ConflictNotice({ conflict, busy, onReplace, onKeep }: {
  conflict: AddConflict;
  busy: boolean;
  onReplace: () => void;
  onKeep: () => void;
}) {
  const { product, date, level, current } = conflict;
  const where = `${productLabel(product)} on ${isoToDmy(date)}`;
  return (
    <div className="conflict-notice" role="alert">
      <p>
        {current.level === null
          ? `The record for ${where} was deleted meanwhile.`
          : `A record exists for ${where} with level ${current.level}.`}
      </p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={onReplace} disabled={busy}>
          {current.level === null ? `Add ${level}` : `Replace it with ${level}`}
        </button>
        <button type="button" onClick={onKeep} disabled={busy}>
          {current.level === null ? 'Cancel' : `Keep ${current.level}`}
        </button>
      </div>
    </div>
  );
}

interface FieldErrors {
  date?: string;
  level?: string;
}

export function AddRecordForm({ products, onAdded }: Props) {
  const [productId, setProductId] = useState<number | null>(null);
  const [date, setDate] = useState('');
  const [level, setLevelText] = useState('');
  const [note, setNote] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const { busy, feedback, conflict, add, replace, dismiss } = useAddRecord(onAdded);
  const id = useId();

  // Falls back to the first selected product when the chosen one was unselected.
  const product = products.find((p) => p.product_id === productId) ?? products[0];
  if (!product) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!product) return;
    const levelCheck = checkLevel(level);
    const errors: FieldErrors = {
      date: isIsoDate(date) ? undefined : 'Choose a date.',
      level: levelCheck.ok ? undefined : levelCheck.message,
    };
    setFieldErrors(errors);
    if (!levelCheck.ok || errors.date) return;
    // The note stays, like the date: several records are often added for one reason.
    if (await add(product, date, levelCheck.value, note)) setLevelText('');
  }

  async function replaceExisting() {
    if (await replace()) setLevelText('');
  }

  return (
    <form className="add-record" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add record</h3>
      <div className="form-row">
        <label>
          Product
          <select value={product.product_id} onChange={(e) => {
              setProductId(Number(e.target.value));
              dismiss();
            }}>
            {products.map((p) => (
              <option key={p.product_id} value={p.product_id}>
                {productLabel(p)}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <label htmlFor={`${id}-date`}>Date</label>
          <input
            id={`${id}-date`}
            type="date"
            value={date}
            onChange={(e) => {
              setDate(e.target.value);
              dismiss();
            }}
            aria-invalid={fieldErrors.date ? true : undefined}
            aria-describedby={fieldErrors.date ? `${id}-date-error` : undefined}
          />
          <FieldError id={`${id}-date-error`} message={fieldErrors.date} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-level`}>Level</label>
          <input
            id={`${id}-level`}
            inputMode="numeric"
            value={level}
            onChange={(e) => {
              setLevelText(e.target.value);
              dismiss();
            }}
            aria-invalid={fieldErrors.level ? true : undefined}
            aria-describedby={fieldErrors.level ? `${id}-level-error` : undefined}
          />
          <FieldError id={`${id}-level-error`} message={fieldErrors.level} />
        </div>
        <div className="field note-field">
          <label htmlFor={`${id}-note`}>Note (optional)</label>
          <input
            id={`${id}-note`}
            value={note}
            maxLength={MAX_NOTE_LENGTH}
            placeholder="Why, for the history"
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add record'}
        </button>
      </div>
      {conflict && (
        <ConflictNotice conflict={conflict} busy={busy} onReplace={() => void replaceExisting()} onKeep={dismiss} />
      )}
      <Feedback feedback={feedback} />
    </form>
  );
}
