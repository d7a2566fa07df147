import { afterEach, describe, expect, it, vi } from 'vitest';
import { setTokenPrompt, storedToken, type TokenRequest } from '../src/api/auth';
import { getInventory, importCsv, recordEtag, setLevel } from '../src/api/client';
import { installFakeApi } from './fakes/fakeApi';

afterEach(() => setTokenPrompt(null));

describe('record preconditions', () => {
  it('sends If-Match for a level seen, If-None-Match: * for a new record, and reads the new ETag', async () => {
    const api = installFakeApi({ 1: 'Apples' }, [[1, '2025-01-01', 10]]);
    expect(recordEtag(10)).toBe('"L10"');
    await expect(setLevel(1, '2025-01-01', 11, '"L10"')).resolves.toMatchObject({ created: false, etag: '"L11"' });
    await expect(setLevel(1, '2025-01-02', 5, null)).resolves.toMatchObject({ created: true, etag: '"L5"' });
    const [replace, create] = api.requests.filter((r) => r.method === 'PUT');
    expect(replace?.headers.get('If-Match')).toBe('"L10"');
    expect(replace?.headers.has('If-None-Match')).toBe(false);
    expect(create?.headers.get('If-None-Match')).toBe('*');
    expect(create?.headers.has('If-Match')).toBe(false);
  });

  it('a refused precondition is a 412 carrying the record as stored now, or null when there is none', async () => {
    const api = installFakeApi({ 1: 'Apples' }, [[1, '2025-01-01', 9]]);
    await expect(setLevel(1, '2025-01-01', 11, '"L10"')).rejects.toMatchObject({
      status: 412,
      current: { level: 9, etag: '"L9"' },
    });
    await expect(setLevel(1, '2025-01-01', 11, null)).rejects.toMatchObject({ current: { level: 9, etag: '"L9"' } });
    await expect(setLevel(1, '2025-01-05', 11, '"L10"')).rejects.toMatchObject({
      status: 412,
      current: { level: null, etag: null },
    });
    expect(api.records.get('1|2025-01-01')).toBe(9);
  });
});

describe('the write token', () => {
  it('asks once for parallel refused writes, retries them with it, and sends it on every later write only', async () => {
    const api = installFakeApi({ 1: 'Apples' }, [[1, '2025-01-01', 10]]);
    api.token = 's3cret';
    const prompt = vi.fn<(request: TokenRequest) => Promise<string | null>>(async () => 's3cret');
    setTokenPrompt(prompt);

    await Promise.all([setLevel(1, '2025-01-02', 1), setLevel(1, '2025-01-03', 2), setLevel(1, '2025-01-04', 3)]);
    expect(prompt).toHaveBeenCalledOnce();
    expect(prompt.mock.calls[0]?.[0]).toEqual({
      refused: false,
      message: 'this server needs `Authorization: Bearer <token>` to change data',
    });
    expect(storedToken()).toBe('s3cret');
    expect(api.records.get('1|2025-01-04')).toBe(3);

    await importCsv('product_id;product_name;date;inventory_level\n', { mode: 'merge', dryRun: true });
    await getInventory({ productIds: [1] });
    expect(prompt).toHaveBeenCalledOnce();
    const imported = api.requestsTo('POST', '/api/inventory/import');
    expect(imported.map((r) => r.headers.get('Authorization'))).toEqual(['Bearer s3cret']);
    expect(api.requestsTo('GET', '/api/inventory')[0]?.headers.has('Authorization')).toBe(false);
  });

  it('asks again, saying so, when the token is refused; cancelling fails the write with the 401', async () => {
    const api = installFakeApi({ 1: 'Apples' });
    api.token = 'right';
    const answers = ['wrong', null];
    const prompt = vi.fn<(request: TokenRequest) => Promise<string | null>>(async () => answers.shift() ?? null);
    setTokenPrompt(prompt);

    await expect(setLevel(1, '2025-01-01', 4)).rejects.toMatchObject({ status: 401 });
    expect(prompt.mock.calls.map(([request]) => request.refused)).toEqual([false, true]);
    const sent = api.requests.filter((r) => r.method === 'PUT').map((r) => r.headers.get('Authorization'));
    expect(sent).toEqual([null, 'Bearer wrong']);
    expect(storedToken()).toBeNull();
    expect(api.records.size).toBe(0);
  });

  it('without a dialog to ask, a refused write just fails', async () => {
    const api = installFakeApi({ 1: 'Apples' });
    api.token = 'right';
    await expect(setLevel(1, '2025-01-01', 4)).rejects.toMatchObject({ status: 401 });
  });
});
