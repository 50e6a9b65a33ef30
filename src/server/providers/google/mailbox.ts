/**
 * MailboxClient for one Gmail account: folders, cursor, listing, incremental
 * changes, fetch, attachments, send and modify. Every API call goes through the
 * account's GmailSession (quota hook, token refresh, error mapping).
 */
import { Readable } from 'node:stream';
import type { gmail_v1 } from '@googleapis/gmail';
import { CursorExpired, ProviderError, SendOutcomeUnknown } from '../errors';
import type {
  ChangePage,
  MailboxClient,
  MessageChange,
  MessagePage,
  OutgoingMessage,
  ProviderFolder,
  SentMessage,
  SyncCursor,
} from '../types';
import { normalizeMessageId } from '../../mime/message-id';
import { findPart, MIME_ID_PREFIX, PART_ID_PREFIX } from './attachments';
import { mapBounded } from './concurrency';
import { digestHistory } from './history';
import { folderIdsFromLabels, isHiddenLabel, LABEL, labelToFolder, linkParents } from './labels';
import { MessageFetcher } from './messages';
import { buildOutgoingRaw } from './outgoing';
import type { GmailSession } from './session';

const ME = 'me';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;
const LABEL_CONCURRENCY = 4;
const UPLOAD_THRESHOLD_BYTES = 4 * 1024 * 1024;

export interface GmailMailboxOptions {
  fetchConcurrency?: number;
}

export class GmailMailbox implements MailboxClient {
  private readonly fetcher: MessageFetcher;

  constructor(
    private readonly session: GmailSession,
    options: GmailMailboxOptions = {},
  ) {
    this.fetcher = new MessageFetcher(session, options.fetchConcurrency);
  }

  async listFolders(): Promise<ProviderFolder[]> {
    const labels = await this.labelsWithCounts();
    const folders = labels.map(labelToFolder).filter((f): f is ProviderFolder => f !== null);
    return linkParents(folders);
  }

  async folderCounts(): Promise<Array<{ folderId: string; total: number; unread: number }>> {
    const labels = await this.labelsWithCounts();
    return labels
      .filter((l) => l.id && !isHiddenLabel(l.id))
      .map((l) => ({ folderId: l.id as string, total: l.messagesTotal ?? 0, unread: l.messagesUnread ?? 0 }));
  }

  async currentCursor(): Promise<SyncCursor> {
    const profile = await this.session.call('users.getProfile', (o) => this.session.api.users.getProfile({ userId: ME }, o));
    if (!profile.historyId) throw new ProviderError('PROVIDER_ERROR', 'Gmail did not report a history id for the mailbox.');
    return { historyId: profile.historyId };
  }

  async listMessages(opts: { since: Date; pageToken?: string | null; pageSize?: number }): Promise<MessagePage> {
    const pageSize = Math.min(Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    // `after:` takes epoch seconds; one second earlier keeps a message stamped exactly at `since`.
    const after = Math.floor(opts.since.getTime() / 1000) - 1;
    // Spam and trash are left out of the initial window (Gmail's default without includeSpamTrash);
    // messages moved there later arrive through history with their labels.
    const list = await this.session.call('messages.list', (o) =>
      this.session.api.users.messages.list(
        { userId: ME, q: `after:${after}`, maxResults: pageSize, pageToken: opts.pageToken ?? undefined },
        o,
      ),
    );
    const ids = (list.messages ?? []).map((m) => m.id).filter((id): id is string => !!id);
    const fetched = await this.fetcher.fetchMany(ids);
    return {
      // A message listed a moment ago and gone now is skipped: history reports its deletion.
      messages: fetched.messages,
      failures: fetched.failures,
      pageToken: list.nextPageToken ?? null,
      estimatedTotal: list.resultSizeEstimate ?? null,
    };
  }

  async changesSince(cursor: SyncCursor, pageToken?: string | null): Promise<ChangePage> {
    const startHistoryId = typeof cursor.historyId === 'string' || typeof cursor.historyId === 'number' ? String(cursor.historyId) : '';
    if (!/^\d+$/.test(startHistoryId)) throw new CursorExpired('The stored Gmail cursor has no history id; the sync window will be re-read.');
    let page: gmail_v1.Schema$ListHistoryResponse;
    try {
      page = await this.session.call('history.list', (o) =>
        this.session.api.users.history.list(
          {
            userId: ME,
            startHistoryId,
            pageToken: pageToken ?? undefined,
            maxResults: MAX_PAGE_SIZE,
            historyTypes: ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'],
          },
          o,
        ),
      );
    } catch (e) {
      // Gmail keeps history for about a week; an older start id answers 404.
      if (e instanceof ProviderError && e.code === 'NOT_FOUND') throw new CursorExpired();
      throw e;
    }

    const digest = digestHistory(page.history ?? []);
    const deleted = new Set(digest.deleted);
    const added = await this.fetcher.fetchMany(digest.added);
    for (const id of added.missing) deleted.add(id);
    const labels = await this.fetcher.fetchLabels(digest.changed);
    for (const id of labels.missing) deleted.add(id);

    const next = page.nextPageToken ?? null;
    return {
      added: added.messages,
      updated: labels.found.map((m) => ({
        providerId: m.id as string,
        read: !(m.labelIds ?? []).includes(LABEL.UNREAD),
        starred: (m.labelIds ?? []).includes(LABEL.STARRED),
        folderIds: folderIdsFromLabels(m.labelIds),
      })),
      deleted: [...deleted],
      failures: added.failures,
      pageToken: next,
      // Only the last page's history id is a position to store.
      cursor: next ? cursor : { historyId: page.historyId ?? startHistoryId },
    };
  }

  async fetchMessages(ids: string[]): Promise<MessagePage> {
    const fetched = await this.fetcher.fetchMany(ids);
    return {
      messages: fetched.messages,
      failures: [...fetched.failures, ...fetched.missing.map((providerId) => ({ providerId, reason: 'Message not found in the mailbox.' }))],
    };
  }

  async getAttachment(messageId: string, attachmentId: string): Promise<Buffer> {
    if (attachmentId.startsWith(PART_ID_PREFIX)) return this.partBytes(messageId, attachmentId.slice(PART_ID_PREFIX.length));
    if (attachmentId.startsWith(MIME_ID_PREFIX)) return this.fetcher.parsedAttachment(messageId, attachmentId.slice(MIME_ID_PREFIX.length));
    return this.attachmentBytes(messageId, attachmentId);
  }

  async send(outgoing: OutgoingMessage): Promise<SentMessage> {
    const built = await buildOutgoingRaw(outgoing);
    const threadId = outgoing.mode !== 'new' ? outgoing.original?.threadId || undefined : undefined;
    // Large messages go through the upload endpoint (raw bytes, no base64 JSON): Gmail caps the JSON body.
    // A fresh stream per attempt: a retry after a 401 must send the bytes again.
    const params = (): gmail_v1.Params$Resource$Users$Messages$Send =>
      built.raw.length > UPLOAD_THRESHOLD_BYTES
        ? { userId: ME, requestBody: { threadId }, media: { mimeType: 'message/rfc822', body: Readable.from(built.raw) } }
        : { userId: ME, requestBody: { raw: built.raw.toString('base64url'), threadId } };
    let sent: gmail_v1.Schema$Message;
    try {
      sent = await this.session.call('messages.send', (o) => this.session.api.users.messages.send(params(), o));
    } catch (e) {
      // No answer after the request went out: Google may have sent it (the limiter did not repeat it).
      if (e instanceof ProviderError && e.code === 'TRANSIENT') throw new SendOutcomeUnknown(e);
      throw e;
    }
    if (!sent.id) throw new ProviderError('PROVIDER_ERROR', 'Gmail accepted the message without returning its id.');
    return {
      providerId: sent.id,
      threadId: sent.threadId ?? threadId ?? sent.id,
      internetMessageId: (await this.sentMessageId(sent.id)) ?? built.messageId,
    };
  }

  async findSent(internetMessageId: string): Promise<SentMessage | null> {
    const id = normalizeMessageId(internetMessageId);
    if (!id) return null;
    const list = await this.session.call('messages.list', (o) =>
      this.session.api.users.messages.list({ userId: ME, q: `rfc822msgid:${id.slice(1, -1)} in:sent`, includeSpamTrash: true, maxResults: 1 }, o),
    );
    const hit = list.messages?.[0];
    return hit?.id ? { providerId: hit.id, threadId: hit.threadId ?? hit.id, internetMessageId: id } : null;
  }

  async modify(providerId: string, change: MessageChange): Promise<void> {
    if (change.untrash) {
      await this.session.call('messages.untrash', (o) => this.session.api.users.messages.untrash({ userId: ME, id: providerId }, o));
    }
    const add = new Set<string>(change.addFolderIds ?? []);
    const remove = new Set<string>(change.removeFolderIds ?? []);
    if (change.read !== undefined) (change.read ? remove : add).add(LABEL.UNREAD);
    if (change.starred !== undefined) (change.starred ? add : remove).add(LABEL.STARRED);
    let trash = change.trash === true;
    if (change.moveTo === LABEL.TRASH) {
      trash = true;
    } else if (change.moveTo) {
      // Gmail has no folders: moving replaces the mailbox labels (Inbox / Spam) with the target.
      add.add(change.moveTo);
      for (const box of [LABEL.INBOX, LABEL.SPAM]) if (box !== change.moveTo) remove.add(box);
    }
    for (const id of add) remove.delete(id);
    if (add.size || remove.size) {
      await this.session.call('messages.modify', (o) =>
        this.session.api.users.messages.modify(
          { userId: ME, id: providerId, requestBody: { addLabelIds: [...add], removeLabelIds: [...remove] } },
          o,
        ),
      );
    }
    if (trash) {
      await this.session.call('messages.trash', (o) => this.session.api.users.messages.trash({ userId: ME, id: providerId }, o));
    }
  }

  /** A part Gmail inlined in the payload (small parts have data instead of an attachment id). */
  private async partBytes(messageId: string, partId: string): Promise<Buffer> {
    const message = await this.session.call('messages.get', (o) =>
      this.session.api.users.messages.get({ userId: ME, id: messageId, format: 'full' }, o),
    );
    const part = findPart(message.payload, partId);
    if (!part) throw new ProviderError('NOT_FOUND', 'The attachment is no longer in the message.', { status: 404 });
    if (part.body?.attachmentId) return this.attachmentBytes(messageId, part.body.attachmentId);
    return Buffer.from(part.body?.data ?? '', 'base64url');
  }

  private async attachmentBytes(messageId: string, attachmentId: string): Promise<Buffer> {
    const body = await this.session.call('messages.attachments.get', (o) =>
      this.session.api.users.messages.attachments.get({ userId: ME, messageId, id: attachmentId }, o),
    );
    return Buffer.from(body.data ?? '', 'base64url');
  }

  /** Gmail may replace the Message-ID we wrote; read back the one recipients got. Best effort: the send already happened. */
  private async sentMessageId(id: string): Promise<string | null> {
    try {
      const meta = await this.session.call('messages.get', (o) =>
        this.session.api.users.messages.get({ userId: ME, id, format: 'metadata', metadataHeaders: ['Message-ID'] }, o),
      );
      const header = meta.payload?.headers?.find((h) => h.name?.toLowerCase() === 'message-id');
      return normalizeMessageId(header?.value);
    } catch {
      return null;
    }
  }

  private async labelsWithCounts(): Promise<gmail_v1.Schema$Label[]> {
    const list = await this.session.call('labels.list', (o) => this.session.api.users.labels.list({ userId: ME }, o));
    const ids = (list.labels ?? []).map((l) => l.id).filter((id): id is string => !!id && !isHiddenLabel(id));
    // labels.list has no counts; labels.get does.
    const labels = await mapBounded(ids, LABEL_CONCURRENCY, async (id) => {
      try {
        return await this.session.call('labels.get', (o) => this.session.api.users.labels.get({ userId: ME, id }, o));
      } catch (e) {
        // Deleted between list and get: simply not a folder any more.
        if (e instanceof ProviderError && e.code === 'NOT_FOUND') return null;
        throw e;
      }
    });
    return labels.filter((l): l is gmail_v1.Schema$Label => l !== null);
  }
}
