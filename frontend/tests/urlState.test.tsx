import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/App';
import { formatViewState, parseViewState } from '../src/state/urlState';
import { installFakeApi } from './fakes/fakeApi';

describe('view state in the query string', () => {
  it('round-trips products and dates', () => {
    const search = '?product=1&product=2&start=2025-01-01&end=2025-12-31';
    const view = parseViewState(search);
    expect(view).toEqual({ productIds: [1, 2], start: '2025-01-01', end: '2025-12-31' });
    expect(formatViewState(view)).toBe(search);
    expect(formatViewState({ productIds: [], start: null, end: null })).toBe('');
  });

  it('drops malformed or repeated values instead of failing', () => {
    expect(parseViewState('?product=1&product=x&product=-2&product=1.5&product=1&start=2025-02-30&end=soon')).toEqual({
      productIds: [1],
      start: null,
      end: null,
    });
  });
});

const chipNames = () =>
  within(screen.getByRole('list', { name: 'Selected products' }))
    .getAllByRole('listitem')
    .map((li) => li.firstChild?.textContent);

describe('App and the URL', () => {
  it('opens the view a link describes', async () => {
    const api = installFakeApi({ 1: 'Apples', 2: 'Pears' }, [
      [1, '2024-12-31', 1],
      [1, '2025-03-01', 5],
      [2, '2025-04-01', 8],
    ]);
    window.history.replaceState(null, '', '/?product=1&product=2&start=2025-01-01&end=2025-12-31');
    render(<App />);
    await waitFor(() => expect(chipNames()).toEqual(['Apples (#1)', 'Pears (#2)']));
    expect(screen.getByLabelText('From')).toHaveValue('2025-01-01');
    expect(await screen.findByRole('cell', { name: '01-03-2025' })).toBeInTheDocument();
    expect(screen.queryByRole('cell', { name: '31-12-2024' })).not.toBeInTheDocument();
    const query = api.requestsTo('GET', '/api/inventory').at(-1)?.url.searchParams;
    expect(query?.getAll('product_id')).toEqual(['1', '2']);
    expect(query?.get('start')).toBe('2025-01-01');
    expect(query?.get('end')).toBe('2025-12-31');
  });

  it('writes the selection and range back with replaceState', async () => {
    installFakeApi({ 1: 'Apples', 2: 'Pears' });
    const before = window.history.length;
    render(<App />);
    await userEvent.click(screen.getByRole('combobox'));
    await userEvent.click(await screen.findByRole('option', { name: /Pears/ }));
    expect(window.location.search).toBe('?product=2');
    await userEvent.type(screen.getByLabelText('To'), '2025-06-30');
    expect(window.location.search).toBe('?product=2&end=2025-06-30');
    expect(window.history.length).toBe(before);
  });

  it('follows popstate (back and forward)', async () => {
    installFakeApi({ 1: 'Apples', 2: 'Pears' });
    render(<App />);
    expect(screen.getByText(/Pick a product/)).toBeInTheDocument();
    act(() => {
      window.history.pushState(null, '', '/?product=1');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    await waitFor(() => expect(chipNames()).toEqual(['Apples (#1)']));
  });

  it('leaves out a product from the link that no longer exists, and says so', async () => {
    installFakeApi({ 1: 'Apples' });
    window.history.replaceState(null, '', '/?product=1&product=99');
    render(<App />);
    expect(await screen.findByText(/Product #99 from the link does not exist/)).toBeInTheDocument();
    await waitFor(() => expect(window.location.search).toBe('?product=1'));
  });
});
