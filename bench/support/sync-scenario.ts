/**
 * The sync benchmark of one provider, end to end: a real NocoBase app (the
 * dialect of DB_DIALECT), the provider's emulator seeded with a generated
 * mailbox, an account linked through the real OAuth flow, the real adapter and
 * sync engine. Reuses the acceptance tests' world (src/server/sync/__tests__/
 * support) so the benchmark drives exactly what those tests prove correct.
 *
 * Phases, each measured:
 * 1. initial sync of BENCH_MESSAGES messages at BENCH_LATENCY_MS per request,
 *    polling the mailbox-page query until the newest page is there;
 * 2. 50 new messages and some flag changes at the provider, one incremental run.
 */
import { performance } from 'node:perf_hooks';
import type { Counters } from '../../dev/emulators/core/types';
import { createTestApp, dialect, type TestApp } from '../../src/server/__tests__/support/test-app';
import { createSyncEngine, type SyncEngine } from '../../src/server/sync/engine';
import type { RunSummary } from '../../src/server/sync/runner';
import { MailWorld, SEED_WINDOW, type Emulators, type SeedUser } from '../../src/server/sync/__tests__/support/mail-world';
import { providerSide } from '../../src/server/sync/__tests__/support/provider-side';
import type { ProviderName } from '../../src/server/providers/types';
import { startEmulatorProcess } from './emulator-process';
import { MemorySampler, type MemoryReport } from './memory';
import { envInt, record, type Comparison, type Target } from './metrics';

export const MESSAGES = envInt('BENCH_MESSAGES', 2_000);
export const LATENCY_MS = envInt('BENCH_LATENCY_MS', 100);
/** 0 turns off the emulator's enforcement of the provider budget (to see the limiter alone). */
export const PROVIDER_QUOTA = envInt('BENCH_PROVIDER_QUOTA', 1) !== 0;
export const NEW_MESSAGES = 50;
export const CHANGED_MESSAGES = 30;
/** The query a mailbox page runs: newest first, one page. */
const PAGE_SIZE = 25;

const USERS: Record<ProviderName, SeedUser> = {
  google: { provider: 'google', address: 'bianca.bench@gmail.test', name: 'Bianca Bench', messages: MESSAGES, seed: 7001 },
  microsoft: { provider: 'microsoft', address: 'benno.bench@contoso.test', name: 'Benno Bench', messages: MESSAGES, seed: 7002 },
};

export interface ProviderTraffic {
  requests: number;
  /** Quota units the emulator charged (Gmail method costs; Graph one per request, a `$batch` one per part). */
  units: number;
  /** Requests the emulator's own quota enforcement turned away (429). */
  quotaRejections: number;
  byRoute: Record<string, number>;
  /**
   * Time the emulator took to answer beyond the injected latency, summed over
   * requests (overlapping requests count in full): the provider's own share of
   * the wall time, which a real provider spends on its machines, not ours.
   */
  emulatorMs: number;
}

export interface InitialSyncResult {
  summary: RunSummary;
  seconds: number;
  /** From the start of the run until the newest page of mail could be queried; null if never. */
  firstPageMs: number | null;
  /** The first page held the newest message of the mailbox. */
  firstPageIsNewest: boolean;
  traffic: ProviderTraffic;
  memory: MemoryReport;
  storedRows: number;
}

export interface IncrementalSyncResult {
  summary: RunSummary;
  seconds: number;
  traffic: ProviderTraffic;
  memory: MemoryReport;
}

export class SyncBench {
  readonly user: SeedUser;
  private app!: TestApp;
  private world!: MailWorld;
  private engine!: SyncEngine;
  private accountId!: number;
  seedSeconds = 0;
  bootSeconds = 0;

  constructor(readonly provider: ProviderName) {
    this.user = USERS[provider];
  }

  get dialect(): string {
    return dialect();
  }

  async setUp(): Promise<void> {
    let t0 = performance.now();
    this.app = await createTestApp();
    this.bootSeconds = (performance.now() - t0) / 1000;
    const { emulators } = await startEmulatorProcess(this.provider);
    // MailWorld.start() runs the emulators in this process; the benchmark hands it the child's instead.
    this.world = new (MailWorld as unknown as new (emulators: Emulators) => MailWorld)(emulators);
    const { provider: _provider, ...seedUser } = this.user;
    t0 = performance.now();
    await this.world.control(this.provider).seed({ users: [{ ...SEED_WINDOW, ...seedUser }] });
    this.seedSeconds = (performance.now() - t0) / 1000;
    this.engine = createSyncEngine({ db: this.app.db, mailboxFor: this.world.mailboxFor, runnerId: `bench-${this.provider}` });
    this.accountId = (await this.world.link(this.app.db, this.provider, this.user.address)).accountId;
    const control = this.world.control(this.provider);
    // The provider's own budget enforced at the emulator: a limiter that overshoots shows up as 429s.
    await control.quota(PROVIDER_QUOTA);
    await control.latency(LATENCY_MS);
  }

  async tearDown(): Promise<void> {
    await this.world?.close();
    await this.app?.destroy();
  }

  async initialSync(): Promise<InitialSyncResult> {
    const control = this.world.control(this.provider);
    await control.clearLog();
    const repo = this.app.db.getRepository('mailMessages');
    const memory = MemorySampler.start();
    const started = performance.now();
    const run = this.engine.runAccount(this.accountId);
    let done = false;
    void run.finally(() => (done = true)).catch(() => undefined);

    let firstPageMs: number | null = null;
    let firstPage: string[] = [];
    while (firstPageMs === null && !done) {
      const rows = (await repo.find({ filter: { accountId: this.accountId }, sort: ['-date'], limit: PAGE_SIZE })) as Array<{ get(key: string): unknown }>;
      if (rows.length > 0) {
        firstPageMs = performance.now() - started;
        firstPage = rows.map((r) => String(r.get('providerId')));
      } else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const summary = await run;
    const seconds = (performance.now() - started) / 1000;
    const report = memory.stop();
    if (summary.status !== 'succeeded') throw new Error(`initial sync ${summary.status}: ${summary.statusMessage ?? summary.reason ?? ''}`);

    const newest = (await repo.find({ filter: { accountId: this.accountId }, sort: ['-date'], limit: 1 })) as Array<{ get(key: string): unknown }>;
    const storedRows = await this.app.db.getModel('mailMessages').count({ where: { accountId: this.accountId } });
    return {
      summary,
      seconds,
      firstPageMs,
      firstPageIsNewest: newest.length > 0 && firstPage.includes(String(newest[0].get('providerId'))),
      traffic: await this.traffic(),
      memory: report,
      storedRows,
    };
  }

  /** New mail and changed flags at the provider, then one incremental run. */
  async incrementalSync(): Promise<IncrementalSyncResult> {
    const side = await providerSide(this.world, this.provider, this.user.address);
    const ids = (await this.app.db.getModel('mailMessages').findAll({
      where: { accountId: this.accountId },
      attributes: ['providerId'],
      order: [['date', 'DESC']],
      limit: CHANGED_MESSAGES,
      raw: true,
    })) as unknown as Array<{ providerId: string }>;
    await side.change(ids.map((r) => r.providerId));
    const delivered = await side.deliver(NEW_MESSAGES, 'Bench delivery');
    if (delivered.length !== NEW_MESSAGES) throw new Error(`delivered ${delivered.length} of ${NEW_MESSAGES} messages`);

    const control = this.world.control(this.provider);
    await control.clearLog();
    const memory = MemorySampler.start();
    const started = performance.now();
    const summary = await this.engine.runAccount(this.accountId);
    const seconds = (performance.now() - started) / 1000;
    const report = memory.stop();
    if (summary.status !== 'succeeded' || summary.kind !== 'incremental') {
      throw new Error(`incremental sync ${summary.kind} ${summary.status}: ${summary.statusMessage ?? summary.reason ?? ''}`);
    }
    if (summary.stored !== NEW_MESSAGES) throw new Error(`incremental sync stored ${summary.stored} of ${NEW_MESSAGES} new messages`);
    return { summary, seconds, traffic: await this.traffic(), memory: report };
  }

  private async traffic(): Promise<ProviderTraffic> {
    const control = this.world.control(this.provider);
    const counters: Counters = await control.counters();
    const log = await control.log();
    const user = Object.keys(counters.quotaUnitsByUser).find((u) => u.toLowerCase() === this.user.address.toLowerCase());
    return {
      requests: counters.requests,
      units: user ? counters.quotaUnitsByUser[user] : 0,
      quotaRejections: counters.quotaRejections,
      byRoute: counters.byRoute,
      emulatorMs: log.reduce((sum, entry) => sum + Math.max(0, entry.durationMs - LATENCY_MS), 0),
    };
  }
}

/** A bound and the reason for it (the reasons are also in bench/README.md). */
export interface Bound {
  value: number;
  why: string;
}

/** Where a provider's sync figures must land. */
export interface SyncTargets {
  /** Initial sync, messages stored per second (wall time, latency included). */
  initialMessagesPerSecond: Bound;
  /** Gmail only: share (%) of the 250 units/s budget the initial sync used; the limiter should keep the pipe full. */
  quotaUsePercent?: Bound;
  /** Quota rejections (429) the provider answered during the initial sync. */
  quotaRejections: Bound;
  firstPageMs: Bound;
  incrementalSeconds: Bound;
  /** Provider requests for the incremental run (new + changed mail). */
  incrementalRequests: Bound;
  /** Peak RSS growth during the initial sync (MB). */
  peakRssGrowthMb: Bound;
  /** Heap still held after the initial sync and a full GC (MB). */
  retainedHeapMb: Bound;
}

const GMAIL_UNITS_PER_SECOND = 250;

/** Declares the benchmark's vitest suite: setup, the two runs, one figure per line of the table. */
export function defineSyncBenchmark(provider: ProviderName, targets: SyncTargets): void {
  const bench = `sync-${provider}`;
  const target = (key: keyof SyncTargets, op: Comparison): Target | undefined => {
    const bound = targets[key];
    return bound ? { op, value: bound.value, why: bound.why } : undefined;
  };

  describe(`${provider} sync (${MESSAGES} messages, ${LATENCY_MS} ms latency)`, () => {
    const run = new SyncBench(provider);

    beforeAll(async () => {
      await run.setUp();
    });
    afterAll(async () => {
      await run.tearDown();
    });

    it('initial sync', async () => {
      const r = await run.initialSync();
      const detail = { messages: MESSAGES, latencyMs: LATENCY_MS, dialect: run.dialect, pages: r.summary.pages, stored: r.summary.stored };
      record({ bench, name: 'setup: boot NocoBase app', value: run.bootSeconds, unit: 's', detail: { dialect: run.dialect } });
      record({ bench, name: 'setup: seed emulator mailbox', value: run.seedSeconds, unit: 's', detail });
      record({ bench, name: 'initial sync wall time', value: r.seconds, unit: 's', detail });
      record({ bench, name: 'initial sync throughput', value: r.summary.stored / r.seconds, unit: 'msg/s', target: target('initialMessagesPerSecond', '>='), detail });
      record({ bench, name: 'first page queryable', value: r.firstPageMs ?? Number.POSITIVE_INFINITY, unit: 'ms', target: target('firstPageMs', '<='), detail: { ...detail, newestOnFirstPage: r.firstPageIsNewest } });
      record({ bench, name: 'initial sync provider requests', value: r.traffic.requests, unit: 'req', detail: { byRoute: r.traffic.byRoute } });
      record({ bench, name: 'emulator answer time beyond latency (sum)', value: r.traffic.emulatorMs / 1000, unit: 's' });
      record({ bench, name: 'initial sync requests per message', value: r.traffic.requests / Math.max(1, r.summary.stored), unit: 'req/msg' });
      if (provider === 'google') {
        const unitsPerSecond = r.traffic.units / r.seconds;
        record({ bench, name: 'initial sync quota units', value: r.traffic.units, unit: 'units', detail: { unitsPerSecond } });
        record({ bench, name: 'initial sync quota use', value: (100 * unitsPerSecond) / GMAIL_UNITS_PER_SECOND, unit: '% of 250 u/s', target: target('quotaUsePercent', '>=') });
      }
      record({ bench, name: 'initial sync quota rejections (429)', value: r.traffic.quotaRejections, unit: 'req', target: target('quotaRejections', '<=') });
      record({ bench, name: 'initial sync peak RSS growth', value: r.memory.peakRssGrowthMb, unit: 'MB', target: target('peakRssGrowthMb', '<='), detail: { baselineRssMb: r.memory.baselineRssMb, peakRssMb: r.memory.peakRssMb, samples: r.memory.samples } });
      record({ bench, name: 'initial sync peak heap growth', value: r.memory.peakHeapGrowthMb, unit: 'MB' });
      record({ bench, name: 'initial sync heap retained after GC', value: r.memory.retainedHeapMb, unit: 'MB', target: target('retainedHeapMb', '<=') });

      // A fast sync that lost mail is no result: every listed message must be stored once.
      expect(r.summary.skipped).toBe(0);
      expect(r.storedRows).toBe(r.summary.stored);
      expect(r.firstPageIsNewest).toBe(true);
    });

    it(`incremental sync (${NEW_MESSAGES} new, ${CHANGED_MESSAGES} changed)`, async () => {
      const r = await run.incrementalSync();
      const detail = { stored: r.summary.stored, updated: r.summary.updated, latencyMs: LATENCY_MS };
      record({ bench, name: 'incremental sync wall time', value: r.seconds, unit: 's', target: target('incrementalSeconds', '<='), detail });
      record({ bench, name: 'incremental sync provider requests', value: r.traffic.requests, unit: 'req', target: target('incrementalRequests', '<='), detail: { byRoute: r.traffic.byRoute } });
      record({ bench, name: 'incremental sync peak RSS growth', value: r.memory.peakRssGrowthMb, unit: 'MB' });
    });
  });
}
