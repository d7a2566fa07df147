interface Props {
  page: number;
  pageCount: number;
  first: number;
  last: number;
  total: number;
  onPage: (page: number) => void;
}

export function Pagination({ page, pageCount, first, last, total, onPage }: Props) {
  if (total === 0) return null;
  return (
    <nav className="pagination" aria-label="Table pages">
      <button type="button" onClick={() => onPage(0)} disabled={page === 0}>
        First
      </button>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page === 0}>
        Previous
      </button>
      <span aria-live="polite">
        Rows {first}–{last} of {total} (page {page + 1} of {pageCount})
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pageCount - 1}>
        Next
      </button>
      <button type="button" onClick={() => onPage(pageCount - 1)} disabled={page >= pageCount - 1}>
        Last
      </button>
    </nav>
  );
}
