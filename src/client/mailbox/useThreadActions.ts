import { useCallback, useRef } from 'react';
import { message } from 'antd';
import { MailApiError } from '../api';
import type { FolderChoice, MailActRequest, MailboxApi, MailFolderView, ThreadActState, ThreadSummaryView } from '../mailbox-api';
import { leavesView, rowChange, staysInView } from './thread-actions';
import type { RemovedRow, ThreadListEdits } from './useThreads';

export interface ThreadRef {
  id: string;
  accountId: string;
}

/** Acts on a conversation; resolves with how the server left it, or null when it refused (the reader was told why). */
export type ActOnThread = (thread: ThreadRef, request: MailActRequest) => Promise<ThreadActState | null>;

interface Options {
  api: MailboxApi;
  list: ThreadListEdits & { threads: ThreadSummaryView[] };
  folders: MailFolderView[];
  /** The folder whose conversations are listed. */
  view: FolderChoice;
  selectedId: string | null;
  select(id: string | null): void;
  /** Something changed on the server: folder counts are out of date. */
  onChanged(): void;
}

const pick = (row: ThreadSummaryView, fields: Partial<ThreadSummaryView>): Partial<ThreadSummaryView> =>
  Object.fromEntries(Object.keys(fields).map((k) => [k, row[k as keyof ThreadSummaryView]]));

/**
 * Acting on mail the way a mail client does: the list changes at once (a row
 * that leaves the folder disappears and, if open, closes), the server's answer
 * settles it, and a refusal puts everything back and says why.
 */
export function useThreadActions(options: Options): ActOnThread {
  const latest = useRef(options);
  latest.current = options;

  return useCallback(async (thread, request) => {
    const { api, list, folders, view } = latest.current;
    const wasOpen = latest.current.selectedId === thread.id;
    let removed: RemovedRow | null = null;
    let undo: Partial<ThreadSummaryView> = {};

    const leave = (): RemovedRow | null => {
      if (latest.current.selectedId === thread.id) latest.current.select(null);
      return list.remove(thread.id);
    };
    const comeBack = (row: RemovedRow) => {
      list.reinsert(row);
      if (wasOpen && latest.current.selectedId === null) latest.current.select(thread.id);
    };

    const row = list.threads.find((t) => t.id === thread.id);
    if (leavesView(request, view, folders)) removed = leave();
    else if (row) {
      const change = rowChange(request, row);
      undo = pick(row, change);
      list.patch(thread.id, change);
    }

    try {
      const state = await api.act({ resource: 'mailThreads', id: thread.id }, request);
      const settled = { unreadCount: state.unreadCount, starred: state.starred };
      const stays = staysInView(view, folders, thread.accountId, state.messages);
      if (removed && stays === true) comeBack({ ...removed, row: { ...removed.row, ...settled } });
      else if (!removed && stays === false) leave();
      else list.patch(thread.id, settled);
      latest.current.onChanged();
      return state;
    } catch (e) {
      if (removed) comeBack(removed);
      else list.patch(thread.id, undo);
      void message.error(e instanceof MailApiError ? e.message : String(e));
      return null;
    }
  }, []);
}
