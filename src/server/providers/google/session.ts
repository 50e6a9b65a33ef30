/**
 * One account's authenticated access to the Gmail API: every call goes through the
 * per-account quota hook, carries a fresh bearer token, is retried once with a
 * forced token refresh on 401, and fails only with ProviderError.
 */
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import type { MethodOptions } from '@googleapis/gmail';
import type { AccountContext, ProviderCall, ScheduleFn } from '../types';
import { ProviderError } from '../errors';
import { isWireError, toProviderError } from './errors';

export type { ScheduleFn };

/** Gmail methods as the per-account limiter names them (its quota table is keyed by these). */
export type GmailMethod =
  | 'users.getProfile'
  | 'labels.list'
  | 'labels.get'
  | 'messages.list'
  | 'messages.get'
  | 'messages.send'
  | 'messages.modify'
  | 'messages.trash'
  | 'messages.untrash'
  | 'messages.attachments.get'
  | 'history.list'
  | 'settings.sendAs.list';

/**
 * Whether repeating a Gmail method after it may have reached Google is safe.
 * Reads are, and so are label changes, trash and untrash (they set a fixed
 * state); a second messages.send is a second message. Every method must be
 * listed, so adding one to GmailMethod forces this decision.
 */
const IDEMPOTENT: Readonly<Record<GmailMethod, boolean>> = {
  'users.getProfile': true,
  'labels.list': true,
  'labels.get': true,
  'messages.list': true,
  'messages.get': true,
  'messages.send': false,
  'messages.modify': true,
  'messages.trash': true,
  'messages.untrash': true,
  'messages.attachments.get': true,
  'history.list': true,
  'settings.sendAs.list': true,
};

/** What the limiter is told about a Gmail method's retry safety. */
export function gmailCall(method: GmailMethod): ProviderCall {
  return IDEMPOTENT[method] ? {} : { idempotent: false };
}

/** AccountContext as the Google adapter accepts it (the limiter hook is part of every AccountContext). */
export type GoogleAccountContext = AccountContext;

export const DEFAULT_TIMEOUT_MS = 30_000;

const runNow: ScheduleFn = (_method, fn) => fn();

/** A Gmail v1 client pointed at `rootUrl`, with a timeout and without the library's own retries. */
export function createGmailApi(rootUrl: string, timeoutMs: number): gmail_v1.Gmail {
  return gmail({ version: 'v1', rootUrl, timeout: timeoutMs, retry: false });
}

type ApiCall<T> = (options: MethodOptions) => Promise<{ data: T }>;

export class GmailSession {
  readonly api: gmail_v1.Gmail;
  private readonly schedule: ScheduleFn;

  constructor(
    api: gmail_v1.Gmail,
    private readonly rootUrl: string,
    private readonly getToken: (forceRefresh: boolean) => Promise<string>,
    schedule?: ScheduleFn,
  ) {
    this.api = api;
    this.schedule = schedule ?? runNow;
  }

  /** Runs one Gmail API call; resolves to the response body. */
  async call<T>(method: GmailMethod, run: ApiCall<T>): Promise<T> {
    const token = await this.token(false);
    try {
      return await this.attempt(method, run, token);
    } catch (e) {
      if (!(e instanceof ProviderError) || e.status !== 401) throw e;
    }
    // The token may have been revoked or expired early: refresh once and retry.
    return this.attempt(method, run, await this.token(true));
  }

  private attempt<T>(method: GmailMethod, run: ApiCall<T>, token: string): Promise<T> {
    return this.schedule(
      method,
      async () => {
        try {
          const res = await run(this.options(token));
          return res.data;
        } catch (e) {
          // Mapped inside the scheduled function so the limiter sees RATE_LIMITED and its Retry-After.
          throw toProviderError(e, 'api');
        }
      },
      gmailCall(method),
    );
  }

  private options(token: string): MethodOptions {
    // rootUrl per call too: googleapis builds upload (media) URLs from the per-call option only.
    return { rootUrl: this.rootUrl, headers: { Authorization: `Bearer ${token}` } };
  }

  private async token(force: boolean): Promise<string> {
    try {
      return await this.getToken(force);
    } catch (e) {
      // The vault normally throws ProviderError already (it calls provider.refresh); its own failures pass through.
      throw e instanceof ProviderError || isWireError(e) ? toProviderError(e, 'refresh') : e;
    }
  }
}

/** Session for a linked account: tokens come from the account context (the vault). */
export function sessionFor(api: gmail_v1.Gmail, rootUrl: string, ctx: GoogleAccountContext, schedule?: ScheduleFn): GmailSession {
  return new GmailSession(api, rootUrl, (force) => ctx.getAccessToken(force), ctx.schedule ?? schedule);
}

/** Session with a token we just obtained (profile lookup right after the code exchange): no refresh possible. */
export function sessionWithToken(api: gmail_v1.Gmail, rootUrl: string, accessToken: string, schedule?: ScheduleFn): GmailSession {
  return new GmailSession(api, rootUrl, async () => accessToken, schedule);
}
