/**
 * Test rig for the Microsoft adapter: the local Microsoft emulator (HTTPS, dev CA
 * trusted through NODE_EXTRA_CA_CERTS by the vitest global setup), the adapter built
 * exactly as the plugin builds it, and a browser stand-in for the consent page.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  MICROSOFT_DEMO_CLIENT_ID,
  MICROSOFT_DEMO_CLIENT_SECRET,
  startMicrosoftEmulator,
  type MicrosoftEmulator,
} from '../../../../../dev/emulators/microsoft';
import { resolveEndpoints } from '../../endpoints';
import type { AccountContext, ExchangeResult, MailProvider, TokenSet } from '../../types';
import { createMicrosoftProvider, type MicrosoftProviderOptions } from '../index';

export const REDIRECT_URI = 'http://localhost:13000/api/mail/oauth/callback';

export interface Rig {
  emulator: MicrosoftEmulator;
  env: Record<string, string>;
  provider(overrides?: Partial<MicrosoftProviderOptions>): MailProvider;
  close(): Promise<void>;
}

export async function startRig(users: Array<{ address: string; name: string; messages?: number; aliases?: string[]; seed?: number }>): Promise<Rig> {
  const emulator = await startMicrosoftEmulator();
  await emulator.control.seed({ users });
  const env = { MAIL_MICROSOFT_AUTHORITY_URL: emulator.authorityUrl, MAIL_GRAPH_API_URL: emulator.graphUrl };
  return {
    emulator,
    env,
    provider: (overrides = {}) =>
      createMicrosoftProvider({
        credentials: { clientId: MICROSOFT_DEMO_CLIENT_ID, clientSecret: MICROSOFT_DEMO_CLIENT_SECRET, tenant: 'common' },
        endpoints: resolveEndpoints(env),
        timeoutMs: 5_000,
        ...overrides,
      }),
    close: () => emulator.close(),
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The user's browser: opens the authorize URL, picks the account and answers the consent page. */
export async function answerConsent(authUrl: string, account: string, decision: 'accept' | 'cancel' = 'accept'): Promise<URL> {
  const page = await fetch(authUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]*)"/.exec(html)?.[1];
  if (!action || request === undefined) throw new Error('consent page has no form');
  const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const form = new URLSearchParams({ request: unescape(request), account, decision });
  const target = new URL(unescape(action), authUrl);
  const answer = await fetch(target, { method: 'POST', body: form, redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);
  return new URL(location);
}

/** The whole linking flow as the plugin runs it: authorization URL → consent → code exchange. */
export async function link(provider: MailProvider, account: string): Promise<ExchangeResult> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(12).toString('hex');
  const url = await provider.authorizationUrl({ state, codeChallenge: challenge, redirectUri: REDIRECT_URI, loginHint: account });
  const redirect = await answerConsent(url, account);
  if (redirect.searchParams.get('state') !== state) throw new Error('state did not round-trip');
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code: ${redirect.searchParams.get('error') ?? ''}`);
  return provider.exchangeCode(code, verifier, REDIRECT_URI);
}

/** What the token vault does: stores tokens as JSON, refreshes when expired or when forced. */
export class VaultStandIn {
  stored: string;
  refreshes = 0;
  forced = 0;

  constructor(
    private readonly provider: MailProvider,
    tokens: TokenSet,
  ) {
    this.stored = JSON.stringify(tokens);
  }

  get tokens(): TokenSet {
    return JSON.parse(this.stored) as TokenSet;
  }

  async getAccessToken(force = false): Promise<string> {
    const current = this.tokens;
    const expired = !current.expiresAt || current.expiresAt - 1_000 <= Date.now();
    if (!force && !expired) return current.accessToken;
    if (force) this.forced += 1;
    this.refreshes += 1;
    const fresh = await this.provider.refresh(current);
    this.stored = JSON.stringify(fresh);
    return fresh.accessToken;
  }

  context(address: string, extra: Partial<AccountContext> & Record<string, unknown> = {}): AccountContext {
    return { accountId: 1, address, getAccessToken: (force?: boolean) => this.getAccessToken(force), ...extra };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
