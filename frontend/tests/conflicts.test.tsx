// Lost updates: every table edit and every added record says which level it
// expects to replace; when someone else changed it meanwhile (412), the person
// sees the stored value and chooses. The fake API changes a level "behind the
// page's back" exactly as another editor would.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi } from './fakes/fakeApi';
import { levelInput, openApples } from './fakes/apples';

const rowOf = (dmy: string) => levelInput(dmy).closest('tr')!;
const puts = (api: ReturnType<typeof installFakeApi>, date: string) =>
  api.requestsTo('PUT', `/api/products/1/inventory/${date}`);
const reloads = (api: ReturnType<typeof installFakeApi>) => api.requestsTo('GET', '/api/inventory').length;

async function edit(dmy: string, text: string) {
  await userEvent.clear(levelInput(dmy));
  await userEvent.type(levelInput(dmy), text);
}

async function saveAfterSomeoneElseChanged(change: () => void) {
  await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
  change();
  await edit('01-01-2025', '11');
  await edit('02-01-2025', '20');
  await userEvent.click(screen.getByRole('button', { name: 'Save' }));
  await screen.findByText(/changed meanwhile, see the marked rows/);
}

describe('a level changed by someone else while it was being edited', () => {
  it('is not overwritten: the row shows the stored value, and "Overwrite with mine" then writes over it', async () => {
    const api = openApples();
    await saveAfterSomeoneElseChanged(() => api.records.set('1|2025-01-02', 15));

    // Each PUT expected the level the person saw.
    expect(puts(api, '2025-01-01')[0]?.headers.get('If-Match')).toBe('"L10"');
    expect(puts(api, '2025-01-02')[0]?.headers.get('If-Match')).toBe('"L12"');
    expect(screen.getByText('Saved 1 of 2; 1 record changed meanwhile, see the marked rows.')).toBeInTheDocument();
    expect(api.records.get('1|2025-01-02')).toBe(15);
    await waitFor(() => expect(levelInput('02-01-2025')).toHaveAccessibleDescription('Changed meanwhile: now 15'));
    expect(levelInput('02-01-2025')).toHaveValue('20');
    expect(rowOf('02-01-2025')).toHaveClass('row-conflict');
    const before = reloads(api);

    await userEvent.click(within(rowOf('02-01-2025')).getByRole('button', { name: 'Overwrite with mine' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved 20 for Apples on 02-01-2025.');
    expect(puts(api, '2025-01-02')[1]?.headers.get('If-Match')).toBe('"L15"');
    expect(api.records.get('1|2025-01-02')).toBe(20);
    // Nothing left to choose: edit mode ends and the table and chart load again.
    await waitFor(() => expect(reloads(api)).toBeGreaterThan(before));
    const row = screen.getByRole('cell', { name: '02-01-2025' }).closest('tr')!;
    await waitFor(() => expect(within(row).getByRole('cell', { name: '20' })).toBeInTheDocument());
    expect(screen.queryByRole('textbox', { name: /Level of/ })).not.toBeInTheDocument();
  });

  it('"Keep theirs" drops the edit and shows the stored value, sending nothing more', async () => {
    const api = openApples();
    await saveAfterSomeoneElseChanged(() => api.records.set('1|2025-01-02', 15));
    await waitFor(() => expect(levelInput('02-01-2025')).toHaveAccessibleDescription('Changed meanwhile: now 15'));

    await userEvent.click(within(rowOf('02-01-2025')).getByRole('button', { name: 'Keep theirs' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Kept 15 for Apples on 02-01-2025.');
    expect(puts(api, '2025-01-02')).toHaveLength(1);
    expect(api.records.get('1|2025-01-02')).toBe(15);
    const row = screen.getByRole('cell', { name: '02-01-2025' }).closest('tr')!;
    expect(within(row).getByRole('cell', { name: '15' })).toBeInTheDocument();
    expect(api.records.get('1|2025-01-01')).toBe(11);
  });

  it('a record deleted meanwhile stays on screen; overwriting creates it only if it is still absent', async () => {
    const api = openApples();
    await saveAfterSomeoneElseChanged(() => api.records.delete('1|2025-01-02'));
    await waitFor(() =>
      expect(levelInput('02-01-2025')).toHaveAccessibleDescription('Changed meanwhile: the record was deleted'),
    );

    // It is created again meanwhile: the overwrite (If-None-Match: *) is refused and the row says so.
    api.records.set('1|2025-01-02', 4);
    await userEvent.click(within(rowOf('02-01-2025')).getByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(levelInput('02-01-2025')).toHaveAccessibleDescription('Changed meanwhile: now 4'));
    expect(puts(api, '2025-01-02')[1]?.headers.get('If-None-Match')).toBe('*');
    expect(screen.getByRole('alert')).toHaveTextContent('The level for Apples on 02-01-2025 changed again; nothing saved.');
    expect(api.records.get('1|2025-01-02')).toBe(4);

    await userEvent.click(within(rowOf('02-01-2025')).getByRole('button', { name: 'Overwrite with mine' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved 20 for Apples on 02-01-2025.');
    expect(puts(api, '2025-01-02')[2]?.headers.get('If-Match')).toBe('"L4"');
    expect(api.records.get('1|2025-01-02')).toBe(20);
  });

  it('Save leaves conflicting rows waiting for a choice and saves the others', async () => {
    const api = openApples();
    await saveAfterSomeoneElseChanged(() => api.records.set('1|2025-01-02', 15));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose “Overwrite with mine” or “Keep theirs” for the marked rows.');

    await edit('03-01-2025', '8');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved 1 change. The marked rows still need a choice.');
    expect(api.records.get('1|2025-01-03')).toBe(8);
    expect(puts(api, '2025-01-02')).toHaveLength(1);
    expect(levelInput('02-01-2025')).toHaveValue('20');
    expect(within(rowOf('02-01-2025')).getByRole('button', { name: 'Keep theirs' })).toHaveAccessibleDescription(
      'Changed meanwhile: now 15',
    );
  });
});

describe('adding a record on a date that already has one', () => {
  it('says so with the stored level, and replaces it only when asked', async () => {
    const api = openApples();
    await screen.findByRole('button', { name: 'Edit levels' });
    const form = screen.getByRole('form', { name: 'Add record' });
    await userEvent.type(within(form).getByLabelText('Date'), '2025-01-02');
    await userEvent.type(within(form).getByLabelText('Level'), '30');
    await userEvent.click(within(form).getByRole('button', { name: 'Add record' }));

    const notice = await within(form).findByRole('alert');
    expect(notice).toHaveTextContent('A record exists for Apples (#1) on 02-01-2025 with level 12.');
    expect(puts(api, '2025-01-02')[0]?.headers.get('If-None-Match')).toBe('*');
    expect(api.records.get('1|2025-01-02')).toBe(12);

    await userEvent.click(within(form).getByRole('button', { name: 'Keep 12' }));
    expect(within(form).queryByRole('alert')).not.toBeInTheDocument();
    expect(puts(api, '2025-01-02')).toHaveLength(1);

    await userEvent.click(within(form).getByRole('button', { name: 'Add record' }));
    await userEvent.click(await within(form).findByRole('button', { name: 'Replace it with 30' }));
    expect(await within(form).findByRole('status')).toHaveTextContent(
      'Replaced the level with 30 for Apples (#1) on 02-01-2025.',
    );
    expect(puts(api, '2025-01-02')[2]?.headers.get('If-Match')).toBe('"L12"');
    expect(api.records.get('1|2025-01-02')).toBe(30);
  });
});
