/**
 * An in-memory stand-in for the host's HTTP client with the plugin's mail
 * actions behind it, so component tests run the real API module (URLs,
 * bodies, the `data` envelope, error bodies) and only the network is fake.
 * Folder ids on messages are Gmail label ids, as the server stores them;
 * action answers name folders by row id, as the server answers.
 */
import type { APIClient, APIRequestConfig, APIResponse } from '@nocobase/client';
import type {
  ComposeDraft,
  ComposeMode,
  MailAccountView,
  MailActionName,
  MailActRequest,
  MailActResult,
  SendRequest,
  SendResult,
  ThreadListRow,
  WireAddress,
} from '../../../../shared/wire-types';

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

export interface AttachmentRow {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface MessageRow {
  id: string;
  accountId: string;
  threadRowId: string;
  date: string;
  read: boolean;
  starred: boolean;
  folderIds: string[];
  /** Carla CFO <cfo@acme.example> unless given. */
  from?: WireAddress;
  to?: WireAddress[];
  cc?: WireAddress[];
  attachments?: AttachmentRow[];
  /** What `mailMessages:body` answers; a greeting unless given. */
  html?: string;
}

/** What the server answers to a send it refuses. */
export interface SendRefusal {
  status: number;
  message: string;
  code?: string;
  field?: string;
}

export interface ActCall {
  url: string;
  resource: string;
  id: string;
  body: MailActRequest;
}

const CARLA: WireAddress = { name: 'Carla CFO', address: 'cfo@acme.example' };

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
  /** Full request URLs (with their query), in order. */
  readonly urls: string[] = [];
  /** Bodies of `mailMessages:send`, in order, refused ones included. */
  readonly sends: SendRequest[] = [];
  /** Sends that went out, by clientRequestId: the server sends each id once. */
  private readonly sent = new Map<string, SendResult>();
  private sendRefusals: SendRefusal[] = [];
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

  /** The next sends answer with these errors, one each. */
  refuseSends(...refusals: SendRefusal[]): void {
    this.sendRefusals.push(...refusals);
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
    this.urls.push(config.url);
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
        const rows = this.messages.filter((m) => m.threadRowId === threadRowId).map((m) => this.messageView(m));
        return ok({ data: rows });
      }
      case 'mailMessages:body': {
        const html = this.messages.find((m) => m.id === params.get('filterByTk'))?.html ?? '<p>Hello</p>';
        const blocked = params.get('allowRemoteImages') === '1' ? 0 : (html.match(/data-remote-src=/g) ?? []).length;
        return ok({ data: { html, text: 'Hello', remoteImagesBlocked: blocked, hasRemoteContent: html.includes('data-remote-src=') } });
      }
      case 'mailMessages:compose':
        return ok({ data: this.compose(params) });
      case 'mailMessages:send':
        return ok({ data: await this.send(config.data as SendRequest) });
      case 'mailThreads:act':
      case 'mailMessages:act':
        return ok({ data: await this.act(path.split(':')[0], String(params.get('filterByTk')), config) });
      default:
        throw new HttpError({ status: 404, data: { errors: [{ message: `No such action: ${path}` }] } });
    }
  }

  private messageView(m: MessageRow) {
    const { from = CARLA, to = [], cc = [], attachments = [], html: _html, ...flags } = m;
    return {
      ...flags,
      subject: this.thread(m.threadRowId).subject,
      fromAddress: from.address,
      fromName: from.name ?? null,
      to,
      cc,
      bcc: [],
      snippet: `snippet ${m.id}`,
      draft: false,
      hasAttachments: attachments.length > 0,
      attachments: attachments.map((a) => ({ ...a, contentId: null, inline: false })),
    };
  }

  private accountOf(id: string): MailAccountView {
    const a = this.accounts.find((x) => x.id === id);
    if (!a) throw new HttpError({ status: 404, data: { errors: [{ message: 'No such account.', code: 'NOT_FOUND' }] } });
    return a;
  }

  /** Like the server: the writer's own addresses never among the recipients, `Re:` / `Fwd:` once. */
  private compose(params: URLSearchParams): ComposeDraft {
    const mode = params.get('mode') as ComposeMode;
    const original = mode === 'new' ? null : this.messages.find((m) => m.id === params.get('filterByTk'));
    if (mode !== 'new' && !original) throw new HttpError({ status: 404, data: { errors: [{ message: 'The message no longer exists.', code: 'NOT_FOUND' }] } });
    const account = this.accountOf(original ? original.accountId : String(params.get('accountId')));
    const fromChoices: WireAddress[] = [{ name: account.displayName, address: account.address }, ...account.aliases];
    const draft: ComposeDraft = { accountId: account.id, mode, originalId: original?.id ?? null, fromChoices, from: fromChoices[0], to: [], cc: [], subject: '', quotedHtml: '', quotedRemoteImagesBlocked: 0, forwardAttachments: [] };
    if (!original) return draft;
    const own = new Set(fromChoices.map((a) => a.address.toLowerCase()));
    const notOwn = (list: WireAddress[]) => list.filter((a) => !own.has(a.address.toLowerCase()));
    const sender = original.from ?? CARLA;
    const subject = this.thread(original.threadRowId).subject;
    // Like the server: remote images held back (data-remote-src) unless the writer asked for them.
    const withImages = params.get('allowRemoteImages') === '1';
    const body = original.html ?? '<p>Hello</p>';
    const quotedHtml = `<p>${sender.name ?? sender.address} wrote:</p><blockquote>${withImages ? body.replace(/data-remote-src=/g, 'src=') : body}</blockquote>`;
    draft.quotedRemoteImagesBlocked = withImages ? 0 : (body.match(/data-remote-src=/g) ?? []).length;
    if (mode === 'forward') {
      return { ...draft, subject: `Fwd: ${subject}`, quotedHtml, forwardAttachments: original.attachments ?? [] };
    }
    const to = notOwn([sender]).length ? [sender] : (original.to ?? []);
    const cc = mode === 'replyAll' ? notOwn([...(original.to ?? []), ...(original.cc ?? [])]).filter((a) => !to.some((x) => x.address === a.address)) : [];
    return { ...draft, subject: `Re: ${subject}`, quotedHtml, to, cc };
  }

  /** Refuses when told to; otherwise stores the sent copy (in the answered conversation) once per clientRequestId. */
  private async send(request: SendRequest): Promise<SendResult> {
    this.sends.push(request);
    if (this.held) await this.held;
    const refusal = this.sendRefusals.shift();
    if (refusal) {
      const { status, message, code = 'SEND_FAILED', field } = refusal;
      throw new HttpError({ status, data: { errors: [{ message, code, ...(field ? { field } : {}) }] } });
    }
    const done = this.sent.get(request.clientRequestId);
    if (done) return done;
    const account = this.accountOf(request.accountId);
    const original = request.originalId ? this.messages.find((m) => m.id === request.originalId) : undefined;
    let threadRowId = original && request.mode !== 'forward' ? original.threadRowId : '';
    if (!threadRowId) {
      threadRowId = `t${this.threads.length + 1}`;
      this.threads.push({ id: threadRowId, accountId: account.id, subject: request.subject });
    }
    const id = `sent-${this.sent.size + 1}`;
    this.messages.push({
      id,
      accountId: account.id,
      threadRowId,
      date: new Date().toISOString(),
      read: true,
      starred: false,
      folderIds: ['SENT'],
      from: { name: account.displayName, address: request.from ?? account.address },
      to: request.to,
      cc: request.cc ?? [],
      html: request.html,
    });
    const result: SendResult = { outboxId: `outbox-${this.sent.size + 1}`, status: 'sent', messageId: id, threadId: threadRowId };
    this.sent.set(request.clientRequestId, result);
    return result;
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
    return { data: rows, meta: { page: 1, pageSize: 50, hasMore: false } };
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
