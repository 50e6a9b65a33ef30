/**
 * Acceptance 3: two engines run their schedulers at once over 20 accounts.
 * On PostgreSQL / MariaDB they live in two NocoBase apps sharing one database
 * (two nodes of a cluster); on SQLite (in memory, one connection) in one app
 * with distinct runner ids. No account is ever worked on by two runners at the
 * same time — checked on the client side (every adapter call, by runner), in
 * the run audit, and in the emulators' own request logs — and all mail arrives.
 */
import type { ProviderName } from '../../providers/types';
import type { LogEntry } from '../../../../dev/emulators/core';
import { createTestApp, dialect, type TestApp } from '../../__tests__/support/test-app';
import { createSyncEngine, type SyncEngine } from '../engine';
import { compareWithProvider } from './support/expectations';
import { MailWorld, type LinkedAccount, type ProviderCall } from './support/mail-world';
import { providerSide } from './support/provider-side';

const PER_PROVIDER = 10;
const MESSAGES = 40;
const users = (['google', 'microsoft'] as ProviderName[]).flatMap((provider) =>
  Array.from({ length: PER_PROVIDER }, (_, i) => ({
    provider,
    address: `runner${i}@${provider === 'google' ? 'gmail.test' : 'contoso.test'}`,
    name: `Runner ${i}`,
    messages: MESSAGES,
    seed: 5000 + i + (provider === 'google' ? 0 : 100),
  })),
);

type Row = Record<string, unknown>;
type Window = { runner: string; start: number; end: number };

/** Pairs of windows of different runners that overlap in time. */
function crossRunnerOverlaps(windows: Window[]): string[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].start < sorted[i].end; j++) {
      if (sorted[j].runner !== sorted[i].runner) out.push(`${sorted[i].runner}@${sorted[i].start}-${sorted[i].end} × ${sorted[j].runner}@${sorted[j].start}`);
    }
  }
  return out;
}

describe('two engines sharing one database', () => {
  let appA: TestApp;
  let appB: TestApp;
  let world: MailWorld;
  let engines: SyncEngine[] = [];
  let accounts: LinkedAccount[] = [];
  const twoApps = dialect() !== 'sqlite';

  beforeAll(async () => {
    appA = await createTestApp();
    // A second node: same database, no install, its own plugin instances and engine.
    appB = twoApps ? await createTestApp({ skipInstall: true, skipSupervisor: true, name: 'second_node' }) : appA;
    world = await MailWorld.start({ users });
    for (const u of users) accounts.push(await world.link(appA.db, u.provider, u.address));
    await world.control('google').clearLog();
    await world.control('microsoft').clearLog();
    engines = [appA, appB].map((app, i) =>
      createSyncEngine({ db: app.db, mailboxFor: world.mailboxFor, runnerId: `node-${i === 0 ? 'a' : 'b'}`, pollIntervalMs: 100, concurrency: 2 }),
    );
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.scheduler.stop()));
    await world?.close();
    if (appB && appB !== appA) await appB.destroy();
    await appA?.destroy();
  });

  const settled = async (since: number): Promise<boolean> => {
    const rows = (await appA.db.getModel('mailAccounts').findAll({ raw: true })) as unknown as Row[];
    return rows.every((r) => r.status === 'active' && r.lastSuccessAt && new Date(r.lastSuccessAt as string).getTime() >= since && !r.syncRequested);
  };
  const waitSettled = async (since: number, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await settled(since))) {
      if (Date.now() > deadline) throw new Error('accounts did not finish syncing in time');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it('never lets two runners sync one account at the same time, and all mail arrives', async () => {
    const started = Date.now();
    engines.forEach((e) => e.scheduler.start());
    await waitSettled(started, 240_000);
    const firstRound = (Date.now() - started) / 1000;

    // A second round where both nodes are asked for every account at once ("Sync now" on two nodes).
    const again = Date.now();
    await Promise.all(accounts.flatMap((a) => engines.map((e) => e.scheduler.requestSync(a.accountId))));
    await waitSettled(again, 120_000);
    await Promise.all(engines.map((e) => e.scheduler.stop()));
    console.info(
      `[measure] ${twoApps ? 'two apps' : 'one app, two engines'} on ${dialect()}: 20 accounts × ${MESSAGES} messages synced in ${firstRound.toFixed(1)} s; second round ${((Date.now() - again) / 1000).toFixed(1)} s`,
    );

    // 1. Client side: every adapter call, by runner, per account.
    const byAccount = new Map<string, ProviderCall[]>();
    for (const call of world.calls) byAccount.set(call.accountId, [...(byAccount.get(call.accountId) ?? []), call]);
    const clientOverlaps = [...byAccount.entries()].flatMap(([id, calls]) =>
      crossRunnerOverlaps(calls.map((c) => ({ runner: c.runnerId, start: c.start, end: c.end }))).map((o) => `account ${id}: ${o}`),
    );
    expect(clientOverlaps).toEqual([]);
    const runners = new Set(world.calls.map((c) => c.runnerId));
    expect([...runners].sort()).toEqual(['node-a', 'node-b']);

    // 2. The run audit: runs of one account by different runners never overlap.
    const runs = (await appA.db.getModel('mailSyncRuns').findAll({ raw: true })) as unknown as Row[];
    const auditOverlaps = accounts.flatMap((a) =>
      crossRunnerOverlaps(
        runs
          .filter((r) => String(r.accountId) === String(a.accountId))
          .map((r) => ({ runner: String(r.runner), start: new Date(r.startedAt as string).getTime(), end: new Date(r.finishedAt as string).getTime() })),
      ),
    );
    expect(auditOverlaps).toEqual([]);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    expect(new Set(runs.map((r) => r.runner)).size).toBe(2);

    // 3. The emulators' request logs: every request a mailbox received falls inside the adapter
    //    calls of exactly one runner (so no request of one runner ran during another's).
    const logs: Array<LogEntry & { provider: ProviderName }> = [];
    for (const provider of ['google', 'microsoft'] as ProviderName[]) {
      for (const entry of await world.control(provider).log()) logs.push({ ...entry, provider });
    }
    const accountOf = new Map(accounts.map((a) => [a.address.toLowerCase(), String(a.accountId)]));
    const unexplained: string[] = [];
    let attributed = 0;
    for (const entry of logs) {
      const accountId = entry.user ? accountOf.get(entry.user.toLowerCase()) : undefined;
      if (!accountId) continue;
      const start = Date.parse(entry.time);
      const end = start + entry.durationMs;
      const owners = new Set(
        (byAccount.get(accountId) ?? []).filter((c) => c.start <= start + 1 && c.end >= end - 1).map((c) => c.runnerId),
      );
      if (owners.size !== 1) unexplained.push(`${entry.user} ${entry.method} ${entry.path} at ${entry.time}: runners ${[...owners].join(',') || 'none'}`);
      else attributed += 1;
    }
    expect(unexplained).toEqual([]);
    expect(attributed).toBeGreaterThan(20 * MESSAGES);

    // 4. All mail arrived, once.
    for (const a of accounts) {
      const side = await providerSide(world, a.provider, a.address);
      const report = await compareWithProvider(appA.db, a.accountId, a.provider, await side.messages());
      expect([a.address, report.missing, report.ghosts, report.duplicates]).toEqual([a.address, [], [], []]);
    }
  });
});
