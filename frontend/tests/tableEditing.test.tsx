import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/App';
import { installFakeApi } from './fakes/fakeApi';
import { levelInput, openApples } from './fakes/apples';


async function setInput(input: HTMLElement, text: string) {
  await userEvent.clear(input);
  if (text) await userEvent.type(input, text);
}

describe('editing levels in the table', () => {
  it('refuses negative, fractional and empty levels before sending anything', async () => {
    const api = openApples();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
    await setInput(levelInput('01-01-2025'), '-4');
    await setInput(levelInput('02-01-2025'), '2.5');
    await setInput(levelInput('03-01-2025'), '');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(levelInput('01-01-2025')).toHaveAccessibleDescription('A level cannot be negative.');
    expect(levelInput('02-01-2025')).toHaveAccessibleDescription('Use a whole number, without decimals.');
    expect(levelInput('03-01-2025')).toHaveAccessibleDescription('Enter a level.');
    expect(levelInput('01-01-2025')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Nothing saved: fix 3 invalid levels first.')).toBeInTheDocument();
    expect(api.requestsTo('PUT', '/api/products/1/inventory/2025-01-01')).toHaveLength(0);
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('sends one PUT per changed record, shows success and the new values', async () => {
    const api = openApples();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
    await setInput(levelInput('02-01-2025'), '20');
    await setInput(levelInput('03-01-2025'), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Saved 2 changes.');
    const puts = api.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => [r.url.pathname, r.body])).toEqual([
      ['/api/products/1/inventory/2025-01-02', { inventory_level: 20 }],
      ['/api/products/1/inventory/2025-01-03', { inventory_level: 0 }],
    ]);
    // Reloaded from the server: the table shows the saved levels as text again.
    const row = (await screen.findByRole('cell', { name: '02-01-2025' })).closest('tr')!;
    await waitFor(() => expect(within(row).getByRole('cell', { name: '20' })).toBeInTheDocument());
    expect(screen.queryByRole('textbox', { name: /Level of/ })).not.toBeInTheDocument();
  });

  it('shows a server failure next to its row and keeps the typed value in edit', async () => {
    const api = openApples();
    api.failPut(1, '2025-01-03', 409, 'The record was changed by someone else.');
    await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
    await setInput(levelInput('01-01-2025'), '11');
    await setInput(levelInput('03-01-2025'), '33');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    const failed = levelInput('03-01-2025');
    await waitFor(() => expect(failed).toHaveAccessibleDescription('The record was changed by someone else.'));
    expect(failed).toHaveValue('33');
    expect(failed.closest('tr')).toHaveClass('row-error');
    expect(screen.getByText('Saved 1 of 2; 1 change failed, see the marked rows.')).toBeInTheDocument();
    expect(api.records.get('1|2025-01-01')).toBe(11);

    // Retrying sends only the failed record.
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved 1 change.')).toBeInTheDocument();
    expect(api.records.get('1|2025-01-03')).toBe(33);
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
  });

  it('Cancel restores the levels without sending', async () => {
    const api = openApples();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
    await setInput(levelInput('01-01-2025'), '99');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('cell', { name: '10' })).toBeInTheDocument();
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('sorts by a column and pages through many rows', async () => {
    const records: [number, string, number][] = [];
    for (let day = 0; day < 250; day++) {
      const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
      records.push([1, date, day]);
    }
    installFakeApi({ 1: 'Apples' }, records);
    window.history.replaceState(null, '', '/?product=1');
    render(<App />);
    expect(await screen.findByText('Rows 1–100 of 250 (page 1 of 3)')).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(101);

    await userEvent.click(screen.getByRole('button', { name: 'Inventory level' }));
    await userEvent.click(screen.getByRole('button', { name: 'Inventory level' }));
    expect(screen.getByRole('columnheader', { name: /Inventory level/ })).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getAllByRole('row')[1]).toHaveTextContent('249');

    await userEvent.click(screen.getByRole('button', { name: 'Last' }));
    expect(screen.getByText('Rows 201–250 of 250 (page 3 of 3)')).toBeInTheDocument();
    expect(screen.getAllByRole('row').at(-1)).toHaveTextContent('01-01-2024');
  });

  it('adds a record for a selected product', async () => {
    const api = openApples();
    await screen.findByRole('button', { name: 'Edit levels' });
    const form = screen.getByRole('form', { name: 'Add record' });
    await userEvent.type(within(form).getByLabelText('Date'), '2025-02-01');
    await userEvent.type(within(form).getByLabelText('Level'), '-1');
    await userEvent.click(within(form).getByRole('button', { name: 'Add record' }));
    expect(within(form).getByLabelText('Level')).toHaveAccessibleDescription('A level cannot be negative.');
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);

    await setInput(within(form).getByLabelText('Level'), '15');
    await userEvent.click(within(form).getByRole('button', { name: 'Add record' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Added 15 for Apples (#1) on 01-02-2025.');
    expect(await screen.findByRole('cell', { name: '01-02-2025' })).toBeInTheDocument();
  });
});
