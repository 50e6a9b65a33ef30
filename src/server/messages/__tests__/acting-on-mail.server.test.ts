/**
 * Acting on mail from NocoBase, against the provider emulators with the real
 * adapters: each action changes the mailbox at the provider (read back through
 * its API) and the local rows at once, and the next incremental sync finds
 * nothing left to change. Then who may act, and what a provider failure leaves.
 */
import { setEnv } from '../../__tests__/support/env';
import { startProviderRig, type ProviderRig } from '../../__tests__/support/rigs';
import { createTestApp, mailPluginOf, type TestApp } from '../../__tests__/support/test-app';
import type { ProviderName } from '../../providers/types';
import type { SyncEngine } from '../../sync';
import { asBool, asStringArray } from '../../sync/values';

type Agent = ReturnType<TestApp['agent']>;
type Raw = Record<string, unknown>;

interface Flags {
  read: boolean;
  starred: boolean;
  folderIds: string[];
}

interface LocalMessage extends Flags {
  id: string;
  providerId: string;
  date: number;
  draft: boolean;
}

const ADDRESS: Record<ProviderName, string> = { google: 'alex@gmail.test', microsoft: 'alex@outlook.test' };

describe.each<ProviderName>(['google', 'microsoft'])('acting on %s mail', (provider) => {
  const address = ADDRESS[provider];
  let rig: ProviderRig;
  let app: TestApp;
  let owner: Agent;
  let stranger: Agent;
  let supervisor: Agent;
  let engine: SyncEngine;
  let accountId: string;
  /** The conversation the tests act on: several messages, some in the inbox. */
  let threadId: string;
  let restoreEnv: () => void = () => undefined;

  const db = () => app.db;
  const plugin = () => mailPluginOf(app);

  async function linkMailbox(extra: Record<string, unknown> = {}): Promise<string> {
    const start = await owner.post('/mailAccounts:authorize').send({ provider, ...extra });
    const redirect = await rig.consent(start.body.data.url, address, 'allow');
    const linked = await owner.post('/mailAccounts:callback').send({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') });
    expect(linked.status).toBe(200);
    return String(linked.body.data.account.id);
  }

  async function sync() {
    const run = await engine.runAccount(accountId);
    expect(run.status, JSON.stringify(run.errors)).toBe('succeeded');
    return run;
  }

  async function folders(): Promise<Raw[]> {
    return (await db().getModel('mailFolders').findAll({ where: { accountId }, raw: true })) as unknown as Raw[];
  }

  async function folderRowId(role: string): Promise<string> {
    const row = (await folders()).find((f) => f.role === role);
    expect(row, `a ${role} folder`).toBeTruthy();
    return String(row!.id);
  }

  async function providerIdOfRole(role: string): Promise<string> {
    return String((await folders()).find((f) => f.role === role)!.providerId);
  }

  async function localMessages(thread = threadId): Promise<LocalMessage[]> {
    const rows = (await db().getModel('mailMessages').findAll({ where: { accountId, threadRowId: thread }, raw: true })) as unknown as Raw[];
    return rows
      .map((r) => ({
        id: String(r.id),
        providerId: String(r.providerId),
        date: new Date(r.date as string).getTime(),
        draft: asBool(r.draft),
        read: asBool(r.read),
        starred: asBool(r.starred),
        folderIds: asStringArray(r.folderIds).sort(),
      }))
      .sort((a, b) => a.date - b.date || Number(a.id) - Number(b.id));
  }

  /** What the provider itself says about the messages, read through its API. */
  async function providerFlags(providerIds: string[]): Promise<Map<string, Flags>> {
    const mailbox = await plugin().mail.accounts.mailboxFor(accountId);
    const page = await mailbox.fetchMessages(providerIds);
    expect(page.failures).toEqual([]);
    return new Map(page.messages.map((m) => [m.providerId, { read: m.read, starred: m.starred, folderIds: [...m.folderIds].sort() }]));
  }

  /** Local rows equal the provider's state, and the thread row sums them up. */
  async function expectMirrored(thread = threadId): Promise<LocalMessage[]> {
    const local = await localMessages(thread);
    const remote = await providerFlags(local.map((m) => m.providerId));
    for (const m of local) expect({ read: m.read, starred: m.starred, folderIds: m.folderIds }, m.providerId).toEqual(remote.get(m.providerId));
    const row = (await db().getModel('mailThreads').findOne({ where: { id: thread }, raw: true })) as unknown as Raw;
    expect(Number(row.unreadCount)).toBe(local.filter((m) => !m.read).length);
    expect(asBool(row.starred)).toBe(local.some((m) => m.starred));
    return local;
  }

  /** Everything an incremental sync could rewrite: messages, conversations, folder counts. */
  async function snapshot() {
    const rows = async (name: string, attributes: string[]) =>
      ((await db().getModel(name).findAll({ where: { accountId }, attributes, raw: true })) as unknown as Raw[])
        .map((r) => attributes.map((a) => (a === 'folderIds' ? asStringArray(r[a]).sort().join(',') : String(r[a]))).join('|'))
        .sort();
    return {
      messages: await rows('mailMessages', ['providerId', 'read', 'starred', 'folderIds', 'threadRowId']),
      threads: await rows('mailThreads', ['id', 'unreadCount', 'starred', 'folderIds', 'messageCount']),
      folders: await rows('mailFolders', ['providerId', 'totalCount', 'unreadCount']),
    };
  }

  async function expectSyncChangesNothing() {
    const before = await snapshot();
    const run = await sync();
    expect({ stored: run.stored, updated: run.updated, deleted: run.deleted }).toEqual({ stored: 0, updated: 0, deleted: 0 });
    expect(await snapshot()).toEqual(before);
  }

  async function providerCalls(): Promise<number> {
    return (await rig.log()).filter((e) => !e.path.startsWith('/__control')).length;
  }

  const actOnThread = (agent: Agent, body: Record<string, unknown>, id = threadId) => agent.post(`/mailThreads:act?filterByTk=${id}`).send(body);
  const actOnMessage = (agent: Agent, id: string, body: Record<string, unknown>) => agent.post(`/mailMessages:act?filterByTk=${id}`).send(body);

  async function inboxThreadIds(): Promise<string[]> {
    const res = await owner.get(`/mailThreads:browse?accountId=${accountId}&folderRole=inbox&pageSize=200`);
    expect(res.status).toBe(200);
    return (res.body.data as Array<{ id: string }>).map((r) => r.id);
  }

  /** Creates a folder (Outlook) / label (Gmail) the way the owner would in the provider's own app. */
  async function createFolderAtProvider(name: string): Promise<void> {
    const token = await plugin().mail.vault.getAccessToken(accountId);
    const url =
      provider === 'google'
        ? `${rig.env.MAIL_GOOGLE_API_URL.replace(/\/+$/, '')}/gmail/v1/users/me/labels`
        : `${rig.env.MAIL_GRAPH_API_URL.replace(/\/+$/, '')}/v1.0/me/mailFolders`;
    const body = provider === 'google' ? { name, labelListVisibility: 'labelShow', messageListVisibility: 'show' } : { displayName: name };
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  }

  beforeAll(async () => {
    rig = await startProviderRig(provider, [{ address, name: 'Alex Example', messages: 60, seed: 23 }]);
    restoreEnv = setEnv(rig.env);
    app = await createTestApp();
    const users = db().getRepository('users');
    const root = await users.findOne({ filter: { 'roles.name': 'root' } });
    const admin = await app.agent().login(root);
    await admin.post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret: rig.clientSecret });
    await db().getRepository('roles').create({ values: { name: 'mail-supervisor', title: 'Mail supervisor' } });
    await admin.post('/mailSettings:setGeneral').send({ supervisorRoles: ['mail-supervisor'] });
    owner = await app.agent().login(await users.create({ values: { nickname: 'Alex', email: 'alex@example.com', roles: ['member'] } }));
    const strangerUser = await users.create({ values: { nickname: 'Sam', email: 'sam@example.com', roles: ['member'] } });
    stranger = await app.agent().login(strangerUser);
    supervisor = await app.agent().login(await users.create({ values: { nickname: 'Sue', email: 'sue@example.com', roles: ['mail-supervisor'] } }), 'mail-supervisor');

    accountId = await linkMailbox();
    expect((await owner.post(`/mailAccounts:setSyncFrom?filterByTk=${accountId}`).send({ syncFrom: '2000-01-01T00:00:00Z' })).status).toBe(200);
    engine = plugin().startSync();
    await sync();

    // The conversation with the most messages in the inbox (the seeded mailbox is the same on every run).
    const inbox = await providerIdOfRole('inbox');
    const rows = (await db().getModel('mailMessages').findAll({ where: { accountId }, attributes: ['threadRowId', 'folderIds'], raw: true })) as unknown as Raw[];
    const perThread = new Map<string, { all: number; inbox: number }>();
    for (const r of rows) {
      const c = perThread.get(String(r.threadRowId)) ?? { all: 0, inbox: 0 };
      c.all += 1;
      if (asStringArray(r.folderIds).includes(inbox)) c.inbox += 1;
      perThread.set(String(r.threadRowId), c);
    }
    const best = [...perThread].filter(([, c]) => c.all >= 3 && c.inbox >= 2).sort((a, b) => b[1].inbox - a[1].inbox || b[1].all - a[1].all)[0];
    expect(best, 'the seeded mailbox has a conversation with several inbox messages').toBeTruthy();
    threadId = best[0];
  });

  afterAll(async () => {
    await plugin()?.stopSync();
    await app?.destroy();
    await rig?.close();
    restoreEnv();
  });

  it('marks a conversation read, then only its latest message unread, at the provider and here', async () => {
    for (const m of await localMessages()) expect((await actOnMessage(owner, m.id, { action: 'markUnread' })).status).toBe(200);
    expect((await expectMirrored()).every((m) => !m.read)).toBe(true);

    const read = await actOnThread(owner, { action: 'markRead' });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ threadId, unreadCount: 0 });
    expect(read.body.data.messages.every((m: Flags) => m.read)).toBe(true);
    expect((await expectMirrored()).every((m) => m.read)).toBe(true);

    // Already read: nothing to ask the provider.
    await rig.clearLog();
    expect((await actOnThread(owner, { action: 'markRead' })).status).toBe(200);
    expect(await providerCalls()).toBe(0);

    const unread = await actOnThread(owner, { action: 'markUnread' });
    expect(unread.body.data.unreadCount).toBe(1);
    const local = await expectMirrored();
    const latest = local.filter((m) => !m.draft).at(-1)!;
    expect(local.filter((m) => !m.read).map((m) => m.id)).toEqual([latest.id]);
    expect(unread.body.data.messages.find((m: { id: string }) => m.id === latest.id)).toMatchObject({ read: false });
    await expectSyncChangesNothing();
  });

  it('unstars every starred message of a conversation, and stars only its latest one', async () => {
    const unstarred = await actOnThread(owner, { action: 'unstar' });
    expect(unstarred.status).toBe(200);
    expect(unstarred.body.data.starred).toBe(false);
    expect((await expectMirrored()).some((m) => m.starred)).toBe(false);

    const starred = await actOnThread(owner, { action: 'star' });
    expect(starred.status).toBe(200);
    expect(starred.body.data.starred).toBe(true);
    const local = await expectMirrored();
    expect(local.filter((m) => m.starred).map((m) => m.id)).toEqual([local.filter((m) => !m.draft).at(-1)!.id]);
    if (provider === 'google') {
      // The star is Gmail's STARRED label: the conversation shows in Starred.
      expect(starred.body.data.folderIds).toContain(await folderRowId('starred'));
    }
    await expectSyncChangesNothing();

    expect((await actOnThread(owner, { action: 'unstar' })).body.data.starred).toBe(false);
    expect((await expectMirrored()).some((m) => m.starred)).toBe(false);
  });

  it('stars one message of the conversation when asked for that message', async () => {
    const [first] = (await localMessages()).filter((m) => !m.draft);
    const res = await actOnMessage(owner, first.id, { action: 'star' });
    expect(res.status).toBe(200);
    // The answer is the whole conversation, so the view can update every message.
    expect(res.body.data.threadId).toBe(threadId);
    expect(res.body.data.messages.map((m: { id: string }) => m.id)).toEqual((await localMessages()).map((m) => m.id));
    expect((await expectMirrored()).filter((m) => m.starred).map((m) => m.id)).toEqual([first.id]);
    expect((await actOnMessage(owner, first.id, { action: 'unstar' })).body.data.starred).toBe(false);
    await expectSyncChangesNothing();
  });

  it('applies a double-clicked action once', async () => {
    const latest = (await localMessages()).filter((m) => !m.draft).at(-1)!;
    await actOnMessage(owner, latest.id, { action: 'markUnread' });
    await rig.clearLog();
    const answers = await Promise.all([actOnThread(owner, { action: 'markRead' }), actOnThread(owner, { action: 'markRead' })]);
    expect(answers.map((r) => [r.status, r.body.data.unreadCount])).toEqual([
      [200, 0],
      [200, 0],
    ]);
    const changes = (await rig.log()).filter((e) => (e.method === 'POST' || e.method === 'PATCH') && e.path.includes(latest.providerId));
    expect(changes).toHaveLength(1);
    // The inbox's unread count moved once: the next sync finds the provider's figures already there.
    await expectSyncChangesNothing();
  });

  it('archives a conversation: it leaves the inbox at the provider and in the mailbox list', async () => {
    const inboxRow = await folderRowId('inbox');
    const inbox = await providerIdOfRole('inbox');
    expect(await inboxThreadIds()).toContain(threadId);
    const before = await localMessages();

    const res = await actOnThread(owner, { action: 'archive' });
    expect(res.status).toBe(200);
    expect(res.body.data.folderIds).not.toContain(inboxRow);
    const after = await expectMirrored();
    expect(after.some((m) => m.folderIds.includes(inbox))).toBe(false);
    if (provider === 'microsoft') {
      // Outlook: the inbox messages moved to Archive, the others (Sent Items) stayed put.
      const archive = await providerIdOfRole('archive');
      for (const m of before) expect(after.find((a) => a.id === m.id)!.folderIds, m.id).toEqual(m.folderIds.includes(inbox) ? [archive] : m.folderIds);
      expect(res.body.data.folderIds).toContain(await folderRowId('archive'));
    }
    expect(await inboxThreadIds()).not.toContain(threadId);
    await expectSyncChangesNothing();
  });

  it('moves a conversation to a folder made in the mailbox, and back to the inbox', async () => {
    await createFolderAtProvider('Projects');
    await sync();
    const projects = (await folders()).find((f) => f.name === 'Projects')!;
    expect(projects, 'the new folder arrived with the sync').toBeTruthy();

    const moved = await actOnThread(owner, { action: 'moveTo', folderId: projects.id });
    expect(moved.status).toBe(200);
    expect(moved.body.data.folderIds).toContain(String(projects.id));
    const local = await expectMirrored();
    const sent = await providerIdOfRole('sent');
    for (const m of local) {
      // Gmail labels every message of the conversation; Outlook moves the ones shown in the folder (not Sent Items).
      const expected = provider === 'google' || !m.folderIds.includes(sent);
      expect(m.folderIds.includes(String(projects.providerId)), m.id).toBe(expected);
    }
    await expectSyncChangesNothing();

    const back = await actOnThread(owner, { action: 'moveTo', folderId: await folderRowId('inbox') });
    expect(back.status).toBe(200);
    await expectMirrored();
    expect(await inboxThreadIds()).toContain(threadId);
    await expectSyncChangesNothing();
  });

  it('trashes a conversation and restores it', async () => {
    const trashRow = await folderRowId('trash');
    const trash = await providerIdOfRole('trash');
    const trashed = await actOnThread(owner, { action: 'trash' });
    expect(trashed.status).toBe(200);
    expect(trashed.body.data.folderIds).toEqual([trashRow]);
    expect((await expectMirrored()).every((m) => m.folderIds.includes(trash))).toBe(true);
    expect(await inboxThreadIds()).not.toContain(threadId);
    const inTrash = await owner.get(`/mailThreads:browse?accountId=${accountId}&folderRole=trash&pageSize=200`);
    expect(inTrash.body.data.map((r: { id: string }) => r.id)).toContain(threadId);
    await expectSyncChangesNothing();

    const restored = await actOnThread(owner, { action: 'restore' });
    expect(restored.status).toBe(200);
    expect(restored.body.data.folderIds).not.toContain(trashRow);
    expect((await expectMirrored()).some((m) => m.folderIds.includes(trash))).toBe(false);
    expect(await inboxThreadIds()).toContain(threadId);
    await expectSyncChangesNothing();
  });

  it("answers 404 to another user acting on this mail, as when reading it, and asks the provider nothing", async () => {
    const before = await snapshot();
    await rig.clearLog();
    const [message] = await localMessages();
    for (const res of [await actOnThread(stranger, { action: 'trash' }), await actOnMessage(stranger, message.id, { action: 'trash' })]) {
      expect(res.status).toBe(404);
      expect(res.text).not.toContain(address);
    }
    expect((await stranger.get(`/mailMessages:body?filterByTk=${message.id}`)).status).toBe(404);
    expect((await app.agent().post(`/mailThreads:act?filterByTk=${threadId}`).send({ action: 'trash' })).status).toBe(401);
    expect(await providerCalls()).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('lets a mail supervisor read the conversation but not change it', async () => {
    const before = await snapshot();
    await rig.clearLog();
    const [message] = await localMessages();
    expect((await supervisor.get(`/mailMessages:body?filterByTk=${message.id}`)).status).toBe(200);
    const listed = await supervisor.get(`/mailThreads:browse?accountId=${accountId}&pageSize=200`);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toContain(threadId);

    for (const res of [await actOnThread(supervisor, { action: 'markRead' }), await actOnMessage(supervisor, message.id, { action: 'archive' })]) {
      expect(res.status).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ code: 'NOT_MAILBOX_OWNER' });
      expect(res.body.errors[0].message).toMatch(/supervisors can read this mailbox but not change it/);
    }
    // Generic writes stay closed to everyone, the owner included (the ACL or the mail data scope refuses them).
    expect([403, 405]).toContain((await owner.post(`/mailMessages:update?filterByTk=${message.id}`).send({ read: true })).status);
    expect(await providerCalls()).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses unknown actions and folders that are not in this mailbox, before asking the provider', async () => {
    const otherAccount = await db().getModel('mailAccounts').create({ userId: 1, provider, address: 'someone@else.test', status: 'active' });
    const foreign = await db().getModel('mailFolders').create({ accountId: otherAccount.get('id'), providerId: 'Label_99', name: 'Theirs', role: 'custom', kind: 'user' });
    await rig.clearLog();

    const unknown = await actOnThread(owner, { action: 'shred' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'UNKNOWN_ACTION', field: 'action' });
    expect(unknown.body.errors[0].message).toMatch(/markRead, markUnread, star, unstar, archive, trash, restore, moveTo/);

    const elsewhere = await actOnThread(owner, { action: 'moveTo', folderId: foreign.get('id') });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors[0]).toMatchObject({ code: 'FOLDER_NOT_FOUND', field: 'folderId' });
    expect(elsewhere.body.errors[0].message).toContain(address);

    const noFolder = await actOnThread(owner, { action: 'moveTo' });
    expect(noFolder.body.errors[0]).toMatchObject({ code: 'FOLDER_REQUIRED' });
    const sent = await actOnThread(owner, { action: 'moveTo', folderId: await folderRowId('sent') });
    expect(sent.body.errors[0]).toMatchObject({ code: 'FOLDER_NOT_ALLOWED' });
    expect(await providerCalls()).toBe(0);
  });

  it('changes nothing here when the provider keeps failing, and says to try again', async () => {
    const before = await snapshot();
    const remoteBefore = await providerFlags((await localMessages()).map((m) => m.providerId));
    await rig.fault({ kind: 'unavailable' });
    try {
      const res = await actOnThread(owner, { action: 'star' });
      expect(res.status).toBe(502);
      expect(res.body.errors[0].code).toBe('PROVIDER_UNAVAILABLE');
      expect(res.body.errors[0].message).toMatch(/could not be reached, even after retrying\. Nothing was changed\. Try again in a moment\./);
    } finally {
      await rig.clearFaults();
    }
    expect(await snapshot()).toEqual(before);
    expect(await providerFlags([...remoteBefore.keys()])).toEqual(remoteBefore);
  });

  it('after a failure part-way, the messages changed at the provider are changed here too, and only those', async () => {
    const messages = (await localMessages()).filter((m) => !m.draft).slice(0, 2);
    for (const m of messages) expect((await actOnMessage(owner, m.id, { action: 'markUnread' })).status).toBe(200);
    const [ok, failing] = messages;
    const unread = (await localMessages()).filter((m) => !m.read).length;
    const prefix = provider === 'google' ? `/gmail/v1/users/me/messages/${failing.providerId}` : `/v1.0/me/messages/${encodeURIComponent(failing.providerId)}`;
    await rig.fault({ kind: 'unavailable', pathPrefix: prefix });
    let res;
    try {
      res = await actOnThread(owner, { action: 'markRead' });
    } finally {
      await rig.clearFaults();
    }
    expect(res.status).toBe(502);
    expect(res.body.errors[0].message).toContain(`${unread - 1} of ${unread} messages were changed before it stopped.`);
    const local = await expectMirrored();
    expect(local.find((m) => m.id === ok.id)!.read).toBe(true);
    expect(local.find((m) => m.id === failing.id)!.read).toBe(false);
    await expectSyncChangesNothing();
  });

  it('tells the owner to reconnect when the provider revoked the sign-in, changing nothing', async () => {
    const before = await snapshot();
    const vault = plugin().mail.vault;
    const { tokens } = await vault.load(accountId);
    await vault.save(accountId, { ...tokens!, expiresAt: Date.now() - 1000 });
    await rig.fault({ kind: 'invalid_grant' });
    try {
      const res = await actOnThread(owner, { action: 'markRead' });
      expect(res.status).toBe(409);
      expect(res.body.errors[0]).toMatchObject({ code: 'REAUTH_REQUIRED', message: `Reconnect ${address} in Email → Accounts, then try again.` });
    } finally {
      await rig.clearFaults();
    }
    expect(await snapshot()).toEqual(before);
    expect((await owner.get(`/mailAccounts:get?filterByTk=${accountId}`)).body.data.status).toBe('reauth_required');

    // Until reconnected, the answer comes at once, without asking the provider.
    await rig.clearLog();
    expect((await actOnThread(owner, { action: 'markRead' })).status).toBe(409);
    expect(await providerCalls()).toBe(0);

    expect(await linkMailbox({ accountId })).toBe(accountId);
    expect((await actOnThread(owner, { action: 'markRead' })).status).toBe(200);
    await expectMirrored();
  });

  it('says when to try again while the provider is rate limiting the mailbox', async () => {
    expect((await actOnThread(owner, { action: 'star' })).status).toBe(200);
    const before = await snapshot();
    await rig.fault({ kind: 'rate_limit', retryAfterSeconds: 120 });
    try {
      const res = await actOnThread(owner, { action: 'unstar' });
      expect(res.status).toBe(429);
      expect(res.body.errors[0].code).toBe('RATE_LIMITED');
      expect(res.body.errors[0].message).toMatch(/is limiting requests for .*Nothing was changed\. Try again in 2 minutes\./);
    } finally {
      await rig.clearFaults();
    }
    expect(await snapshot()).toEqual(before);
    // The whole account waits for the provider now: the next action is answered without a request.
    await rig.clearLog();
    expect((await actOnThread(owner, { action: 'unstar' })).status).toBe(429);
    expect(await providerCalls()).toBe(0);
  });
});
