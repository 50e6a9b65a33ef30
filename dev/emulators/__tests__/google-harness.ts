/** Shared steps of the Google emulator tests: start + seed, the browser consent step, real clients. */
import { gmail, auth as gmailAuth, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import type { SeedUser } from '../core';
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, startGoogleEmulator, type GoogleEmulator } from '../google';

export const REDIRECT_URI = 'http://localhost:13000/api/mail/oauth/callback';
export const GMAIL_SCOPES = ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/gmail.modify'];
export const FIXED_END = '2025-03-01T12:00:00Z';

export async function startSeededGoogle(users: SeedUser[]): Promise<GoogleEmulator> {
  const emulator = await startGoogleEmulator();
  await emulator.control.seed({ users: users.map((u) => ({ endDate: FIXED_END, ...u })) });
  return emulator;
}

/** google-auth-library's OAuth2Client pointed at the emulator, as the plugin configures it. */
export function oauthClient(emulator: GoogleEmulator, overrides: { clientId?: string; clientSecret?: string; redirectUri?: string } = {}): OAuth2Client {
  return new OAuth2Client({
    clientId: overrides.clientId ?? DEMO_GOOGLE_CLIENT_ID,
    clientSecret: overrides.clientSecret ?? DEMO_GOOGLE_CLIENT_SECRET,
    redirectUri: overrides.redirectUri ?? REDIRECT_URI,
    endpoints: { oauth2AuthBaseUrl: emulator.authUrl, oauth2TokenUrl: emulator.tokenUrl, oauth2RevokeUrl: emulator.revokeUrl },
  });
}

/** What a browser does on the consent page: load it, pick the account, press Allow or Deny. */
export async function consent(authUrl: string, account: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const page = await fetch(authUrl);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !requestId) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 300)}`);
  const response = await fetch(new URL('/o/oauth2/v2/auth/consent', authUrl), {
    method: 'POST',
    body: new URLSearchParams({ request_id: requestId, account, decision }),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`consent answered ${response.status}`);
  return new URL(location);
}

/** Full authorization-code + PKCE sign-in; returns the client holding the tokens. */
export async function signIn(emulator: GoogleEmulator, address: string, scopes = GMAIL_SCOPES): Promise<OAuth2Client> {
  const client = oauthClient(emulator);
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    access_type: 'offline',
    scope: scopes,
    state: 'state-1',
    login_hint: address,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
  });
  const callback = await consent(url, address);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.toString()}`);
  const { tokens } = await client.getToken({ code, codeVerifier });
  client.setCredentials(tokens);
  return client;
}

/**
 * The unmodified Gmail client on a token from `issueTokens` or a sign-in, without retries
 * (so faults surface). Its own `auth.OAuth2` refreshes on expiry, as googleapis does.
 */
export function gmailClient(emulator: GoogleEmulator, tokens: { access_token?: string | null; refresh_token?: string | null; expiry_date?: number | null }): gmail_v1.Gmail {
  const authClient = new gmailAuth.OAuth2({
    clientId: DEMO_GOOGLE_CLIENT_ID,
    clientSecret: DEMO_GOOGLE_CLIENT_SECRET,
    endpoints: { oauth2TokenUrl: emulator.tokenUrl, oauth2RevokeUrl: emulator.revokeUrl, oauth2AuthBaseUrl: emulator.authUrl },
  });
  authClient.setCredentials(tokens);
  return gmail({ version: 'v1', auth: authClient, rootUrl: emulator.apiUrl, retry: false });
}

export async function gmailFor(emulator: GoogleEmulator, user: string): Promise<gmail_v1.Gmail> {
  const tokens = await emulator.control.issueTokens({ user });
  return gmailClient(emulator, { ...tokens, expiry_date: Date.now() + tokens.expires_in * 1000 });
}

/** Status and Google error body of a failed googleapis call. */
export async function failure(promise: Promise<unknown>): Promise<{ status: number; data: { error: { code: number; message: string; status: string; errors: Array<{ reason: string; domain: string }> } }; headers: Headers | Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: never; headers: Headers } }).response;
    if (!response) throw error;
    return { status: response.status, data: response.data, headers: response.headers };
  }
  throw new Error('expected the call to fail');
}

/** A response header from gaxios (a fetch Headers object, possibly from another fetch implementation) or a plain record. */
export function headerOf(headers: Headers | Record<string, string>, name: string): string | null {
  const get = (headers as Headers).get;
  return typeof get === 'function' ? get.call(headers, name) : ((headers as Record<string, string>)[name.toLowerCase()] ?? null);
}

export const decodeData = (data: string | null | undefined): Buffer => Buffer.from(data ?? '', 'base64url');
