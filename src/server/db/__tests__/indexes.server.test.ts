import type { Model } from '@nocobase/database';
import { createTestApp, mailPluginOf, type TestApp } from '../../__tests__/support/test-app';
import RestoreMailIndexes from '../../migrations/20261202000000-restore-mail-indexes';
import { catalogueIndexes, declaredByDefinition, missingFromCatalogue, ourCollectionNames } from './catalogue';

describe('every index our collections declare is in the database catalogue', () => {
  let app: TestApp;
  let names: string[];

  const allMissing = async () => {
    const missing: string[] = [];
    for (const name of names) missing.push(...(await missingFromCatalogue(app.db, app.db.getCollection(name))));
    return missing;
  };

  const seedAccount = async (address: string) => {
    const user = await app.db.getRepository('users').create({ values: { nickname: address, email: `${address}@example.com` } });
    const account = await app.db.getRepository('mailAccounts').create({ values: { userId: user.get('id'), provider: 'google', address, status: 'active' } });
    return account.get('id') as string;
  };

  beforeAll(async () => {
    app = await createTestApp();
    names = await ourCollectionNames();
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('has them after a fresh install, on messages and threads too', async () => {
    expect(names).toContain('mailMessages');
    expect(declaredByDefinition(app.db.getCollection('mailMessages')).length).toBeGreaterThan(3);
    expect(await allMissing()).toEqual([]);
  });

  it('keeps them when the app syncs again (enabling a plugin, upgrading) and when a mail table is synced as an association target', async () => {
    await app.db.sync();
    await app.db.getCollection('mailThreads').sync();
    expect(await allMissing()).toEqual([]);
  });

  it('refuses a second copy of the same provider message in an account', async () => {
    const accountId = await seedAccount('dup-check');
    const messages = app.db.getRepository('mailMessages');
    await messages.create({ values: { accountId, providerId: 'same-id', subject: 'first' } });
    await expect(messages.create({ values: { accountId, providerId: 'same-id', subject: 'second' } })).rejects.toThrow();
    expect(await messages.count({ filter: { accountId, providerId: 'same-id' } })).toBe(1);
    const threads = app.db.getRepository('mailThreads');
    await threads.create({ values: { accountId, providerThreadId: 'same-thread' } });
    await expect(threads.create({ values: { accountId, providerThreadId: 'same-thread' } })).rejects.toThrow();
  });

  it('the upgrade migration brings dropped indexes back and merges duplicates without losing mail', async () => {
    const db = app.db;
    const qi = db.sequelize.getQueryInterface();
    // An install from before the fix: every declared multi-column / non-unique-field index gone.
    for (const name of names) {
      const collection = db.getCollection(name);
      const table = collection.model.getTableName() as string;
      const declared = ((collection.options as { indexes?: Array<{ fields: string[] }> }).indexes ?? []).map((i) =>
        i.fields.map((f) => (collection.model.rawAttributes[f] as { field?: string }).field ?? f).join(','),
      );
      for (const index of await catalogueIndexes(db, table)) {
        if (declared.includes(index.columns.join(','))) await qi.removeIndex(collection.getTableNameWithSchema(), index.name);
      }
    }
    expect((await allMissing()).length).toBeGreaterThan(10);

    // ...in which sync stored one provider message and one thread twice.
    const accountId = await seedAccount('before-upgrade');
    const threads = db.getRepository('mailThreads');
    const messages = db.getRepository('mailMessages');
    const t1 = await threads.create({ values: { accountId, providerThreadId: 't1', subject: 'Contract' } });
    const t1dup = await threads.create({ values: { accountId, providerThreadId: 't1', subject: 'Contract' } });
    const m1 = await messages.create({ values: { accountId, threadRowId: t1.get('id'), providerId: 'm1', subject: 'Contract' } });
    const m1dup = await messages.create({ values: { accountId, threadRowId: t1dup.get('id'), providerId: 'm1', subject: 'Contract' } });
    const m2 = await messages.create({ values: { accountId, threadRowId: t1dup.get('id'), providerId: 'm2', subject: 'Re: Contract' } });
    const attachments = db.getRepository('mailAttachments');
    await attachments.create({ values: { accountId, messageRowId: m1.get('id'), filename: 'a.pdf' } });
    await attachments.create({ values: { accountId, messageRowId: m1dup.get('id'), filename: 'b.pdf' } });
    await db.getRepository('mailParticipants').create({ values: { accountId, messageRowId: m1dup.get('id'), role: 'from', address: 'x@acme.com' } });
    // Both copies of the conversation are in the inbox: one membership row must remain, on the kept copy.
    const memberships = db.getCollection('mailThreadFolders') ? db.getRepository('mailThreadFolders') : null;
    for (const t of [t1, t1dup]) {
      await memberships?.create({ values: { accountId, threadRowId: t.get('id'), folderId: 'INBOX', lastMessageAt: new Date('2026-01-02') } });
    }
    const user = await db.getRepository('users').findOne({ filter: { nickname: 'before-upgrade' } });
    await db.getRepository('mailOutbox').create({
      values: { accountId, userId: user.get('id'), clientRequestId: 'r1', status: 'sent', messageRowId: m1dup.get('id'), threadRowId: t1dup.get('id') },
    });

    const migration = new RestoreMailIndexes({ app, db, plugin: mailPluginOf(app) } as never);
    await migration.up();

    expect(await allMissing()).toEqual([]);
    const kept = String(m1.get('id'));
    const rows = await messages.find({ filter: { accountId }, sort: ['providerId'] });
    expect(rows.map((r: Model) => [r.get('providerId'), String(r.get('threadRowId'))])).toEqual([
      ['m1', String(t1.get('id'))],
      ['m2', String(t1.get('id'))],
    ]);
    expect(String(rows[0].get('id'))).toBe(kept);
    expect(await threads.count({ filter: { accountId } })).toBe(1);
    const files = await attachments.find({ filter: { accountId }, sort: ['filename'] });
    expect(files.map((f: Model) => [f.get('filename'), String(f.get('messageRowId'))])).toEqual([
      ['a.pdf', kept],
      ['b.pdf', kept],
    ]);
    const participant = await db.getRepository('mailParticipants').findOne({ filter: { accountId } });
    expect(String(participant.get('messageRowId'))).toBe(kept);
    const outbox = await db.getRepository('mailOutbox').findOne({ filter: { clientRequestId: 'r1' } });
    expect([String(outbox.get('messageRowId')), String(outbox.get('threadRowId'))]).toEqual([kept, String(t1.get('id'))]);
    if (memberships) {
      const left = await memberships.find({ filter: { accountId } });
      expect(left.map((m: Model) => [m.get('folderId'), String(m.get('threadRowId'))])).toEqual([['INBOX', String(t1.get('id'))]]);
    }
    // And the key holds again.
    await expect(messages.create({ values: { accountId, providerId: 'm1' } })).rejects.toThrow();
  });
});
