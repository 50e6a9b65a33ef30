import type { EmulatorRequest } from '../core';
import type { Mailbox } from './mailbox';
import type { StoredMessage } from './message';
import { compileQuery } from './search';

export interface ListParams {
  q: string;
  labelIds: string[];
  includeSpamTrash: boolean;
  maxResults: number;
  pageToken: string | null;
}

export function listParams(req: EmulatorRequest, defaultMax = 100, limit = 500): ListParams {
  const max = Number(req.query.get('maxResults') ?? defaultMax);
  return {
    q: req.query.get('q') ?? '',
    labelIds: req.query.getAll('labelIds'),
    includeSpamTrash: req.query.get('includeSpamTrash') === 'true',
    maxResults: Number.isFinite(max) && max > 0 ? Math.min(Math.floor(max), limit) : defaultMax,
    pageToken: req.query.get('pageToken'),
  };
}

/** Messages matching list filters, newest first (spam and trash hidden unless asked for). */
export function matchingMessages(mailbox: Mailbox, params: ListParams): StoredMessage[] {
  const query = params.q.trim() ? compileQuery(params.q, mailbox) : null;
  const showSpamTrash =
    params.includeSpamTrash || (query?.includesSpamTrash ?? false) || params.labelIds.includes('SPAM') || params.labelIds.includes('TRASH');
  const out: StoredMessage[] = [];
  for (const m of mailbox.messages.values()) {
    if (!showSpamTrash && (m.labelIds.has('SPAM') || m.labelIds.has('TRASH'))) continue;
    if (!params.labelIds.every((l) => m.labelIds.has(l))) continue;
    if (query && !query.matches(m)) continue;
    out.push(m);
  }
  return out.sort(newestFirst);
}

export function newestFirst(a: StoredMessage, b: StoredMessage): number {
  return b.internalDate - a.internalDate || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Page of a sorted list; the token remembers the last item's sort key so inserts do not shift pages. */
export function page<T>(items: T[], params: { maxResults: number; pageToken: string | null }, key: (item: T) => string): { items: T[]; nextPageToken?: string } {
  let start = 0;
  if (params.pageToken) {
    const after = Buffer.from(params.pageToken, 'base64url').toString('utf8');
    const index = items.findIndex((item) => key(item) === after);
    start = index >= 0 ? index + 1 : items.findIndex((item) => key(item) < after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + params.maxResults);
  const more = start + params.maxResults < items.length;
  return { items: slice, ...(more ? { nextPageToken: Buffer.from(key(slice[slice.length - 1]), 'utf8').toString('base64url') } : {}) };
}

/** Sort key that orders like `newestFirst` when compared descending as strings. */
export function messageKey(m: StoredMessage): string {
  return `${String(m.internalDate).padStart(15, '0')}:${m.id}`;
}
