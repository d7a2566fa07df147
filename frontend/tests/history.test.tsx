// The history panel: who changed what, with a note; undo, a refused undo, an
// undone import; paging; and the name the person's changes appear under.
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../src/App';
import type { ChangeOut } from '../src/api/types';
import { installFakeApi, type FakeApi } from './fakes/fakeApi';
import { levelInput, openApples } from './fakes/apples';

const panel = () => screen.getByRole('region', { name: 'History' });
const entries = () => within(panel()).queryAllByRole('listitem');
const entryOf = (id: number) => entries().find((li) => li.dataset.changeId === String(id))!;

function seedImport(api: FakeApi, importId: string, records: [string, number | null, number][]) {
  for (const [date, before, after] of records) {
    api.record({
      actor: 'Importer',
      note: 'monthly count',
      product_id: 1,
      date,
      previous_level: before,
      new_level: after,
      cause: 'import',
      import_id: importId,
      undoes: null,
    });
    api.records.set(`1|${date}`, after);
  }
}

function openWith(seed: (api: FakeApi) => void): FakeApi {
  const api = installFakeApi({ 1: 'Apples' }, [[1, '2025-01-01', 10]]);
  seed(api);
  window.history.replaceState(null, '', '/?product=1');
  render(<App />);
  return api;
}

describe('the history panel', () => {
  it('shows a saved edit with the person’s name, old → new and the note; Undo puts the level back', async () => {
    const api = openApples();
    await userEvent.type(screen.getByRole('textbox', { name: 'Your name' }), 'Łukasz');
    expect(await within(panel()).findByText(/No changes recorded for these products/)).toBeInTheDocument();

    await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
    await userEvent.clear(levelInput('02-01-2025'));
    await userEvent.type(levelInput('02-01-2025'), '20');
    await userEvent.type(screen.getByRole('textbox', { name: 'Note for this save (optional)' }), 'recount after audit');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(entries()).toHaveLength(1));
    const entry = entries()[0]!;
    expect(entry).toHaveTextContent('Łukasz');
    expect(entry).toHaveTextContent('Apples on 02-01-2025');
    expect(entry).toHaveTextContent('12 → 20');
    expect(entry).toHaveTextContent('Edit');
    expect(entry).toHaveTextContent('Note: recount after audit');
    expect(api.requestsTo('PUT', '/api/products/1/inventory/2025-01-02')[0]?.headers.get('X-Stockline-Actor')).toBe(
      '%C5%81ukasz',
    );

    const undo = within(entry).getByRole('button', { name: 'Undo' });
    expect(undo).toHaveAccessibleDescription('Apples on 02-01-2025 12 → 20');
    await userEvent.click(undo);
    expect(await within(panel()).findByRole('status')).toHaveTextContent('Undone: Apples on 02-01-2025 is back to 12.');
    expect(api.records.get('1|2025-01-02')).toBe(12);
    // The table and the history load again: the undo is the newest entry.
    const row = screen.getByRole('cell', { name: '02-01-2025' }).closest('tr')!;
    await waitFor(() => expect(within(row).getByRole('cell', { name: '12' })).toBeInTheDocument());
    await waitFor(() => expect(entries()).toHaveLength(2));
    expect(entries()[0]).toHaveTextContent('Undo of #1');
    expect(entries()[0]).toHaveTextContent('20 → 12');
    // The list reloaded around it: the button pressed keeps the focus.
    expect(within(entryOf(1)).getByRole('button', { name: 'Undo' })).toHaveFocus();
  });

  it('a record changed since: the undo is refused, says what it holds now, and changes nothing', async () => {
    const api = openApples();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
    await userEvent.clear(levelInput('01-01-2025'));
    await userEvent.type(levelInput('01-01-2025'), '11');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(entries()).toHaveLength(1));

    api.records.set('1|2025-01-01', 99); // someone else, behind the page's back
    await userEvent.click(within(entries()[0]!).getByRole('button', { name: 'Undo' }));
    expect(await within(panel()).findByRole('alert')).toHaveTextContent(
      'Not undone: Apples on 01-01-2025 changed since and now holds 99 (this change left 11). Nothing was changed.',
    );
    expect(api.records.get('1|2025-01-01')).toBe(99);
    expect(api.changes).toHaveLength(1);
  });

  it('"Undo import" asks first; "Keep it" sends nothing, confirming restores every record', async () => {
    const api = openWith((a) =>
      seedImport(a, 'abc123', [
        ['2025-01-01', 10, 30],
        ['2025-01-05', null, 40],
      ]),
    );
    await waitFor(() => expect(entries()).toHaveLength(2));
    expect(entryOf(2)).toHaveTextContent('Import');
    expect(entryOf(2)).toHaveTextContent('— → 40');

    const undoImport = within(entryOf(2)).getByRole('button', { name: 'Undo import' });
    await userEvent.click(undoImport);
    const confirm = within(panel()).getByRole('group', { name: /Undo the import of .* by Importer\?/ });
    expect(within(confirm).getByRole('button', { name: 'Undo the whole import' })).toHaveFocus();
    await userEvent.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(within(panel()).queryByRole('group')).not.toBeInTheDocument();
    expect(undoImport).toHaveFocus();
    expect(api.requestsTo('POST', '/api/imports/abc123/undo')).toHaveLength(0);

    await userEvent.click(within(entryOf(1)).getByRole('button', { name: 'Undo import' }));
    await userEvent.click(screen.getByRole('button', { name: 'Undo the whole import' }));
    expect(await within(panel()).findByRole('status')).toHaveTextContent(
      'Import undone: 2 records put back as before the import.',
    );
    expect(api.records.get('1|2025-01-01')).toBe(10);
    expect(api.records.has('1|2025-01-05')).toBe(false);
    await waitFor(() => expect(entries()).toHaveLength(4));
  });

  it('pages with "Load more" through next_cursor', async () => {
    const api = openWith((a) => {
      for (let day = 1; day <= 60; day++) {
        const date = `2025-03-${String((day % 28) + 1).padStart(2, '0')}`;
        a.record({ actor: 'Bob', note: null, product_id: 1, date, previous_level: day, new_level: day + 1, cause: 'edit', import_id: null, undoes: null });
      }
    });
    await waitFor(() => expect(entries()).toHaveLength(50));
    expect(entries()[0]).toHaveAttribute('data-change-id', '60');
    await userEvent.click(within(panel()).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(entries()).toHaveLength(60));
    expect(entries().at(-1)).toHaveAttribute('data-change-id', '1');
    expect(within(panel()).queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    const [first, second] = api.requestsTo('GET', '/api/changes');
    expect(first?.url.searchParams.get('cursor')).toBeNull();
    expect(second?.url.searchParams.get('cursor')).toBe('11');
  });

  it('lists only records in the date range, and says so when there are none', async () => {
    installFakeApi({ 1: 'Apples' }, [[1, '2025-01-01', 10]]);
    window.history.replaceState(null, '', '/?product=1&start=2025-02-01');
    render(<App />);
    expect(await within(panel()).findByText('No changes recorded for records in this date range yet.')).toBeInTheDocument();
  });

  it('shows a load failure with a way to try again', async () => {
    const api = openWith((a) => (a.changesDown = 'the storage cannot be read'));
    expect(await within(panel()).findByRole('alert')).toHaveTextContent(
      'Could not load the history: the storage cannot be read',
    );
    api.changesDown = null;
    await userEvent.click(within(panel()).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(within(panel()).queryByRole('alert')).not.toBeInTheDocument());
  });
});

describe('notes and the name', () => {
  it('the add-record form and the import send their note', async () => {
    const api = openApples();
    const form = await screen.findByRole('form', { name: 'Add record' });
    await userEvent.type(within(form).getByLabelText('Date'), '2025-02-01');
    await userEvent.type(within(form).getByLabelText('Level'), '15');
    await userEvent.type(within(form).getByLabelText('Note (optional)'), 'delivery');
    await userEvent.click(within(form).getByRole('button', { name: 'Add record' }));
    await within(form).findByRole('status');
    expect(api.changes.map((c: ChangeOut) => c.note)).toEqual(['delivery']);

    const importPanel = screen.getByRole('region', { name: 'Import CSV' });
    await userEvent.type(within(importPanel).getByLabelText('Note for the import (optional)'), 'March count');
    const csv = new File(['product_id;product_name;date;inventory_level\n1;Apples;01-03-2025;5\n'], 'm.csv');
    await userEvent.upload(within(importPanel).getByLabelText('CSV file'), csv);
    await userEvent.click(await within(importPanel).findByRole('button', { name: 'Commit import' }));
    await within(importPanel).findByText('Import done.');
    const [dryRun, commit] = api.requestsTo('POST', '/api/inventory/import');
    expect(dryRun?.url.searchParams.get('note')).toBeNull();
    expect(commit?.url.searchParams.get('note')).toBe('March count');
  });

  it('the name is kept in this browser and shown again on the next visit', async () => {
    openApples();
    const input = screen.getByRole('textbox', { name: 'Your name' });
    expect(input).toHaveAccessibleDescription('Shown in the history with your changes');
    await userEvent.type(input, '  Ann ');
    await userEvent.tab();
    expect(input).toHaveValue('Ann');
    expect(localStorage.getItem('stockline.actorName')).toBe('Ann');

    cleanup();
    render(<App />);
    expect(screen.getByRole('textbox', { name: 'Your name' })).toHaveValue('Ann');
  });
});
