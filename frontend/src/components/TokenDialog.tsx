// Asks for the server's access token when a write is refused with 401: a modal
// <dialog> (focus moves into it and stays there; Escape cancels) registered
// as the client's token prompt. The client retries the write with the token.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { setTokenPrompt, type TokenRequest } from '../api/auth';

interface Asking extends TokenRequest {
  answer: (token: string | null) => void;
}

export function TokenDialog() {
  const [asking, setAsking] = useState<Asking | null>(null);
  const [token, setToken] = useState('');
  const [missing, setMissing] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    let answer: ((token: string | null) => void) | null = null;
    setTokenPrompt(
      (request) =>
        new Promise((resolve) => {
          answer = resolve;
          setToken('');
          setMissing(false);
          setAsking({ ...request, answer: resolve });
        }),
    );
    return () => {
      setTokenPrompt(null);
      answer?.(null); // a write still waiting fails instead of hanging
    };
  }, []);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (asking && !element.open) {
      element.showModal();
      input.current?.focus();
    } else if (!asking && element.open) {
      element.close();
    }
  }, [asking]);

  function finish(value: string | null) {
    asking?.answer(value);
    setAsking(null);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const value = token.trim();
    if (value) finish(value);
    else setMissing(true);
  }

  return (
    <dialog
      ref={dialog}
      className="token-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-why`}
      onCancel={(event) => {
        event.preventDefault();
        finish(null);
      }}
    >
      {asking && (
        <form onSubmit={submit} noValidate>
          <h2 id={`${id}-title`}>{asking.refused ? 'Token not accepted' : 'Access token needed'}</h2>
          <p id={`${id}-why`}>
            {asking.refused ? 'The server refused that token: ' : 'Changing data on this server needs its access token. '}
            <q>{asking.message}</q>
          </p>
          <div className="field">
            <label htmlFor={`${id}-token`}>Access token</label>
            <input
              id={`${id}-token`}
              ref={input}
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => {
                setToken(e.target.value);
                setMissing(false);
              }}
              aria-invalid={missing ? true : undefined}
              aria-describedby={missing ? `${id}-missing` : `${id}-kept`}
            />
            {missing ? (
              <span id={`${id}-missing`} className="field-error" role="alert">
                Enter the token.
              </span>
            ) : (
              <span id={`${id}-kept`} className="hint">
                Kept for this browser tab until it is closed, and sent with every change.
              </span>
            )}
          </div>
          <div className="toolbar">
            <button type="submit" className="primary">
              Use token and retry
            </button>
            <button type="button" onClick={() => finish(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
