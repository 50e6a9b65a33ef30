/**
 * Shapes that travel between the server's actions and the client, declared
 * once. Type-only: both bundles import these and nothing of it reaches runtime.
 */

export type ProviderName = 'google' | 'microsoft';

export type AccountStatus = 'connecting' | 'syncing' | 'active' | 'paused' | 'reauth_required' | 'error' | 'rate_limited';

/** An account as the API shows it: never tokens, cursors or lease owners. */
export interface MailAccountView {
  id: string;
  userId: string;
  provider: ProviderName;
  address: string;
  displayName: string | null;
  aliases: Array<{ name?: string; address: string }>;
  status: AccountStatus;
  statusCode: string | null;
  statusMessage: string | null;
  rateLimitedUntil: string | null;
  syncFrom: string | null;
  progressDone: number;
  progressTotal: number | null;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  createdAt: string | null;
}

export interface ThreadSender {
  name: string | null;
  address: string;
}

/** One conversation row of the mailbox list (`mailThreads:browse`). */
export interface ThreadListRow {
  id: string;
  accountId: string;
  subject: string;
  snippet: string;
  lastMessageAt: string | null;
  messageCount: number;
  unreadCount: number;
  starred: boolean;
  hasAttachments: boolean;
  /** Distinct senders in the order they wrote, for "Alice, Bob (3)". */
  senders: ThreadSender[];
}

export interface ThreadListPage {
  rows: ThreadListRow[];
  count: number;
  page: number;
  pageSize: number;
  hasMore: boolean;
}

/** What a reader can do to a conversation or one message (`mailThreads:act`, `mailMessages:act`). */
export type MailActionName = 'markRead' | 'markUnread' | 'star' | 'unstar' | 'archive' | 'trash' | 'restore' | 'moveTo';

/** Body of `POST mailThreads:act?filterByTk=<thread id>` and `mailMessages:act?filterByTk=<message id>`. */
export interface MailActRequest {
  action: MailActionName;
  /** The `mailFolders` row to move to; only for `moveTo`. */
  folderId?: string | number;
}

export interface MailActMessageState {
  id: string | number;
  read: boolean;
  starred: boolean;
  folderIds: Array<string | number>;
}

/** The conversation as it is after the action, so the client can settle what it showed early. */
export interface MailActResult {
  threadId: string | number;
  unreadCount: number;
  starred: boolean;
  /** The folders the conversation is in now. */
  folderIds: Array<string | number>;
  messages: MailActMessageState[];
}
