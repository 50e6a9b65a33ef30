import { MICROSOFT_DEMO_CLIENT_ID, MICROSOFT_DEMO_CLIENT_SECRET, startMicrosoftEmulator } from '../../../../../dev/emulators/microsoft';
import { resolveEndpoints } from '../../endpoints';
import { createMicrosoftProvider } from '../index';
import { ProviderError } from '../../errors';
import { authorizationCallbackError } from '../index';
import { answerConsent, link, pkce, REDIRECT_URI, sleep, startRig, VaultStandIn, type Rig } from './support';

const ALICE = 'alice@contoso.example';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig([{ address: ALICE, name: 'Alice Émilie Dupont', messages: 3, aliases: ['sales@contoso.example', 'a.dupont@contoso.example'] }]);
});
afterAll(async () => rig?.close());
afterEach(async () => {
  await rig.emulator.control.clearFaults();
  await rig.emulator.control.setTokenLifetime({ accessTokenSeconds: 3600 });
});

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('linking an Outlook account', () => {
  it('asks for mail permissions with PKCE S256 and the state, showing the account picker', async () => {
    const url = new URL(
      await rig.provider().authorizationUrl({ state: 'st-123', codeChallenge: 'challenge-abc', redirectUri: REDIRECT_URI }),
    );
    expect(url.origin + url.pathname).toBe(`${rig.emulator.authorityUrl}/common/oauth2/v2.0/authorize`);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe(MICROSOFT_DEMO_CLIENT_ID);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(q.get('code_challenge')).toBe('challenge-abc');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).toBe('st-123');
    expect(q.get('prompt')).toBe('select_account');
    expect(q.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send', 'openid']));
  });

  it('sends the browser to MAIL_MICROSOFT_AUTHORIZE_URL to sign in while tokens still come from the https authority', async () => {
    const emulator = await startMicrosoftEmulator({ browserPort: 0 });
    try {
      await emulator.control.seed({ users: [{ address: ALICE, name: 'Alice', messages: 1 }] });
      const browserUrl = emulator.browserUrl as string;
      expect(browserUrl).toMatch(/^http:\/\/localhost:\d+$/);
      const provider = createMicrosoftProvider({
        credentials: { clientId: MICROSOFT_DEMO_CLIENT_ID, clientSecret: MICROSOFT_DEMO_CLIENT_SECRET, tenant: 'contoso.example' },
        endpoints: resolveEndpoints({
          MAIL_MICROSOFT_AUTHORITY_URL: emulator.authorityUrl,
          MAIL_MICROSOFT_AUTHORIZE_URL: browserUrl,
          MAIL_GRAPH_API_URL: emulator.graphUrl,
        }),
        timeoutMs: 5_000,
      });
      const { verifier, challenge } = pkce();
      const url = new URL(await provider.authorizationUrl({ state: 'st-9', codeChallenge: challenge, redirectUri: REDIRECT_URI }));
      expect(url.origin + url.pathname).toBe(`${browserUrl}/contoso.example/oauth2/v2.0/authorize`);
      expect(url.searchParams.get('state')).toBe('st-9');
      expect(url.searchParams.get('code_challenge')).toBe(challenge);
      // The plain-HTTP listener serves the sign-in pages only, never tokens.
      expect((await fetch(`${browserUrl}/contoso.example/oauth2/v2.0/token`, { method: 'POST' })).status).toBe(404);
      const code = (await answerConsent(url.toString(), ALICE)).searchParams.get('code') ?? '';
      const { profile } = await provider.exchangeCode(code, verifier, REDIRECT_URI);
      expect(profile.address).toBe(ALICE);
    } finally {
      await emulator.close();
    }
  });

  it('goes straight to the known account when reconnecting with a login hint', async () => {
    const url = new URL(await rig.provider().authorizationUrl({ state: 's', codeChallenge: 'c', redirectUri: REDIRECT_URI, loginHint: ALICE }));
    expect(url.searchParams.get('login_hint')).toBe(ALICE);
    expect(url.searchParams.get('prompt')).toBeNull();
  });

  it('exchanges the code for tokens and reads address, display name and aliases from /me', async () => {
    const { tokens, profile } = await link(rig.provider(), ALICE);
    expect(profile.address).toBe(ALICE);
    expect(profile.displayName).toBe('Alice Émilie Dupont');
    expect(profile.aliases.map((a) => a.address).sort()).toEqual(['a.dupont@contoso.example', 'sales@contoso.example']);
    expect(profile.providerAccountId).toBeTruthy();
    expect(tokens.accessToken).toMatch(/\S{20,}/);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    expect(tokens.refreshToken).toBeTruthy();
    // The msal cache blob is what refresh runs from; it holds this one account.
    expect(JSON.parse(tokens.providerCache ?? '{}').Account).toBeTruthy();
  });

  it('rejects a code redeemed with the wrong PKCE verifier', async () => {
    const provider = rig.provider();
    const { challenge } = pkce();
    const url = await provider.authorizationUrl({ state: 's', codeChallenge: challenge, redirectUri: REDIRECT_URI, loginHint: ALICE });
    const code = (await answerConsent(url, ALICE)).searchParams.get('code') ?? '';
    const error = await rejection(provider.exchangeCode(code, pkce().verifier, REDIRECT_URI));
    expect(error.code).toBe('REAUTH_REQUIRED');
  });

  it('reports a redirect URI that differs from the authorization request as REDIRECT_URI_MISMATCH', async () => {
    const provider = rig.provider();
    const { verifier, challenge } = pkce();
    const url = await provider.authorizationUrl({ state: 's', codeChallenge: challenge, redirectUri: REDIRECT_URI, loginHint: ALICE });
    const code = (await answerConsent(url, ALICE)).searchParams.get('code') ?? '';
    const error = await rejection(provider.exchangeCode(code, verifier, 'http://localhost:13000/elsewhere'));
    expect(error.code).toBe('REDIRECT_URI_MISMATCH');
  });

  it('reports a declined consent on the redirect as CONSENT_DENIED', async () => {
    const { challenge } = pkce();
    const url = await rig.provider().authorizationUrl({ state: 's', codeChallenge: challenge, redirectUri: REDIRECT_URI });
    const redirect = await answerConsent(url, ALICE, 'cancel');
    const error = authorizationCallbackError(redirect.searchParams.get('error') ?? '', redirect.searchParams.get('error_description'));
    expect(error.code).toBe('CONSENT_DENIED');
  });

  it('reports a wrong client secret as INVALID_CLIENT without echoing the secret', async () => {
    const provider = rig.provider({ credentials: { clientId: MICROSOFT_DEMO_CLIENT_ID, clientSecret: 'not-the-secret-xyz', tenant: 'common' } });
    const error = await rejection(link(provider, ALICE));
    expect(error.code).toBe('INVALID_CLIENT');
    expect(error.message).toContain('AADSTS7000215');
    expect(error.message).not.toContain('not-the-secret-xyz');
  });
});

describe('keeping the sign-in fresh', () => {
  it('refreshes an expired access token from the stored msal cache and keeps reading mail', async () => {
    await rig.emulator.control.setTokenLifetime({ accessTokenSeconds: 1 });
    const provider = rig.provider();
    const { tokens } = await link(provider, ALICE);
    const vault = new VaultStandIn(provider, tokens);
    await sleep(1_200);
    const mailbox = provider.forAccount(vault.context(ALICE));
    const folders = await mailbox.listFolders();
    expect(folders.find((f) => f.role === 'inbox')).toBeTruthy();
    expect(vault.refreshes).toBeGreaterThanOrEqual(1);
    expect(vault.tokens.accessToken).not.toBe(tokens.accessToken);
    // The refreshed cache round-trips through JSON storage and refreshes again.
    const again = await provider.refresh(vault.tokens);
    expect(again.accessToken).not.toBe(vault.tokens.accessToken);
    expect(again.providerCache).toBeTruthy();
  });

  it('refreshes from the stored refresh token alone when the msal cache blob is lost', async () => {
    const provider = rig.provider();
    const { tokens } = await link(provider, ALICE);
    const fresh = await provider.refresh({ accessToken: '', refreshToken: tokens.refreshToken, providerCache: null });
    expect(fresh.accessToken).toMatch(/\S{20,}/);
    expect(fresh.providerCache).toBeTruthy();
  });

  it('asks the user to reconnect when Microsoft answers invalid_grant', async () => {
    const provider = rig.provider();
    const { tokens } = await link(provider, ALICE);
    await rig.emulator.control.fault({ kind: 'invalid_grant', count: 1 });
    const error = await rejection(provider.refresh(tokens));
    expect(error.code).toBe('REAUTH_REQUIRED');
    expect(error.message).toContain('AADSTS70008');
    expect(error.message).not.toContain(tokens.refreshToken ?? '∅');
  });

  it('asks the user to reconnect after the grant was revoked (AADSTS50173)', async () => {
    const provider = rig.provider();
    const { tokens } = await link(provider, ALICE);
    await rig.emulator.control.revokeTokens(ALICE);
    const error = await rejection(provider.refresh(tokens));
    expect(error.code).toBe('REAUTH_REQUIRED');
  });

  it('reports a throttled token endpoint as RATE_LIMITED with the Retry-After delay', async () => {
    const provider = rig.provider();
    const { tokens } = await link(provider, ALICE);
    await rig.emulator.control.fault({ kind: 'rate_limit', count: 1, pathPrefix: '/common/oauth2/v2.0/token', retryAfterSeconds: 9 });
    const error = await rejection(provider.refresh(tokens));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(9_000);
  });

  it('revoking forgets the grant and never fails, even with an unreadable cache', async () => {
    const provider = rig.provider();
    const { tokens } = await link(provider, ALICE);
    await expect(provider.revoke(tokens)).resolves.toBeUndefined();
    await expect(provider.revoke({ accessToken: 'x', providerCache: '{not json' })).resolves.toBeUndefined();
    await expect(provider.revoke({ accessToken: '' })).resolves.toBeUndefined();
  });
});
