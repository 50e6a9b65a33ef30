import { ProviderError } from '../../errors';
import { connect, consentInBrowser, errorOf, pkcePair, REDIRECT_URI, startGoogleWorld, TestVault, type GoogleWorld } from './support';

const ADA = 'ada@gmail.test';

describe('Google OAuth through the emulator', () => {
  let world: GoogleWorld;

  beforeAll(async () => {
    world = await startGoogleWorld([{ address: ADA, name: 'Ada Lovelace', messages: 3, aliases: ['countess@example.org'] }]);
  });
  afterAll(() => world?.close());
  afterEach(async () => {
    await world.google.control.clearFaults();
    await world.google.control.setTokenLifetime({ accessTokenSeconds: 3600 });
  });

  it('asks for offline Gmail access with consent, PKCE S256, state and the login hint', async () => {
    const url = new URL(
      await world.provider.authorizationUrl({ state: 'st-1', codeChallenge: 'c'.repeat(43), redirectUri: REDIRECT_URI, loginHint: ADA }),
    );
    expect(url.origin + url.pathname).toBe(world.google.authUrl);
    const q = url.searchParams;
    expect(q.get('scope')?.split(' ')).toEqual(['https://mail.google.com/', 'openid', 'email', 'profile']);
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('include_granted_scopes')).toBe('true');
    expect(q.get('code_challenge')).toBe('c'.repeat(43));
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).toBe('st-1');
    expect(q.get('login_hint')).toBe(ADA);
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(q.get('response_type')).toBe('code');
  });

  it('exchanges the code for tokens and the mailbox profile with its send-as aliases', async () => {
    const { tokens, profile } = await connect(world.provider, ADA);
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt).toBeGreaterThan(Date.now());
    expect(tokens.scope).toContain('https://mail.google.com/');
    expect(profile).toEqual({
      address: ADA,
      displayName: 'Ada Lovelace',
      aliases: [expect.objectContaining({ address: 'countess@example.org' })],
      providerAccountId: expect.any(String),
    });
  });

  it('rejects a code exchanged with the wrong PKCE verifier', async () => {
    const { challenge } = pkcePair();
    const url = await world.provider.authorizationUrl({ state: 's', codeChallenge: challenge, redirectUri: REDIRECT_URI });
    const callback = await consentInBrowser(url, ADA);
    const err = await errorOf(() => world.provider.exchangeCode(callback.searchParams.get('code') as string, pkcePair().verifier, REDIRECT_URI));
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('PROVIDER_ERROR');
    expect((err as ProviderError).message).toMatch(/authorization code was rejected/);
  });

  it('refreshes an expired access token and keeps the refresh token Google did not resend', async () => {
    await world.google.control.setTokenLifetime({ accessTokenSeconds: 1 });
    const { tokens } = await connect(world.provider, ADA);
    const vault = new TestVault(world.provider, tokens);
    await new Promise((r) => setTimeout(r, 1_100));
    await world.google.control.setTokenLifetime({ accessTokenSeconds: 3600 });

    const folders = await world.provider.forAccount(vault.context(ADA)).listFolders();
    expect(folders.map((f) => f.role)).toContain('inbox');
    expect(vault.refreshes).toBe(1);
    expect(vault.tokens.accessToken).not.toBe(tokens.accessToken);
    expect(vault.tokens.refreshToken).toBe(tokens.refreshToken);
    expect(vault.tokens.expiresAt).toBeGreaterThan(Date.now() + 60_000);
  });

  it('retries a call once with a forced refresh when Google rejects the access token', async () => {
    const { tokens } = await connect(world.provider, ADA);
    const vault = new TestVault(world.provider, tokens);
    await world.google.control.revokeTokens(ADA, { accessTokensOnly: true });

    const cursor = await world.provider.forAccount(vault.context(ADA)).currentCursor();
    expect(cursor.historyId).toMatch(/^\d+$/);
    expect(vault.refreshes).toBe(1);
  });

  it('asks for reconnection when the refresh after a 401 fails with invalid_grant', async () => {
    const { tokens } = await connect(world.provider, ADA);
    const vault = new TestVault(world.provider, tokens);
    await world.google.control.revokeTokens(ADA); // grant and access tokens gone, as when the user removes access

    const err = await errorOf(() => world.provider.forAccount(vault.context(ADA)).listFolders());
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('REAUTH_REQUIRED');
    expect((err as ProviderError).message).not.toContain(tokens.refreshToken as string);
  });

  it('maps an injected invalid_grant on refresh to REAUTH_REQUIRED', async () => {
    const { tokens } = await connect(world.provider, ADA);
    await world.google.control.fault({ kind: 'invalid_grant', count: 1 });
    const err = await errorOf(() => world.provider.refresh(tokens));
    expect((err as ProviderError).code).toBe('REAUTH_REQUIRED');
  });

  it('reports a wrong client secret as INVALID_CLIENT', async () => {
    const { tokens } = await connect(world.provider, ADA);
    const wrong = world.makeProvider({ credentials: { clientId: 'demo-google-client-id', clientSecret: 'not-the-secret' } });
    const err = await errorOf(() => wrong.refresh(tokens));
    expect((err as ProviderError).code).toBe('INVALID_CLIENT');
    expect((err as ProviderError).message).not.toContain('not-the-secret');
  });

  it('revokes the grant so the refresh token stops working, and tolerates revoking twice', async () => {
    const { tokens } = await connect(world.provider, ADA);
    await world.provider.revoke(tokens);
    const err = await errorOf(() => world.provider.refresh(tokens));
    expect((err as ProviderError).code).toBe('REAUTH_REQUIRED');
    await expect(world.provider.revoke(tokens)).resolves.toBeUndefined();
  });

  it('does not retry a failing token request itself (the sync engine owns retries)', async () => {
    const { tokens } = await connect(world.provider, ADA);
    await world.google.control.fault({ kind: 'unavailable', count: 1, pathPrefix: '/token' });
    const err = await errorOf(() => world.provider.refresh(tokens));
    expect((err as ProviderError).code).toBe('TRANSIENT');
    expect((err as ProviderError).status).toBe(503);
  });
});
