import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { MailStore } from '../store';
import { message } from './support/messages';

type Row = Record<string, unknown>;

describe('mail store', () => {
  let app: TestApp;
  let store: MailStore;
  let accountId: number;

  beforeAll(async () => {
    app = await createTestApp();
    store = new MailStore(app.db);
  });
  afterAll(async () => {
    await app?.destroy();
  });
  beforeEach(async () => {
    const account = await app.db.getRepository('mailAccounts').create({
      values: { provider: 'google', address: `user${Date.now()}${Math.random()}@example.com`, status: 'active' },
    });
    accountId = account.get('id') as number;
  });

  const rows = async (collection: string, filter: Row = {}): Promise<Row[]> =>
    (await app.db.getRepository(collection).find({ filter: { accountId, ...filter } })).map((r: { toJSON(): Row }) => r.toJSON());

  it('never duplicates a message when the same page is applied twice', async () => {
    const page = [
      message({ providerId: 'a1', threadId: 'T1' }),
      message({ providerId: 'a2', threadId: 'T1', read: true }),
      message({ providerId: 'a3', threadId: 'T2', attachments: [{ id: 'att1', filename: 'Überweisung.pdf', contentType: 'application/pdf', size: 1234, inline: false }] }),
    ];
    const first = await store.applyPage(accountId, { added: page });
    const second = await store.applyPage(accountId, { added: page });

    expect(first).toMatchObject({ inserted: 3, updated: 0 });
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await rows('mailMessages')).toHaveLength(3);
    expect(await rows('mailAttachments')).toHaveLength(1);
    expect(await rows('mailParticipants')).toHaveLength(6);
    const threads = await rows('mailThreads');
    expect(threads).toHaveLength(2);
    const t1 = threads.find((t) => t.providerThreadId === 'T1');
    expect(t1).toMatchObject({ messageCount: 2, unreadCount: 1, hasAttachments: false });
    expect(threads.find((t) => t.providerThreadId === 'T2')).toMatchObject({ messageCount: 1, hasAttachments: true });
  });

  it('keeps non-ASCII text exactly and drops NUL characters every database rejects', async () => {
    const subject = 'Grüße aus Köln — 日本語の件名 🎉';
    await store.applyPage(accountId, {
      added: [message({ providerId: 'u1', subject, text: 'a\u0000b', from: { name: 'Zoë Ñuñez', address: 'ZOE@Bücher.example' } })],
    });
    const [row] = await rows('mailMessages');
    expect(row.subject).toBe(subject);
    expect(row.text).toBe('ab');
    expect(row.fromName).toBe('Zoë Ñuñez');
    const from = (await rows('mailParticipants', { role: 'from' }))[0];
    expect(from).toMatchObject({ address: 'zoe@bücher.example', domain: 'bücher.example' });
  });

  it('mirrors flag and label changes and recomputes the thread counters', async () => {
    await store.applyPage(accountId, {
      added: [message({ providerId: 'f1', threadId: 'TF' }), message({ providerId: 'f2', threadId: 'TF' })],
    });
    const outcome = await store.applyPage(accountId, {
      updated: [
        { providerId: 'f1', read: true, starred: true, folderIds: ['INBOX', 'Label_7'] },
        { providerId: 'f2', read: false },
        { providerId: 'not-here', read: true },
      ],
    });
    expect(outcome).toMatchObject({ updated: 1, unchanged: 1, unknown: 1 });
    const f1 = (await rows('mailMessages', { providerId: 'f1' }))[0];
    expect(f1).toMatchObject({ read: true, starred: true, folderIds: ['INBOX', 'Label_7'] });
    const [thread] = await rows('mailThreads');
    expect(thread).toMatchObject({ unreadCount: 1, starred: true, messageCount: 2 });
    expect(thread.folderIds).toEqual(['INBOX', 'Label_7']);
  });

  it('removes deleted messages with their dependents and threads left empty', async () => {
    await store.applyPage(accountId, {
      added: [
        message({ providerId: 'd1', threadId: 'TD', attachments: [{ id: 'x', filename: 'a.txt', contentType: 'text/plain', size: 3, inline: false }] }),
        message({ providerId: 'd2', threadId: 'TD' }),
        message({ providerId: 'd3', threadId: 'TE' }),
      ],
    });
    const outcome = await store.applyPage(accountId, { deleted: ['d1', 'd3', 'never-synced'] });
    expect(outcome.deleted).toBe(2);
    expect((await rows('mailMessages')).map((m) => m.providerId)).toEqual(['d2']);
    expect(await rows('mailAttachments')).toHaveLength(0);
    expect(await rows('mailParticipants')).toHaveLength(2);
    const threads = await rows('mailThreads');
    expect(threads.map((t) => t.providerThreadId)).toEqual(['TD']);
    expect(threads[0]).toMatchObject({ messageCount: 1, hasAttachments: false });
  });

  it('rolls the whole page back when its position commit fails', async () => {
    await expect(
      store.applyPage(accountId, { added: [message({ providerId: 'r1' })] }, async () => {
        throw new Error('lease lost');
      }),
    ).rejects.toThrow('lease lost');
    expect(await rows('mailMessages')).toHaveLength(0);
    expect(await rows('mailThreads')).toHaveLength(0);
  });

  it('rewrites a draft whose content changed at the provider', async () => {
    await store.applyPage(accountId, { added: [message({ providerId: 'dr', draft: true, subject: 'v1', to: [] })] });
    await store.applyPage(accountId, { added: [message({ providerId: 'dr', draft: true, subject: 'v2', to: [{ address: 'carol@x.test' }] })] });
    const all = await rows('mailMessages');
    expect(all).toHaveLength(1);
    expect(all[0].subject).toBe('v2');
    expect((await rows('mailParticipants', { role: 'to' })).map((p) => p.address)).toEqual(['carol@x.test']);
  });

  it('mirrors the folder list with provider counts and compares local counts', async () => {
    await store.syncFolders(accountId, [
      { id: 'INBOX', name: 'Inbox', role: 'inbox', kind: 'system', totalCount: 2, unreadCount: 1 },
      { id: 'Label_1', name: 'Projekte/Ärger', role: 'custom', kind: 'user' },
    ]);
    await store.syncFolders(accountId, [{ id: 'INBOX', name: 'Inbox', role: 'inbox', kind: 'system', totalCount: 3, unreadCount: 0 }]);
    const folders = await rows('mailFolders');
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatchObject({ providerId: 'INBOX', totalCount: 3, unreadCount: 0 });

    await store.applyPage(accountId, { added: [message({ providerId: 'c1' }), message({ providerId: 'c2', read: true })] });
    const counts = await store.localFolderCounts(accountId);
    expect(counts.get('INBOX')).toEqual({ total: 2, unread: 1 });
  });
});
