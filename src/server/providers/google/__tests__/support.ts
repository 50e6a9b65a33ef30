/**
 * Test support: the Google emulator, a provider pointed at it by configuration only,
 * the browser's part of the OAuth code flow, and a minimal token vault.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, startEmulators, type StartedEmulators } from '../../../../../dev/emulators';
import type { GoogleEmulator } from '../../../../../dev/emulators/google';
import { resolveEndpoints } from '../../endpoints';
import type { MailProvider, TokenSet } from '../../types';
import { createGoogleProvider, type GoogleProviderOptions } from '../provider';
import type { GoogleAccountContext } from '../session';

export const REDIRECT_URI = 'http://localhost:13000/mail/oauth/callback';

export interface GoogleWorld {
  emulators: StartedEmulators;
  google: GoogleEmulator;
  provider: MailProvider;
  makeProvider(overrides?: Partial<GoogleProviderOptions>): MailProvider;
  close(): Promise<void>;
}

export async function startGoogleWorld(users: Array<{ address: string; name: string; messages: number; seed?: number; aliases?: string[] }>): Promise<GoogleWorld> {
  const emulators = await startEmulators({
    google: true,
    microsoft: false,
    seed: { users: users.map((u) => ({ provider: 'google' as const, ...u })) },
  });
  const google = emulators.google as GoogleEmulator;
  const endpoints = resolveEndpoints(emulators.env);
  const makeProvider = (overrides: Partial<GoogleProviderOptions> = {}) =>
    createGoogleProvider({
      credentials: { clientId: DEMO_GOOGLE_CLIENT_ID, clientSecret: DEMO_GOOGLE_CLIENT_SECRET },
      endpoints,
      timeoutMs: 5_000,
      ...overrides,
    });
  return { emulators, google, provider: makeProvider(), makeProvider, close: () => emulators.close() };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Plays the browser: opens the consent page, picks the account, presses Allow, follows the redirect. */
export async function consentInBrowser(authorizationUrl: string, account: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const page = await fetch(authorizationUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 200)}`);
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form method="POST" action="([^"]+)"/.exec(html)?.[1];
  if (!requestId || !action) throw new Error('no consent form on the page');
  const answer = await fetch(new URL(action, authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request_id: requestId, account, decision }).toString(),
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);
  return new URL(location);
}

/** Full code flow: authorization URL → consent → code exchange. */
export async function connect(provider: MailProvider, account: string) {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(12).toString('base64url');
  const url = await provider.authorizationUrl({ state, codeChallenge: challenge, redirectUri: REDIRECT_URI, loginHint: account });
  const callback = await consentInBrowser(url, account);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error(`bad callback ${callback}`);
  return provider.exchangeCode(code, verifier, REDIRECT_URI);
}

/** What the real vault does, minus encryption: hands out the token, refreshes when expired or forced. */
export class TestVault {
  refreshes = 0;

  constructor(
    private readonly provider: MailProvider,
    public tokens: TokenSet,
  ) {}

  async getAccessToken(force = false): Promise<string> {
    const expired = this.tokens.expiresAt != null && this.tokens.expiresAt <= Date.now() + 1_000;
    if (force || expired) {
      this.tokens = await this.provider.refresh(this.tokens);
      this.refreshes++;
    }
    return this.tokens.accessToken;
  }

  context(address: string, extra: Partial<GoogleAccountContext> = {}): GoogleAccountContext {
    return { accountId: address, address, getAccessToken: (force) => this.getAccessToken(force), ...extra };
  }
}

/** Runs `fn` and returns the error it throws (fails the test when it does not throw). */
export async function errorOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}
