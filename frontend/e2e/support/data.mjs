// Deterministic sample data in the brief's CSV format, and a thin client for
// seeding and checking through the real API.

export const PRODUCTS = ['Blue Widget', 'Red Gadget', 'Green Sprocket', 'Yellow Gizmo', 'Purple Doohickey'];
export const FIRST_DAY = '2023-01-01';
export const DAYS = 3 * 365 + 1;

const pad = (n) => String(n).padStart(2, '0');
export const isoToDmy = (iso) => iso.split('-').reverse().join('-');

function isoDay(offset) {
  const d = new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + offset * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Daily levels: stock sells down at random and is restocked when low. */
export function sampleCsv(productCount = PRODUCTS.length, days = DAYS) {
  const lines = ['product_id;product_name;date;inventory_level'];
  for (let p = 0; p < productCount; p++) {
    let seed = 1234 + p * 97;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let level = 120 + p * 40;
    for (let day = 0; day < days; day++) {
      level -= Math.floor(random() * (6 + p * 2));
      if (level < 25) level += 150 + Math.floor(random() * 150);
      lines.push(`${p + 1};${PRODUCTS[p]};${isoToDmy(isoDay(day))};${Math.max(level, 0)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `token`: sent as `Authorization: Bearer` on writes, for a server started with STOCKLINE_API_TOKEN. */
export function apiClient(baseUrl, token = null) {
  async function call(method, path, body, contentType = 'application/json') {
    const headers = body === undefined ? {} : { 'Content-Type': contentType };
    if (token && method !== 'GET') headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : body,
      headers,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return {
    importCsv: (csv, mode = 'merge') => call('POST', `/api/inventory/import?mode=${mode}&dry_run=false`, csv, 'text/csv'),
    inventory: (...ids) => call('GET', `/api/inventory?${ids.map((id) => `product_id=${id}`).join('&')}`),
    setLevel: (id, date, level) => call('PUT', `/api/products/${id}/inventory/${date}`, { inventory_level: level }),
    level: async (id, date) => (await call('GET', `/api/products/${id}/inventory/${date}`)).inventory_level,
    /** The change history, newest first: `query` is a query string such as `product_id=1&limit=5`. */
    changes: async (query) => (await call('GET', `/api/changes?${query}`)).items,
  };
}
