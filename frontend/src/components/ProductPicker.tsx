// A combobox to find products by id or name and keep several as chips.
// Keyboard: arrows move, Enter picks (or unpicks) the highlighted product,
// Escape closes the list (then clears the text), Backspace on an empty input
// removes the last chip.
import { useId, useState, type KeyboardEvent } from 'react';
import type { Product, ProductRef } from '../api/types';
import { productLabel } from '../lib/series';
import { useProductSearch } from '../state/useProductSearch';
import { ProductChips } from './ProductChips';

interface Props {
  selected: readonly ProductRef[];
  onSelect: (product: ProductRef) => void;
  onRemove: (productId: number) => void;
  onClear: () => void;
}

export function ProductPicker({ selected, onSelect, onRemove, onClear }: Props) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(0);
  const { results, total, loading, error } = useProductSearch(query, open);
  const listId = useId();
  const inputId = useId();
  const selectedIds = new Set(selected.map((p) => p.product_id));
  const active = results.length ? Math.min(activeIndex, results.length - 1) : -1;
  const optionId = (index: number) => `${listId}-option-${index}`;

  function toggle(product: Product) {
    if (selectedIds.has(product.product_id)) onRemove(product.product_id);
    else onSelect({ product_id: product.product_id, product_name: product.product_name, unit: product.unit });
    setQuery('');
    setActiveIndex(0);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        if (!open) {
          setOpen(true);
          return;
        }
        const step = event.key === 'ArrowDown' ? 1 : -1;
        if (results.length) setActiveIndex((active + step + results.length) % results.length);
        return;
      }
      case 'Enter': {
        const product = open && active >= 0 ? results[active] : undefined;
        if (product) {
          event.preventDefault();
          toggle(product);
        }
        return;
      }
      case 'Escape':
        if (open) setOpen(false);
        else setQuery('');
        return;
      case 'Backspace': {
        const last = selected[selected.length - 1];
        if (query === '' && last) onRemove(last.product_id);
        return;
      }
    }
  }

  const status = error
    ? `Search failed: ${error}`
    : loading && results.length === 0
      ? 'Searching…'
      : results.length === 0
        ? query.trim()
          ? `No product matches “${query.trim()}”.`
          : 'No products yet. Import a CSV file below.'
        : total > results.length
          ? `Showing ${results.length} of ${total} products; type to narrow.`
          : `${total} ${total === 1 ? 'product' : 'products'}.`;

  return (
    <div className="picker">
      <label htmlFor={inputId} className="picker-label">
        Products
      </label>
      <div className="picker-box">
        <ProductChips selected={selected} onRemove={onRemove} />
        <input
          id={inputId}
          className="picker-input"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          placeholder={selected.length ? 'Add another product…' : 'Search by id or name…'}
          value={query}
          autoComplete="off"
          onChange={(e) => {
            setQuery(e.target.value);
            setActiveIndex(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        {selected.length > 0 && (
          <button type="button" className="link-button" onClick={onClear}>
            Clear all
          </button>
        )}
      </div>
      {open && (
        <div className="picker-popup">
          <ul id={listId} role="listbox" aria-label="Matching products" aria-multiselectable="true">
            {results.map((product, index) => (
              <li
                key={product.product_id}
                id={optionId(index)}
                role="option"
                aria-selected={selectedIds.has(product.product_id)}
                className={index === active ? 'option active' : 'option'}
                // mousedown, not click: the input must keep focus so the list stays open.
                onMouseDown={(e) => {
                  e.preventDefault();
                  toggle(product);
                }}
                onMouseMove={() => setActiveIndex(index)}
              >
                <span className="option-check" aria-hidden="true">
                  {selectedIds.has(product.product_id) ? '✓' : ''}
                </span>
                <span className="option-name">{productLabel(product)}</span>
                <span className="option-meta">
                  {product.record_count} records
                  {product.latest_level !== null ? `, latest ${product.latest_level}` : ''}
                </span>
              </li>
            ))}
          </ul>
          <p className="picker-status" aria-live="polite">
            {status}
          </p>
        </div>
      )}
    </div>
  );
}
