import type { ProductRef } from '../api/types';
import { productLabel } from '../lib/series';

interface Props {
  selected: readonly ProductRef[];
  onRemove: (productId: number) => void;
}

/** The selected products, each removable on its own. */
export function ProductChips({ selected, onRemove }: Props) {
  if (selected.length === 0) return null;
  return (
    <ul className="chips" aria-label="Selected products">
      {selected.map((p) => (
        <li key={p.product_id} className="chip">
          <span>{productLabel(p)}</span>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove ${productLabel(p)}`}
            onClick={() => onRemove(p.product_id)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
