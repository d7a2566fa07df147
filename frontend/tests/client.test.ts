import { describe, expect, it, vi } from 'vitest';
import { ApiError, exportUrl, getInventory, importCsv, queryString, setLevel } from '../src/api/client';

function respond(body: string, status: number, contentType: string) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': contentType } })));
}

describe('api client', () => {
  it('repeats product_id in the inventory query and skips empty dates', async () => {
    const fetchMock = vi.fn(async () => new Response('[]', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await getInventory({ productIds: [1, 2], start: '2025-01-01', end: null });
    expect(fetchMock).toHaveBeenCalledWith('/api/inventory?product_id=1&product_id=2&start=2025-01-01', expect.anything());
  });

  it('turns problem details into an ApiError with status, detail and line errors', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Unprocessable',
      status: 422,
      detail: 'The file has 2 bad lines.',
      errors: [
        { line: 3, message: 'bad date "31-02-2025"' },
        { line: 7, message: 'level must be >= 0' },
      ],
    };
    respond(JSON.stringify(problem), 422, 'application/problem+json');
    const error = await importCsv('x', { mode: 'merge', dryRun: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, detail: 'The file has 2 bad lines.', errors: problem.errors });
  });

  it('falls back to the title, then the text, when there is no detail', async () => {
    respond(JSON.stringify({ title: 'Not Found', status: 404 }), 404, 'application/problem+json');
    await expect(setLevel(1, '2025-01-01', 3)).rejects.toMatchObject({ status: 404, detail: 'Not Found' });
    respond('upstream down', 502, 'text/plain');
    await expect(setLevel(1, '2025-01-01', 3)).rejects.toMatchObject({ status: 502, detail: 'upstream down' });
  });

  it('reports an unreachable server as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(setLevel(1, '2025-01-01', 3)).rejects.toMatchObject({ status: 0 });
  });

  it('tells a created record from a replaced one', async () => {
    const row = { product_id: 1, product_name: 'A', date: '2025-01-01', inventory_level: 3 };
    respond(JSON.stringify(row), 201, 'application/json');
    await expect(setLevel(1, '2025-01-01', 3)).resolves.toEqual({ row, created: true, etag: null });
    respond(JSON.stringify(row), 200, 'application/json');
    await expect(setLevel(1, '2025-01-01', 3)).resolves.toEqual({ row, created: false, etag: null });
  });

  it('builds query strings and export links', () => {
    expect(queryString({ a: undefined, b: '', c: 0, d: [1, 2] })).toBe('?c=0&d=1&d=2');
    expect(exportUrl([3, 4])).toBe('/api/inventory/export?product_id=3&product_id=4');
  });
});
