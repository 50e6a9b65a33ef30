/**
 * Typed calls for reading mail: folders, the conversations of a folder, a
 * conversation's messages, a message's safe body and its attachments; for
 * acting on mail (read, star, archive, trash, move); and for writing mail
 * (the compose form's starting point, sending).
 * Components depend on `MailboxApi` so tests can hand them a fake.
 */
import type { ComposeDraft, ComposeMode, ComposeUpload, MailActRequest, SendRequest, SendResult, ThreadListPage, ThreadListRow, WireAddress } from '../shared/wire-types';
import { createContext, useContext } from 'react';
import type { APIClient } from '@nocobase/client';
import { callMailAction, MailApiError, toMailApiError } from './api';

export type FolderRole = 'inbox' | 'sent' | 'drafts' | 'trash' | 'spam' | 'archive' | 'starred' | 'important' | 'custom';

export interface MailAddressView {
  name?: string | null;
  address: string;
}

export interface MailFolderView {
  id: string;
  accountId: string;
  providerId: string;
  name: string;
  role: FolderRole;
  kind: 'system' | 'user' | 'folder' | null;
  unreadCount: number;
  totalCount: number;
}

/** A conversation row and a page of them, as `mailThreads:browse` returns them. */
export type ThreadSummaryView = ThreadListRow;
export type ThreadPage = ThreadListPage;

/** Which conversations to show: a role in every chosen account, one folder, or all mail. */
export type FolderChoice = { role: FolderRole } | { folderId: string } | null;

export interface ThreadQuery {
  accountIds: string[];
  folder: FolderChoice;
  search: string;
  page: number;
  pageSize: number;
}

export interface MailAttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
}

export interface MailMessageView {
  id: string;
  accountId: string;
  threadRowId: string;
  subject: string;
  fromAddress: string | null;
  fromName: string | null;
  to: MailAddressView[];
  cc: MailAddressView[];
  bcc: MailAddressView[];
  date: string | null;
  snippet: string;
  read: boolean;
  starred: boolean;
  draft: boolean;
  hasAttachments: boolean;
  /** The folders it is in, as the provider names them (`INBOX`, a Graph folder id…). */
  folderIds: string[];
  attachments: MailAttachmentView[];
}

export interface MessageBody {
  /** Sanitized on the server; shown only inside a sandboxed frame. */
  html: string;
  text: string;
  remoteImagesBlocked: number;
  hasRemoteContent: boolean;
  /** Set (html empty) when the body is too large to display: the reader downloads it instead. */
  tooLarge?: { chars: number; limitChars: number };
}

export type { ComposeDraft, ComposeMode, ComposeUpload, MailActRequest, SendRequest, SendResult, WireAddress };

/** Where a compose form starts: a new message from an account, or an answer to / forward of a message. */
export type ComposeStart = { mode: 'new'; accountId: string } | { mode: Exclude<ComposeMode, 'new'>; messageId: string };

/** What to act on: a whole conversation or one of its messages. */
export interface MailActTarget {
  resource: 'mailThreads' | 'mailMessages';
  id: string;
}

/** A message's flags after an action. */
export interface MessageFlags {
  id: string;
  read: boolean;
  starred: boolean;
  folderIds: string[];
}

/** The conversation after an action, as the server settled it. */
export interface ThreadActState {
  threadId: string;
  unreadCount: number;
  starred: boolean;
  folderIds: string[];
  messages: MessageFlags[];
}

export interface MailboxApi {
  folders(accountIds: string[]): Promise<MailFolderView[]>;
  threads(query: ThreadQuery): Promise<ThreadPage>;
  threadMessages(threadId: string): Promise<MailMessageView[]>;
  messageBody(messageId: string, allowRemoteImages: boolean): Promise<MessageBody>;
  downloadAttachment(attachmentId: string): Promise<Blob>;
  /** A body too large to display, as the file the server names. */
  downloadMessageBody(messageId: string): Promise<{ blob: Blob; filename: string }>;
  act(target: MailActTarget, request: MailActRequest): Promise<ThreadActState>;
  /** `allowRemoteImages`: the quote with the original's remote images (the writer chose "Show images"). */
  composeDraft(start: ComposeStart, options?: { allowRemoteImages?: boolean }): Promise<ComposeDraft>;
  send(request: SendRequest): Promise<SendResult>;
}

type Row = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
// SQLite and MariaDB answer booleans as 0 / 1.
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined && x !== '').map(String) : []);
const addresses = (v: unknown): MailAddressView[] => (Array.isArray(v) ? (v as MailAddressView[]).filter((a) => a && typeof a.address === 'string') : []);

function toFolder(r: Row): MailFolderView {
  return {
    id: str(r.id),
    accountId: str(r.accountId),
    providerId: str(r.providerId),
    name: str(r.name) || str(r.providerId),
    role: (str(r.role) || 'custom') as FolderRole,
    kind: (strOrNull(r.kind) as MailFolderView['kind']) ?? null,
    unreadCount: Number(r.unreadCount ?? 0),
    totalCount: Number(r.totalCount ?? 0),
  };
}

function toAttachment(r: Row): MailAttachmentView {
  return {
    id: str(r.id),
    filename: str(r.filename) || 'attachment',
    contentType: str(r.contentType) || 'application/octet-stream',
    size: Number(r.size ?? 0),
    contentId: strOrNull(r.contentId),
    inline: bool(r.inline),
  };
}

function toMessage(r: Row): MailMessageView {
  return {
    id: str(r.id),
    accountId: str(r.accountId),
    threadRowId: str(r.threadRowId),
    subject: str(r.subject),
    fromAddress: strOrNull(r.fromAddress),
    fromName: strOrNull(r.fromName),
    to: addresses(r.to),
    cc: addresses(r.cc),
    bcc: addresses(r.bcc),
    date: strOrNull(r.date),
    snippet: str(r.snippet),
    read: bool(r.read),
    starred: bool(r.starred),
    draft: bool(r.draft),
    hasAttachments: bool(r.hasAttachments),
    folderIds: ids(r.folderIds),
    attachments: Array.isArray(r.attachments) ? (r.attachments as Row[]).map(toAttachment) : [],
  };
}

function toActState(r: Row): ThreadActState {
  return {
    threadId: str(r.threadId),
    unreadCount: Number(r.unreadCount ?? 0),
    starred: bool(r.starred),
    folderIds: ids(r.folderIds),
    messages: Array.isArray(r.messages)
      ? (r.messages as Row[]).map((m) => ({ id: str(m.id), read: bool(m.read), starred: bool(m.starred), folderIds: ids(m.folderIds) }))
      : [],
  };
}

const wireAddress = (v: unknown): WireAddress | null => {
  const a = v as { name?: unknown; address?: unknown } | null;
  return a && typeof a.address === 'string' && a.address ? { name: strOrNull(a.name), address: a.address } : null;
};
const wireAddresses = (v: unknown): WireAddress[] => (Array.isArray(v) ? v.map(wireAddress).filter((a): a is WireAddress => a !== null) : []);

function toDraft(r: Row, start: ComposeStart): ComposeDraft {
  const fromChoices = wireAddresses(r.fromChoices);
  const from = wireAddress(r.from) ?? fromChoices[0] ?? { name: null, address: '' };
  return {
    accountId: str(r.accountId),
    mode: (str(r.mode) || start.mode) as ComposeMode,
    originalId: strOrNull(r.originalId),
    // The sender is always one of the choices, even if the server listed it apart.
    fromChoices: fromChoices.some((c) => c.address.toLowerCase() === from.address.toLowerCase()) || !from.address ? fromChoices : [from, ...fromChoices],
    from,
    to: wireAddresses(r.to),
    cc: wireAddresses(r.cc),
    subject: str(r.subject),
    quotedHtml: str(r.quotedHtml),
    quotedRemoteImagesBlocked: Number(r.quotedRemoteImagesBlocked ?? 0) || 0,
    forwardAttachments: Array.isArray(r.forwardAttachments)
      ? (r.forwardAttachments as Row[]).map((a) => ({ id: str(a.id), filename: str(a.filename) || 'attachment', contentType: str(a.contentType) || 'application/octet-stream', size: Number(a.size ?? 0) }))
      : [],
  };
}

function toSendResult(r: Row): SendResult {
  return { outboxId: str(r.outboxId), status: 'sent', messageId: strOrNull(r.messageId), threadId: strOrNull(r.threadId) };
}

const MESSAGE_FIELDS = ['id', 'accountId', 'threadRowId', 'subject', 'fromAddress', 'fromName', 'to', 'cc', 'bcc', 'date', 'snippet', 'read', 'starred', 'draft', 'hasAttachments', 'folderIds'];

/** A blob error body (the download asked for bytes) read back as the server's explanation. */
async function blobError(e: unknown): Promise<MailApiError> {
  const response = (e as { response?: { status?: number; data?: unknown } }).response;
  if (response && typeof Blob !== 'undefined' && response.data instanceof Blob) {
    try {
      const data = JSON.parse(await response.data.text()) as unknown;
      return toMailApiError({ response: { status: response.status, data } });
    } catch {
      return toMailApiError({ response: { status: response.status } });
    }
  }
  return toMailApiError(e);
}

export function createMailboxApi(client: APIClient): MailboxApi {
  const query = (params: Record<string, string | number | undefined>) =>
    new URLSearchParams(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)])).toString();

  return {
    async folders(accountIds) {
      const filter = accountIds.length ? JSON.stringify({ accountId: { $in: accountIds } }) : undefined;
      const rows = await callMailAction<Row[]>(client, `mailFolders:list?${query({ paginate: 'false', sort: 'name', filter })}`);
      return rows.map(toFolder);
    },

    async threads(q) {
      const folder = q.folder && 'role' in q.folder ? { folderRole: q.folder.role } : q.folder ? { folderId: q.folder.folderId } : {};
      const url = `mailThreads:browse?${query({ accountId: q.accountIds.join(',') || undefined, ...folder, q: q.search.trim() || undefined, page: q.page, pageSize: q.pageSize })}`;
      try {
        // The host moves `rows` to `data` and the rest to `meta`.
        const res = await client.request<{ data: ThreadSummaryView[]; meta: Omit<ThreadPage, 'rows'> }>({ url, method: 'get', skipNotify: true });
        return { rows: res.data.data ?? [], ...res.data.meta };
      } catch (e) {
        throw toMailApiError(e);
      }
    },

    async threadMessages(threadId) {
      const params = query({
        paginate: 'false',
        sort: 'date',
        filter: JSON.stringify({ threadRowId: threadId }),
        appends: 'attachments',
      });
      const fields = MESSAGE_FIELDS.map((f) => `fields[]=${f}`).join('&');
      const rows = await callMailAction<Row[]>(client, `mailMessages:list?${params}&${fields}`);
      return rows.map(toMessage);
    },

    messageBody(messageId, allowRemoteImages) {
      return callMailAction<MessageBody>(client, `mailMessages:body?${query({ filterByTk: messageId, allowRemoteImages: allowRemoteImages ? 1 : undefined })}`);
    },

    async downloadAttachment(attachmentId) {
      try {
        const res = await client.request<Blob>({ url: `mailAttachments:download?${query({ filterByTk: attachmentId })}`, method: 'get', responseType: 'blob', skipNotify: true });
        return res.data;
      } catch (e) {
        throw await blobError(e);
      }
    },

    async downloadMessageBody(messageId) {
      try {
        const res = await client.request<Blob>({ url: `mailMessages:downloadBody?${query({ filterByTk: messageId })}`, method: 'get', responseType: 'blob', skipNotify: true });
        const disposition = String((res.headers as Record<string, unknown> | undefined)?.['content-disposition'] ?? '');
        const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
        let filename = 'message.html';
        try {
          if (named) filename = decodeURIComponent(named[1]);
        } catch {
          // keep the default name
        }
        return { blob: res.data, filename };
      } catch (e) {
        throw await blobError(e);
      }
    },

    async act(target, request) {
      return toActState(await callMailAction<Row>(client, `${target.resource}:act?${query({ filterByTk: target.id })}`, request));
    },

    async composeDraft(start, options) {
      const images = options?.allowRemoteImages ? { allowRemoteImages: 1 } : {};
      const params = start.mode === 'new' ? { accountId: start.accountId, mode: start.mode } : { filterByTk: start.messageId, mode: start.mode, ...images };
      return toDraft(await callMailAction<Row>(client, `mailMessages:compose?${query(params)}`), start);
    },

    async send(request) {
      return toSendResult(await callMailAction<Row>(client, 'mailMessages:send', request));
    },
  };
}

export const MailboxApiContext = createContext<MailboxApi | null>(null);

export function useMailboxApi(): MailboxApi {
  const api = useContext(MailboxApiContext);
  if (!api) throw new Error('MailboxApiContext is missing: render inside <MailboxApiProvider>.');
  return api;
}
