import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { MailApiError } from '../api';
import type { MailboxApi, ThreadQuery, ThreadSummaryView } from '../mailbox-api';

export const PAGE_SIZE = 50;
const MAX_REFRESH = 200;

export type ThreadFilter = Omit<ThreadQuery, 'page' | 'pageSize'>;

interface ListState {
  key: string;
  threads: ThreadSummaryView[];
  hasMore: boolean;
}

/** A row taken out of the list, with where it was, to put it back. */
export interface RemovedRow {
  row: ThreadSummaryView;
  index: number;
}

/** Changes shown at once, before the server confirms them. */
export interface ThreadListEdits {
  patch(id: string, fields: Partial<ThreadSummaryView>): void;
  remove(id: string): RemovedRow | null;
  /** Puts a removed row back where it was (or updates it if it came back meanwhile). */
  reinsert(removed: RemovedRow): void;
}

export interface ThreadsResult extends ThreadListEdits {
  threads: ThreadSummaryView[];
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  loadMore(): void;
}

/**
 * The conversations for a filter, page by page. A change of filter starts over;
 * a change of `refreshKey` re-reads what is already shown (new mail appears on
 * top, nothing the reader scrolled to is lost). Late answers to old requests are dropped.
 */
export function useThreads(api: MailboxApi, filter: ThreadFilter | null, refreshKey: number): ThreadsResult {
  const key = filter ? JSON.stringify(filter) : '';
  const query = useMemo(() => (key ? (JSON.parse(key) as ThreadFilter) : null), [key]);
  const [state, setState] = useState<ListState>({ key: '', threads: [], hasMore: false });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const current = useRef(state);
  current.current = state;

  const fetch = useCallback(
    async (mode: 'reset' | 'more' | 'refresh') => {
      if (!query) return;
      const request = ++latest.current;
      const shown = current.current.key === key ? current.current.threads.length : 0;
      let page = 1;
      let pageSize = PAGE_SIZE;
      if (mode === 'more') page = Math.floor(shown / PAGE_SIZE) + 1;
      if (mode === 'refresh') pageSize = Math.min(MAX_REFRESH, Math.max(PAGE_SIZE, Math.ceil(shown / PAGE_SIZE) * PAGE_SIZE));
      setLoading(true);
      try {
        const result = await api.threads({ ...query, page, pageSize });
        if (request !== latest.current) return;
        setState((prev) => {
          const base = mode === 'more' && prev.key === key ? prev.threads : [];
          const seen = new Set(base.map((t) => t.id));
          return { key, threads: [...base, ...result.rows.filter((t) => !seen.has(t.id))], hasMore: result.hasMore };
        });
        setError(null);
      } catch (e) {
        if (request === latest.current) setError(e instanceof MailApiError ? e.message : String(e));
      } finally {
        if (request === latest.current) setLoading(false);
      }
    },
    [api, key, query],
  );

  useEffect(() => {
    setState({ key, threads: [], hasMore: false });
    void fetch('reset');
  }, [fetch, key]);

  const firstRefresh = useRef(refreshKey);
  useEffect(() => {
    if (refreshKey === firstRefresh.current) return;
    void fetch('refresh');
    // Only a new refreshKey triggers this; filter changes are handled above.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshKey]);

  // Edits apply to the list they were made on; a list for another filter is left alone.
  const edits = useMemo<ThreadListEdits>(
    () => ({
      patch(id, fields) {
        setState((prev) => (prev.key === key ? { ...prev, threads: prev.threads.map((t) => (t.id === id ? { ...t, ...fields } : t)) } : prev));
      },
      remove(id) {
        const shown = current.current;
        const index = shown.key === key ? shown.threads.findIndex((t) => t.id === id) : -1;
        if (index < 0) return null;
        const removed = { row: shown.threads[index], index };
        setState((prev) => (prev.key === key ? { ...prev, threads: prev.threads.filter((t) => t.id !== id) } : prev));
        return removed;
      },
      reinsert({ row, index }) {
        setState((prev) => {
          if (prev.key !== key) return prev;
          if (prev.threads.some((t) => t.id === row.id)) return { ...prev, threads: prev.threads.map((t) => (t.id === row.id ? row : t)) };
          const threads = [...prev.threads];
          threads.splice(Math.min(index, threads.length), 0, row);
          return { ...prev, threads };
        });
      },
    }),
    [key],
  );

  const visible = state.key === key ? state : { threads: [], hasMore: false };
  return {
    threads: visible.threads,
    hasMore: visible.hasMore,
    loading,
    error,
    loadMore: () => {
      if (!loading) void fetch('more');
    },
    ...edits,
  };
}
