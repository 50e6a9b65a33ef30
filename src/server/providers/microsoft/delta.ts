/**
 * Incremental sync with Graph message delta, one delta round per mail folder.
 *
 * Cursor: `{ deltaLinks: { [folderId]: url } }`. Graph has no documented way to get a
 * message delta token without walking a round to its end, so `currentCursor` walks
 * every folder with `$select=id` (cheap pages, contents discarded). It runs before the
 * initial listing, so mail that arrives while the listing runs is in the next delta.
 *
 * Changes: delta pages only carry ids (the `$select` is baked into the links). Changed
 * ids are fetched in full through `$batch` and returned in `added` (the store upserts,
 * so "new" and "flag changed" need no distinction here). `@removed` entries are
 * checked the same way: a message that still exists was moved (returned with its new
 * folder), one that is gone is `deleted`. Immutable ids keep a moved message's id.
 */
import { CursorExpired, ProviderError } from '../errors';
import type { ChangePage, SyncCursor } from '../types';
import { DELTA_ID_PAGE_SIZE } from './constants';
import { walkFolders, type GraphPage } from './folders';
import type { GraphApi } from './graph-client';
import { fetchGraphMessages } from './messages';
import { normalizeAll, type GraphMessage } from './normalize';

export interface DeltaCursor extends SyncCursor {
  deltaLinks: Record<string, string>;
}

/** Paging state of one changesSince run, carried in `pageToken`. */
interface DeltaRun {
  /** Folder → link still to follow (the stored deltaLink or a nextLink). */
  pending: Record<string, string>;
  /** Folder → new deltaLink once its round reached the end. */
  done: Record<string, string>;
}

const MAX_PAGE_SIZE_PREFER = `odata.maxpagesize=${DELTA_ID_PAGE_SIZE}`;
/** Stop gathering delta pages for one ChangePage once this many ids are waiting to be fetched. */
const CHANGES_PER_PAGE = 100;

const initialDeltaLink = (folderId: string) => `/me/mailFolders/${encodeURIComponent(folderId)}/messages/delta?$select=id`;

export function isDeltaCursor(cursor: SyncCursor | null | undefined): cursor is DeltaCursor {
  const links = (cursor as { deltaLinks?: unknown } | null | undefined)?.deltaLinks;
  return !!links && typeof links === 'object' && Object.values(links).every((v) => typeof v === 'string');
}

/** Walks one folder's delta round to its end; returns the deltaLink. */
async function walkToEnd(api: GraphApi, start: string): Promise<string> {
  let link = start;
  for (;;) {
    const page = await api.get<GraphPage<GraphMessage>>(link, [MAX_PAGE_SIZE_PREFER]);
    if (page['@odata.deltaLink']) return page['@odata.deltaLink'];
    if (!page['@odata.nextLink']) throw new ProviderError('PROVIDER_ERROR', 'Graph ended a delta round without a delta link.');
    link = page['@odata.nextLink'];
  }
}

export async function currentCursor(api: GraphApi): Promise<DeltaCursor> {
  const folders = await walkFolders(api);
  const deltaLinks: Record<string, string> = {};
  for (const folder of folders) {
    try {
      deltaLinks[folder.id] = await walkToEnd(api, initialDeltaLink(folder.id));
    } catch (e) {
      // A folder deleted while we walk simply has nothing to track.
      if (e instanceof ProviderError && e.code === 'NOT_FOUND') continue;
      throw e;
    }
  }
  return { deltaLinks };
}

function encodeRun(run: DeltaRun): string {
  return Buffer.from(JSON.stringify(run), 'utf8').toString('base64url');
}

function decodeRun(token: string): DeltaRun {
  try {
    const run = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaRun;
    if (run && typeof run.pending === 'object' && typeof run.done === 'object') return run;
  } catch {
    // fall through
  }
  throw new ProviderError('PROVIDER_ERROR', 'The Outlook change page token is not one this adapter issued.');
}

/** Starts a run: the stored links, plus folders created since the cursor was taken (read from their start). */
async function startRun(api: GraphApi, cursor: DeltaCursor): Promise<DeltaRun> {
  const pending: Record<string, string> = {};
  const folders = await walkFolders(api);
  for (const folder of folders) pending[folder.id] = cursor.deltaLinks[folder.id] ?? initialDeltaLink(folder.id);
  // Folders that no longer exist are dropped: their messages were moved or deleted with them,
  // which the other folders' rounds and the removal checks report.
  return { pending, done: {} };
}

export async function changesSince(api: GraphApi, cursor: SyncCursor, pageToken?: string | null): Promise<ChangePage> {
  if (!isDeltaCursor(cursor)) throw new CursorExpired('The stored Outlook sync position is unreadable; the sync window will be read again.');
  const run = pageToken ? decodeRun(pageToken) : await startRun(api, cursor);

  const changed = new Set<string>();
  const removed = new Set<string>();
  while (Object.keys(run.pending).length > 0 && changed.size + removed.size < CHANGES_PER_PAGE) {
    const [folderId, link] = Object.entries(run.pending)[0];
    let page: GraphPage<GraphMessage>;
    try {
      page = await api.get<GraphPage<GraphMessage>>(link, [MAX_PAGE_SIZE_PREFER]);
    } catch (e) {
      if (e instanceof ProviderError && e.code === 'NOT_FOUND') {
        delete run.pending[folderId]; // folder deleted since the run started
        continue;
      }
      throw e; // 410 arrives here as CursorExpired
    }
    for (const item of page.value ?? []) {
      if (item['@removed']) removed.add(item.id);
      else changed.add(item.id);
    }
    if (page['@odata.nextLink']) {
      run.pending[folderId] = page['@odata.nextLink'];
    } else {
      delete run.pending[folderId];
      if (page['@odata.deltaLink']) run.done[folderId] = page['@odata.deltaLink'];
    }
  }

  const fetched = await fetchGraphMessages(api, [...changed, ...removed]);
  const { messages, failures } = normalizeAll(fetched.found);
  const finished = Object.keys(run.pending).length === 0;
  return {
    added: messages,
    updated: [],
    deleted: fetched.missing,
    failures: [...fetched.failures, ...failures],
    pageToken: finished ? null : encodeRun(run),
    cursor: finished ? ({ deltaLinks: run.done } satisfies DeltaCursor) : cursor,
  };
}
