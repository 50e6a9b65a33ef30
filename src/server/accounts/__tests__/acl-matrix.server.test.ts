/**
 * Who can see and change mail, probed on every route the collection
 * definitions imply: for every collection of the plugin (src/server/collections)
 * and every association of every collection that reaches one, list / get /
 * appends / query and the generic writes, as root, an admin-role user, a
 * member, a mail supervisor and roles granted `view` on everything. A
 * collection or association added later is probed without editing this file;
 * one added without an access rule or without seed rows fails here.
 */
import type { Collection } from '@nocobase/database';
import { MAIL_COLLECTION_RULES } from '../../actions/mail-data-scope';
import { ourCollectionNames } from '../../db/__tests__/catalogue';
import { createTestApp, mailPluginOf, type TestApp } from '../../__tests__/support/test-app';

type Agent = ReturnType<TestApp['agent']>;
type Row = Record<string, unknown>;

const ACCESS_TOKEN = 'ya29.access-token-of-a-user';
const REFRESH_TOKEN = '1//refresh-token-of-a-user';
/** In every string of B's account-scoped mail, and of B's own-only rows (outbox, OAuth states). */
const B_MAIL = 'B-PRIVATE-MAIL';
const B_OWN = 'B-OWNER-ONLY';

const READ_ONE = new Set(['belongsTo', 'hasOne']);
const ASSOCIATION_TYPES = new Set(['belongsTo', 'hasOne', 'hasMany', 'belongsToMany']);
const PLAIN_WRITES = ['create', 'update', 'destroy', 'firstOrCreate', 'updateOrCreate'];
const ASSOCIATION_WRITES = ['create', 'update', 'destroy', 'add', 'set', 'remove', 'toggle'];

interface Caller {
  label: string;
  agent: Agent;
  userId: string;
  supervisor: boolean;
}

interface Mailbox {
  userId: string;
  accountId: string;
}

async function seedMailbox(app: TestApp, userId: string, tag: string, marker: string, ownMarker: string): Promise<Mailbox> {
  const repo = (name: string) => app.db.getRepository(name);
  const account = await repo('mailAccounts').create({
    values: { userId, provider: 'google', address: `${tag}@gmail.test`, displayName: marker, status: 'active', syncFrom: new Date('2026-01-01') },
  });
  const accountId = String(account.get('id'));
  await mailPluginOf(app).mail.vault.save(accountId, { accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, expiresAt: Date.now() + 3600_000 });
  await repo('mailFolders').create({ values: { accountId, providerId: 'INBOX', name: `${marker} Inbox`, role: 'inbox' } });
  const thread = await repo('mailThreads').create({ values: { accountId, providerThreadId: `${tag}-t1`, subject: `${marker} contract`, messageCount: 1 } });
  await repo('mailThreadFolders').create({ values: { accountId, threadRowId: thread.get('id'), folderId: `${marker}-INBOX`, lastMessageAt: new Date() } });
  const message = await repo('mailMessages').create({
    values: {
      accountId,
      threadRowId: thread.get('id'),
      providerId: `${tag}-m1`,
      subject: `${marker} contract`,
      html: `<p>${marker} body</p>`,
      text: `${marker} body`,
      fromAddress: `${tag}@acme.com`,
      date: new Date(),
    },
  });
  const messageRowId = message.get('id');
  await repo('mailAttachments').create({ values: { accountId, messageRowId, providerAttachmentId: `${tag}-att1`, filename: `${marker}.pdf` } });
  await repo('mailParticipants').create({ values: { accountId, messageRowId, role: 'from', address: `${marker}@acme.com`, domain: 'acme.com' } });
  await repo('mailSyncRuns').create({ values: { accountId, kind: 'initial', status: 'succeeded', errors: [marker] } });
  await repo('mailSkippedMessages').create({ values: { accountId, providerId: `${tag}-bad`, reason: marker } });
  await repo('mailOutbox').create({ values: { accountId, userId, clientRequestId: `${tag}-r1`, status: 'sent', subject: `${ownMarker} draft`, messageRowId } });
  await repo('mailOAuthStates').create({ values: { userId, accountId, provider: 'google', stateHash: `${tag}-state`, returnTo: `/${ownMarker}` } });
  return { userId, accountId };
}

/** Associations from `collection` whose target is one of ours, or from one of ours. */
function associationsOf(collection: Collection, ours: Set<string>): Array<{ name: string; type: string; target: string }> {
  const out: Array<{ name: string; type: string; target: string }> = [];
  for (const field of collection.fields.values()) {
    const options = field.options as { type: string; target?: string; name: string };
    if (!ASSOCIATION_TYPES.has(options.type) || !options.target) continue;
    if (ours.has(collection.name) || ours.has(options.target)) out.push({ name: options.name, type: options.type, target: options.target });
  }
  return out;
}

function rowsOf(body: unknown): Row[] {
  const data = (body as { data?: unknown } | undefined)?.data;
  if (Array.isArray(data)) return data as Row[];
  return data && typeof data === 'object' ? [data as Row] : [];
}

describe('who can see and change mail, on every route that reaches it', () => {
  let app: TestApp;
  let names: string[];
  let ours: Set<string>;
  let a: Mailbox;
  let b: Mailbox;
  let v: Mailbox;
  const callers: Caller[] = [];
  let snapshot: () => Promise<string>;

  /** Ids of `collection`'s rows the caller may not read (the oracle, from the database itself). */
  const forbiddenIds = async (collection: string, caller: Caller, accountsOf: (userId: string) => Promise<string[]>): Promise<Set<string>> => {
    const rule = MAIL_COLLECTION_RULES[collection];
    const pk = app.db.getCollection(collection).model.primaryKeyAttribute;
    const rows = (await app.db.getRepository(collection).find({})) as Array<{ get(k: string): unknown }>;
    if (!rule || rule.kind === 'config') return new Set(rows.map((r) => String(r.get(pk))));
    if (rule.kind === 'owner') return new Set(rows.filter((r) => String(r.get(rule.column)) !== caller.userId).map((r) => String(r.get(pk))));
    if (caller.supervisor) return new Set();
    const mine = await accountsOf(caller.userId);
    return new Set(rows.filter((r) => !mine.includes(String(r.get(rule.column)))).map((r) => String(r.get(pk))));
  };

  beforeAll(async () => {
    app = await createTestApp();
    names = await ourCollectionNames();
    ours = new Set(names);
    const users = app.db.getRepository('users');
    const roles = app.db.getRepository('roles');
    // Supervisors are given `view` so they can use pages built on the mail collections.
    await roles.create({ values: { name: 'mail-supervisor', title: 'Mail supervisor', strategy: { actions: ['view'] } } });
    // The two ways an admin grants reading everything: the role's general strategy, and `view` per collection.
    await roles.create({ values: { name: 'viewer-by-strategy', title: 'Viewer (strategy)', strategy: { actions: ['view'] }, allowConfigure: true, snippets: ['*'] } });
    await roles.create({
      values: {
        name: 'viewer-by-collection',
        title: 'Viewer (per collection)',
        resources: names.map((name) => ({ dataSourceKey: 'main', name, usingActionsConfig: true, actions: [{ name: 'view' }] })),
      },
    });
    const root = await users.findOne({ filter: { 'roles.name': 'root' } });
    const make = async (nickname: string, role: string) =>
      users.create({ values: { nickname, email: `${nickname}@example.com`, roles: [role] } });
    const userA = await make('a', 'member');
    const userB = await make('b', 'member');
    const admin = await make('admin', 'admin');
    const sup = await make('supervisor', 'mail-supervisor');
    const v1 = await make('viewer1', 'viewer-by-strategy');
    const v2 = await make('viewer2', 'viewer-by-collection');
    const caller = async (label: string, user: { get(k: string): unknown }, role: string, supervisor = false): Promise<Caller> => ({
      label,
      agent: await app.agent().login(user, role),
      userId: String(user.get('id')),
      supervisor,
    });
    callers.push(
      await caller('root', root, 'root'),
      await caller('admin role', admin, 'admin'),
      await caller('member (owner of A)', userA, 'member'),
      await caller('mail supervisor', sup, 'mail-supervisor', true),
      await caller('role with view by strategy', v1, 'viewer-by-strategy'),
      await caller('role with view per collection', v2, 'viewer-by-collection'),
    );
    const rootAgent = callers[0].agent;
    expect((await rootAgent.post('/mailSettings:setGeneral').send({ supervisorRoles: ['mail-supervisor'] })).status).toBe(200);
    await app.db.getRepository('mailSettings').create({ values: { provider: 'google', clientId: 'config.apps.googleusercontent.com' } });
    a = await seedMailbox(app, String(userA.get('id')), 'a', 'A-OWN-MAIL', 'A-OWN-ONLY');
    // Root has a mailbox too: its own mail shows on association routes (the role that reaches them all).
    v = await seedMailbox(app, String(root.get('id')), 'root', 'ROOT-OWN-MAIL', 'ROOT-OWN-ONLY');
    b = await seedMailbox(app, String(userB.get('id')), 'b', B_MAIL, B_OWN);
    snapshot = async () => {
      const all: Record<string, unknown> = {};
      for (const name of names) all[name] = (await app.db.getRepository(name).find({ sort: ['id'] })).map((r: { toJSON(): unknown }) => r.toJSON());
      return JSON.stringify(all);
    };
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('has an access rule for every collection of the plugin and seed rows in each to probe', async () => {
    const missingRule = names.filter((n) => !MAIL_COLLECTION_RULES[n]);
    expect(missingRule, 'add these to MAIL_COLLECTION_RULES').toEqual([]);
    const unseeded: string[] = [];
    for (const name of names) {
      const rule = MAIL_COLLECTION_RULES[name];
      const filter = rule.kind === 'account' ? { [rule.column]: b.accountId } : rule.kind === 'owner' ? { [rule.column]: b.userId } : {};
      if ((await app.db.getRepository(name).count({ filter })) === 0) unseeded.push(name);
    }
    expect(unseeded, "seed B's rows of these collections in seedMailbox").toEqual([]);
  });

  it('shows owners their account and all of its mail, on plain and association routes', async () => {
    const member = callers.find((c) => c.label.startsWith('member'))!.agent;
    for (const name of names.filter((n) => MAIL_COLLECTION_RULES[n]?.kind !== 'config')) {
      const res = await member.get(`/${name}:list`);
      if (res.status === 403) continue; // not granted to members (e.g. skipped messages)
      expect(res.status, name).toBe(200);
      expect(rowsOf(res.body).length, name).toBeGreaterThan(0);
    }
    const viewer = callers.find((c) => c.label === 'root')!.agent;
    const thread = await app.db.getRepository('mailThreads').findOne({ filter: { accountId: v.accountId } });
    const messages = await viewer.get(`/mailThreads/${thread.get('id')}/messages:list?appends[]=attachments`);
    expect(rowsOf(messages.body).map((m) => m.subject)).toEqual(['ROOT-OWN-MAIL contract']);
    expect((rowsOf(messages.body)[0].attachments as Row[]).map((f) => f.filename)).toEqual(['ROOT-OWN-MAIL.pdf']);
    const folders = await viewer.get(`/mailAccounts/${v.accountId}/folders:list`);
    expect(rowsOf(folders.body).map((f) => f.name)).toEqual(['ROOT-OWN-MAIL Inbox']);
  });

  // One generated probe set per caller.
  for (const label of ['root', 'admin role', 'member (owner of A)', 'mail supervisor', 'role with view by strategy', 'role with view per collection']) {
    it(`${label}: reads no mail it may not see on any route, and changes nothing`, async () => {
      const caller = callers.find((c) => c.label === label)!;
      const accountsOf = async (userId: string) =>
        ((await app.db.getRepository('mailAccounts').find({ filter: { userId } })) as Array<{ get(k: string): unknown }>).map((r) => String(r.get('id')));
      const forbidden = new Map<string, Set<string>>();
      const forbiddenOf = async (collection: string) => {
        if (!forbidden.has(collection)) forbidden.set(collection, ours.has(collection) ? await forbiddenIds(collection, caller, accountsOf) : new Set());
        return forbidden.get(collection)!;
      };
      const markers = caller.supervisor ? [B_OWN, ACCESS_TOKEN, REFRESH_TOKEN] : [B_MAIL, B_OWN, ACCESS_TOKEN, REFRESH_TOKEN];
      const problems: string[] = [];
      let probes = 0;
      const before = await snapshot();

      const checkRead = async (route: string, res: { status: number; text?: string; body: unknown }, collection: string, appended: Array<{ name: string; target: string }> = []) => {
        probes++;
        if (res.status >= 500) problems.push(`${route}: ${res.status}`);
        if (res.status !== 200) return;
        for (const marker of markers) if ((res.text ?? '').includes(marker)) problems.push(`${route}: response contains ${marker}`);
        const deny = await forbiddenOf(collection);
        const pk = ours.has(collection) ? app.db.getCollection(collection).model.primaryKeyAttribute : 'id';
        for (const row of rowsOf(res.body)) {
          if (deny.has(String(row[pk]))) problems.push(`${route}: returned ${collection} ${String(row[pk])}`);
          for (const assoc of appended) {
            const nested = row[assoc.name];
            const denyNested = await forbiddenOf(assoc.target);
            for (const n of (Array.isArray(nested) ? nested : nested ? [nested] : []) as Row[]) {
              if (denyNested.has(String(n.id))) problems.push(`${route}: appended ${assoc.target} ${String(n.id)}`);
            }
          }
        }
      };
      const checkRefused = (route: string, res: { status: number }) => {
        probes++;
        if (res.status < 400 || res.status >= 500) problems.push(`${route}: write answered ${res.status}`);
      };

      const sourceCollections = [...app.db.collections.values()].filter((c) => associationsOf(c, ours).length > 0 || ours.has(c.name));
      for (const collection of sourceCollections) {
        const name = collection.name;
        const assocs = associationsOf(collection, ours);
        const pk = collection.model.primaryKeyAttribute;
        const all = (await app.db.getRepository(name).find({ sort: [pk] })) as Array<{ get(k: string): unknown }>;
        const rule = MAIL_COLLECTION_RULES[name];
        // Probe sources: one row of A's and one of B's (or the first rows of anything else).
        const ownerOf = (r: { get(k: string): unknown }) =>
          rule?.kind === 'account' ? String(r.get(rule.column)) : rule?.kind === 'owner' ? String(r.get(rule.column)) : '';
        const sources = rule && rule.kind !== 'config'
          ? [a, b].map((box) => all.find((r) => ownerOf(r) === (rule.kind === 'account' ? box.accountId : box.userId))).filter(Boolean)
          : all.slice(0, 2);
        const sourceIds = sources.map((r) => String(r!.get(pk)));

        if (ours.has(name)) {
          await checkRead(`${name}:list`, await caller.agent.get(`/${name}:list?pageSize=200`), name);
          if (assocs.length) {
            const appends = assocs.map((x) => `appends[]=${x.name}`).join('&');
            await checkRead(`${name}:list?appends`, await caller.agent.get(`/${name}:list?pageSize=200&${appends}`), name, assocs);
          }
          for (const id of sourceIds) await checkRead(`${name}:get(${id})`, await caller.agent.get(`/${name}:get?filterByTk=${id}`), name);
          const query = await caller.agent.post(`/${name}:query`).send({ dimensions: [{ field: [pk] }] });
          probes++;
          if (query.status >= 500) problems.push(`${name}:query: ${query.status}`);
          if (query.status === 200) {
            const deny = await forbiddenOf(name);
            for (const row of rowsOf(query.body)) for (const v of Object.values(row)) if (deny.has(String(v))) problems.push(`${name}:query returned ${String(v)}`);
          }
          const target = sourceIds[sourceIds.length - 1] ?? '1';
          for (const action of PLAIN_WRITES) {
            const route = `${name}:${action}`;
            const res = await caller.agent.post(`/${route}?filterByTk=${target}&filterKeys[]=${pk}`).send({ [pk]: target, accountId: b.accountId, userId: caller.userId });
            checkRefused(route, res);
          }
        }
        for (const assoc of assocs) {
          for (const id of sourceIds) {
            const action = READ_ONE.has(assoc.type) ? 'get' : 'list';
            const route = `${name}/${id}/${assoc.name}:${action}`;
            const res = await caller.agent.get(`/${route}`);
            await checkRead(route, res, assoc.target);
            const sourceForbidden = (await forbiddenOf(name)).has(id);
            if (sourceForbidden && res.status === 200 && rowsOf(res.body).length > 0) problems.push(`${route}: answered for a source it may not see`);
            // Writes through the other mailbox's record (B's, probed last) cover the refusal.
            if (id !== sourceIds[sourceIds.length - 1]) continue;
            const target = (await app.db.getRepository(assoc.target).findOne({}))?.get('id');
            for (const write of ASSOCIATION_WRITES) {
              const wroute = `${name}/${id}/${assoc.name}:${write}`;
              checkRefused(wroute, await caller.agent.post(`/${wroute}?filterByTk=${String(target)}`).send({ values: [target], subject: 'x' }));
            }
          }
        }
      }

      expect(problems).toEqual([]);
      expect(probes).toBeGreaterThan(100);
      expect(await snapshot(), 'no probe may change any row').toBe(before);
    });
  }

  it('lets a mail supervisor read every account but not take one over', async () => {
    const supervisor = callers.find((c) => c.supervisor)!.agent;
    const list = await supervisor.get('/mailMessages:list');
    expect(rowsOf(list.body).map((m) => m.subject).sort()).toEqual(['A-OWN-MAIL contract', `${B_MAIL} contract`, 'ROOT-OWN-MAIL contract']);
    const thread = await app.db.getRepository('mailThreads').findOne({ filter: { accountId: b.accountId } });
    const withMessages = await supervisor.get(`/mailThreads:get?filterByTk=${thread.get('id')}&appends[]=messages`);
    expect((rowsOf(withMessages.body)[0].messages as Row[]).map((m) => m.subject)).toEqual([`${B_MAIL} contract`]);
    expect((await supervisor.get('/mailAccounts:list?scope=all')).body.data).toHaveLength(3);
    expect((await supervisor.post(`/mailAccounts:destroy?filterByTk=${b.accountId}`).send({})).status).toBe(404);
  });

  it('answers 404 on association routes of a record the caller may not see', async () => {
    const root = callers[0].agent;
    const thread = await app.db.getRepository('mailThreads').findOne({ filter: { accountId: b.accountId } });
    expect((await root.get(`/mailThreads/${thread.get('id')}/messages:list`)).status).toBe(404);
    expect((await root.get(`/mailAccounts/${b.accountId}/folders:list`)).status).toBe(404);
  });
});
