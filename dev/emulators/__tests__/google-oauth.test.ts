import { GaxiosError } from 'gaxios';
import type { GoogleEmulator } from '../google';
import { consent, gmailClient, GMAIL_SCOPES, oauthClient, REDIRECT_URI, signIn, startSeededGoogle } from './google-harness';

const ALEX = 'alex@gmail.test';

function claims(idToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function oauthFailure(promise: Promise<unknown>): Promise<{ status: number; body: { error: string; error_description: string } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GaxiosError && error.response) return { status: error.response.status, body: error.response.data as never };
    throw error;
  }
  throw new Error('expected failure');
}

describe('Google emulator OAuth 2.0', () => {
  let emulator: GoogleEmulator;

  beforeAll(async () => {
    emulator = await startSeededGoogle([
      { address: ALEX, name: 'Alex Demo', messages: 5 },
      { address: 'sam@gmail.test', name: 'Sam Demo', messages: 0 },
    ]);
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.control.clearFaults();
    await emulator.control.setTokenLifetime({ accessTokenSeconds: 3600 });
  });

  it('signs in with PKCE through the consent page and returns tokens with an id token naming the account', async () => {
    const client = oauthClient(emulator);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({ access_type: 'offline', scope: GMAIL_SCOPES, state: 'xyz', code_challenge: codeChallenge, code_challenge_method: 'S256' as never });
    const page = await (await fetch(url)).text();
    expect(page).toContain(ALEX);
    expect(page).toContain('sam@gmail.test');

    const callback = await consent(url, ALEX);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('xyz');
    const { tokens } = await client.getToken({ code: callback.searchParams.get('code') as string, codeVerifier });
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.expiry_date).toBeGreaterThan(Date.now() + 3000_000);
    expect(claims(tokens.id_token as string)).toMatchObject({ email: ALEX, name: 'Alex Demo', email_verified: true });

    const info = await (await fetch(`${emulator.url}/oauth2/v3/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).json();
    expect(info).toMatchObject({ email: ALEX, name: 'Alex Demo', sub: claims(tokens.id_token as string).sub });
  });

  it('gives no refresh token unless offline access was requested, as Google does', async () => {
    const client = oauthClient(emulator);
    const url = client.generateAuthUrl({ scope: GMAIL_SCOPES });
    const code = (await consent(url, ALEX)).searchParams.get('code') as string;
    const { tokens } = await client.getToken(code);
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('lets a typed address sign in and redirects a denial with access_denied and the state', async () => {
    const client = oauthClient(emulator);
    const denied = await consent(client.generateAuthUrl({ scope: GMAIL_SCOPES, state: 's-deny' }), ALEX, 'deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('s-deny');
    expect(denied.searchParams.get('code')).toBeNull();

    const page = await (await fetch(client.generateAuthUrl({ scope: GMAIL_SCOPES }))).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)?.[1] as string;
    const typed = await fetch(`${emulator.url}/o/oauth2/v2/auth/consent`, {
      method: 'POST',
      body: new URLSearchParams({ request_id: requestId, email: 'newcomer@gmail.test', decision: 'allow' }),
      redirect: 'manual',
    });
    const code = new URL(typed.headers.get('location') as string).searchParams.get('code') as string;
    const { tokens } = await client.getToken(code);
    expect(claims(tokens.id_token as string).email).toBe('newcomer@gmail.test');
  });

  it('shows an error page instead of redirecting for an unknown client or an unregistered redirect URI', async () => {
    const unknown = await fetch(oauthClient(emulator, { clientId: 'nope' }).generateAuthUrl({ scope: GMAIL_SCOPES }), { redirect: 'manual' });
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain('invalid_client');

    await emulator.control.registerClient({ clientId: 'strict-client', clientSecret: 'strict-secret', redirectUris: ['https://crm.example.test/callback'] });
    const mismatch = await fetch(oauthClient(emulator, { clientId: 'strict-client', redirectUri: 'https://evil.example.test/cb' }).generateAuthUrl({ scope: GMAIL_SCOPES }), { redirect: 'manual' });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('redirect_uri_mismatch');

    const registered = oauthClient(emulator, { clientId: 'strict-client', clientSecret: 'strict-secret', redirectUri: 'https://crm.example.test/callback' });
    const callback = await consent(registered.generateAuthUrl({ scope: GMAIL_SCOPES }), ALEX);
    expect(callback.origin).toBe('https://crm.example.test');
  });

  it('rejects a wrong PKCE verifier, a reused code, a code for another redirect URI and a wrong secret', async () => {
    const client = oauthClient(emulator);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const authUrl = () => client.generateAuthUrl({ access_type: 'offline', scope: GMAIL_SCOPES, code_challenge: codeChallenge, code_challenge_method: 'S256' as never });

    const code1 = (await consent(authUrl(), ALEX)).searchParams.get('code') as string;
    const wrongVerifier = await oauthFailure(client.getToken({ code: code1, codeVerifier: `${codeVerifier.slice(1)}x` }));
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const code2 = (await consent(authUrl(), ALEX)).searchParams.get('code') as string;
    await client.getToken({ code: code2, codeVerifier });
    expect((await oauthFailure(client.getToken({ code: code2, codeVerifier }))).body.error).toBe('invalid_grant');

    const code3 = (await consent(authUrl(), ALEX)).searchParams.get('code') as string;
    const otherRedirect = await oauthFailure(client.getToken({ code: code3, codeVerifier, redirect_uri: 'http://localhost:9999/other' }));
    // As Google's token endpoint answers a redirect_uri that differs from the authorization request.
    expect(otherRedirect.body.error).toBe('redirect_uri_mismatch');

    const code4 = (await consent(authUrl(), ALEX)).searchParams.get('code') as string;
    const badSecret = await oauthFailure(oauthClient(emulator, { clientSecret: 'wrong' }).getToken({ code: code4, codeVerifier }));
    expect(badSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('expires access tokens; the Gmail client refreshes with the refresh token and carries on', async () => {
    await emulator.control.setTokenLifetime({ accessTokenSeconds: 1 });
    const signedIn = await signIn(emulator, ALEX);
    // Stored tokens without an expiry: the library finds out from the 401 and refreshes.
    const api = gmailClient(emulator, { access_token: signedIn.credentials.access_token, refresh_token: signedIn.credentials.refresh_token });
    await new Promise((r) => setTimeout(r, 1100));
    await emulator.control.setTokenLifetime({ accessTokenSeconds: 3600 });

    const stale = await fetch(`${emulator.apiUrl}gmail/v1/users/me/profile`, { headers: { Authorization: `Bearer ${signedIn.credentials.access_token}` } });
    expect(stale.status).toBe(401);
    expect((await stale.json()).error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });

    await emulator.control.clearLog();
    const profile = await api.users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe(ALEX);
    const calls = (await emulator.control.log()).map((e) => `${e.status} ${e.method} ${e.path}`);
    expect(calls).toEqual(['401 GET /gmail/v1/users/me/profile', '200 POST /token', '200 GET /gmail/v1/users/me/profile']);
  });

  it('revoking a token ends the grant: refresh answers invalid_grant and the API answers 401', async () => {
    const client = await signIn(emulator, ALEX);
    const { access_token } = client.credentials;
    await client.revokeToken(client.credentials.refresh_token as string);

    const refresh = await oauthFailure(client.refreshAccessToken());
    expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const api = await fetch(`${emulator.apiUrl}gmail/v1/users/me/profile`, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(api.status).toBe(401);
    expect(await oauthFailure(client.revokeToken('not-a-token'))).toMatchObject({ status: 400, body: { error: 'invalid_token' } });
  });

  it('answers the invalid_grant fault on refresh only, and shows it in the log', async () => {
    const client = await signIn(emulator, ALEX);
    await emulator.control.fault({ kind: 'invalid_grant', count: 1 });
    await emulator.control.clearLog();
    const profile = await fetch(`${emulator.apiUrl}gmail/v1/users/me/profile`, { headers: { Authorization: `Bearer ${client.credentials.access_token}` } });
    expect(profile.status).toBe(200);
    const refresh = await oauthFailure(client.refreshAccessToken());
    expect(refresh.body.error).toBe('invalid_grant');
    const again = await client.refreshAccessToken();
    expect(again.credentials.access_token).toBeTruthy();
    const log = await emulator.control.log();
    expect(log.map((e) => [e.path, e.fault, e.user])).toEqual([
      ['/gmail/v1/users/me/profile', null, ALEX],
      ['/token', 'invalid_grant', ALEX],
      ['/token', null, ALEX],
    ]);
  });

  it('refuses Gmail calls whose token lacks a Gmail scope', async () => {
    const client = await signIn(emulator, ALEX, ['openid', 'email']);
    const res = await fetch(`${emulator.apiUrl}gmail/v1/users/me/messages`, { headers: { Authorization: `Bearer ${client.credentials.access_token}` } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.errors[0].reason).toBe('insufficientPermissions');
  });
});
