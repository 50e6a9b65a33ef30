import { createTestApp, mailPluginOf, type TestApp } from '../../__tests__/support/test-app';

type Agent = ReturnType<TestApp['agent']>;

const ACCESS_TOKEN = 'ya29.access-token-of-user-a';
const REFRESH_TOKEN = '1//refresh-token-of-user-a';


/** User A's mailbox as sync leaves it: an account with one thread, message, attachment, participant, folder and run. */
async function seedMailboxOfA(app: TestApp, userId: number | string) {
  const account = await app.db.getRepository('mailAccounts').create({
    values: { userId, provider: 'google', address: 'a@gmail.test', status: 'active', syncFrom: new Date('2026-01-01') },
  });
  const accountId = account.get('id') as number;
  await mailPluginOf(app).mail.vault.save(accountId, { accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, expiresAt: Date.now() + 3600_000 });
  await app.db.getRepository('mailFolders').create({ values: { accountId, providerId: 'INBOX', name: 'Inbox', role: 'inbox' } });
  const thread = await app.db.getRepository('mailThreads').create({ values: { accountId, providerThreadId: 't1', subject: 'Contract', messageCount: 1 } });
  const message = await app.db.getRepository('mailMessages').create({
    values: { accountId, threadRowId: thread.get('id'), providerId: 'm1', subject: 'Contract', fromAddress: 'client@acme.com', date: new Date() },
  });
  const messageRowId = message.get('id');
  await app.db.getRepository('mailAttachments').create({ values: { accountId, messageRowId, providerAttachmentId: 'att1', filename: 'contract.pdf' } });
  await app.db.getRepository('mailParticipants').create({ values: { accountId, messageRowId, role: 'from', address: 'client@acme.com', domain: 'acme.com' } });
  await app.db.getRepository('mailSyncRuns').create({ values: { accountId, kind: 'initial', status: 'succeeded' } });
  return { accountId: String(accountId), messageId: String(messageRowId), threadId: String(thread.get('id')) };
}

describe('who can see and act on a mailbox', () => {
  let app: TestApp;
  let a: Agent;
  let b: Agent;
  let admin: Agent;
  let supervisor: Agent;
  let ids: Awaited<ReturnType<typeof seedMailboxOfA>>;
  const bodies: string[] = [];
  const keep = <T extends { text?: string }>(res: T): T => {
    bodies.push(res.text ?? '');
    return res;
  };

  beforeAll(async () => {
    app = await createTestApp();
    const users = app.db.getRepository('users');
    const root = await users.findOne({ filter: { 'roles.name': 'root' } });
    await app.db.getRepository('roles').create({ values: { name: 'mail-supervisor', title: 'Mail supervisor' } });
    const userA = await users.create({ values: { nickname: 'A', email: 'a@example.com', roles: ['member'] } });
    const userB = await users.create({ values: { nickname: 'B', email: 'b@example.com', roles: ['member'] } });
    const userS = await users.create({ values: { nickname: 'S', email: 's@example.com', roles: ['mail-supervisor'] } });
    a = await app.agent().login(userA);
    b = await app.agent().login(userB);
    admin = await app.agent().login(root);
    supervisor = await app.agent().login(userS, 'mail-supervisor');
    ids = await seedMailboxOfA(app, userA.get('id') as number);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const dataResources = ['mailMessages', 'mailThreads', 'mailFolders', 'mailAttachments', 'mailParticipants', 'mailSyncRuns'];

  it('shows the owner their account and all its mail', async () => {
    expect(keep(await a.get('/mailAccounts:list')).body.data).toHaveLength(1);
    for (const resource of dataResources) {
      const res = keep(await a.get(`/${resource}:list`));
      expect(res.status, resource).toBe(200);
      expect(res.body.data.length, resource).toBe(1);
    }
    expect(keep(await a.get(`/mailMessages:get?filterByTk=${ids.messageId}`)).body.data).toMatchObject({ subject: 'Contract' });
  });

  it("gives another user nothing of A's: empty lists and 404s on every action", async () => {
    expect(keep(await b.get('/mailAccounts:list')).body.data).toEqual([]);
    for (const action of ['get', 'pause', 'resume', 'syncNow', 'destroy']) {
      const res = keep(await b.post(`/mailAccounts:${action}?filterByTk=${ids.accountId}`).send({}));
      expect(res.status, action).toBe(404);
    }
    expect(keep(await b.post(`/mailAccounts:setSyncFrom?filterByTk=${ids.accountId}`).send({ syncFrom: '2025-01-01' })).status).toBe(404);
    expect(keep(await b.post('/mailAccounts:authorize').send({ provider: 'google', accountId: ids.accountId })).status).toBe(404);
    for (const resource of dataResources) {
      const list = keep(await b.get(`/${resource}:list`));
      expect(list.status, resource).toBe(200);
      expect(list.body.data, resource).toEqual([]);
    }
    const got = keep(await b.get(`/mailMessages:get?filterByTk=${ids.messageId}`));
    expect(got.body.data ?? null).toBeNull();
    const thread = keep(await b.get(`/mailThreads:get?filterByTk=${ids.threadId}`));
    expect(thread.body.data ?? null).toBeNull();
    // A's account still works for A.
    expect(keep(await a.get(`/mailAccounts:get?filterByTk=${ids.accountId}`)).body.data.status).toBe('active');
  });

  it('refuses generic writes to synced mail for everyone, admins included', async () => {
    const refused = [403, 405];
    for (const agent of [a, b, admin]) {
      expect(refused).toContain(keep(await agent.post(`/mailMessages:update?filterByTk=${ids.messageId}`).send({ subject: 'x' })).status);
      expect(refused).toContain(keep(await agent.post(`/mailMessages:destroy?filterByTk=${ids.messageId}`).send({})).status);
      expect(refused).toContain(keep(await agent.post('/mailMessages:create').send({ accountId: ids.accountId, providerId: 'x' })).status);
      expect(refused).toContain(keep(await agent.post(`/mailAccounts:update?filterByTk=${ids.accountId}`).send({ userId: 1 })).status);
    }
    expect(keep(await a.get(`/mailMessages:get?filterByTk=${ids.messageId}`)).body.data.subject).toBe('Contract');
  });

  it('keeps users\' mail private from administrators unless their role is made a mail supervisor', async () => {
    expect(keep(await admin.get('/mailMessages:list')).body.data).toEqual([]);
    expect(keep(await supervisor.get('/mailMessages:list')).body.data).toEqual([]);
    keep(await admin.post('/mailSettings:setGeneral').send({ supervisorRoles: ['mail-supervisor'] }));
    expect(keep(await supervisor.get('/mailMessages:list')).body.data).toHaveLength(1);
    expect(keep(await supervisor.get('/mailAccounts:list?scope=all')).body.data).toHaveLength(1);
    // Supervising is reading, not taking over: only the owner reconnects or deletes.
    expect(keep(await supervisor.post(`/mailAccounts:destroy?filterByTk=${ids.accountId}`).send({})).status).toBe(404);
    expect(keep(await admin.get('/mailMessages:list')).body.data).toEqual([]);
  });

  it('never returns a token', async () => {
    for (const body of bodies) {
      expect(body).not.toContain(ACCESS_TOKEN);
      expect(body).not.toContain(REFRESH_TOKEN);
    }
  });
});
