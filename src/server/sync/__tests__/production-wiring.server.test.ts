/**
 * The sync engine as the plugin wires it (plugin.startSync: the account
 * service's limiters, its mailbox factory, the token vault, the settings),
 * against the provider emulators: a run's audit lists the retries its calls
 * needed, a Graph `$batch` costs every request inside it, a failing "sync
 * soon" never ends the process, and a rejected client secret is the admin's
 * to fix, after which accounts resume with no reconnect.
 */
import { setEnv } from '../../__tests__/support/env';
import { startProviderRig, type ProviderRig } from '../../__tests__/support/rigs';
import { createTestApp, mailPluginOf, type TestApp } from '../../__tests__/support/test-app';
import type { ProviderName } from '../../providers/types';
import type { SyncEngine } from '..';
import type { RunError } from '../run-recorder';
import { asJson } from '../values';

type Agent = ReturnType<TestApp['agent']>;
type Row = Record<string, unknown>;

const ADDRESS: Record<ProviderName, string> = { google: 'wes.wiring@gmail.test', microsoft: 'wes.wiring@outlook.test' };

describe.each<ProviderName>(['google', 'microsoft'])('the sync engine as the plugin wires it (%s)', (provider) => {
  const address = ADDRESS[provider];
  let rig: ProviderRig;
  let app: TestApp;
  let admin: Agent;
  let user: Agent;
  let engine: SyncEngine;
  let accountId: string;
  let restoreEnv: () => void = () => undefined;

  const plugin = () => mailPluginOf(app);
  const account = async (): Promise<Row> => (await app.db.getModel('mailAccounts').findOne({ where: { id: accountId }, raw: true })) as unknown as Row;
  const setSecret = (clientSecret: string) => admin.post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret });

  beforeAll(async () => {
    rig = await startProviderRig(provider, [{ address, name: 'Wes Wiring', messages: 6 }]);
    restoreEnv = setEnv(rig.env);
    app = await createTestApp();
    const users = app.db.getRepository('users');
    admin = await app.agent().login(await users.findOne({ filter: { 'roles.name': 'root' } }));
    expect((await setSecret(rig.clientSecret)).status).toBe(200);
    user = await app.agent().login(await users.create({ values: { nickname: 'Wes', email: 'wes@example.com', roles: ['member'] } }));
    const start = await user.post('/mailAccounts:authorize').send({ provider });
    const redirect = await rig.consent(start.body.data.url, address, 'allow');
    const linked = await user.post('/mailAccounts:callback').send({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    accountId = String(linked.body.data.account.id);
    engine = plugin().startSync();
    expect((await engine.runAccount(accountId)).status).toBe('succeeded');
  });

  afterAll(async () => {
    await plugin()?.stopSync();
    await app?.destroy();
    await rig?.close();
    restoreEnv();
  });

  it("lists the retries a sync run needed in that run's audit row", async () => {
    await rig.fault({ kind: 'rate_limit', count: 2, retryAfterSeconds: 0, user: address });
    let run;
    try {
      run = await engine.runAccount(accountId);
    } finally {
      await rig.clearFaults();
    }
    expect(run.status, JSON.stringify(run.errors)).toBe('succeeded');
    const audit = (await app.db.getModel('mailSyncRuns').findOne({ where: { id: run.runId }, raw: true })) as unknown as Row;
    const errors = asJson<RunError[]>(audit.errors, []);
    expect(errors.filter((e) => e.code === 'RATE_LIMITED' && e.recovered)).toHaveLength(2);
    expect(audit.status).toBe('succeeded');
  });

  it('does not let a failing "sync soon" become an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    // The database refuses the write that records the request.
    const Accounts = app.db.getModel('mailAccounts');
    Accounts.addHook('beforeBulkUpdate', 'refuse-for-test', () => {
      throw new Error('the database refused the write');
    });
    try {
      plugin().syncTrigger!.requestSync(accountId, 'sync');
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      Accounts.removeHook('beforeBulkUpdate', 'refuse-for-test');
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    // The trigger still works afterwards.
    plugin().syncTrigger!.requestSync(accountId, 'sync');
    await vi.waitFor(async () => expect(Boolean((await account()).syncRequested)).toBe(true));
  });

  it.runIf(provider === 'microsoft')('charges a Graph $batch during sync as the requests inside it', async () => {
    await rig.deliver({ to: address, from: 'someone@example.com', subject: 'Batch one', text: '1' });
    await rig.deliver({ to: address, from: 'someone@example.com', subject: 'Batch two', text: '2' });
    await rig.deliver({ to: address, from: 'someone@example.com', subject: 'Batch three', text: '3' });
    const limiter = plugin().mail.accounts.limiterFor(accountId, provider);
    await rig.clearLog();
    const before = limiter.status().used;
    expect((await engine.runAccount(accountId)).status).toBe('succeeded');
    const log = await rig.log();
    const batches = log.filter((e) => e.path.endsWith('/$batch'));
    expect(batches.length).toBeGreaterThan(0);
    expect(Math.max(...batches.map((b) => b.units))).toBeGreaterThanOrEqual(3);
    // What the provider counted is what the account's budget was charged.
    expect(limiter.status().used - before).toBe(log.reduce((sum, e) => sum + e.units, 0));
  });

  it('treats a rejected client secret as the admin\'s to fix: accounts say so, keep their grant, and resume once it is fixed', async () => {
    const vault = plugin().mail.vault;
    const grant = (await vault.load(accountId)).tokens!;
    const expire = async () => vault.save(accountId, { ...(await vault.load(accountId)).tokens!, expiresAt: Date.now() - 1000 });

    expect((await setSecret('not-the-secret')).status).toBe(200);
    await expire();
    const failed = await engine.runAccount(accountId);
    expect(failed.status).toBe('failed');
    const broken = await account();
    expect(broken).toMatchObject({ status: 'error', statusCode: 'INVALID_CLIENT' });
    expect(String(broken.statusMessage)).toMatch(/An administrator must fix the client secret .* in Settings → Email settings; syncing then resumes by itself, no reconnect needed\./);
    // The same words on the account list the user sees; the grant is kept.
    const listed = (await user.get('/mailAccounts:list')).body.data as Row[];
    expect(listed.find((a) => String(a.id) === accountId)).toMatchObject({ status: 'error', statusMessage: broken.statusMessage });
    expect((await vault.load(accountId)).tokens?.refreshToken).toBe(grant.refreshToken);
    expect((await engine.scheduler.dueAccounts()).map(String)).not.toContain(accountId);

    expect((await setSecret(rig.clientSecret)).status).toBe(200);
    // Saving the settings makes the stopped account due again at once.
    expect((await engine.scheduler.dueAccounts()).map(String)).toContain(accountId);
    await rig.clearLog();
    const resumed = await engine.runAccount(accountId);
    expect(resumed.status, JSON.stringify(resumed.errors)).toBe('succeeded');
    expect(await account()).toMatchObject({ status: 'active', statusCode: null });
    // No reconnect: the consent page was never visited again.
    expect((await rig.log()).filter((e) => /authorize|oauth2\/v2\/auth/.test(e.path))).toEqual([]);
  });
});
