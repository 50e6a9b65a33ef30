/**
 * The scheduler: which accounts are due, "Sync now", bounded concurrency,
 * failures that never stop the loop, and a clean stop.
 */
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { createSyncEngine } from '../engine';
import { accountRow, localMessages } from './support/local-mail';
import { MailWorld, type LinkedAccount, type ProviderCall } from './support/mail-world';

const MINUTE = 60_000;
type Row = Record<string, unknown>;

describe('sync scheduler', () => {
  let app: TestApp;
  let world: MailWorld;

  beforeAll(async () => {
    app = await createTestApp();
    world = await MailWorld.start({
      google: false,
      users: Array.from({ length: 4 }, (_, i) => ({ provider: 'microsoft' as const, address: `sched${i}@contoso.test`, name: `Sched ${i}`, messages: 60, seed: 7000 + i })),
    });
  });
  afterAll(async () => {
    await world?.close();
    await app?.destroy();
  });
  beforeEach(async () => {
    await app.db.getModel('mailAccounts').destroy({ where: {}, truncate: false });
  });

  const create = async (values: Row): Promise<string> => {
    const row = await app.db.getModel('mailAccounts').create({ provider: 'microsoft', address: `x${Math.random()}@contoso.test`, ...values });
    return String(row.get('id'));
  };

  it('picks accounts that are due, most urgent first, with the interval read from the settings on every tick', async () => {
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const ids = {
      neverSynced: await create({ status: 'active' }),
      fresh: await create({ status: 'active', lastSyncAt: ago(2 * MINUTE) }),
      stale: await create({ status: 'active', lastSyncAt: ago(6 * MINUTE) }),
      failed: await create({ status: 'error', lastSyncAt: ago(10 * MINUTE) }),
      stillLimited: await create({ status: 'rate_limited', lastSyncAt: ago(10 * MINUTE), rateLimitedUntil: new Date(now + MINUTE) }),
      limitOver: await create({ status: 'rate_limited', lastSyncAt: ago(MINUTE), rateLimitedUntil: ago(1000) }),
      paused: await create({ status: 'paused' }),
      reauth: await create({ status: 'reauth_required' }),
      requested: await create({ status: 'active', lastSyncAt: ago(MINUTE), syncRequested: true }),
      crashed: await create({ status: 'syncing', lastSyncAt: ago(MINUTE), leaseOwner: 'gone', leaseExpiresAt: ago(1000) }),
      running: await create({ status: 'syncing', lastSyncAt: ago(10 * MINUTE), leaseOwner: 'alive', leaseExpiresAt: new Date(now + MINUTE) }),
      connecting: await create({ status: 'connecting' }),
    };
    const engine = createSyncEngine({ db: app.db, mailboxFor: world.mailboxFor, runnerId: 'due-test' });
    const due = (await engine.scheduler.dueAccounts()).map(String);
    const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    expect(due.map((id) => name[id])).toEqual(['requested', 'crashed', 'neverSynced', 'failed', 'stale', 'limitOver']);

    await app.db.getModel('mailGeneralSettings').create({ syncIntervalMinutes: 1 });
    expect((await engine.scheduler.dueAccounts()).map((id) => name[String(id)])).toContain('fresh');
    await app.db.getModel('mailGeneralSettings').destroy({ where: {} });
  });

  it('syncs at most two accounts at once, picks up "Sync now" at once, and keeps going when one account fails', async () => {
    const linked: LinkedAccount[] = [];
    for (let i = 0; i < 4; i++) linked.push(await world.link(app.db, 'microsoft', `sched${i}@contoso.test`));
    // An account the account service cannot build a client for (e.g. its tokens are unreadable).
    const broken = await create({ status: 'active', address: 'broken@contoso.test' });
    world.calls.length = 0;
    await world.control('microsoft').latency(20);
    const engine = createSyncEngine({ db: app.db, mailboxFor: world.mailboxFor, runnerId: 'busy-node', pollIntervalMs: 60 * MINUTE, concurrency: 2 });
    engine.scheduler.start();
    const deadline = Date.now() + 60_000;
    const done = async () => {
      const rows = await Promise.all([...linked.map((l) => String(l.accountId)), broken].map((id) => accountRow(app.db, id)));
      return rows.every((r) => r.lastSyncAt);
    };
    while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    expect(await accountRow(app.db, broken)).toMatchObject({ status: 'error', statusCode: 'INTERNAL' });
    for (const l of linked) expect((await localMessages(app.db, l.accountId)).length).toBe(60);
    expect(maxConcurrentAccounts(world.calls)).toBeLessThanOrEqual(2);
    expect(maxConcurrentAccounts(world.calls)).toBe(2);

    // "Sync now" is picked up without waiting for the (hour-long) poll interval.
    await world.control('microsoft').deliver({ to: 'sched0@contoso.test', subject: 'Right now' });
    const asked = Date.now();
    await engine.scheduler.requestSync(linked[0].accountId);
    while (!(await localMessages(app.db, linked[0].accountId)).some((m) => m.subject === 'Right now')) {
      if (Date.now() - asked > 10_000) throw new Error('Sync now was not picked up');
      await new Promise((r) => setTimeout(r, 50));
    }
    console.info(`[measure] "Sync now" → new mail stored in ${Date.now() - asked} ms`);
    await engine.scheduler.stop();
    await world.control('microsoft').latency(0);
  });

  it('stops running syncs at a safe point and releases their leases', async () => {
    const linked: LinkedAccount[] = [];
    for (let i = 0; i < 2; i++) linked.push(await world.link(app.db, 'microsoft', `sched${i}@contoso.test`));
    await world.control('microsoft').latency(150);
    const engine = createSyncEngine({ db: app.db, mailboxFor: world.mailboxFor, runnerId: 'stopping-node', pollIntervalMs: 60 * MINUTE });
    engine.scheduler.start();
    while (engine.scheduler.active.length < 2) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 400));
    const stopping = Date.now();
    await engine.scheduler.stop();
    console.info(`[measure] scheduler stop with 2 runs in flight took ${Date.now() - stopping} ms`);
    await world.control('microsoft').latency(0);

    expect(engine.scheduler.active).toEqual([]);
    for (const l of linked) {
      const row = await accountRow(app.db, l.accountId);
      expect(row).toMatchObject({ leaseOwner: null, status: 'active', statusCode: 'INTERRUPTED' });
    }
    const runs = (await app.db.getModel('mailSyncRuns').findAll({ where: { runner: 'stopping-node' }, raw: true })) as unknown as Row[];
    expect(runs.map((r) => r.status)).toEqual(['aborted', 'aborted']);
  });
});

/** Highest number of distinct accounts with an adapter call in flight at the same moment. */
function maxConcurrentAccounts(calls: ProviderCall[]): number {
  const events = calls.flatMap((c) => [
    { t: c.start, account: c.accountId, d: 1 },
    { t: c.end, account: c.accountId, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  const open = new Map<string, number>();
  let max = 0;
  for (const e of events) {
    open.set(e.account, (open.get(e.account) ?? 0) + e.d);
    if (!open.get(e.account)) open.delete(e.account);
    max = Math.max(max, open.size);
  }
  return max;
}
