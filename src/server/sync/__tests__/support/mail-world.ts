/**
 * The outside world of a sync test: the provider emulators, the real adapters
 * pointed at them, and linked accounts whose tokens come from the real OAuth
 * flow (consent page → code → exchangeCode). `mailboxFor` is what the account
 * service gives the engine in production: the adapter bound to an account,
 * with token refresh and the engine's rate-limit hook. Every MailboxClient
 * call is recorded with the runner that made it, so tests can prove that two
 * runners never worked on one account at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@nocobase/database';
import { startEmulators } from '../../../../../dev/emulators';
import { resolveEndpoints } from '../../../providers/endpoints';
import { createGoogleProvider } from '../../../providers/google';
import { createMicrosoftProvider } from '../../../providers/microsoft';
import type { MailboxClient, MailProvider, ProviderName, TokenSet } from '../../../providers/types';
import type { MailboxFactory, MailboxHooks } from '../../runner';

export const REDIRECT_URI = 'http://localhost:13000/api/mail/oauth/callback';
export const GOOGLE_CLIENT = { clientId: 'demo-google-client-id', clientSecret: 'demo-google-client-secret' };
export const MICROSOFT_CLIENT = { clientId: '5c3f6f2e-8b1a-4d7e-9a0c-2f4b6d8e1a3c', clientSecret: 'demo-microsoft-client-secret' };

export type Emulators = Awaited<ReturnType<typeof startEmulators>>;

export interface SeedUser {
  provider: ProviderName;
  address: string;
  name: string;
  messages: number;
  seed: number;
}

/** Fixed dates, so tests can regenerate the exact seeded mailbox as ground truth. */
export const SEED_WINDOW = { startDate: '2024-01-01T00:00:00.000Z', endDate: '2025-01-01T12:00:00.000Z' };

export interface ProviderCall {
  runnerId: string;
  accountId: string;
  method: string;
  start: number;
  end: number;
}

export interface LinkedAccount {
  accountId: number;
  provider: ProviderName;
  address: string;
}

export class MailWorld {
  readonly providers: Record<ProviderName, MailProvider>;
  readonly calls: ProviderCall[] = [];
  private readonly tokens = new Map<string, TokenSet>();
  private readonly refreshing = new Map<string, Promise<string>>();
  private readonly accounts = new Map<string, LinkedAccount>();
  /** Tests can wrap the adapter (e.g. to make one message unparseable) per account. */
  decorate: ((client: MailboxClient, account: LinkedAccount) => MailboxClient) | null = null;

  private constructor(readonly emulators: Emulators) {
    const endpoints = resolveEndpoints(emulators.env);
    this.providers = {
      // Short timeouts: the fault matrix includes a stalled server.
      google: createGoogleProvider({ credentials: GOOGLE_CLIENT, endpoints, timeoutMs: 5_000 }),
      microsoft: createMicrosoftProvider({ credentials: { ...MICROSOFT_CLIENT, tenant: 'common' }, endpoints, timeoutMs: 5_000 }),
    };
  }

  static async start(options: { google?: boolean; microsoft?: boolean; users?: SeedUser[] } = {}): Promise<MailWorld> {
    const emulators = await startEmulators({
      google: options.google ?? true,
      microsoft: options.microsoft ?? true,
      seed: options.users?.length ? { users: options.users.map((u) => ({ ...SEED_WINDOW, ...u })) } : undefined,
    });
    return new MailWorld(emulators);
  }

  async close(): Promise<void> {
    await this.emulators.close();
  }

  control(provider: ProviderName) {
    const side = provider === 'google' ? this.emulators.google : this.emulators.microsoft;
    if (!side) throw new Error(`the ${provider} emulator is not running`);
    return side.control;
  }

  /** Signs in through the emulator's consent page exactly as a user would, and stores the tokens. */
  async signIn(provider: ProviderName, address: string): Promise<TokenSet> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authUrl = await this.providers[provider].authorizationUrl({
      state: randomBytes(8).toString('hex'),
      codeChallenge: challenge,
      redirectUri: REDIRECT_URI,
      loginHint: address,
    });
    const code = provider === 'google' ? await consentGoogle(authUrl, address) : await consentMicrosoft(authUrl, address);
    const result = await this.providers[provider].exchangeCode(code, verifier, REDIRECT_URI);
    return result.tokens;
  }

  /** Creates an active mailAccounts row with fresh tokens for a seeded mailbox. */
  async link(db: Database, provider: ProviderName, address: string, values: Record<string, unknown> = {}): Promise<LinkedAccount> {
    const tokens = await this.signIn(provider, address);
    const row = await db.getModel('mailAccounts').create({
      provider,
      address,
      status: 'active',
      syncFrom: new Date('2000-01-01T00:00:00Z'),
      ...values,
    });
    const account: LinkedAccount = { accountId: row.get('id') as number, provider, address };
    this.tokens.set(String(account.accountId), tokens);
    this.accounts.set(String(account.accountId), account);
    return account;
  }

  /** The user reconnects the account: new tokens, status back to active (as the account service does). */
  async relink(db: Database, account: LinkedAccount): Promise<void> {
    this.tokens.set(String(account.accountId), await this.signIn(account.provider, account.address));
    await db.getModel('mailAccounts').update({ status: 'active', statusCode: null, statusMessage: null }, { where: { id: account.accountId } });
  }

  /** The next API call must refresh the access token (as when it expires mid-sync). */
  expireAccessToken(accountId: number | string): void {
    const tokens = this.tokens.get(String(accountId));
    if (tokens) this.tokens.set(String(accountId), { ...tokens, accessToken: 'expired', expiresAt: Date.now() - 1000 });
  }

  readonly mailboxFor: MailboxFactory = async (accountId, hooks: MailboxHooks) => {
    const key = String(accountId);
    const account = this.accounts.get(key);
    if (!account) throw new Error(`account ${key} was not linked in this test world`);
    const client = this.providers[account.provider].forAccount({
      accountId,
      address: account.address,
      getAccessToken: (force) => this.accessToken(account, Boolean(force)),
      schedule: hooks.schedule,
    } as Parameters<MailProvider['forAccount']>[0]);
    const decorated = this.decorate ? this.decorate(client, account) : client;
    return this.recorded(decorated, hooks.runnerId, key);
  };

  private accessToken(account: LinkedAccount, force: boolean): Promise<string> {
    const key = String(account.accountId);
    const tokens = this.tokens.get(key);
    if (!tokens) return Promise.reject(new Error('no tokens'));
    const fresh = tokens.expiresAt ? tokens.expiresAt - Date.now() > 60_000 : true;
    if (!force && fresh) return Promise.resolve(tokens.accessToken);
    const running = this.refreshing.get(key);
    if (running) return running;
    const task = this.providers[account.provider]
      .refresh(tokens)
      .then((next) => {
        this.tokens.set(key, next);
        return next.accessToken;
      })
      .finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, task);
    return task;
  }

  private recorded(client: MailboxClient, runnerId: string, accountId: string): MailboxClient {
    const calls = this.calls;
    return new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const start = Date.now();
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            calls.push({ runnerId, accountId, method: String(prop), start, end: Date.now() });
          }
        };
      },
    });
  }
}

async function consentGoogle(authUrl: string, address: string): Promise<string> {
  const page = await fetch(authUrl);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !requestId) throw new Error(`Google consent page answered ${page.status}: ${html.slice(0, 300)}`);
  const origin = new URL(authUrl).origin;
  const response = await fetch(`${origin}/o/oauth2/v2/auth/consent`, {
    method: 'POST',
    body: new URLSearchParams({ request_id: requestId, account: address, decision: 'allow' }),
    redirect: 'manual',
  });
  return codeFrom(response);
}

async function consentMicrosoft(authUrl: string, address: string): Promise<string> {
  const page = await fetch(authUrl);
  if (page.status !== 200) throw new Error(`Microsoft consent page answered ${page.status}: ${await page.text()}`);
  const url = new URL(authUrl);
  const response = await fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    body: new URLSearchParams({ request: url.search.slice(1), account: address, decision: 'accept' }),
    redirect: 'manual',
  });
  return codeFrom(response);
}

async function codeFrom(response: Response): Promise<string> {
  const location = response.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (response.status !== 302 || !code) throw new Error(`consent answered ${response.status}: ${location ?? (await response.text())}`);
  return code;
}
