// The write token. A server started with STOCKLINE_API_TOKEN refuses writes
// without `Authorization: Bearer <token>` (401); reads stay open. The token is
// asked for once, when a write is first refused, kept for the browser tab's
// session and sent with every later write.

const STORAGE_KEY = 'stockline.apiToken';
let memoryToken: string | null = null;

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return memoryToken; // storage disabled: the token lives as long as the page
  }
}

export function storeToken(token: string | null): void {
  memoryToken = token;
  try {
    if (token === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // kept in memory only
  }
}

/** Why the token is asked for: none was sent, or the one sent was refused. */
export interface TokenRequest {
  refused: boolean;
  /** The server's detail from its 401. */
  message: string;
}

/** Shows the request to the person; resolves with the token, or null when they cancel. */
export type TokenPrompt = (request: TokenRequest) => Promise<string | null>;

let prompt: TokenPrompt | null = null;
let pending: Promise<string | null> | null = null;

/** The UI registers the dialog that asks; without one, a refused write just fails. */
export function setTokenPrompt(next: TokenPrompt | null): void {
  prompt = next;
}

/** Asks for the token; writes refused at the same time share the one question. */
export function askForToken(request: TokenRequest): Promise<string | null> {
  if (!pending) {
    const asked = prompt ? prompt(request) : Promise.resolve(null);
    pending = asked.finally(() => {
      pending = null;
    });
  }
  return pending;
}
