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

/** A page of conversations: no total (folder totals come from the folders' counters); `hasMore` says whether another page follows. */
export interface ThreadListPage {
  rows: ThreadListRow[];
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

/** How a message being written relates to the one it answers. */
export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward';

export interface WireAddress {
  name?: string | null;
  address: string;
}

/** A file the writer attached in the browser (base64, within the attachment size limit). */
export interface ComposeUpload {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/**
 * `GET mailMessages:compose?accountId=…&mode=new` or `…?filterByTk=<message id>&mode=reply|replyAll|forward`:
 * what the compose form starts with, worked out on the server (recipients without the
 * writer's own addresses, `Re:` / `Fwd:` subject, the quoted original, the original's files for a forward).
 */
export interface ComposeDraft {
  accountId: string;
  mode: ComposeMode;
  /** The message answered or forwarded (row id); null for a new message. */
  originalId: string | null;
  /** Addresses the writer may send as: the account's own first, then its aliases. */
  fromChoices: WireAddress[];
  from: WireAddress;
  to: WireAddress[];
  cc: WireAddress[];
  subject: string;
  /**
   * Sanitized HTML of the quoted original as the compose form shows it: remote
   * images held back unless the draft was asked for with `allowRemoteImages=1`.
   * What is sent is built again on the server from the original.
   */
  quotedHtml: string;
  /** Remote images held back in quotedHtml ("Show images" brings them). */
  quotedRemoteImagesBlocked: number;
  /** Forward: the original's files (row ids), sent along unless the writer removes them. */
  forwardAttachments: Array<{ id: string; filename: string; contentType: string; size: number }>;
}

/** Body of `POST mailMessages:send`. */
export interface SendRequest {
  accountId: string;
  mode: ComposeMode;
  /** Required for reply / replyAll / forward. */
  originalId?: string | null;
  /** One of the draft's fromChoices (address); the account's address when absent. */
  from?: string | null;
  to: WireAddress[];
  cc?: WireAddress[];
  bcc?: WireAddress[];
  subject: string;
  /** What the writer typed, as HTML (sanitized again on the server); the quote is appended by the server. */
  html: string;
  /** Include the quoted original under the writer's text (default true for reply/replyAll/forward). */
  includeQuote?: boolean;
  attachments?: ComposeUpload[];
  /** Forward: original attachment row ids to send along. */
  forwardAttachmentIds?: string[];
  /** Random id from the compose form: a double submit or a retry after a lost answer sends once. */
  clientRequestId: string;
}

/** Answer of `mailMessages:send`: the sent copy as stored locally (it shows in Sent at once). */
export interface SendResult {
  outboxId: string;
  status: 'sent';
  messageId: string | null;
  threadId: string | null;
}

/** Microsoft cloud an app is registered in (authority and Graph hosts follow from it). */
export type MicrosoftCloudName = 'global' | 'usgov' | 'china';

/** A provider's settings as any client sees them: the secret only as set / not set. */
export interface ProviderSettingsView {
  provider: ProviderName;
  enabled: boolean;
  clientId: string;
  clientSecretSet: boolean;
  tenant: string;
  cloud: MicrosoftCloudName;
  /** Enabled, with a client id and secret: users can link accounts. */
  configured: boolean;
}

