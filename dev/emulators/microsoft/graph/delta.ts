/**
 * Per-folder message delta, as Graph does it: an initial round lists the folder, each
 * later round reports messages created or updated in the folder since the previous
 * deltaLink plus `@removed` entries for messages deleted (`deleted`) or moved out
 * (`changed`). Rounds are paged with `@odata.nextLink` (`Prefer: odata.maxpagesize`).
 *
 * State travels in the tokens (base64url JSON): the change-sequence window of the round
 * and a keyset cursor (seq, id), so paging stays exact while the mailbox changes:
 * anything changed after the round started has a higher seq and shows up next round.
 */
import type { EmulatorResponse } from '../../core';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../constants';
import { GraphHttpError, graphError, syncStateNotFound } from '../errors';
import type { MailFolder, StoredMessage } from '../mailbox';
import { json } from '../http-util';
import { type GraphContext, option } from './context';
import { messageJson, messageRecord, parseSelect, preferredBodyType, METADATA_PROPERTIES } from './message-json';
import { evaluateFilter, filterProperties, parseFilter } from './odata-filter';

type ChangeType = 'created' | 'updated' | 'deleted';

interface DeltaState {
  v: 1;
  /** Mailbox user id and folder id the token belongs to. */
  u: string;
  f: string;
  /** Mailbox epoch: bumping it expires every token. */
  e: number;
  /** Round window: changes with base < seq <= upper (initial round: base = -1, current messages only). */
  base: number;
  upper: number;
  /** Keyset cursor inside the round. */
  after?: [number, string];
  sel?: string;
  filter?: string;
  ct?: ChangeType;
}

const encode = (state: DeltaState): string => Buffer.from(JSON.stringify(state)).toString('base64url');

function decode(token: string): DeltaState | null {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
    return state && state.v === 1 && typeof state.upper === 'number' ? state : null;
  } catch {
    return null;
  }
}

function pageSize(prefer: string | string[] | undefined): number {
  const header = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(header);
  return match ? Math.max(1, Math.min(Number(match[1]), MAX_PAGE_SIZE)) : DEFAULT_PAGE_SIZE;
}

type Entry = { seq: number; id: string } & ({ kind: 'message'; message: StoredMessage; changeType: 'created' | 'updated' } | { kind: 'removed'; reason: 'deleted' | 'changed' });

function roundEntries(ctx: GraphContext, folder: MailFolder, state: DeltaState): Entry[] {
  const entries: Entry[] = [];
  const inFolder = new Set<string>();
  for (const message of ctx.mailbox.messages.values()) {
    if (message.folderId !== folder.id) continue;
    inFolder.add(message.id);
    if (message.seq > state.upper || message.seq <= state.base) continue;
    const changeType = state.base < 0 || message.enteredSeq > state.base ? 'created' : 'updated';
    entries.push({ kind: 'message', seq: message.seq, id: message.id, message, changeType });
  }
  if (state.base >= 0) {
    const seen = new Set<string>();
    for (const tomb of ctx.mailbox.tombstones) {
      if (tomb.folderId !== folder.id || tomb.seq <= state.base || tomb.seq > state.upper) continue;
      if (inFolder.has(tomb.id) || seen.has(tomb.id)) continue;
      seen.add(tomb.id);
      entries.push({ kind: 'removed', seq: tomb.seq, id: tomb.id, reason: tomb.reason });
    }
  }
  const wanted = (entry: Entry): boolean => {
    if (!state.ct) return true;
    if (entry.kind === 'removed') return state.ct === 'deleted';
    return entry.changeType === state.ct;
  };
  return entries.filter(wanted).sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
}

function afterCursor(entry: Entry, cursor: [number, string] | undefined): boolean {
  if (!cursor) return true;
  return entry.seq > cursor[0] || (entry.seq === cursor[0] && entry.id > cursor[1]);
}

export async function folderDelta(ctx: GraphContext, folder: MailFolder): Promise<EmulatorResponse> {
  const { req, mailbox } = ctx;
  const deltaToken = req.query.get('$deltatoken');
  const skipToken = req.query.get('$skiptoken');
  let state: DeltaState;

  if (deltaToken === 'latest') {
    state = { v: 1, u: mailbox.user.id, f: folder.id, e: mailbox.epoch, base: mailbox.currentSeq, upper: mailbox.currentSeq };
    return respond(ctx, folder, state, [], true);
  }
  if (deltaToken || skipToken) {
    const decoded = decode((deltaToken ?? skipToken) as string);
    if (!decoded) return syncStateNotFound(req, 'resyncRequired');
    if (decoded.u !== mailbox.user.id || decoded.f !== folder.id) {
      return graphError(400, 'ErrorInvalidSyncStateData', 'The sync state does not belong to this folder.', req);
    }
    if (decoded.e !== mailbox.epoch) return syncStateNotFound(req);
    state = deltaToken ? { ...decoded, base: decoded.upper, upper: mailbox.currentSeq, after: undefined } : decoded;
  } else {
    const ct = option(req, 'changeType');
    if (ct && !['created', 'updated', 'deleted'].includes(ct)) throw new GraphHttpError(400, 'BadRequest', `Invalid changeType '${ct}'.`);
    state = {
      v: 1,
      u: mailbox.user.id,
      f: folder.id,
      e: mailbox.epoch,
      base: -1,
      upper: mailbox.currentSeq,
      sel: option(req, 'select') ?? undefined,
      filter: option(req, 'filter') ?? undefined,
      ct: (ct as ChangeType | null) ?? undefined,
    };
  }

  const size = pageSize(req.headers.prefer);
  const filter = state.filter ? parseFilter(state.filter) : null;
  const needsContent = filter ? [...filterProperties(filter)].some((name) => !METADATA_PROPERTIES.has(name)) : false;
  const page: Entry[] = [];
  let more = false;
  for (const entry of roundEntries(ctx, folder, state)) {
    if (!afterCursor(entry, state.after)) continue;
    if (filter && entry.kind === 'message' && !evaluateFilter(filter, await messageRecord(mailbox, entry.message, needsContent))) continue;
    if (page.length === size) {
      more = true;
      break;
    }
    page.push(entry);
  }
  const last = page[page.length - 1];
  const next: DeltaState = more && last ? { ...state, after: [last.seq, last.id] } : state;
  return respond(ctx, folder, next, page, !more);
}

async function respond(ctx: GraphContext, folder: MailFolder, state: DeltaState, page: Entry[], complete: boolean): Promise<EmulatorResponse> {
  const view = { select: parseSelect(state.sel ?? null), bodyType: preferredBodyType(ctx.req.headers.prefer) };
  const value = await Promise.all(
    page.map((entry) =>
      entry.kind === 'removed'
        ? Promise.resolve({ '@odata.type': '#microsoft.graph.message', id: entry.id, '@removed': { reason: entry.reason } })
        : messageJson(ctx.mailbox, entry.message, view).then((json) => ({ '@odata.type': '#microsoft.graph.message', ...json })),
    ),
  );
  const link = `${ctx.base}/v1.0/me/mailFolders/${encodeURIComponent(folder.id)}/messages/delta`;
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.base}/v1.0/$metadata#Collection(message)`,
    value,
  };
  if (complete) body['@odata.deltaLink'] = `${link}?$deltatoken=${encode({ ...state, after: undefined })}`;
  else body['@odata.nextLink'] = `${link}?$skiptoken=${encode(state)}`;
  const headers: Record<string, string> = {};
  const prefer = ctx.req.headers.prefer;
  if (prefer && /odata\.maxpagesize/i.test(Array.isArray(prefer) ? prefer.join(',') : prefer)) {
    headers['Preference-Applied'] = `odata.maxpagesize=${pageSize(prefer)}`;
  }
  return json(200, body, headers);
}
