/**
 * The large-mailbox model: folder membership rows kept by the sync store, pages
 * read from date-ordered index ranges without a count, participants dated, and
 * the upgrade that converts mail stored by the previous version.
 */
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { backfillLargeMailboxModel } from '../../sync/large-mailbox-backfill';
import { MailStore, UNDATED } from '../../sync/store';
import { message } from '../../sync/__tests__/support/messages';
import { asDate } from '../../sync/values';
import { ThreadLister, type FolderRef } from '../thread-list';

type Row = Record<string, unknown>;

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe('large mailboxes: folder ranges, pages without counts, dated participants', () => {
  let app: TestApp;
  let store: MailStore;
  let lister: ThreadLister;
  let gmail: string;
  let outlook: string;

  const account = async (address: string) => String((await app.db.getRepository('mailAccounts').create({ values: { provider: 'google', address, status: 'active' } })).get('id'));
  const raw = async (collection: string, where: Row = {}) => (await app.db.getModel(collection).findAll({ where, raw: true })) as unknown as Row[];
  const inbox = (...accountIds: string[]): FolderRef[] => accountIds.map((accountId) => ({ accountId, providerId: 'INBOX' }));

  /** Every page of a listing, following hasMore, as subjects. */
  async function allPages(accountIds: string[], folders: FolderRef[] | null, pageSize: number): Promise<string[]> {
    const out: string[] = [];
    for (let page = 1; page < 50; page += 1) {
      const result = await lister.list({ accountIds, folders, search: null, page, pageSize });
      out.push(...result.rows.map((r) => r.subject));
      expect(result.rows.length).toBeLessThanOrEqual(pageSize);
      if (!result.hasMore) return out;
      expect(result.rows).toHaveLength(pageSize);
    }
    throw new Error('never ended');
  }

  beforeAll(async () => {
    app = await createTestApp();
    store = new MailStore(app.db);
    lister = new ThreadLister(app.db);
    gmail = await account('big@gmail.test');
    outlook = await account('big@outlook.test');
    // Two mailboxes whose conversations interleave in time; one conversation in INBOX and a label.
    const gmailMail = [1, 3, 5, 7, 9].map((m) => message({ providerId: `g${m}`, threadId: `G${m}`, subject: `g${m}`, date: at(m), folderIds: m === 5 ? ['INBOX', 'Label_1'] : ['INBOX'] }));
    const outlookMail = [2, 4, 6, 8].map((m) => message({ providerId: `o${m}`, threadId: `O${m}`, subject: `o${m}`, date: at(m), folderIds: ['INBOX'] }));
    await store.applyPage(gmail, { added: [...gmailMail, message({ providerId: 'gs', threadId: 'GS', subject: 'sent', date: at(10), folderIds: ['SENT'] })] });
    await store.applyPage(outlook, { added: outlookMail });
  });
  afterAll(async () => {
    await app?.destroy();
  });

  it('pages a unified inbox across accounts newest first, every conversation once, with no total', async () => {
    const expected = ['g9', 'o8', 'g7', 'o6', 'g5', 'o4', 'g3', 'o2', 'g1'];
    expect(await allPages([gmail, outlook], inbox(gmail, outlook), 2)).toEqual(expected);
    expect(await allPages([gmail, outlook], inbox(gmail, outlook), 4)).toEqual(expected);
    const first = await lister.list({ accountIds: [gmail, outlook], folders: inbox(gmail, outlook), search: null, page: 1, pageSize: 50 });
    expect(first).toMatchObject({ hasMore: false, page: 1, pageSize: 50 });
    expect(first).not.toHaveProperty('count');
  });

  it('lists a conversation in two chosen folders once, and all mail from the thread rows', async () => {
    const both: FolderRef[] = [...inbox(gmail), { accountId: gmail, providerId: 'Label_1' }];
    expect(await allPages([gmail], both, 2)).toEqual(['g9', 'g7', 'g5', 'g3', 'g1']);
    expect(await allPages([gmail], [{ accountId: gmail, providerId: 'Label_1' }], 2)).toEqual(['g5']);
    expect(await allPages([gmail, outlook], null, 3)).toEqual(['sent', 'g9', 'o8', 'g7', 'o6', 'g5', 'o4', 'g3', 'o2', 'g1']);
  });

  it('keeps folder membership in step with the messages: moves, label changes and deletions', async () => {
    await store.applyPage(gmail, { updated: [{ providerId: 'g9', folderIds: ['Label_1'] }] });
    expect(await allPages([gmail], inbox(gmail), 10)).toEqual(['g7', 'g5', 'g3', 'g1']);
    expect(await allPages([gmail], [{ accountId: gmail, providerId: 'Label_1' }], 10)).toEqual(['g9', 'g5']);
    await store.applyPage(gmail, { deleted: ['g7'] });
    expect(await allPages([gmail], inbox(gmail), 10)).toEqual(['g5', 'g3', 'g1']);
    expect(await raw('mailThreadFolders', { accountId: gmail, folderId: 'INBOX' })).toHaveLength(3);
    // Back as it was, for the other tests.
    await store.applyPage(gmail, { updated: [{ providerId: 'g9', folderIds: ['INBOX'] }], added: [message({ providerId: 'g7', threadId: 'G7', subject: 'g7', date: at(7), folderIds: ['INBOX'] })] });
  });

  it('sorts a conversation without any date last, on every database', async () => {
    await store.applyPage(outlook, { added: [message({ providerId: 'undated', threadId: 'U', subject: 'undated', date: undefined, folderIds: ['INBOX'] })] });
    const [thread] = await raw('mailThreads', { accountId: outlook, providerThreadId: 'U' });
    expect(asDate(thread.lastMessageAt)?.getTime()).toBe(UNDATED.getTime());
    const pages = await allPages([gmail, outlook], inbox(gmail, outlook), 3);
    expect(pages.at(-1)).toBe('undated');
    await store.applyPage(outlook, { deleted: ['undated'] });
  });

  it('dates every participant with its message and conversation, and moves them with the message', async () => {
    const [g3] = await raw('mailMessages', { accountId: gmail, providerId: 'g3' });
    const people = await raw('mailParticipants', { messageRowId: g3.id });
    expect(people.length).toBeGreaterThan(0);
    for (const p of people) {
      expect(String(p.threadRowId)).toBe(String(g3.threadRowId));
      expect(asDate(p.date)?.getTime()).toBe(at(3).getTime());
    }
    await store.applyPage(gmail, { added: [message({ providerId: 'g3', threadId: 'G1', subject: 'g3', date: at(3), folderIds: ['INBOX'] })] });
    const [moved] = await raw('mailMessages', { accountId: gmail, providerId: 'g3' });
    expect(String(moved.threadRowId)).not.toBe(String(g3.threadRowId));
    for (const p of await raw('mailParticipants', { messageRowId: g3.id })) expect(String(p.threadRowId)).toBe(String(moved.threadRowId));
  });

  describe('conversations with a person or a domain (a CRM record\'s mail)', () => {
    const people = (addresses: string[], domains: string[] = []) => ({ addresses, domains });
    async function withPeople(accountIds: string[], filter: { addresses: string[]; domains: string[] }, pageSize: number, folders: FolderRef[] | null = null) {
      const out: string[] = [];
      for (let page = 1; page < 50; page += 1) {
        const result = await lister.list({ accountIds, folders, search: null, people: filter, page, pageSize });
        out.push(...result.rows.map((r) => r.subject));
        if (!result.hasMore) return out;
      }
      throw new Error('never ended');
    }

    beforeAll(async () => {
      const customer = (id: string, minute: number, from: string, to: string, threadId = id, folderIds = ['INBOX']) =>
        message({ providerId: id, threadId, subject: id, date: at(100 + minute), from: { address: from }, to: [{ address: to }], folderIds });
      await store.applyPage(gmail, {
        added: [
          customer('c1', 1, 'CEO@Customer.Test', 'big@gmail.test'),
          customer('c2', 3, 'big@gmail.test', 'ops@customer.test'),
          customer('c3', 5, 'someone@else.test', 'big@gmail.test'),
          // A reply in c1's conversation: it moves c1 to the top of "mail with the CEO".
          customer('c1-reply', 7, 'big@gmail.test', 'ceo@customer.test', 'c1', ['SENT']),
        ],
      });
      await store.applyPage(outlook, { added: [customer('c4', 4, 'ceo@customer.test', 'big@outlook.test'), customer('c5', 6, 'x@sub.customer.test', 'big@outlook.test')] });
    });

    it('finds every conversation with an address, whatever its case, across accounts, by the newest message with them', async () => {
      expect(await withPeople([gmail, outlook], people(['ceo@customer.test']), 50)).toEqual(['c1', 'c4']);
      // Pages of one: each conversation once, in the same order.
      expect(await withPeople([gmail, outlook], people(['ceo@customer.test', 'ops@customer.test']), 1)).toEqual(['c1', 'c4', 'c2']);
      expect(await withPeople([gmail], people(['ceo@customer.test']), 1)).toEqual(['c1']);
    });

    it('finds everyone at a domain, not its subdomains, and narrows by folder', async () => {
      expect(await withPeople([gmail, outlook], people([], ['customer.test']), 2)).toEqual(['c1', 'c4', 'c2']);
      expect(await withPeople([gmail, outlook], people([], ['sub.customer.test']), 2)).toEqual(['c5']);
      expect(await withPeople([gmail, outlook], people([], ['customer.test']), 2, inbox(gmail))).toEqual(['c1', 'c2']);
    });

    it('reads many accounts (a supervisor) through the address range, with the same answer', async () => {
      const many = [gmail, outlook];
      for (let i = 0; i < 9; i += 1) many.push(await account(`empty${i}@example.test`));
      expect(await withPeople(many, people(['ceo@customer.test'], ['sub.customer.test']), 1)).toEqual(['c1', 'c5', 'c4']);
    });

    it('shows nothing for a record without an address, and nothing from accounts not asked for', async () => {
      expect(await withPeople([gmail, outlook], people([]), 10)).toEqual([]);
      expect(await withPeople([outlook], people(['ops@customer.test']), 10)).toEqual([]);
    });
  });

  it('converts mail stored by the previous version: same conversations, no duplicates, participants dated', async () => {
    const before = {
      inbox: await allPages([gmail, outlook], inbox(gmail, outlook), 50),
      label: await allPages([gmail], [{ accountId: gmail, providerId: 'Label_1' }], 50),
      messages: (await raw('mailMessages')).length,
      participants: (await raw('mailParticipants')).length,
      memberships: (await raw('mailThreadFolders')).length,
    };
    // What the previous version left: no membership rows, undated participants, a thread without a date.
    await app.db.getModel('mailThreadFolders').destroy({ where: {} });
    await app.db.getModel('mailParticipants').update({ threadRowId: null, date: null }, { where: {} });
    await app.db.getModel('mailThreads').update({ lastMessageAt: null }, { where: { accountId: outlook, providerThreadId: 'O2' } });
    expect(await allPages([gmail, outlook], inbox(gmail, outlook), 50)).toEqual([]);

    const outcome = await backfillLargeMailboxModel(app.db);
    expect(outcome.memberships).toBe(before.memberships);
    expect(outcome.participants).toBe(before.participants);
    // Run twice (an interrupted upgrade is run again): still one row each.
    await backfillLargeMailboxModel(app.db);

    expect(await raw('mailThreadFolders')).toHaveLength(before.memberships);
    expect(await raw('mailMessages')).toHaveLength(before.messages);
    expect(await raw('mailParticipants')).toHaveLength(before.participants);
    expect(await raw('mailParticipants', { threadRowId: null })).toHaveLength(0);
    expect(await allPages([gmail], [{ accountId: gmail, providerId: 'Label_1' }], 50)).toEqual(before.label);
    // The thread that lost its date now sorts last instead of vanishing.
    const after = await allPages([gmail, outlook], inbox(gmail, outlook), 50);
    expect(after).toEqual([...before.inbox.filter((s) => s !== 'o2'), 'o2']);
  });
});
