/**
 * MailboxClient for one Outlook / Microsoft 365 account.
 */
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
import { changesSince, currentCursor } from './delta';
import { listFolders, walkFolders } from './folders';
import type { GraphApi } from './graph-client';
import { fetchMessages, getAttachment, listMessages } from './messages';
import { modifyMessage } from './modify';
import { findSent, sendMessage } from './outgoing';

export class GraphMailbox implements MailboxClient {
  constructor(
    private readonly api: GraphApi,
    private readonly address: string,
  ) {}

  listFolders(): Promise<ProviderFolder[]> {
    return listFolders(this.api);
  }

  currentCursor(): Promise<SyncCursor> {
    return currentCursor(this.api);
  }

  listMessages(opts: { since: Date; pageToken?: string | null; pageSize?: number }): Promise<MessagePage> {
    return listMessages(this.api, opts);
  }

  changesSince(cursor: SyncCursor, pageToken?: string | null): Promise<ChangePage> {
    return changesSince(this.api, cursor, pageToken);
  }

  fetchMessages(ids: string[]): Promise<MessagePage> {
    return fetchMessages(this.api, ids);
  }

  getAttachment(messageId: string, attachmentId: string): Promise<Buffer> {
    return getAttachment(this.api, messageId, attachmentId);
  }

  send(outgoing: OutgoingMessage): Promise<SentMessage> {
    return sendMessage(this.api, outgoing, this.address);
  }

  findSent(internetMessageId: string): Promise<SentMessage | null> {
    return findSent(this.api, internetMessageId);
  }

  modify(providerId: string, change: MessageChange): Promise<void> {
    return modifyMessage(this.api, providerId, change);
  }

  async folderCounts(): Promise<Array<{ folderId: string; total: number; unread: number }>> {
    const folders = await walkFolders(this.api);
    return folders.map((f) => ({ folderId: f.id, total: f.totalItemCount ?? 0, unread: f.unreadItemCount ?? 0 }));
  }
}
