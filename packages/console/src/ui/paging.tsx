import { useCallback, useState } from 'react';

/**
 * Cursor paging over a hub list that answers `{ items, nextCursor }`.
 * `pages` walks forwards and back (Newer / Older); `more` appends the next page below ("Load more").
 */
export type Paging =
  | { mode: 'pages'; pages: CursorPages; nextCursor: string | null | undefined; prevLabel?: string; nextLabel?: string }
  | {
      mode: 'more';
      nextCursor: string | null | undefined;
      loading?: boolean;
      onMore(cursor: string): void;
      label?: string;
    };

export interface CursorPages {
  /** The cursor of the page shown; undefined on the first page. */
  cursor: string | undefined;
  atStart: boolean;
  forward(next: string): void;
  back(): void;
  reset(): void;
}

/** The cursors walked so far, so Newer can step back without the hub keeping state. */
export function useCursorPages(): CursorPages {
  const [stack, setStack] = useState<string[]>([]);
  const forward = useCallback((next: string) => setStack((s) => [...s, next]), []);
  const back = useCallback(() => setStack((s) => s.slice(0, -1)), []);
  const reset = useCallback(() => setStack((s) => (s.length ? [] : s)), []);
  return { cursor: stack[stack.length - 1], atStart: stack.length === 0, forward, back, reset };
}

export function Pager({ paging }: { paging: Paging }) {
  if (paging.mode === 'more') {
    const next = paging.nextCursor;
    if (!next) return null;
    return (
      <nav className="pager" aria-label="Pages">
        <button type="button" className="secondary" disabled={paging.loading} onClick={() => paging.onMore(next)}>
          {paging.loading ? 'Loading…' : (paging.label ?? 'Load more')}
        </button>
      </nav>
    );
  }
  const { pages, nextCursor } = paging;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="secondary" disabled={pages.atStart} onClick={pages.back}>
        {paging.prevLabel ?? 'Newer'}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!nextCursor}
        onClick={() => nextCursor && pages.forward(nextCursor)}
      >
        {paging.nextLabel ?? 'Older'}
      </button>
    </nav>
  );
}
