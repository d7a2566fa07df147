// Adds (or replaces) the level of one selected product on one date.
import { useId, useState, type FormEvent } from 'react';
import { ApiError, setLevel } from '../api/client';
import type { ProductRef } from '../api/types';
import { isIsoDate, isoToDmy } from '../lib/dates';
import { checkLevel } from '../lib/level';
import { productLabel } from '../lib/series';
import type { Feedback as FeedbackMessage } from '../state/feedback';
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

interface FieldErrors {
  date?: string;
  level?: string;
}

export function AddRecordForm({ products, onAdded }: Props) {
  const [productId, setProductId] = useState<number | null>(null);
  const [date, setDate] = useState('');
  const [level, setLevelText] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [feedback, setFeedback] = useState<FeedbackMessage | null>(null);
  const [busy, setBusy] = useState(false);
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
    setBusy(true);
    setFeedback(null);
    try {
      const { created } = await setLevel(product.product_id, date, levelCheck.value);
      const verb = created ? 'Added' : 'Replaced the level with';
      setFeedback({
        kind: 'success',
        text: `${verb} ${levelCheck.value} for ${productLabel(product)} on ${isoToDmy(date)}.`,
      });
      setLevelText('');
      onAdded();
    } catch (err) {
      setFeedback({ kind: 'error', text: err instanceof ApiError ? err.detail : String(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="add-record" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add record</h3>
      <div className="form-row">
        <label>
          Product
          <select value={product.product_id} onChange={(e) => setProductId(Number(e.target.value))}>
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
            onChange={(e) => setDate(e.target.value)}
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
            onChange={(e) => setLevelText(e.target.value)}
            aria-invalid={fieldErrors.level ? true : undefined}
            aria-describedby={fieldErrors.level ? `${id}-level-error` : undefined}
          />
          <FieldError id={`${id}-level-error`} message={fieldErrors.level} />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add record'}
        </button>
      </div>
      <Feedback feedback={feedback} />
    </form>
  );
}
