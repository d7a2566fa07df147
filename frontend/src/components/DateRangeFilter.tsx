import { rangeError } from '../state/useInventory';

interface Props {
  start: string | null;
  end: string | null;
  onChange: (start: string | null, end: string | null) => void;
}

/** The date range shared by the chart and the table; empty means unbounded. */
export function DateRangeFilter({ start, end, onChange }: Props) {
  const problem = rangeError(start, end);
  return (
    <fieldset className="date-range">
      <legend>Date range</legend>
      <label>
        From
        <input type="date" value={start ?? ''} onChange={(e) => onChange(e.target.value || null, end)} />
      </label>
      <label>
        To
        <input type="date" value={end ?? ''} onChange={(e) => onChange(start, e.target.value || null)} />
      </label>
      {(start || end) && (
        <button type="button" className="link-button" onClick={() => onChange(null, null)}>
          All dates
        </button>
      )}
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </fieldset>
  );
}
