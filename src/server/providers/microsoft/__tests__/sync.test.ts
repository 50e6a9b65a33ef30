import { CursorExpired } from '../../errors';
import type { MailboxClient, NormalizedMessage, ProviderFolder, SyncCursor } from '../../types';
import { link, startRig, VaultStandIn, type Rig } from './support';

const BOB = 'bob@fabrikam.example';
const SINCE = new Date('2000-01-01T00:00:00Z');

let rig: Rig;
let mailbox: MailboxClient;
let folders: ProviderFolder[];
let cursor: SyncCursor;
let listed: NormalizedMessage[] = [];
let pagesListed = 0;
let estimatedTotal: number | null | undefined;
let arrivedDuringListing = '';

/** Follows change pages to the end; returns everything seen and the cursor to store. */
async function drainChanges(from: SyncCursor) {
  const added: NormalizedMessage[] = [];
  const deleted: string[] = [];
  let pageToken: string | null | undefined = null;
  let next = from;
  do {
    const page = await mailbox.changesSince(from, pageToken);
    added.push(...page.added);
    deleted.push(...page.deleted);
    pageToken = page.pageToken;
    next = page.cursor;
  } while (pageToken);
  return { added, deleted, cursor: next };
}

beforeAll(async () => {
  rig = await startRig([{ address: BOB, name: 'Bob Ångström', messages: 200, seed: 4242 }]);
  const provider = rig.provider();
  const { tokens } = await link(provider, BOB);
  mailbox = provider.forAccount(new VaultStandIn(provider, tokens).context(BOB));

  // The initial sync as the engine runs it: folders, cursor first, then the listing.
  folders = await mailbox.listFolders();
  cursor = await mailbox.currentCursor();
  let pageToken: string | null | undefined = null;
  do {
    const page = await mailbox.listMessages({ since: SINCE, pageToken, pageSize: 50 });
    expect(page.failures).toEqual([]);
    if (!pageToken) {
      estimatedTotal = page.estimatedTotal;
      // Mail keeps arriving while the listing runs.
      const delivered = await rig.emulator.control.deliver({ to: BOB, from: 'Zoë <zoe@example.net>', subject: 'Arrived mid-sync ✓', text: 'hello' });
      arrivedDuringListing = delivered.delivered[0].id;
    }
    pagesListed += 1;
    // Like the store: an upsert per provider id. Mail arriving mid-listing shifts Graph's
    // $skip pages by one, so a message on a page boundary can come twice.
    for (const message of page.messages) if (!listed.some((m) => m.providerId === message.providerId)) listed.push(message);
    pageToken = page.pageToken;
  } while (pageToken);
});
afterAll(async () => rig?.close());

describe('initial sync of an Outlook mailbox', () => {
  it('maps the well-known folders to roles with their counts', async () => {
    const roles = Object.fromEntries(folders.filter((f) => f.role !== 'custom').map((f) => [f.role, f.name]));
    expect(roles).toMatchObject({ inbox: 'Inbox', sent: 'Sent Items', drafts: 'Drafts', trash: 'Deleted Items', spam: 'Junk Email', archive: 'Archive' });
    expect(folders.every((f) => f.kind === 'folder' && f.parentId === null)).toBe(true);
    expect(folders.reduce((sum, f) => sum + (f.totalCount ?? 0), 0)).toBe(200);
  });

  it('lists the whole seeded window newest first in pages, missing nothing', async () => {
    const seeded = listed.filter((m) => m.providerId !== arrivedDuringListing);
    expect(seeded).toHaveLength(200);
    expect(estimatedTotal).toBe(200);
    expect(pagesListed).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < listed.length; i++) expect(listed[i - 1].date.getTime()).toBeGreaterThanOrEqual(listed[i].date.getTime());
  });

  it('normalizes the fields the store keeps, matching the mailbox', async () => {
    const snapshot = await rig.emulator.control.mailbox(BOB);
    const byId = new Map(snapshot.messages.map((m) => [m.id, m]));
    for (const message of listed) {
      const truth = byId.get(message.providerId);
      expect(truth, message.providerId).toBeTruthy();
      expect(message.threadId).toBe(truth?.conversationId);
      expect(message.folderIds).toEqual([truth?.folderId]);
      expect(message.read).toBe(truth?.isRead);
      expect(message.starred).toBe(truth?.flagStatus === 'flagged');
      expect(message.draft).toBe(truth?.isDraft);
      expect(message.date.toISOString()).toBe(truth?.receivedDateTime);
      expect(message.internetMessageId).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
      expect(message.from?.address ?? message.draft).toBeTruthy();
      expect(message.html || message.text).toBeTruthy();
      expect(message.snippet.length).toBeGreaterThan(0);
    }
  });

  it('decodes non-ASCII subjects and names instead of passing encoded words through', () => {
    const nonAscii = listed.filter((m) => /[^\x00-\x7f]/.test(m.subject));
    expect(nonAscii.length).toBeGreaterThan(5);
    expect(listed.some((m) => m.subject.includes('=?'))).toBe(false);
    expect(listed.some((m) => [m.from, ...m.to].some((a) => a?.name && /[^\x00-\x7f]/.test(a.name)))).toBe(true);
  });

  it('keeps replies in their conversation with In-Reply-To and References', () => {
    const byMessageId = new Map(listed.map((m) => [m.internetMessageId, m]));
    const replies = listed.filter((m) => m.inReplyTo && byMessageId.has(m.inReplyTo));
    expect(replies.length).toBeGreaterThan(10);
    for (const reply of replies) {
      expect(reply.threadId).toBe(byMessageId.get(reply.inReplyTo)?.threadId);
      expect(reply.references).toContain(reply.inReplyTo);
    }
  });

  it('lists attachment metadata and downloads the exact bytes', async () => {
    const withFiles = listed.filter((m) => m.attachments.length > 0);
    expect(withFiles.length).toBeGreaterThan(5);
    const inline = withFiles.flatMap((m) => m.attachments.filter((a) => a.inline).map((a) => ({ m, a })));
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.some(({ m, a }) => a.contentId && m.html?.includes(`cid:${a.contentId}`))).toBe(true);
    for (const message of withFiles.slice(0, 4)) {
      for (const attachment of message.attachments) {
        const bytes = await mailbox.getAttachment(message.providerId, attachment.id);
        expect(bytes.length).toBe(attachment.size);
        expect(attachment.filename).not.toBe('');
      }
    }
  });

  it('fetches messages by id in batches and reports ids the mailbox no longer has', async () => {
    const ids = listed.slice(0, 45).map((m) => m.providerId);
    const page = await mailbox.fetchMessages([...ids, 'AAMkAD-no-such-message']);
    expect(page.messages.map((m) => m.providerId)).toEqual(ids);
    expect(page.failures).toEqual([{ providerId: 'AAMkAD-no-such-message', reason: 'not_found' }]);
    expect(page.messages[3]).toEqual(listed[3]);
  });
});

describe('incremental sync with delta links', () => {
  it('picks up mail that arrived after the cursor was taken, and then nothing more', async () => {
    const first = await drainChanges(cursor);
    expect(first.added.map((m) => m.providerId)).toContain(arrivedDuringListing);
    expect(first.added.find((m) => m.providerId === arrivedDuringListing)?.subject).toBe('Arrived mid-sync ✓');
    expect(first.deleted).toEqual([]);
    const second = await drainChanges(first.cursor);
    expect(second.added).toEqual([]);
    expect(second.deleted).toEqual([]);
    cursor = second.cursor;
  });

  it('mirrors changes made in Outlook: read, flag, move and delete', async () => {
    const inbox = folders.find((f) => f.role === 'inbox')?.id;
    const archive = folders.find((f) => f.role === 'archive')?.id;
    const inInbox = listed.filter((m) => m.folderIds[0] === inbox && !m.read && !m.starred);
    const [toRead, toFlag, toMove, toDelete] = inInbox;
    const { control } = rig.emulator;
    await control.mutate({ user: BOB, id: toRead.providerId, action: 'markRead' });
    await control.mutate({ user: BOB, id: toFlag.providerId, action: 'flag' });
    const moved = await control.mutate({ user: BOB, id: toMove.providerId, action: 'move', folder: 'archive' });
    await control.mutate({ user: BOB, id: toDelete.providerId, action: 'delete' });

    const changes = await drainChanges(cursor);
    const added = new Map(changes.added.map((m) => [m.providerId, m]));
    expect(added.get(toRead.providerId)?.read).toBe(true);
    expect(added.get(toFlag.providerId)?.starred).toBe(true);
    const movedId = moved.id ?? '';
    expect(added.get(movedId)?.folderIds).toEqual([archive]);
    expect(added.get(movedId)?.internetMessageId).toBe(toMove.internetMessageId);
    expect(changes.deleted).toContain(toDelete.providerId);
    if (movedId !== toMove.providerId) expect(changes.deleted).toContain(toMove.providerId);
    expect(changes.deleted).not.toContain(movedId);
    cursor = changes.cursor;
  });

  it('throws CursorExpired when Graph answers 410 for an expired delta token', async () => {
    await rig.emulator.control.expireDeltaTokens(BOB);
    const error = await mailbox.changesSince(cursor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorExpired);
    expect((error as CursorExpired).code).toBe('CURSOR_EXPIRED');
  });
});
