import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { ProductRef } from '../src/api/types';
import { ProductPicker } from '../src/components/ProductPicker';
import { installFakeApi } from './fakes/fakeApi';

function Harness({ initial = [] }: { initial?: ProductRef[] }) {
  const [selected, setSelected] = useState<ProductRef[]>(initial);
  return (
    <ProductPicker
      selected={selected}
      onSelect={(p) => setSelected((s) => [...s, p])}
      onRemove={(id) => setSelected((s) => s.filter((p) => p.product_id !== id))}
      onClear={() => setSelected([])}
    />
  );
}

const chips = () => {
  const list = screen.queryByRole('list', { name: 'Selected products' });
  return list ? within(list).getAllByRole('listitem').map((li) => li.firstChild?.textContent) : [];
};

describe('ProductPicker', () => {
  it('searches on the server once typing settles, by name or id', async () => {
    const api = installFakeApi({ 1: 'Blue Widget', 2: 'Red Gadget', 12: 'Green Widget' });
    render(<Harness />);
    await userEvent.type(screen.getByRole('combobox'), 'widg');
    const searches = () => api.requestsTo('GET', '/api/products').map((r) => r.url.searchParams.get('search'));
    await waitFor(() => expect(searches()).toContain('widg'));
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual([
      expect.stringContaining('Blue Widget (#1)'),
      expect.stringContaining('Green Widget (#12)'),
    ]);
    // Debounced: no request for the keystrokes in between ('w', 'wi', 'wid').
    expect(searches()).not.toContain('wi');
    expect(api.requestsTo('GET', '/api/products').at(-1)?.url.searchParams.get('limit')).toBe('20');

    await userEvent.clear(screen.getByRole('combobox'));
    await userEvent.type(screen.getByRole('combobox'), '12');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    expect(screen.getByRole('option')).toHaveTextContent('Green Widget (#12)');
  });

  it('selects several products with the keyboard and removes the last with Backspace', async () => {
    installFakeApi({ 1: 'Apples', 2: 'Pears', 3: 'Plums' });
    render(<Harness />);
    const input = screen.getByRole('combobox');
    await userEvent.click(input);
    await screen.findByRole('option', { name: /Apples/ });

    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(chips()).toEqual(['Pears (#2)']);

    await userEvent.type(input, 'plu');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    await userEvent.keyboard('{Enter}');
    expect(chips()).toEqual(['Pears (#2)', 'Plums (#3)']);
    expect(input).toHaveValue('');

    await userEvent.keyboard('{Backspace}');
    expect(chips()).toEqual(['Pears (#2)']);
  });

  it('marks selected options, unpicks on Enter, closes on Escape and clears all', async () => {
    installFakeApi({ 1: 'Apples', 2: 'Pears' });
    render(<Harness initial={[{ product_id: 1, product_name: 'Apples' }]} />);
    const input = screen.getByRole('combobox');
    await userEvent.click(input);
    const apples = await screen.findByRole('option', { name: /Apples/ });
    expect(apples).toHaveAttribute('aria-selected', 'true');
    expect(input).toHaveAttribute('aria-activedescendant', apples.id);

    await userEvent.keyboard('{Enter}');
    expect(chips()).toEqual([]);

    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(chips()).toEqual(['Apples (#1)', 'Pears (#2)']);

    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
    expect(input).toHaveAttribute('aria-expanded', 'false');

    await userEvent.click(screen.getByRole('button', { name: 'Clear all' }));
    expect(chips()).toEqual([]);
  });

  it('says when nothing matches', async () => {
    installFakeApi({ 1: 'Apples' });
    render(<Harness />);
    await userEvent.type(screen.getByRole('combobox'), 'kiwi');
    expect(await screen.findByText('No product matches “kiwi”.')).toBeInTheDocument();
  });

  it('labels a product with its unit in the list and on its chip', async () => {
    const api = installFakeApi({ 1: 'Blue Widget', 2: 'Flour' });
    api.units.set(2, 'kg');
    render(<Harness />);
    await userEvent.type(screen.getByRole('combobox'), 'f');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(1));
    expect(screen.getByRole('option')).toHaveTextContent('Flour (kg) (#2)');
    await userEvent.keyboard('{Enter}');
    expect(chips()).toEqual(['Flour (kg) (#2)']);
  });
});
