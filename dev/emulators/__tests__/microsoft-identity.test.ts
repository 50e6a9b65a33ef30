import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { MICROSOFT_DEMO_CLIENT_ID, MICROSOFT_DEMO_CLIENT_SECRET, MICROSOFT_TENANT_ID, type MicrosoftEmulator } from '../microsoft';
import { consent, GRAPH_SCOPES, graphClient, msalClient, rawGraph, REDIRECT_URI, signIn, startSeeded } from './microsoft-harness';

const ALICE = 'alice@contoso.test';

function decodeClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function authUrlWithPkce(emulator: MicrosoftEmulator, cca = msalClient(emulator)) {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const url = await cca.getAuthCodeUrl({ scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeChallenge: challenge, codeChallengeMethod: 'S256', state: 'st-1' });
  return { url, verifier, cca };
}

describe('Microsoft identity platform emulator with unmodified msal-node', () => {
  let emulator: MicrosoftEmulator;

  beforeAll(async () => {
    emulator = await startSeeded([{ address: ALICE, name: 'Alice Liddell', messages: 0 }]);
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.control.clearFaults();
    await emulator.control.setTokenLifetime({ accessTokenSeconds: 3600, refreshTokenSeconds: 90 * 24 * 3600 });
  });

  it('signs a user in with auth code + PKCE through the consent page, with discovery served by the emulator', async () => {
    await emulator.control.clearLog();
    const { result } = await signIn(emulator, ALICE);
    expect(result.account?.username).toBe(ALICE);
    expect(result.account?.tenantId).toBe(MICROSOFT_TENANT_ID);
    expect(result.account?.homeAccountId).toMatch(new RegExp(`\\.${MICROSOFT_TENANT_ID}$`));
    const claims = decodeClaims(result.idToken);
    expect(claims).toMatchObject({ preferred_username: ALICE, name: 'Alice Liddell', tid: MICROSOFT_TENANT_ID, aud: expect.any(String) });
    const routes = (await emulator.control.log()).map((entry) => entry.route);
    expect(routes).toContain('GET /:tenant/v2.0/.well-known/openid-configuration');
    expect(routes).toContain('POST /:tenant/oauth2/v2.0/token');
  });

  it('returns the state and the nonce the client sent', async () => {
    const cca = msalClient(emulator);
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const url = await cca.getAuthCodeUrl({ scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeChallenge: challenge, codeChallengeMethod: 'S256', state: 'my-state', nonce: 'my-nonce' });
    const redirect = await consent(url, { account: ALICE });
    expect(redirect.searchParams.get('state')).toBe('my-state');
    const result = await cca.acquireTokenByCode(
      { code: redirect.searchParams.get('code') as string, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeVerifier: verifier },
      { code: redirect.searchParams.get('code') as string, nonce: 'my-nonce' },
    );
    expect(decodeClaims(result.idToken).nonce).toBe('my-nonce');
  });

  it('serves tokens silently from a cache restored per account, and refreshes them once expired', async () => {
    const { cca, result } = await signIn(emulator, ALICE);
    const silent = await cca.acquireTokenSilent({ account: result.account!, scopes: GRAPH_SCOPES });
    expect(silent.fromCache).toBe(true);
    expect(silent.accessToken).toBe(result.accessToken);

    // The plugin keeps one serialized cache per mailbox account and restores it into a fresh client.
    const serialized = cca.getTokenCache().serialize();
    const restored = msalClient(emulator);
    restored.getTokenCache().deserialize(serialized);
    const account = await restored.getTokenCache().getAccountByHomeId(result.account!.homeAccountId);
    expect(account?.username).toBe(ALICE);

    // Short-lived tokens are inside msal's 5-minute renewal window, so the next silent call must refresh.
    await emulator.control.setTokenLifetime({ accessTokenSeconds: 60 });
    const { cca: shortCca, result: shortResult } = await signIn(emulator, ALICE);
    await emulator.control.clearLog();
    const refreshed = await shortCca.acquireTokenSilent({ account: shortResult.account!, scopes: GRAPH_SCOPES });
    expect(refreshed.fromCache).toBe(false);
    expect(refreshed.accessToken).not.toBe(shortResult.accessToken);
    const tokenCalls = (await emulator.control.log()).filter((e) => e.route === 'POST /:tenant/oauth2/v2.0/token');
    expect(tokenCalls).toHaveLength(1);
    const me = await graphClient(emulator, refreshed.accessToken).api('/me').get();
    expect(me.mail).toBe(ALICE);
  });

  it('refreshes with a stored refresh token (acquireTokenByRefreshToken) and rotates it', async () => {
    const { cca } = await signIn(emulator, ALICE);
    const cache = JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    const refreshToken = Object.values(cache.RefreshToken)[0].secret;
    const fresh = msalClient(emulator);
    // forceCache: keep the response in the fresh client's cache even though it had no account yet.
    const result = await fresh.acquireTokenByRefreshToken({ refreshToken, scopes: GRAPH_SCOPES, forceCache: true });
    expect(result?.account?.username).toBe(ALICE);
    const rotated = JSON.parse(fresh.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    expect(Object.values(rotated.RefreshToken)[0].secret).not.toBe(refreshToken);
  });

  it('rejects an expired access token at Graph with 401 InvalidAuthenticationToken', async () => {
    await emulator.control.setTokenLifetime({ accessTokenSeconds: 1 });
    const { result } = await signIn(emulator, ALICE);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await rawGraph(emulator, result.accessToken, '/me');
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.message).toMatch(/expired/);
  });

  it('fails a refresh with AADSTS50173 after the user revoked the grant', async () => {
    const { cca, result } = await signIn(emulator, ALICE);
    await emulator.control.revokeTokens(ALICE);
    await expect(cca.acquireTokenSilent({ account: result.account!, scopes: GRAPH_SCOPES, forceRefresh: true })).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS50173'),
    });
  });

  it('fails a refresh with AADSTS70008 once the refresh token has expired', async () => {
    await emulator.control.setTokenLifetime({ refreshTokenSeconds: 1 });
    const { cca, result } = await signIn(emulator, ALICE);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(cca.acquireTokenSilent({ account: result.account!, scopes: GRAPH_SCOPES, forceRefresh: true })).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS70008'),
    });
  });

  it('rejects a wrong client secret with invalid_client AADSTS7000215', async () => {
    const { url, verifier } = await authUrlWithPkce(emulator);
    const code = (await consent(url, { account: ALICE })).searchParams.get('code') as string;
    const wrong = msalClient(emulator, 'not-the-secret');
    await expect(wrong.acquireTokenByCode({ code, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeVerifier: verifier })).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });

  it('rejects a code whose PKCE verifier does not match, and a code redeemed twice', async () => {
    const { url, verifier, cca } = await authUrlWithPkce(emulator);
    const code = (await consent(url, { account: ALICE })).searchParams.get('code') as string;
    await expect(cca.acquireTokenByCode({ code, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeVerifier: `${verifier}x` })).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS50148'),
    });
    await cca.acquireTokenByCode({ code, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeVerifier: verifier });
    await expect(cca.acquireTokenByCode({ code, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeVerifier: verifier })).rejects.toMatchObject({
      errorMessage: expect.stringContaining('AADSTS54005'),
    });
  });

  it('redirects with access_denied AADSTS65004 when the user cancels consent', async () => {
    const { url } = await authUrlWithPkce(emulator);
    const redirect = await consent(url, { account: ALICE, decision: 'cancel' });
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('error_description')).toMatch(/^AADSTS65004/);
    expect(redirect.searchParams.get('state')).toBe('st-1');
  });

  it('refuses a redirect URI the app did not register with AADSTS50011, without redirecting', async () => {
    await emulator.control.registerClient({ clientId: 'strict-app', clientSecret: 's3cret', redirectUris: ['https://app.example/callback'] });
    const strict = msalClient(emulator, 's3cret', 'strict-app');
    const url = await strict.getAuthCodeUrl({ scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('AADSTS50011');
  });

  it('creates a mailbox for an account typed on the consent page', async () => {
    const { url, verifier, cca } = await authUrlWithPkce(emulator);
    const code = (await consent(url, { account: ALICE, login: 'newcomer@fabrikam.test' })).searchParams.get('code') as string;
    const result = await cca.acquireTokenByCode({ code, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeVerifier: verifier });
    expect(result.account?.username).toBe('newcomer@fabrikam.test');
    const inbox = await graphClient(emulator, result.accessToken).api('/me/mailFolders/inbox').get();
    expect(inbox.totalItemCount).toBe(0);
  });

  it('answers token errors in the identity platform shape', async () => {
    const response = await fetch(`${emulator.authorityUrl}/common/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: 'unknown-app', client_secret: 'x' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    expect(body.error_description).toMatch(/^AADSTS700016: /);
    expect(body).toHaveProperty('trace_id');
    expect(body).toHaveProperty('correlation_id');
    expect(body).toHaveProperty('timestamp');
  });

  it('is usable by a client configured with a tenant id authority as well', async () => {
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: MICROSOFT_DEMO_CLIENT_ID,
        clientSecret: MICROSOFT_DEMO_CLIENT_SECRET,
        authority: `${emulator.authorityUrl}/${MICROSOFT_TENANT_ID}`,
        knownAuthorities: [new URL(emulator.authorityUrl).host],
      },
    });
    const { result } = await signIn(emulator, ALICE, cca);
    expect(result.account?.username).toBe(ALICE);
  });
});
