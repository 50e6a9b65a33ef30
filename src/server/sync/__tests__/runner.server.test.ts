/**
 * Runner behaviour around the edges: poison messages, paused accounts, user
 * "Resync", and a crashed runner whose lease expires.
 */
import type { MailboxClient, MessagePage } from '../../providers/types';
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { createSyncEngine, type SyncEngine } from '../engine';
import { MAX_ATTEMPTS } from '../poison';
import { compareWithProvider } from './support/expectations';
import { accountRow, localMessages } from './support/local-mail';
import { MailWorld, type LinkedAccount } from './support/mail-world';
import { providerSide, type ProviderSide } from './support/provider-side';
import { message } from './support/messages';
import { MailStore } from '../store';

const USER = { provider: 'microsoft' as const, address: 'rita.runner@contoso.test', name: 'Rita Runner', messages: 120, seed: 6001 };
type Row = Record<string, unknown>;

describe('sync runner', () => {
  let app: TestApp;
  let world: MailWorld;
  let engine: SyncEngine;
  let side: ProviderSide;

  const account = (id: number): Promise<Row> => accountRow(app.db, id);
  const link = () => world.link(app.db, 'microsoft', USER.address);

  beforeAll(async () => {
    app = await createTestApp();
    world = await MailWorld.start({ google: false, users: [USER] });
    engine = createSyncEngine({ db: app.db, mailboxFor: world.mailboxFor, runnerId: 'runner-test', pageSize: 50 });
    side = await providerSide(world, 'microsoft', USER.address);
  });
  afterEach(() => {
    world.decorate = null;
  });
  afterAll(async () => {
    await world?.close();
    await app?.destroy();
  });

  /** Makes the given messages fail to parse (as a broken MIME message would) in every listing and fetch. */
  function poison(target: LinkedAccount, ids: Set<string>, reason = 'Unparseable MIME structure'): void {
    const spoil = (page: MessagePage): MessagePage => ({
      ...page,
      messages: page.messages.filter((m) => !ids.has(m.providerId)),
      failures: [...page.failures, ...page.messages.filter((m) => ids.has(m.providerId)).map((m) => ({ providerId: m.providerId, reason }))],
    });
    world.decorate = (client, linked) =>
      linked.accountId !== target.accountId
        ? client
        : new Proxy(client, {
            get(obj, prop, receiver) {
              if (prop === 'listMessages') return async (...a: Parameters<MailboxClient['listMessages']>) => spoil(await obj.listMessages(...a));
              if (prop === 'fetchMessages') return async (...a: Parameters<MailboxClient['fetchMessages']>) => spoil(await obj.fetchMessages(...a));
              return Reflect.get(obj, prop, receiver) as unknown;
            },
          });
  }

  it(`skips a message that fails ${MAX_ATTEMPTS} times, records why, and never blocks the account`, async () => {
    const target = await link();
    const broken = [...(await side.messages()).keys()][7];
    poison(target, new Set([broken]));

    const first = await engine.runAccount(target.accountId);
    expect(first).toMatchObject({ status: 'succeeded', skipped: 0, accountStatus: 'active' });
    expect((await localMessages(app.db, target.accountId)).length).toBe(USER.messages - 1);
    const ledger = () => app.db.getModel('mailSkippedMessages').findOne({ where: { accountId: target.accountId }, raw: true }) as Promise<Row>;
    // Listed once and retried once in the same run.
    expect(await ledger()).toMatchObject({ providerId: broken, attempts: 2 });

    const second = await engine.runAccount(target.accountId);
    expect(second).toMatchObject({ status: 'succeeded', skipped: 1 });
    expect(second.skippedReasons).toEqual([{ providerId: broken, reason: 'Unparseable MIME structure', attempts: MAX_ATTEMPTS }]);
    const row = await ledger();
    expect(row).toMatchObject({ attempts: MAX_ATTEMPTS, reason: 'Unparseable MIME structure' });
    expect(row.skipped === true || row.skipped === 1).toBe(true);
    const run = (await app.db.getModel('mailSyncRuns').findOne({ where: { id: second.runId }, raw: true })) as Row;
    expect(run).toMatchObject({ skipped: 1 });

    // Out of attempts: not fetched again.
    const third = await engine.runAccount(target.accountId);
    expect(third).toMatchObject({ status: 'succeeded', skipped: 0, fetched: 0 });
  });

  it('stores a message that failed once as soon as it can be read, and forgets the failure', async () => {
    const target = await link();
    const flaky = [...(await side.messages()).keys()][3];
    let failing = true;
    const base = world.decorate;
    poison(target, new Set([flaky]), 'Temporary parse failure');
    const spoiled = world.decorate;
    world.decorate = (client, linked) => (failing && spoiled ? spoiled(client, linked) : (base?.(client, linked) ?? client));
    await engine.runAccount(target.accountId);
    expect((await localMessages(app.db, target.accountId)).some((m) => m.providerId === flaky)).toBe(false);

    failing = false;
    const healed = await engine.runAccount(target.accountId);
    expect(healed).toMatchObject({ status: 'succeeded', skipped: 0 });
    expect((await localMessages(app.db, target.accountId)).some((m) => m.providerId === flaky)).toBe(true);
    expect(await app.db.getModel('mailSkippedMessages').count({ where: { accountId: target.accountId } })).toBe(0);
  });

  it('never runs a paused account', async () => {
    const target = await link();
    await app.db.getModel('mailAccounts').update({ status: 'paused' }, { where: { id: target.accountId } });
    const summary = await engine.runAccount(target.accountId);
    expect(summary.status).toBe('skipped');
    await engine.scheduler.requestSync(target.accountId);
    expect((await engine.scheduler.dueAccounts()).map(String)).not.toContain(String(target.accountId));
    expect(await localMessages(app.db, target.accountId)).toHaveLength(0);
    expect(world.calls.filter((c) => c.accountId === String(target.accountId))).toHaveLength(0);
  });

  it('keeps a pause made by the user while a run was going', async () => {
    const target = await link();
    world.decorate = (client, linked) =>
      linked.accountId !== target.accountId
        ? client
        : new Proxy(client, {
            get(obj, prop, receiver) {
              if (prop !== 'folderCounts') return Reflect.get(obj, prop, receiver) as unknown;
              return async () => {
                await app.db.getModel('mailAccounts').update({ status: 'paused' }, { where: { id: target.accountId } });
                return obj.folderCounts();
              };
            },
          });
    const summary = await engine.runAccount(target.accountId);
    expect(summary.status).toBe('succeeded');
    expect(await account(target.accountId)).toMatchObject({ status: 'paused' });
  });

  it('"Resync" re-reads the window: removes local mail the provider no longer has and adds what is missing, without duplicates', async () => {
    const target = await link();
    await engine.runAccount(target.accountId);
    // Drift: a ghost that the provider never had, and a message lost locally.
    const store = new MailStore(app.db);
    await store.applyPage(target.accountId, { added: [message({ providerId: 'ghost-1', date: new Date('2024-06-01T00:00:00Z') })] });
    const lost = (await localMessages(app.db, target.accountId))[5].providerId;
    await store.deleteMessages(target.accountId, [lost]);

    await engine.scheduler.requestSync(target.accountId, 'resync');
    expect(await account(target.accountId)).toMatchObject({ syncRequested: true, resyncRequested: true });
    const summary = await engine.runAccount(target.accountId);
    expect(summary).toMatchObject({ status: 'succeeded', kind: 'resync', stored: 1, deleted: 1 });
    expect(await account(target.accountId)).toMatchObject({ syncRequested: false, resyncRequested: false });
    const report = await compareWithProvider(app.db, target.accountId, 'microsoft', await side.messages());
    expect([report.missing, report.ghosts, report.duplicates, report.wrongFlags]).toEqual([[], [], [], []]);
  });

  it("waits for a crashed runner's lease to expire, then resumes from its last committed page", async () => {
    const target = await link();
    const controller = new AbortController();
    let lists = 0;
    world.decorate = (client, linked) =>
      linked.accountId !== target.accountId
        ? client
        : new Proxy(client, {
            get(obj, prop, receiver) {
              if (prop !== 'listMessages') return Reflect.get(obj, prop, receiver) as unknown;
              return async (...a: Parameters<MailboxClient['listMessages']>) => {
                if (++lists === 2) controller.abort();
                return obj.listMessages(...a);
              };
            },
          });
    await engine.runAccount(target.accountId, { signal: controller.signal });
    world.decorate = null;
    const partial = (await localMessages(app.db, target.accountId)).length;
    expect(partial).toBeGreaterThan(0);
    // The process died mid-run: status still `syncing`, lease held by a runner that is gone.
    await app.db.getModel('mailAccounts').update(
      { status: 'syncing', leaseOwner: 'dead-node', leaseExpiresAt: new Date(Date.now() + 60_000) },
      { where: { id: target.accountId } },
    );
    expect((await engine.runAccount(target.accountId)).status).toBe('busy');
    expect((await engine.scheduler.dueAccounts()).map(String)).not.toContain(String(target.accountId));

    await app.db.getModel('mailAccounts').update({ leaseExpiresAt: new Date(Date.now() - 1_000) }, { where: { id: target.accountId } });
    expect((await engine.scheduler.dueAccounts()).map(String)).toContain(String(target.accountId));
    const resumed = await engine.runAccount(target.accountId);
    expect(resumed).toMatchObject({ status: 'succeeded', kind: 'initial', fetched: USER.messages - partial });
    const report = await compareWithProvider(app.db, target.accountId, 'microsoft', await side.messages());
    expect([report.missing, report.ghosts, report.duplicates]).toEqual([[], [], []]);
  });
});
