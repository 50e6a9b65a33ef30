/**
 * The one interface every mail provider adapter (Google, Microsoft) implements.
 * The sync engine, OAuth flow and actions only ever talk to this shape, so a
 * provider's wire protocol never leaks past its adapter folder.
 */

export type ProviderName = 'google' | 'microsoft';

export interface MailAddress {
  name?: string;
  address: string;
}

/** Roles a folder or label plays, so the UI can show one mailbox layout for both providers. */
export type FolderRole = 'inbox' | 'sent' | 'drafts' | 'trash' | 'spam' | 'archive' | 'starred' | 'important' | 'custom';

export interface ProviderFolder {
  /** Gmail label id or Graph mail folder id. */
  id: string;
  name: string;
  role: FolderRole;
  parentId?: string | null;
  /** Gmail: 'system' | 'user'; Graph: always 'folder'. */
  kind: 'system' | 'user' | 'folder';
  totalCount?: number;
  unreadCount?: number;
  color?: string | null;
}

export interface AttachmentMeta {
  /** Provider attachment id (stable enough to fetch the content later). */
  id: string;
  filename: string;
  contentType: string;
  size: number;
  contentId?: string | null;
  inline: boolean;
}

/** A message as the adapter hands it to the sync store: provider neutral. */
export interface NormalizedMessage {
  providerId: string;
  threadId: string;
  internetMessageId?: string | null;
  inReplyTo?: string | null;
  references: string[];
  subject: string;
  from?: MailAddress | null;
  sender?: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  date: Date;
  snippet: string;
  text?: string | null;
  html?: string | null;
  /** Gmail label ids, or the single Graph parent folder id plus category names. */
  folderIds: string[];
  categories?: string[];
  read: boolean;
  starred: boolean;
  draft: boolean;
  attachments: AttachmentMeta[];
  /** Size of the raw message in bytes when the provider reports it. */
  size?: number;
}

/** OAuth tokens as the vault stores them (encrypted at rest by the caller). */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string | null;
  /** Epoch milliseconds. */
  expiresAt?: number | null;
  scope?: string | null;
  idToken?: string | null;
  /** msal-node keeps its own serialized cache per account; stored as an opaque blob. */
  providerCache?: string | null;
}

export interface AccountProfile {
  address: string;
  displayName?: string | null;
  /** Addresses the user may send as (Gmail send-as aliases, Graph proxy addresses). */
  aliases: MailAddress[];
  /** Provider account id (Google `sub`, Microsoft home account id). */
  providerAccountId?: string | null;
}

export interface ExchangeResult {
  tokens: TokenSet;
  profile: AccountProfile;
}

/**
 * Opaque sync position. Gmail: { historyId }. Graph: { deltaLinks: { [folderId]: url } }.
 * Stored as JSON on the account; only the adapter that produced it reads inside.
 */
export type SyncCursor = Record<string, unknown>;

export interface MessagePage {
  messages: NormalizedMessage[];
  /** Messages that could not be parsed: recorded by the engine, never retried forever. */
  failures: Array<{ providerId: string; reason: string }>;
  /** Continue listing from here; absent on the last page. */
  pageToken?: string | null;
  /** Estimate of the total (Gmail resultSizeEstimate, Graph @odata.count) when known. */
  estimatedTotal?: number | null;
}

export interface ChangePage {
  added: NormalizedMessage[];
  /** Flag / label / folder changes on messages we may already have. */
  updated: Array<{
    providerId: string;
    read?: boolean;
    starred?: boolean;
    folderIds?: string[];
    categories?: string[];
  }>;
  deleted: string[];
  failures: Array<{ providerId: string; reason: string }>;
  /** Next page of this change set; when absent, `cursor` is the position to store. */
  pageToken?: string | null;
  cursor: SyncCursor;
}

export interface MessageChange {
  read?: boolean;
  starred?: boolean;
  addFolderIds?: string[];
  removeFolderIds?: string[];
  /** Move to a folder (Graph) / replace the mailbox label (Gmail). */
  moveTo?: string;
  trash?: boolean;
  untrash?: boolean;
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  contentId?: string;
  inline?: boolean;
}

export interface OutgoingMessage {
  mode: 'new' | 'reply' | 'replyAll' | 'forward';
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject: string;
  html?: string;
  text?: string;
  attachments?: OutgoingAttachment[];
  /** For reply / forward: the message being answered. */
  original?: Pick<NormalizedMessage, 'providerId' | 'threadId' | 'internetMessageId' | 'references' | 'subject'>;
  /**
   * Our Message-ID (`<id@host>`), the same on every attempt of one submission,
   * so an attempt after an unanswered send can find the first one in Sent.
   */
  messageId?: string;
  /** An earlier attempt of this submission reached the provider (Graph removes the draft it may have left). */
  earlierAttempt?: boolean;
}

export interface SentMessage {
  providerId: string;
  threadId: string;
  internetMessageId?: string | null;
}

export interface ProviderEndpoints {
  /** Google */
  googleAuthUrl: string;
  googleTokenUrl: string;
  googleRevokeUrl: string;
  googleApiUrl: string;
  /** Microsoft */
  microsoftAuthorityUrl: string;
  /**
   * Where the browser signs in, when that differs from where tokens are fetched (a proxy, or the
   * emulator's plain-HTTP sign-in pages): same shape as microsoftAuthorityUrl. Absent: the authority.
   */
  microsoftAuthorizeUrl?: string;
  graphApiUrl: string;
}

export interface ProviderCredentials {
  clientId: string;
  clientSecret: string;
  /** Microsoft only: tenant id or `common` / `organizations` / `consumers`. */
  tenant?: string;
}

export interface AuthorizationRequest {
  state: string;
  codeChallenge: string;
  redirectUri: string;
  loginHint?: string;
}

/**
 * What an adapter tells the account's limiter about one provider request.
 * Retry safety is provider knowledge, so the adapter declares it per call:
 * a request that is not idempotent (a send, a POST that creates) is repeated
 * only when the provider certainly did nothing with it (see `mayRepeat`).
 */
export interface ProviderCall {
  /** Budget units: Gmail defaults to the method's quota cost, Graph to 1 (a `$batch` of n costs n). */
  cost?: number;
  /** False for requests whose repetition could act twice. Default true (reads, flag / label changes). */
  idempotent?: boolean;
}

/**
 * The per-account limiter's entry point, the one shape every adapter call
 * goes through: runs `fn` when the account's budget allows, and may call it
 * again to retry (each call makes the request anew).
 */
export type ScheduleFn = <T>(method: string, fn: () => Promise<T>, call?: ProviderCall) => Promise<T>;

/** Everything an adapter needs to act for one linked account. */
export interface AccountContext {
  accountId: string | number;
  address: string;
  /** Returns a valid access token, refreshing if needed (single-flight per account). */
  getAccessToken(forceRefresh?: boolean): Promise<string>;
  /** The account's limiter; without it calls run at once. */
  schedule?: ScheduleFn;
}

/** Stateless per provider; per-account state comes in through AccountContext. */
export interface MailProvider {
  readonly name: ProviderName;
  authorizationUrl(req: AuthorizationRequest): Promise<string>;
  exchangeCode(code: string, verifier: string, redirectUri: string): Promise<ExchangeResult>;
  refresh(tokens: TokenSet): Promise<TokenSet>;
  revoke(tokens: TokenSet): Promise<void>;

  /** Bound to one account. */
  forAccount(ctx: AccountContext): MailboxClient;
}

export interface MailboxClient {
  listFolders(): Promise<ProviderFolder[]>;
  /** Position to resume incremental sync from; taken before the initial listing starts. */
  currentCursor(): Promise<SyncCursor>;
  /** Newest first, messages received on/after `since`. */
  listMessages(opts: { since: Date; pageToken?: string | null; pageSize?: number }): Promise<MessagePage>;
  changesSince(cursor: SyncCursor, pageToken?: string | null): Promise<ChangePage>;
  fetchMessages(ids: string[]): Promise<MessagePage>;
  getAttachment(messageId: string, attachmentId: string): Promise<Buffer>;
  /**
   * Sends with the Message-ID `outgoing.messageId`. A failure after the provider
   * may have accepted the message (timeout, reset, 5xx once the send request was
   * written) is thrown as `SendOutcomeUnknown`; any other failure means nothing was sent.
   */
  send(outgoing: OutgoingMessage): Promise<SentMessage>;
  /** The sent copy carrying this Message-ID (`<id@host>`), if the provider has one in Sent. */
  findSent(internetMessageId: string): Promise<SentMessage | null>;
  modify(providerId: string, change: MessageChange): Promise<void>;
  /** Provider totals per folder, for the reconcile step. */
  folderCounts(): Promise<Array<{ folderId: string; total: number; unread: number }>>;
}
