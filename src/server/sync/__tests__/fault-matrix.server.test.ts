/**
 * Acceptance 2: provider faults during a sync — 429 with Retry-After, 503,
 * socket drop, timeout, invalid_grant mid-sync, expired cursor, and a run
 * aborted mid-way — end in the same mailbox a fault-free run produces (same
 * messages, no duplicates), and the account status says what happened.
 */
import type { MailboxClient, ProviderName } from '../../providers/types';
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../engine';
import type { RunSummary } from '../runner';
import { compareWithProvider } from './support/expectations';
import { accountRow, fingerprint, localMessages } from './support/local-mail';
import { MailWorld, type LinkedAccount } from './support/mail-world';
import { providerSide, type ProviderSide } from './support/provider-side';

const COUNT = 150;
const USERS = {
  google: { provider: 'google' as const, address: 'fritz.fault@gmail.test', name: 'Fritz Fault', messages: COUNT, seed: 3001 },
  microsoft: { provider: 'microsoft' as const, address: 'frida.fault@contoso.test', name: 'Frida Fault', messages: COUNT, seed: 3002 },
};

// Quick retries so the matrix runs in seconds; the shapes (5 attempts per request, the one retry budget; Retry-After) are the production ones.
const FAST: Partial<SyncEngineOptions> = {
  limiter: { retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 400, maxRetryAfterMs: 5_000 } },
  pageSize: 50,
  firstPageSize: 25,
};

type Row = Record<string, unknown>;

describe.each(['google', 'microsoft'] as ProviderName[])('faults while syncing a %s mailbox', (provider) => {
  const user = USERS[provider];
  let app: TestApp;
  let world: MailWorld;
  let engine: SyncEngine;
  let side: ProviderSide;
  let reference: LinkedAccount;
  const faulted: LinkedAccount[] = [];

  const control = () => world.control(provider);
  const engineFor = (runnerId: string) => createSyncEngine({ db: app.db, mailboxFor: world.mailboxFor, runnerId, ...FAST });
  const account = (id: number): Promise<Row> => accountRow(app.db, id);
  const fresh = async (): Promise<LinkedAccount> => {
    const linked = await world.link(app.db, provider, user.address);
    faulted.push(linked);
    return linked;
  };
  /** Runs a hook before the n-th (1-based) listing call of one account. */
  const beforeListing = (target: LinkedAccount, hook: (call: number) => Promise<void> | void) => {
    let calls = 0;
    world.decorate = (client, linked) => {
      if (linked.accountId !== target.accountId) return client;
      return new Proxy(client, {
        get(obj, prop, receiver) {
          if (prop !== 'listMessages') return Reflect.get(obj, prop, receiver) as unknown;
          return async (...args: Parameters<MailboxClient['listMessages']>) => {
            await hook(++calls);
            return obj.listMessages(...args);
          };
        },
      });
    };
  };
  const recoveredCodes = (summary: RunSummary) => summary.errors.filter((e) => e.recovered).map((e) => e.code);

  beforeAll(async () => {
    app = await createTestApp();
    world = await MailWorld.start({ google: provider === 'google', microsoft: provider === 'microsoft', users: [user] });
    engine = engineFor(`faults-${provider}`);
    side = await providerSide(world, provider, user.address);
    reference = await world.link(app.db, provider, user.address);
    expect((await engine.runAccount(reference.accountId)).status).toBe('succeeded');
  });
  afterEach(async () => {
    world.decorate = null;
    await control().clearFaults();
  });
  afterAll(async () => {
    await world?.close();
    await app?.destroy();
  });

  it('waits out a 429 for the Retry-After the provider sent, then completes', async () => {
    const target = await fresh();
    await control().fault({ kind: 'rate_limit', count: 2, retryAfterSeconds: 1, user: user.address });
    const started = Date.now();
    const summary = await engine.runAccount(target.accountId);
    expect(summary.status).toBe('succeeded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(recoveredCodes(summary)).toContain('RATE_LIMITED');
    expect(await account(target.accountId)).toMatchObject({ status: 'active', statusMessage: null });
  });

  it('marks the account rate_limited until the provider allows it again when the wait is too long for one run', async () => {
    const target = await fresh();
    await control().fault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 600, user: user.address });
    const summary = await engine.runAccount(target.accountId);
    expect(summary.status).toBe('failed');
    const row = await account(target.accountId);
    expect(row).toMatchObject({ status: 'rate_limited', statusCode: 'RATE_LIMITED' });
    const until = new Date(row.rateLimitedUntil as string).getTime();
    expect(until - Date.now()).toBeGreaterThan(500_000);
    expect(String(row.statusMessage)).toMatch(/limiting requests.*resumes automatically/);
    expect((await engine.scheduler.dueAccounts()).map(String)).not.toContain(String(target.accountId));
    // Ten minutes later (a fresh process clock: this engine's limiter still honours the pause).
    await app.db.getModel('mailAccounts').update({ rateLimitedUntil: new Date(Date.now() - 1000) }, { where: { id: target.accountId } });
    expect((await engineFor('later').runAccount(target.accountId)).status).toBe('succeeded');
  });

  it('retries 503s and socket drops, and completes', async () => {
    const target = await fresh();
    await control().fault([
      { kind: 'unavailable', count: 2, user: user.address },
      { kind: 'hangup', count: 2, user: user.address },
    ]);
    const summary = await engine.runAccount(target.accountId);
    expect(summary.status).toBe('succeeded');
    expect(summary.errors.filter((e) => e.recovered).length).toBeGreaterThanOrEqual(2);
    expect(recoveredCodes(summary).every((c) => c === 'TRANSIENT')).toBe(true);
  });

  it('reports a provider that keeps failing as an error without moving the cursor, then resumes where it stopped', async () => {
    const target = await fresh();
    beforeListing(target, async (call) => {
      if (call === 3) await control().fault({ kind: 'server_error', user: user.address });
    });
    const failed = await engine.runAccount(target.accountId);
    expect(failed.status).toBe('failed');
    const row = await account(target.accountId);
    expect(row).toMatchObject({ status: 'error', statusCode: 'TRANSIENT', cursor: null });
    expect(String(row.statusMessage)).toMatch(/could not be reached reliably.*continues where this one stopped/);
    const stored = (await localMessages(app.db, target.accountId)).length;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(COUNT);
    expect((row.syncState as { listing?: { pageToken?: string } }).listing?.pageToken).toBeTruthy();

    await control().clearFaults();
    world.decorate = null;
    const resumed = await engine.runAccount(target.accountId);
    expect(resumed).toMatchObject({ status: 'succeeded', kind: 'initial' });
    // Resumed from the committed page token: the first pages were not fetched again.
    expect(resumed.fetched).toBeLessThan(COUNT);
  });

  it('gives up on a stalled request after the timeout and retries it', async () => {
    const target = await fresh();
    await control().fault({ kind: 'slow', delayMs: 6_500, count: 1, user: user.address });
    const summary = await engine.runAccount(target.accountId);
    expect(summary.status).toBe('succeeded');
    expect(recoveredCodes(summary)).toContain('TRANSIENT');
  });

  it('asks the user to reconnect when the token refresh is refused mid-sync, and resumes after reconnecting', async () => {
    const target = await fresh();
    beforeListing(target, async (call) => {
      if (call !== 3) return;
      world.expireAccessToken(target.accountId);
      await control().fault({ kind: 'invalid_grant' });
    });
    const failed = await engine.runAccount(target.accountId);
    expect(failed.status).toBe('failed');
    const row = await account(target.accountId);
    expect(row).toMatchObject({ status: 'reauth_required', statusCode: 'REAUTH_REQUIRED' });
    expect(String(row.statusMessage)).toMatch(/Reconnect the account/);
    // A reauth_required account is left alone until the user reconnects.
    expect((await engine.runAccount(target.accountId)).status).toBe('skipped');

    await control().clearFaults();
    world.decorate = null;
    await world.relink(app.db, target);
    const resumed = await engine.runAccount(target.accountId);
    expect(resumed).toMatchObject({ status: 'succeeded', kind: 'initial' });
    expect(resumed.fetched).toBeLessThan(COUNT);
  });

  it('stops at a safe point when aborted and the next run continues from the committed page', async () => {
    const target = await fresh();
    const controller = new AbortController();
    beforeListing(target, (call) => {
      if (call === 3) controller.abort();
    });
    const aborted = await engine.runAccount(target.accountId, { signal: controller.signal });
    expect(aborted.status).toBe('aborted');
    const row = await account(target.accountId);
    expect(row).toMatchObject({ status: 'active', statusCode: 'INTERRUPTED', leaseOwner: null });
    expect(String(row.statusMessage)).toMatch(/interrupted/);
    world.decorate = null;
    const resumed = await engine.runAccount(target.accountId);
    expect(resumed).toMatchObject({ status: 'succeeded', kind: 'initial' });
    expect(aborted.fetched + resumed.fetched).toBeLessThan(COUNT + 50);
  });

  it('re-reads the window when the cursor expired: new mail arrives, deleted mail goes, nothing doubles', async () => {
    const target = await fresh();
    expect((await engine.runAccount(target.accountId)).status).toBe('succeeded');
    const before = await side.messages();
    await side.remove([...before.keys()].slice(20, 22));
    await side.deliver(3, 'After expiry');
    if (provider === 'microsoft') await world.emulators.microsoft!.control.expireDeltaTokens(user.address);
    else await control().fault({ kind: 'expire_cursor', count: 1, user: user.address });

    const summary = await engine.runAccount(target.accountId);
    expect(summary).toMatchObject({ status: 'succeeded', kind: 'resync', stored: 3, deleted: 2 });
    expect(recoveredCodes(summary)).toContain('CURSOR_EXPIRED');
    const report = await compareWithProvider(app.db, target.accountId, provider, await side.messages());
    expect([report.missing, report.ghosts, report.duplicates, report.wrongFlags]).toEqual([[], [], [], []]);
  });

  it('ends every faulted account with exactly the mailbox a fault-free run has', async () => {
    // A new process: the old one's limiter still honours the 10-minute pause of one account.
    const later = engineFor('final');
    for (const linked of [reference, ...faulted]) {
      const summary = await later.runAccount(linked.accountId);
      const unrecovered = summary.errors.filter((e) => !e.recovered);
      expect([linked.accountId, summary.status, unrecovered]).toEqual([linked.accountId, 'succeeded', []]);
      expect(await account(linked.accountId)).toMatchObject({ status: 'active', statusCode: null });
    }
    const expected = fingerprint(await localMessages(app.db, reference.accountId));
    const report = await compareWithProvider(app.db, reference.accountId, provider, await side.messages());
    expect([report.missing, report.ghosts, report.duplicates, report.wrongFlags]).toEqual([[], [], [], []]);
    for (const linked of faulted) {
      expect(fingerprint(await localMessages(app.db, linked.accountId))).toEqual(expected);
    }
  });
});
