// CSV import: choose a file, read the dry-run report (or the bad lines), then
// commit. Replace mode is destructive, so it says so before anything is sent.
import { useId, useRef, useState } from 'react';
import type { ImportMode, ImportReport } from '../api/types';
import { MAX_NOTE_LENGTH } from '../lib/text';
import { useImport } from '../state/useImport';

const MAX_LISTED_ERRORS = 200;

function ReportSummary({ report }: { report: ImportReport }) {
  return (
    <dl className="import-report">
      <dt>Rows</dt>
      <dd>{report.rows}</dd>
      <dt>Records written</dt>
      <dd>{report.records_written}</dd>
      <dt>Products created</dt>
      <dd>{report.products_created}</dd>
      <dt>Products removed</dt>
      <dd>{report.products_removed}</dd>
    </dl>
  );
}

export function ImportPanel({ onImported }: { onImported: () => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState('');
  const { state, check, commit } = useImport(() => {
    // The file is imported; clear the picker so it cannot be committed twice.
    if (fileInput.current) fileInput.current.value = '';
    setNote('');
    onImported();
  });
  const id = useId();
  const { phase, file, mode, report, lineErrors, message } = state;
  // message (the problem's detail) only summarises lineErrors, which are listed in full.
  const busy = phase === 'checking' || phase === 'committing';

  function setMode(next: ImportMode) {
    void check(file, next);
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Import CSV</h2>
      <p className="hint">
        The brief&apos;s format: header <code>product_id;product_name;date;inventory_level</code>, then
        optionally a <code>unit</code> column; dates dd-mm-yyyy.
        The file is checked first; nothing is written until you commit.
      </p>
      <div className="form-row">
        <label>
          CSV file
          <input
            ref={fileInput}
            type="file"
            accept=".csv,text/csv"
            disabled={busy}
            onChange={(e) => void check(e.target.files?.[0] ?? null, mode)}
          />
        </label>
        <fieldset className="import-mode" disabled={busy}>
          <legend>Mode</legend>
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'merge'} onChange={() => setMode('merge')} />
            Merge (add and update records)
          </label>
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'replace'} onChange={() => setMode('replace')} />
            Replace everything
          </label>
        </fieldset>
        <div className="field note-field">
          <label htmlFor={`${id}-note`}>Note for the import (optional)</label>
          <input
            id={`${id}-note`}
            value={note}
            maxLength={MAX_NOTE_LENGTH}
            placeholder="Why, for the history"
            disabled={busy}
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
      </div>
      {mode === 'replace' && (
        <p className="warning" role="note">
          Replace deletes every product and record that is not in the file.
        </p>
      )}
      {phase === 'checking' && <p aria-live="polite">Checking {file?.name}…</p>}
      {phase === 'checked' && report && (
        <div className="import-preview" aria-live="polite">
          <p>
            <strong>{file?.name}</strong> is valid. Importing it would do this:
          </p>
          <ReportSummary report={report} />
          <button type="button" className={mode === 'replace' ? 'danger' : 'primary'} onClick={() => void commit(note)}>
            {mode === 'replace' ? 'Commit import (replace everything)' : 'Commit import'}
          </button>
        </div>
      )}
      {phase === 'committing' && <p aria-live="polite">Importing…</p>}
      {phase === 'committed' && report && (
        <div className="feedback success" role="status">
          <p>Import done.</p>
          <ReportSummary report={report} />
          {report.import_id && <p>It is in the history of the products it touched, where it can be undone.</p>}
        </div>
      )}
      {phase === 'invalid' && (
        <div className="import-errors" role="alert">
          <p>
            Nothing was imported: the file has {lineErrors.length} bad {lineErrors.length === 1 ? 'line' : 'lines'}.
          </p>
          <ul>
            {lineErrors.slice(0, MAX_LISTED_ERRORS).map((e, i) => (
              <li key={`${e.line}-${i}`}>
                <span className="line-number">Line {e.line}:</span> {e.message}
              </li>
            ))}
          </ul>
          {lineErrors.length > MAX_LISTED_ERRORS && <p>…and {lineErrors.length - MAX_LISTED_ERRORS} more.</p>}
        </div>
      )}
      {phase === 'failed' && (
        <p className="feedback error" role="alert">
          Import failed: {message}
        </p>
      )}
    </section>
  );
}
