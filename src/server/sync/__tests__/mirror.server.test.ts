/**
 * Acceptance 1: a seeded mailbox of 2,000 messages (threads, attachments,
 * non-ASCII) syncs completely, then new, deleted and changed mail at the
 * provider is mirrored by one incremental run. Real adapters, emulators, app.
 */
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { createSyncEngine, type SyncEngine } from '../engine';
import type { ProviderName } from '../../providers/types';
import { compareWithGenerated, compareWithProvider, threadProblems } from './support/expectations';
import { countRows } from './support/local-mail';
import { MailWorld } from './support/mail-world';
import { providerSide } from './support/provider-side';

const COUNT = Number(process.env.SYNC_TEST_MESSAGES ?? 2000);

const USERS = {
  google: { provider: 'google' as const, address: 'mira.mirror@gmail.test', name: 'Mira Mirror', messages: COUNT, seed: 2001 },
  microsoft: { provider: 'microsoft' as const, address: 'mirko.mirror@contoso.test', name: 'Mirko Mirror', messages: COUNT, seed: 2002 },
};

describe.each(['google', 'microsoft'] as ProviderName[])('mirroring a %s mailbox', (provider) => {
  const user = USERS[provider];
  let app: TestApp;
  let world: MailWorld;
  let engine: SyncEngine;
  let accountId: number;

  beforeAll(async () => {
    app = await createTestApp();
    world = await MailWorld.start({ google: provider === 'google', microsoft: provider === 'microsoft', users: [user] });
    engine = createSyncEngine({ db: app.db, mailboxFor: world.mailboxFor, runnerId: `mirror-${provider}` });
    accountId = (await world.link(app.db, provider, user.address)).accountId;
  });
  afterAll(async () => {
    await world?.close();
    await app?.destroy();
  });

  it(`stores all ${COUNT} messages exactly once with their flags, folders, threads and decoded content`, async () => {
    const started = Date.now();
    const summary = await engine.runAccount(accountId);
    const seconds = (Date.now() - started) / 1000;
    console.info(`[measure] ${provider}: initial sync of ${COUNT} messages took ${seconds.toFixed(1)} s (${summary.pages} pages)`);

    expect(summary).toMatchObject({ status: 'succeeded', kind: 'initial', skipped: 0, accountStatus: 'active' });
    const side = await providerSide(world, provider, user.address);
    // Folder totals agree with the provider's, except for what Gmail keeps outside the window
    // (spam and trash, which its labels still count): never more locally than at the provider.
    const outside = await side.outsideWindow();
    const unexplained = summary.mismatches.filter(
      (m) => !['SPAM', 'TRASH'].includes(m.folderId) && !(m.provider.total - m.local.total > 0 && m.provider.total - m.local.total <= outside),
    );
    expect(unexplained).toEqual([]);
    const truth = await side.messages();
    expect(truth.size).toBeGreaterThan(COUNT * 0.8);
    const report = await compareWithProvider(app.db, accountId, provider, truth);
    expect(report.duplicates).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.ghosts).toEqual([]);
    expect(report.wrongFlags).toEqual([]);
    expect(summary.stored).toBe(truth.size);

    const content = await compareWithGenerated(report.local, { seed: user.seed, count: COUNT, name: user.name, address: user.address });
    expect(content.wrong).toEqual([]);
    expect(content.checked).toBe(truth.size);
    // The generator writes several languages and charsets, and attaches files to about one message in ten.
    expect(content.nonAscii).toBeGreaterThan(truth.size * 0.05);
    expect(content.withAttachments).toBeGreaterThan(truth.size * 0.03);
    expect(await threadProblems(app.db, accountId)).toEqual([]);
    expect(await countRows(app.db, 'mailAttachments', { accountId })).toBeGreaterThanOrEqual(content.withAttachments);
    expect(await countRows(app.db, 'mailParticipants', { accountId })).toBeGreaterThan(COUNT);

    const account = await app.db.getModel('mailAccounts').findOne({ where: { id: accountId }, raw: true });
    expect(account).toMatchObject({ status: 'active', progressDone: truth.size, progressTotal: truth.size });
    expect((account as Record<string, unknown>).cursor).toBeTruthy();
  });

  it('mirrors 20 new, 5 deleted and 10 changed messages with one incremental run', async () => {
    const side = await providerSide(world, provider, user.address);
    const before = await side.messages();
    const ids = [...before.keys()];
    const deleted = ids.slice(10, 15);
    const changed = ids.slice(100, 110);
    await side.remove(deleted);
    await side.change(changed);
    const delivered = await side.deliver(20);
    expect(delivered).toHaveLength(20);

    const started = Date.now();
    const summary = await engine.runAccount(accountId);
    console.info(`[measure] ${provider}: incremental run (20 new, 5 deleted, 10 changed) took ${((Date.now() - started) / 1000).toFixed(2)} s`);
    expect(summary).toMatchObject({ status: 'succeeded', kind: 'incremental', deleted: 5, stored: 20 });

    const truth = await side.messages();
    expect(truth.size).toBe(before.size + 15);
    const report = await compareWithProvider(app.db, accountId, provider, truth);
    expect(report.duplicates).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.ghosts).toEqual([]);
    expect(report.wrongFlags).toEqual([]);
    for (const id of delivered) expect(report.local.find((m) => m.providerId === id)?.subject).toMatch(/Fresh mail #\d+ — Grüße 🚀/);
    expect(await threadProblems(app.db, accountId)).toEqual([]);

    const runs = (await app.db.getModel('mailSyncRuns').findAll({ where: { accountId }, order: [['id', 'ASC']], raw: true })) as unknown as Array<Record<string, unknown>>;
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['initial', 'succeeded'],
      ['incremental', 'succeeded'],
    ]);
  });
});
