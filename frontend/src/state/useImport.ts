// Import in two steps: a dry run whose report (or list of bad lines) the user
// reads first, then the real import of the very same file and mode, with the
// person's note for the change history.
import { useCallback, useRef, useState } from 'react';
import { ApiError, importCsv } from '../api/client';
import type { ImportLineError, ImportMode, ImportReport } from '../api/types';

export type ImportPhase = 'idle' | 'checking' | 'checked' | 'invalid' | 'failed' | 'committing' | 'committed';

export interface ImportState {
  phase: ImportPhase;
  file: File | null;
  mode: ImportMode;
  /** The dry run's report, then the real import's. */
  report: ImportReport | null;
  lineErrors: ImportLineError[];
  message: string | null;
}

const INITIAL: ImportState = { phase: 'idle', file: null, mode: 'merge', report: null, lineErrors: [], message: null };

export function useImport(onImported: () => void) {
  const [state, setState] = useState<ImportState>(INITIAL);
  // Answers to an older file or mode are ignored once a newer check started.
  const attempt = useRef(0);

  const check = useCallback(async (file: File | null, mode: ImportMode) => {
    const current = ++attempt.current;
    if (!file) {
      setState({ ...INITIAL, mode });
      return;
    }
    setState({ ...INITIAL, file, mode, phase: 'checking' });
    try {
      const report = await importCsv(file, { mode, dryRun: true });
      if (current === attempt.current) setState({ ...INITIAL, file, mode, phase: 'checked', report });
    } catch (err) {
      if (current !== attempt.current) return;
      const apiError = err instanceof ApiError ? err : null;
      setState({
        ...INITIAL,
        file,
        mode,
        phase: apiError?.errors.length ? 'invalid' : 'failed',
        lineErrors: apiError?.errors ?? [],
        message: apiError ? apiError.detail : String(err),
      });
    }
  }, []);

  const commit = useCallback(async (note = '') => {
    const { file, mode } = state;
    if (!file || state.phase !== 'checked') return;
    const current = ++attempt.current;
    setState((s) => ({ ...s, phase: 'committing', message: null }));
    try {
      const report = await importCsv(file, { mode, dryRun: false, note });
      if (current !== attempt.current) return;
      setState({ ...INITIAL, mode, phase: 'committed', report });
      onImported();
    } catch (err) {
      if (current !== attempt.current) return;
      const apiError = err instanceof ApiError ? err : null;
      setState((s) => ({
        ...s,
        phase: apiError?.errors.length ? 'invalid' : 'failed',
        lineErrors: apiError?.errors ?? [],
        message: apiError ? apiError.detail : String(err),
      }));
    }
  }, [state, onImported]);

  return { state, check, commit };
}
