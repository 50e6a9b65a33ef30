/**
 * An in-memory stand-in for the host's HTTP client with the plugin's mail
 * actions behind it, so component tests run the real API module (URLs,
 * bodies, the `data` envelope, error bodies) and only the network is fake.
 * Folder ids on messages are Gmail label ids, as the server stores them;
 * action answers name folders by row id, as the server answers.
 */
import type { APIClient, APIRequestConfig, APIResponse } from '@nocobase/client';
import type { MailAccountView, MailActionName, MailActRequest, MailActResult, ThreadListRow } from '../../../../shared/wire-types';

export interface FolderRow {
  id: string;
  accountId: string;
  providerId: string;
  name: string;
  role: string;
  kind: 'system' | 'user' | 'folder';
}

export interface ThreadRow {
  id: string;
  accountId: string;
  subject: string;
}

export interface MessageRow {
  id: string;
  accountId: string;
  threadRowId: string;
  date: string;
  read: boolean;
  starred: boolean;
  folderIds: string[];
}

export interface ActCall {
  url: string;
  resource: string;
  id: string;
  body: MailActRequest;
}

/** What axios throws for an error answer, which is what the host's client throws. */
class HttpError extends Error {
  constructor(readonly response: { status: number; data: unknown }) {
    super(`Request failed with status code ${response.status}`);
  }
}

export function account(id: string, address: string, provider: MailAccountView['provider'] = 'google'): MailAccountView {
  return {
    id,
    userId: '2',
    provider,
    address,
    displayName: null,
    aliases: [],
    status: 'active',
    statusCode: null,
    statusMessage: null,
    rateLimitedUntil: null,
    syncFrom: null,
    progressDone: 0,
    progressTotal: null,
    lastSyncAt: null,
    lastSuccessAt: null,
    createdAt: null,
  };
}

export class MailHost {
  readonly acts: ActCall[] = [];
  /** Requests as `resource:action`, in order. */
  readonly calls: string[] = [];
  private refusal: { status: number; message: string } | null = null;
  private held: Promise<void> | null = null;

  constructor(
    public accounts: MailAccountView[],
    public folders: FolderRow[],
    public threads: ThreadRow[],
    public messages: MessageRow[],
  ) {}

  /** The host client to hand to `createMailboxApi` / `createAccountsApi`. */
  get client(): APIClient {
    return { request: <T>(config: APIRequestConfig) => this.request(config) as Promise<APIResponse<T>> };
  }

  /** The next action answers with this error body. */
  refuseNext(message: string, status = 502): void {
    this.refusal = { status, message };
  }

  /** Action answers wait until the returned function is called, to look at what shows meanwhile. */
  hold(): () => void {
    let release = () => undefined as void;
    this.held = new Promise<void>((resolve) => {
      release = () => {
        this.held = null;
        resolve();
      };
    });
    return release;
  }

  unreadIn(providerId: string, accountId: string): number {
    return this.messages.filter((m) => m.accountId === accountId && !m.read && m.folderIds.includes(providerId)).length;
  }

  private async request(config: APIRequestConfig): Promise<APIResponse<unknown>> {
    const [path, search = ''] = config.url.split('?');
    const params = new URLSearchParams(search);
    this.calls.push(path);
    const ok = (data: unknown) => ({ data, status: 200, headers: {} });
    switch (path) {
      case 'mailAccounts:list':
        return ok({ data: this.accounts });
      case 'mailFolders:list': {
        const filter = JSON.parse(params.get('filter') ?? '{}') as { accountId?: { $in: string[] } };
        const ids = filter.accountId?.$in ?? this.accounts.map((a) => a.id);
        const rows = this.folders.filter((f) => ids.includes(f.accountId)).map((f) => ({ ...f, unreadCount: this.unreadIn(f.providerId, f.accountId), totalCount: 10 }));
        return ok({ data: rows });
      }
      case 'mailThreads:browse':
        return ok(this.browse(params));
      case 'mailMessages:list': {
        const { threadRowId } = JSON.parse(params.get('filter') ?? '{}') as { threadRowId: string };
        const rows = this.messages
          .filter((m) => m.threadRowId === threadRowId)
          .map((m) => ({ ...m, subject: this.thread(m.threadRowId).subject, fromAddress: 'cfo@acme.example', fromName: 'Carla CFO', to: [], cc: [], bcc: [], snippet: `snippet ${m.id}`, draft: false, hasAttachments: false, attachments: [] }));
        return ok({ data: rows });
      }
      case 'mailMessages:body':
        return ok({ data: { html: '<p>Hello</p>', text: 'Hello', remoteImagesBlocked: 0, hasRemoteContent: false } });
      case 'mailThreads:act':
      case 'mailMessages:act':
        return ok({ data: await this.act(path.split(':')[0], String(params.get('filterByTk')), config) });
      default:
        throw new HttpError({ status: 404, data: { errors: [{ message: `No such action: ${path}` }] } });
    }
  }

  private thread(id: string): ThreadRow {
    const t = this.threads.find((x) => x.id === id);
    if (!t) throw new Error(`no thread ${id}`);
    return t;
  }

  private messagesOf(threadId: string): MessageRow[] {
    return this.messages.filter((m) => m.threadRowId === threadId);
  }

  /** Like the server: a conversation is in a folder when one of its messages is. */
  private browse(params: URLSearchParams) {
    const accountIds = (params.get('accountId') ?? '').split(',').filter(Boolean);
    const role = params.get('folderRole');
    const folderId = params.get('folderId');
    const shown = this.folders.filter((f) => accountIds.includes(f.accountId) && (role ? f.role === role : f.id === folderId));
    const rows: ThreadListRow[] = this.threads
      .filter((t) => accountIds.includes(t.accountId))
      .filter((t) => (!role && !folderId) || this.messagesOf(t.id).some((m) => shown.some((f) => f.accountId === t.accountId && m.folderIds.includes(f.providerId))))
      .map((t) => {
        const messages = this.messagesOf(t.id);
        return {
          id: t.id,
          accountId: t.accountId,
          subject: t.subject,
          snippet: `About ${t.subject}`,
          lastMessageAt: messages.at(-1)?.date ?? null,
          messageCount: messages.length,
          unreadCount: messages.filter((m) => !m.read).length,
          starred: messages.some((m) => m.starred),
          hasAttachments: false,
          senders: [{ name: 'Carla CFO', address: 'cfo@acme.example' }],
        };
      });
    return { data: rows, meta: { count: rows.length, page: 1, pageSize: 50, hasMore: false } };
  }

  /** Gmail's rules, enough for the client: labels in and out, flags on and off. */
  private async act(resource: string, id: string, config: APIRequestConfig): Promise<MailActResult> {
    const body = config.data as MailActRequest;
    this.acts.push({ url: config.url, resource, id, body });
    if (this.held) await this.held;
    if (this.refusal) {
      const { status, message } = this.refusal;
      this.refusal = null;
      throw new HttpError({ status, data: { errors: [{ message, code: 'PROVIDER_ERROR' }] } });
    }
    const threadId = resource === 'mailThreads' ? id : (this.messages.find((m) => m.id === id)?.threadRowId ?? '');
    const targets = resource === 'mailThreads' ? this.messagesOf(threadId) : this.messages.filter((m) => m.id === id);
    const label = body.folderId === undefined ? undefined : this.folders.find((f) => f.id === String(body.folderId))?.providerId;
    const change: Record<MailActionName, (m: MessageRow) => void> = {
      markRead: (m) => (m.read = true),
      markUnread: (m) => (m.read = m !== targets.at(-1) && m.read),
      star: (m) => (m.starred = m === targets.at(-1) || m.starred),
      unstar: (m) => (m.starred = false),
      archive: (m) => (m.folderIds = m.folderIds.filter((f) => f !== 'INBOX')),
      trash: (m) => (m.folderIds = [...m.folderIds, 'TRASH']),
      restore: (m) => (m.folderIds = m.folderIds.filter((f) => f !== 'TRASH')),
      moveTo: (m) => (m.folderIds = [...m.folderIds.filter((f) => f !== 'INBOX'), label ?? '']),
    };
    targets.forEach(change[body.action]);
    const accountId = this.thread(threadId).accountId;
    const rowIds = (ids: string[]) => this.folders.filter((f) => f.accountId === accountId && ids.includes(f.providerId)).map((f) => f.id);
    const messages = this.messagesOf(threadId);
    return {
      threadId,
      unreadCount: messages.filter((m) => !m.read).length,
      starred: messages.some((m) => m.starred),
      folderIds: rowIds([...new Set(messages.flatMap((m) => m.folderIds))]),
      messages: messages.map((m) => ({ id: m.id, read: m.read, starred: m.starred, folderIds: rowIds(m.folderIds) })),
    };
  }
}
