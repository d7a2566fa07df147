// A server started with STOCKLINE_API_TOKEN refuses writes without the token
// (401). The UI asks for it once in a dialog, retries, keeps it for the
// session and sends it on every later write.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../src/App';
import { ImportPanel } from '../src/components/ImportPanel';
import { TokenDialog } from '../src/components/TokenDialog';
import { installFakeApi } from './fakes/fakeApi';

const SERVER_SAYS = 'this server needs `Authorization: Bearer <token>` to change data';

function openApplesWithToken(token: string) {
  const api = installFakeApi({ 1: 'Apples' }, [
    [1, '2025-01-01', 10],
    [1, '2025-01-02', 12],
  ]);
  api.token = token;
  window.history.replaceState(null, '', '/?product=1');
  render(<App />);
  return api;
}

const levelInput = (dmy: string) => screen.getByRole('textbox', { name: `Level of Apples on ${dmy}` });
const sentTokens = (api: ReturnType<typeof installFakeApi>, method: string) =>
  api.requests.filter((r) => r.method === method).map((r) => r.headers.get('Authorization'));

async function editAndSave(dmy: string, text: string) {
  await userEvent.click(await screen.findByRole('button', { name: 'Edit levels' }));
  await userEvent.clear(levelInput(dmy));
  await userEvent.type(levelInput(dmy), text);
  await userEvent.click(screen.getByRole('button', { name: 'Save' }));
}

async function answer(dialog: HTMLElement, token: string) {
  const input = within(dialog).getByLabelText('Access token');
  await userEvent.clear(input);
  if (token) await userEvent.type(input, token);
  await userEvent.click(within(dialog).getByRole('button', { name: 'Use token and retry' }));
}

describe('the access token dialog', () => {
  it('asks when a save is refused, asks again with the server message for a wrong token, then saves', async () => {
    const api = openApplesWithToken('s3cret');
    await editAndSave('02-01-2025', '20');

    let dialog = await screen.findByRole('dialog', { name: 'Access token needed' });
    expect(dialog).toHaveAccessibleDescription(`Changing data on this server needs its access token. ${SERVER_SAYS}`);
    expect(within(dialog).getByLabelText('Access token')).toHaveFocus();
    await answer(dialog, '');
    expect(within(dialog).getByLabelText('Access token')).toHaveAccessibleDescription('Enter the token.');

    await answer(dialog, 'wrong');
    dialog = await screen.findByRole('dialog', { name: 'Token not accepted' });
    expect(dialog).toHaveAccessibleDescription(`The server refused that token: ${SERVER_SAYS}`);
    await answer(dialog, 's3cret');

    expect(await screen.findByRole('status')).toHaveTextContent('Saved 1 change.');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.records.get('1|2025-01-02')).toBe(20);
    expect(sentTokens(api, 'PUT')).toEqual([null, 'Bearer wrong', 'Bearer s3cret']);
    expect(sessionStorage.getItem('stockline.apiToken')).toBe('s3cret');

    // Later writes carry it without asking.
    await editAndSave('01-01-2025', '11');
    expect(await screen.findByText('Saved 1 change.')).toBeInTheDocument();
    expect(sentTokens(api, 'PUT').at(-1)).toBe('Bearer s3cret');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('Cancel fails the write with the server message and keeps the typed value', async () => {
    const api = openApplesWithToken('s3cret');
    await editAndSave('02-01-2025', '20');
    const dialog = await screen.findByRole('dialog', { name: 'Access token needed' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(levelInput('02-01-2025')).toHaveAccessibleDescription(SERVER_SAYS));
    expect(levelInput('02-01-2025')).toHaveValue('20');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.records.get('1|2025-01-02')).toBe(12);
  });

  it('an import asks at the dry run, and the commit reuses the token', async () => {
    const api = installFakeApi({});
    api.token = 't0k';
    render(
      <>
        <ImportPanel onImported={vi.fn()} />
        <TokenDialog />
      </>,
    );
    const csv = 'product_id;product_name;date;inventory_level\n1;Apples;01-01-2025;5\n';
    await userEvent.upload(screen.getByLabelText('CSV file'), new File([csv], 'levels.csv', { type: 'text/csv' }));
    await answer(await screen.findByRole('dialog', { name: 'Access token needed' }), 't0k');

    await userEvent.click(await screen.findByRole('button', { name: 'Commit import' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Import done.');
    expect(sentTokens(api, 'POST')).toEqual([null, 'Bearer t0k', 'Bearer t0k']);
  });
});
