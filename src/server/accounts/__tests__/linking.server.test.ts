import { createTestApp, mailPluginOf, type TestApp } from '../../__tests__/support/test-app';
import { setEnv } from '../../__tests__/support/env';
import { startProviderRig, type ProviderRig } from '../../__tests__/support/rigs';
import type { ProviderName, TokenSet } from '../../providers/types';

type Agent = ReturnType<TestApp['agent']>;

const ADDRESS: Record<ProviderName, { a: string; b: string }> = {
  google: { a: 'alex@gmail.test', b: 'bo@gmail.test' },
  microsoft: { a: 'alex@outlook.test', b: 'bo@outlook.test' },
};


describe.each<ProviderName>(['google', 'microsoft'])('linking a %s mailbox', (provider) => {
  let rig: ProviderRig;
  let app: TestApp;
  let admin: Agent;
  let userA: Agent;
  let restoreEnv: () => void = () => undefined;
  const bodies: string[] = [];
  const { a, b } = ADDRESS[provider];

  /** Every response body any test sees, to prove no token or secret ever leaves the server. */
  const keep = <T extends { text?: string; body?: unknown }>(res: T): T => {
    bodies.push(res.text ?? JSON.stringify(res.body));
    return res;
  };

  async function linkAs(agent: Agent, address: string, extra: Record<string, unknown> = {}) {
    const start = keep(await agent.post('/mailAccounts:authorize').send({ provider, returnTo: '/admin/crm', ...extra }));
    expect(start.status).toBe(200);
    const redirect = await rig.consent(start.body.data.url, address, 'allow');
    return keep(
      await agent.post('/mailAccounts:callback').send({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
    );
  }

  beforeAll(async () => {
    rig = await startProviderRig(provider, [
      { address: a, name: 'Alex Example', messages: 5 },
      { address: b, name: 'Bo Example', messages: 5 },
    ]);
    restoreEnv = setEnv(rig.env);
    app = await createTestApp();
    const root = await app.db.getRepository('users').findOne({ filter: { 'roles.name': 'root' } });
    admin = await app.agent().login(root);
    const alice = await app.db.getRepository('users').create({ values: { nickname: 'A', email: 'a@example.com', roles: ['member'] } });
    userA = await app.agent().login(alice);
  });

  afterAll(async () => {
    await app?.destroy();
    await rig?.close();
    restoreEnv();
  });

  it('tells the user to ask an administrator while the provider is not configured', async () => {
    const res = keep(await userA.post('/mailAccounts:authorize').send({ provider }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(res.body.errors[0].message).toMatch(/Ask an administrator/);
  });

  it('links an account with PKCE, stores the tokens encrypted and lists it with its status', async () => {
    keep(await admin.post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret: rig.clientSecret }));
    const start = keep(await userA.post('/mailAccounts:authorize').send({ provider, returnTo: '/admin/crm' }));
    const url = new URL(start.body.data.url);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toMatch(/\/admin\/settings\/mail\/oauth2$/);
    expect(url.searchParams.get('scope')).toContain(provider === 'google' ? 'https://mail.google.com/' : 'Mail.ReadWrite');

    const redirect = await rig.consent(start.body.data.url, a, 'allow');
    const res = keep(await userA.post('/mailAccounts:callback').send({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ isNew: true, returnTo: '/admin/crm', account: { provider, address: a, displayName: 'Alex Example' } });

    const table = app.db.getCollection('mailAccounts').getTableNameWithSchema();
    const [raw] = (await app.db.sequelize.query(`SELECT * FROM ${table}`, { type: 'SELECT' })) as Array<Record<string, unknown>>;
    const tokens = (await mailPluginOf(app).mail.vault.load(String(raw.id))).tokens as TokenSet;
    expect(tokens.accessToken.length).toBeGreaterThan(10);
    expect(String(raw.tokens)).toMatch(/^enc:v1:/);
    expect(JSON.stringify(raw)).not.toContain(tokens.accessToken);
    if (tokens.refreshToken) expect(JSON.stringify(raw)).not.toContain(tokens.refreshToken);

    const list = keep(await userA.get('/mailAccounts:list'));
    expect(list.body.data).toHaveLength(1);
    expect(['connecting', 'syncing', 'active']).toContain(list.body.data[0].status);
  });

  it('refuses a replayed or expired sign-in response with a message that says to start again', async () => {
    const start = keep(await userA.post('/mailAccounts:authorize').send({ provider }));
    const redirect = await rig.consent(start.body.data.url, a, 'allow');
    const params = { code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') };
    expect(keep(await userA.post('/mailAccounts:callback').send(params)).status).toBe(200);
    const replay = keep(await userA.post('/mailAccounts:callback').send(params));
    expect(replay.status).toBe(400);
    expect(replay.body.errors[0]).toMatchObject({ code: 'STATE_REPLAYED' });

    const late = keep(await userA.post('/mailAccounts:authorize').send({ provider }));
    const lateRedirect = await rig.consent(late.body.data.url, a, 'allow');
    await app.db.getModel('mailOAuthStates').update({ expiresAt: new Date(Date.now() - 1000) }, { where: { usedAt: null } });
    const expired = keep(await userA.post('/mailAccounts:callback').send({ code: lateRedirect.searchParams.get('code'), state: lateRedirect.searchParams.get('state') }));
    expect(expired.body.errors[0]).toMatchObject({ code: 'STATE_EXPIRED' });
    expect(expired.body.errors[0].message).toMatch(/Start linking the account again/);
  });

  it('reconnects the same address to the same account instead of creating a duplicate', async () => {
    const before = keep(await userA.get('/mailAccounts:list')).body.data;
    const res = await linkAs(userA, a, { accountId: before[0].id });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ isNew: false, account: { id: before[0].id } });
    expect(keep(await userA.get('/mailAccounts:list')).body.data).toHaveLength(1);
  });

  it('explains a declined consent', async () => {
    const start = keep(await userA.post('/mailAccounts:authorize').send({ provider }));
    const redirect = await rig.consent(start.body.data.url, a, 'deny');
    expect(redirect.searchParams.get('code')).toBeNull();
    const res = keep(
      await userA.post('/mailAccounts:callback').send({
        state: redirect.searchParams.get('state'),
        error: redirect.searchParams.get('error'),
        error_description: redirect.searchParams.get('error_description'),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'CONSENT_DENIED' });
    expect(res.body.errors[0].message).toMatch(/You declined access/);
  });

  it('refreshes the access token before it expires, once for many concurrent callers', async () => {
    const plugin = mailPluginOf(app);
    const [account] = keep(await userA.get('/mailAccounts:list')).body.data;
    const { tokens } = await plugin.mail.vault.load(account.id);
    await plugin.mail.vault.save(account.id, { ...(tokens as TokenSet), expiresAt: Date.now() + 1000 });
    await rig.clearLog();
    const results = await Promise.all(Array.from({ length: 5 }, () => plugin.mail.vault.getAccessToken(account.id)));
    expect(new Set(results).size).toBe(1);
    expect(results[0]).not.toBe((tokens as TokenSet).accessToken);
    const tokenCalls = (await rig.log()).filter((e) => /token/.test(e.path) && e.method === 'POST');
    expect(tokenCalls).toHaveLength(1);
    const mailbox = await plugin.mail.accounts.mailboxFor(account.id);
    expect((await mailbox.listFolders()).some((f) => f.role === 'inbox')).toBe(true);
  });

  it('marks the account "reconnect required" when the provider rejects the refresh', async () => {
    const plugin = mailPluginOf(app);
    const [account] = keep(await userA.get('/mailAccounts:list')).body.data;
    await rig.fault({ kind: 'invalid_grant', count: 1 });
    await expect(plugin.mail.vault.getAccessToken(account.id, true)).rejects.toThrow(/Reconnect/);
    await rig.clearFaults();
    const after = keep(await userA.get(`/mailAccounts:get?filterByTk=${account.id}`)).body.data;
    expect(after).toMatchObject({ status: 'reauth_required', statusCode: 'REAUTH_REQUIRED' });
    expect(after.statusMessage).toMatch(/Reconnect the account/);
    // Reconnecting brings it back.
    expect((await linkAs(userA, a, { accountId: account.id })).status).toBe(200);
    expect(keep(await userA.get(`/mailAccounts:get?filterByTk=${account.id}`)).body.data.status).not.toBe('reauth_required');
  });

  it('names the fix when the client secret is wrong', async () => {
    keep(await admin.post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret: 'wrong-secret' }));
    const res = await linkAs(userA, b);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('INVALID_CLIENT');
    expect(res.body.errors[0].message).toMatch(/Client ID or Client Secret/);
    keep(await admin.post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret: rig.clientSecret }));
  });

  it('when the redirect URI is not registered, the provider names it and Email settings shows the one to register', async () => {
    const clientId = provider === 'google' ? 'unregistered-redirect.apps.googleusercontent.test' : '0f0e0d0c-0000-4000-8000-00000000beef';
    await rig.registerClient({ clientId, clientSecret: 'registered-secret', redirectUris: ['https://other.example.com/admin/settings/mail/oauth2'] });
    keep(await admin.post('/mailSettings:set').send({ provider, enabled: true, clientId, clientSecret: 'registered-secret' }));
    try {
      const start = keep(await userA.post('/mailAccounts:authorize').send({ provider }));
      const redirectUri = new URL(start.body.data.url).searchParams.get('redirect_uri');
      // Like Google and Microsoft, the emulator stops on its own error page instead of coming back.
      const page = await fetch(start.body.data.url, { redirect: 'manual' });
      expect(page.status).toBe(400);
      expect(await page.text()).toMatch(provider === 'google' ? /redirect_uri_mismatch/ : /AADSTS50011/);
      const settings = keep(await admin.get('/mailSettings:get'));
      // (The test client talks to each request on a new port; a browser sees one origin.)
      expect(new URL(settings.body.data.redirectUri).pathname).toBe(new URL(String(redirectUri)).pathname);
      expect(new URL(String(redirectUri)).pathname).toBe('/admin/settings/mail/oauth2');
    } finally {
      keep(await admin.post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret: rig.clientSecret }));
    }
  });

  it('explains a mailbox without API access', async () => {
    await rig.fault(provider === 'google' ? { kind: 'api_not_enabled', count: 1, pathPrefix: '/gmail' } : { kind: 'mailbox_not_enabled', count: 1, pathPrefix: '/v1.0' });
    const res = await linkAs(userA, b).finally(() => rig.clearFaults());
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe(provider === 'google' ? 'API_NOT_ENABLED' : 'MAILBOX_NOT_ENABLED');
    expect(res.body.errors[0].message).toMatch(provider === 'google' ? /Gmail API/ : /Exchange Online|licen/i);
  });

  it('says the provider could not be reached and what to check', async () => {
    const start = keep(await userA.post('/mailAccounts:authorize').send({ provider }));
    const redirect = await rig.consent(start.body.data.url, b, 'allow');
    await rig.fault({ kind: 'hangup', count: 5 });
    try {
      const res = keep(
        await userA.post('/mailAccounts:callback').send({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') }),
      );
      expect(res.status).toBe(502);
      expect(res.body.errors[0].code).toBe('PROVIDER_UNREACHABLE');
      expect(res.body.errors[0].message).toMatch(/could not be reached/);
    } finally {
      await rig.clearFaults();
    }
  });

  it('deleting the account revokes access where the provider allows it and removes its data', async () => {
    const [account] = keep(await userA.get('/mailAccounts:list')).body.data;
    await rig.clearLog();
    const res = keep(await userA.post(`/mailAccounts:destroy?filterByTk=${account.id}`).send({}));
    expect(res.status).toBe(200);
    if (provider === 'google') {
      expect(res.body.data.revoked).toBe(true);
      expect((await rig.log()).some((e) => /revoke/.test(e.path))).toBe(true);
    }
    expect(keep(await userA.get('/mailAccounts:list')).body.data).toHaveLength(0);
  });

  it('never sends a token or the client secret to any client', async () => {
    const secrets = [rig.clientSecret];
    const rows = (await app.db.getRepository('mailAccounts').find({})) as Array<{ get(k: string): unknown }>;
    for (const row of rows) {
      const t = (await mailPluginOf(app).mail.vault.load(String(row.get('id')))).tokens;
      if (t) secrets.push(t.accessToken, ...(t.refreshToken ? [t.refreshToken] : []));
    }
    for (const body of bodies) for (const s of secrets) expect(body).not.toContain(s);
  });
});
