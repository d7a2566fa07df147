import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ImportPanel } from '../src/components/ImportPanel';
import { installFakeApi } from './fakes/fakeApi';

const CSV = 'product_id;product_name;date;inventory_level\n1;Apples;01-01-2025;5\n1;Apples;02-01-2025;6\n';
const csvFile = () => new File([CSV], 'levels.csv', { type: 'text/csv' });

describe('ImportPanel', () => {
  it('checks the file with a dry run and lists each bad line with its number', async () => {
    const api = installFakeApi({});
    api.importErrors = [
      { line: 3, message: 'date "31-02-2025" is not a valid dd-mm-yyyy date' },
      { line: 5, message: 'inventory_level must be a whole number >= 0' },
    ];
    render(<ImportPanel onImported={vi.fn()} />);
    await userEvent.upload(screen.getByLabelText('CSV file'), csvFile());

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Nothing was imported: the file has 2 bad lines.');
    expect(alert).toHaveTextContent('Line 3: date "31-02-2025" is not a valid dd-mm-yyyy date');
    expect(alert).toHaveTextContent('Line 5: inventory_level must be a whole number >= 0');
    expect(screen.queryByRole('button', { name: /Commit import/ })).not.toBeInTheDocument();

    const sent = api.requestsTo('POST', '/api/inventory/import');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url.searchParams.get('dry_run')).toBe('true');
    expect(sent[0]?.url.searchParams.get('mode')).toBe('merge');
    expect(sent[0]?.body).toBe(CSV);
  });

  it('shows the dry-run report, then commits the same file for real', async () => {
    const api = installFakeApi({});
    const onImported = vi.fn();
    render(<ImportPanel onImported={onImported} />);
    await userEvent.upload(screen.getByLabelText('CSV file'), csvFile());

    const commit = await screen.findByRole('button', { name: 'Commit import' });
    expect(screen.getByText('Rows').nextElementSibling).toHaveTextContent('2');
    expect(screen.getByText('Products created').nextElementSibling).toHaveTextContent('1');
    await userEvent.click(commit);

    expect(await screen.findByRole('status')).toHaveTextContent('Import done.');
    const sent = api.requestsTo('POST', '/api/inventory/import').map((r) => r.url.searchParams.get('dry_run'));
    expect(sent).toEqual(['true', 'false']);
    expect(onImported).toHaveBeenCalledOnce();
  });

  it('warns before a replace and checks again in that mode', async () => {
    const api = installFakeApi({});
    render(<ImportPanel onImported={vi.fn()} />);
    await userEvent.upload(screen.getByLabelText('CSV file'), csvFile());
    await screen.findByRole('button', { name: 'Commit import' });
    await userEvent.click(screen.getByLabelText('Replace everything'));

    expect(screen.getByRole('note')).toHaveTextContent('Replace deletes every product and record that is not in the file.');
    const commit = await screen.findByRole('button', { name: 'Commit import (replace everything)' });
    await userEvent.click(commit);
    await waitFor(() => expect(api.requestsTo('POST', '/api/inventory/import')).toHaveLength(3));
    const modes = api.requestsTo('POST', '/api/inventory/import').map((r) => r.url.searchParams.get('mode'));
    expect(modes).toEqual(['merge', 'replace', 'replace']);
  });
});
