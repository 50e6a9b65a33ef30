import { simpleParser } from 'mailparser';
import { createAccountLimiter } from '../../../sync/limits/account-limiter';
import { resolveEndpoints } from '../../endpoints';
import { CursorExpired, ProviderError } from '../../errors';
import type { MailboxClient, NormalizedMessage, SyncCursor } from '../../types';
import { errorOf, startGoogleWorld, TestVault, type GoogleWorld } from './support';

const ADA = 'ada@gmail.test';
const BOB = 'bob@gmail.test';
const DAY = 86_400_000;

describe('Gmail mailbox through the emulator', () => {
  let world: GoogleWorld;
  let mailbox: MailboxClient;
  let vault: TestVault;

  beforeAll(async () => {
    world = await startGoogleWorld([
      { address: ADA, name: 'Ada Lovelace', messages: 200, seed: 7 },
      { address: BOB, name: 'Bob Babbage', messages: 0 },
    ]);
    const issued = await world.google.control.issueTokens({ user: ADA });
    vault = new TestVault(world.provider, {
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token,
      expiresAt: Date.now() + issued.expires_in * 1000,
    });
    mailbox = world.provider.forAccount(vault.context(ADA));
  });
  afterAll(() => world?.close());
  afterEach(() => world.google.control.clearFaults());

  const snapshot = () => world.google.control.mailbox(ADA);
  const rawOf = (id: string): Buffer => {
    const message = world.google.state.user(ADA)?.mailbox.messages.get(id);
    if (!message) throw new Error(`no message ${id}`);
    return message.raw;
  };

  describe('initial listing', () => {
    let listed: NormalizedMessage[] = [];
    let cursor: SyncCursor;
    let midSyncId: string;
    let expectedIds: string[];
    const since = new Date(Date.now() - 365 * DAY);

    beforeAll(async () => {
      const before = await snapshot();
      expectedIds = before.messages
        .filter((m) => !m.labelIds.includes('SPAM') && !m.labelIds.includes('TRASH'))
        .map((m) => m.id);
      cursor = await mailbox.currentCursor();
      let pageToken: string | null | undefined;
      let pages = 0;
      do {
        const page = await mailbox.listMessages({ since, pageToken, pageSize: 60 });
        expect(page.failures).toEqual([]);
        listed.push(...page.messages);
        pageToken = page.pageToken;
        if (++pages === 1) {
          // Mail arrives while the initial sync is still paging.
          const delivered = await world.google.control.deliver({ to: ADA, from: 'carol@example.net', subject: 'Arrived during the sync' });
          midSyncId = delivered.delivered[0].id;
        }
      } while (pageToken);
      expect(pages).toBeGreaterThan(2);
    });

    it('returns every message of the window except spam and trash, once, newest first', () => {
      expect(listed.map((m) => m.providerId).sort()).toEqual([...expectedIds].sort());
      const times = listed.map((m) => m.date.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('starts the window at the requested date', async () => {
      const recent = new Date(Date.now() - 30 * DAY);
      const expected = (await snapshot()).messages
        .filter((m) => m.internalDate >= recent.getTime() && !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH'))
        .map((m) => m.id);
      const page = await mailbox.listMessages({ since: recent, pageSize: 500 });
      expect(expected.length).toBeLessThan(expectedIds.length);
      expect(page.messages.map((m) => m.providerId).sort()).toEqual(expected.sort());
    });

    it('normalizes headers, threads and flags as Gmail holds them', async () => {
      const byId = new Map((await snapshot()).messages.map((m) => [m.id, m]));
      for (const message of listed) {
        const stored = byId.get(message.providerId);
        expect(stored, message.providerId).toBeDefined();
        expect(message.threadId).toBe(stored?.threadId);
        // Charset decoding is judged against mailparser on the stored raw bytes (the emulator's own
        // subject decoding falls back to Latin-1 for windows-1252 on Node builds without full ICU).
        expect(message.subject).toBe((await simpleParser(rawOf(message.providerId))).subject?.trim() ?? '');
        expect(message.internetMessageId).toBe(stored?.messageId);
        expect(message.date.getTime()).toBe(stored?.internalDate);
        expect(message.read).toBe(!stored?.labelIds.includes('UNREAD'));
        expect(message.starred).toBe(stored?.labelIds.includes('STARRED'));
        expect(message.folderIds).not.toContain('UNREAD');
        expect(message.from?.address).toContain('@');
      }
      // The generated mailbox has RFC 2047 subjects in several charsets: decoded, nothing left encoded.
      expect(listed.some((m) => /[^\x00-\x7f]/.test(m.subject))).toBe(true);
      expect(listed.filter((m) => m.subject.includes('=?'))).toEqual([]);
      // Conversations: some threads hold several messages, linked by In-Reply-To.
      const threadSizes = new Map<string, number>();
      for (const m of listed) threadSizes.set(m.threadId, (threadSizes.get(m.threadId) ?? 0) + 1);
      expect(Math.max(...threadSizes.values())).toBeGreaterThan(1);
      expect(listed.some((m) => m.inReplyTo && m.references.includes(m.inReplyTo))).toBe(true);
    });

    it('lists attachments with Gmail ids whose bytes can be fetched', async () => {
      const withAttachments = listed.filter((m) => m.attachments.length > 0).slice(0, 6);
      expect(withAttachments.length).toBeGreaterThan(0);
      for (const message of withAttachments) {
        const reference = await simpleParser(rawOf(message.providerId));
        expect(message.attachments.map((a) => a.filename)).toEqual(reference.attachments.map((a) => a.filename ?? expect.any(String)));
        for (const [i, attachment] of message.attachments.entries()) {
          const bytes = await mailbox.getAttachment(message.providerId, attachment.id);
          expect(bytes.equals(reference.attachments[i].content), `${message.providerId} ${attachment.filename}`).toBe(true);
          expect(attachment.size).toBe(bytes.length);
          // A Gmail attachment id, or the Gmail part number for parts Gmail inlines: never a re-parse fallback.
          expect(attachment.id).not.toMatch(/^mime:/);
        }
      }
    });

    it('marks inline images with the Content-ID the HTML refers to', () => {
      const inline = listed.flatMap((m) => m.attachments.filter((a) => a.inline).map((a) => ({ m, a })));
      expect(inline.length).toBeGreaterThan(0);
      for (const { m, a } of inline) {
        expect(a.contentId).toBeTruthy();
        expect(m.html).toContain(`cid:${a.contentId}`);
      }
    });

    it('reports mail that arrived during the listing in the changes since the cursor taken before it', async () => {
      expect(listed.map((m) => m.providerId)).not.toContain(midSyncId);
      const changes = await mailbox.changesSince(cursor);
      expect(changes.added.map((m) => m.providerId)).toContain(midSyncId);
      expect(changes.added.find((m) => m.providerId === midSyncId)?.subject).toBe('Arrived during the sync');
      expect(Number(changes.cursor.historyId)).toBeGreaterThan(Number(cursor.historyId));
    });
  });

  describe('unreadable mail', () => {
    it('reports a message that cannot be parsed as a failure and still returns the rest of the page', async () => {
      const since = new Date(Date.now() - 1_000);
      const [broken] = await world.google.deliverRaw(Buffer.from('\r\n\r\n'), [ADA]);
      const good = (await world.google.control.deliver({ to: ADA, subject: 'Readable' })).delivered[0];
      const page = await mailbox.listMessages({ since });
      expect(page.messages.map((m) => m.providerId)).toContain(good.id);
      expect(page.messages.map((m) => m.providerId)).not.toContain(broken.id);
      expect(page.failures).toEqual([{ providerId: broken.id, reason: expect.stringMatching(/./) }]);
    });
  });

  describe('incremental changes', () => {
    it('mirrors read, star, label and delete changes, and drops a message that came and went', async () => {
      const cursor = await mailbox.currentCursor();
      const inbox = (await snapshot()).messages.filter((m) => m.labelIds.includes('INBOX') && !m.labelIds.includes('STARRED'));
      const unread = inbox.find((m) => m.labelIds.includes('UNREAD'));
      const [toStar, toLabel, toDelete] = inbox.filter((m) => m !== unread);
      const userLabel = (await snapshot()).labels.find((l) => l.type === 'user');
      expect(unread && toStar && toLabel && toDelete && userLabel).toBeTruthy();
      const { control } = world.google;
      await control.mutate({ user: ADA, id: unread?.id, action: 'markRead' });
      await control.mutate({ user: ADA, id: toStar.id, action: 'star' });
      await control.mutate({ user: ADA, id: toLabel.id, action: 'labels', addLabelIds: [userLabel?.id as string], removeLabelIds: ['INBOX'] });
      await control.mutate({ user: ADA, id: toDelete.id, action: 'delete' });
      const fleeting = (await control.deliver({ to: ADA, subject: 'Here and gone' })).delivered[0].id;
      await control.mutate({ user: ADA, id: fleeting, action: 'star' });
      await control.mutate({ user: ADA, id: fleeting, action: 'delete' });

      const changes = await mailbox.changesSince(cursor);
      expect(changes.pageToken).toBeNull();
      expect(changes.added).toEqual([]);
      expect(changes.deleted.sort()).toEqual([toDelete.id, fleeting].sort());
      const updated = new Map(changes.updated.map((u) => [u.providerId, u]));
      expect(updated.size).toBe(3);
      expect(updated.get(unread?.id as string)?.read).toBe(true);
      expect(updated.get(toStar.id)).toMatchObject({ starred: true, folderIds: expect.arrayContaining(['INBOX', 'STARRED']) });
      expect(updated.get(toLabel.id)?.folderIds).toContain(userLabel?.id);
      expect(updated.get(toLabel.id)?.folderIds).not.toContain('INBOX');

      const quiet = await mailbox.changesSince(changes.cursor);
      expect(quiet).toMatchObject({ added: [], updated: [], deleted: [] });
    });

    it('throws CursorExpired when Gmail no longer keeps the history since the cursor', async () => {
      const cursor = await mailbox.currentCursor();
      await world.google.control.deliver({ to: ADA, subject: 'After the cursor' });
      await world.google.control.expireHistory(ADA);
      expect(await errorOf(() => mailbox.changesSince(cursor))).toBeInstanceOf(CursorExpired);

      await world.google.control.fault({ kind: 'expire_cursor', count: 1 });
      const fresh = await mailbox.currentCursor();
      expect(await errorOf(() => mailbox.changesSince(fresh))).toBeInstanceOf(CursorExpired);
    });
  });

  describe('sending', () => {
    it('sends a new message that lands in Sent and in the recipient inbox under the returned Message-ID', async () => {
      const sent = await mailbox.send({
        mode: 'new',
        from: { name: 'Ada Lovelace', address: ADA },
        to: [{ name: 'Bob Babbage', address: BOB }],
        subject: 'Analytical engine — notes ✓',
        html: '<p>Notes attached.</p>',
        attachments: [{ filename: 'notes.txt', contentType: 'text/plain', content: Buffer.from('Note G') }],
      });
      const [copy] = (await mailbox.fetchMessages([sent.providerId])).messages;
      expect(copy.folderIds).toContain('SENT');
      expect(copy.subject).toBe('Analytical engine — notes ✓');
      expect(copy.internetMessageId).toBe(sent.internetMessageId);
      expect(copy.threadId).toBe(sent.threadId);
      const bobInbox = await world.google.control.mailbox(BOB);
      expect(bobInbox.messages.map((m) => m.messageId)).toContain(sent.internetMessageId);
    });

    it('sends a reply into the original thread with In-Reply-To and References', async () => {
      const delivered = await world.google.control.deliver({ to: ADA, from: BOB, subject: 'Question about Note G' });
      const inAdasInbox = delivered.delivered.find((d) => d.mailbox === ADA);
      const [original] = (await mailbox.fetchMessages([inAdasInbox?.id as string])).messages;
      const sent = await mailbox.send({
        mode: 'reply',
        from: { address: ADA },
        to: [{ address: BOB }],
        subject: original.subject,
        text: 'Answer inside.',
        original,
      });
      expect(sent.threadId).toBe(original.threadId);
      const [reply] = (await mailbox.fetchMessages([sent.providerId])).messages;
      expect(reply.subject).toBe('Re: Question about Note G');
      expect(reply.inReplyTo).toBe(original.internetMessageId);
      expect(reply.references.at(-1)).toBe(original.internetMessageId);
      expect(reply.threadId).toBe(original.threadId);
    });

    it('sends a message too large for a JSON body through the upload endpoint', async () => {
      const big = Buffer.alloc(5 * 1024 * 1024, 7);
      const sent = await mailbox.send({
        mode: 'new',
        from: { address: ADA },
        to: [{ address: BOB }],
        subject: 'Large drawing',
        text: 'See attachment.',
        attachments: [{ filename: 'drawing.bin', contentType: 'application/octet-stream', content: big }],
      });
      const [copy] = (await mailbox.fetchMessages([sent.providerId])).messages;
      expect(copy.attachments).toHaveLength(1);
      expect((await mailbox.getAttachment(copy.providerId, copy.attachments[0].id)).equals(big)).toBe(true);
      const uploads = (await world.google.control.log()).filter((e) => e.path.startsWith('/upload/gmail/v1/users/me/messages/send'));
      expect(uploads.length).toBeGreaterThan(0);
    });
  });

  describe('modifying', () => {
    it('marks read and starred, files under a label, trashes and restores', async () => {
      const snap = await snapshot();
      const target = snap.messages.find((m) => m.labelIds.includes('INBOX') && m.labelIds.includes('UNREAD') && !m.labelIds.includes('STARRED'));
      const userLabel = snap.labels.find((l) => l.type === 'user');
      expect(target && userLabel).toBeTruthy();
      const id = target?.id as string;
      const labelsNow = async () => (await snapshot()).messages.find((m) => m.id === id)?.labelIds ?? [];

      await mailbox.modify(id, { read: true, starred: true });
      expect(await labelsNow()).toEqual(expect.arrayContaining(['INBOX', 'STARRED']));
      expect(await labelsNow()).not.toContain('UNREAD');

      await mailbox.modify(id, { read: false, starred: false });
      expect(await labelsNow()).toContain('UNREAD');
      expect(await labelsNow()).not.toContain('STARRED');

      await mailbox.modify(id, { moveTo: userLabel?.id });
      expect(await labelsNow()).toContain(userLabel?.id);
      expect(await labelsNow()).not.toContain('INBOX');

      await mailbox.modify(id, { trash: true });
      expect(await labelsNow()).toContain('TRASH');
      await mailbox.modify(id, { untrash: true, addFolderIds: ['INBOX'] });
      expect(await labelsNow()).not.toContain('TRASH');
      expect(await labelsNow()).toContain('INBOX');
    });
  });

  describe('folders', () => {
    it('maps system labels to roles, keeps user labels, hides UNREAD, with counts', async () => {
      const folders = await mailbox.listFolders();
      const byId = new Map(folders.map((f) => [f.id, f]));
      expect(byId.get('INBOX')).toMatchObject({ role: 'inbox', name: 'Inbox', kind: 'system' });
      expect(byId.get('SENT')?.role).toBe('sent');
      expect(byId.get('DRAFT')?.role).toBe('drafts');
      expect(byId.get('TRASH')?.role).toBe('trash');
      expect(byId.get('SPAM')?.role).toBe('spam');
      expect(byId.get('STARRED')?.role).toBe('starred');
      expect(byId.get('IMPORTANT')?.role).toBe('important');
      expect(byId.has('UNREAD')).toBe(false);
      const user = folders.filter((f) => f.kind === 'user');
      expect(user.length).toBeGreaterThan(0);
      expect(user.every((f) => f.role === 'custom')).toBe(true);

      const snap = await snapshot();
      const counts = new Map((await mailbox.folderCounts()).map((c) => [c.folderId, c]));
      const inbox = snap.labels.find((l) => l.id === 'INBOX');
      expect(counts.get('INBOX')).toEqual({ folderId: 'INBOX', total: inbox?.messagesTotal, unread: inbox?.messagesUnread });
      expect(byId.get('INBOX')?.totalCount).toBe(inbox?.messagesTotal);
    });
  });

  describe('quota hook', () => {
    it('runs every API call through the account schedule, named by Gmail method', async () => {
      const methods: string[] = [];
      const scheduled = world.provider.forAccount(
        vault.context(ADA, {
          schedule: (method, fn) => {
            methods.push(method);
            return fn();
          },
        }),
      );
      const page = await scheduled.listMessages({ since: new Date(Date.now() - 365 * DAY), pageSize: 5 });
      await scheduled.changesSince(await scheduled.currentCursor());
      const requests = (await world.google.control.log()).length;
      expect(requests).toBeGreaterThan(0);
      expect(methods.filter((m) => m === 'messages.list')).toHaveLength(1);
      expect(methods.filter((m) => m === 'messages.get').length).toBeGreaterThanOrEqual(page.messages.length);
      expect(methods).toContain('users.getProfile');
      expect(methods).toContain('history.list');
    });
  });

  describe('retry safety', () => {
    it('declares messages.send unsafe to repeat, and reads and label changes safe', async () => {
      const unsafe: string[] = [];
      const all: string[] = [];
      const scheduled = world.provider.forAccount(
        vault.context(ADA, {
          schedule: (method, fn, call) => {
            all.push(method);
            if (call?.idempotent === false) unsafe.push(method);
            return fn();
          },
        }),
      );
      const page = await scheduled.listMessages({ since: new Date(Date.now() - 365 * DAY), pageSize: 2 });
      await scheduled.modify(page.messages[0].providerId, { read: true, starred: true });
      await scheduled.modify(page.messages[0].providerId, { trash: true });
      await scheduled.modify(page.messages[0].providerId, { untrash: true });
      expect(unsafe).toEqual([]);
      const messageId = `<retry-safety-${Date.now()}@example.com>`;
      const sent = await scheduled.send({ mode: 'new', from: { address: ADA }, to: [{ address: 'someone@example.com' }], subject: 'Once', text: 'x', messageId });
      expect(unsafe).toEqual(['messages.send']);
      expect(all).toContain('messages.modify');
      // Found again by the Message-ID we gave it.
      expect(await scheduled.findSent(messageId)).toMatchObject({ providerId: sent.providerId, internetMessageId: messageId });
    });
  });

  describe('with the account limiter', () => {
    it('lets the limiter wait out a 429 using the Retry-After the adapter reports', async () => {
      const limiter = createAccountLimiter('google');
      const limited = world.provider.forAccount(vault.context(ADA, { schedule: (method, fn) => limiter.schedule(method, fn) }));
      await world.google.control.fault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 1 });
      const started = Date.now();
      await expect(limited.currentCursor()).resolves.toHaveProperty('historyId');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });
  });

  describe('errors', () => {
    const code = async (fn: () => Promise<unknown>) => (await errorOf(fn)) as ProviderError;

    it('maps 429 to RATE_LIMITED with the Retry-After delay', async () => {
      await world.google.control.fault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 7 });
      const err = await code(() => mailbox.currentCursor());
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 7_000, retryable: true });
    });

    it('maps 503 and a hung-up socket to TRANSIENT without retrying inside the library', async () => {
      await world.google.control.fault({ kind: 'unavailable', count: 1 });
      expect(await code(() => mailbox.currentCursor())).toMatchObject({ code: 'TRANSIENT', status: 503 });
      await world.google.control.fault({ kind: 'hangup', count: 1 });
      expect(await code(() => mailbox.currentCursor())).toMatchObject({ code: 'TRANSIENT' });
      await expect(mailbox.currentCursor()).resolves.toHaveProperty('historyId');
    });

    it('tells the admin to enable the Gmail API on 403 accessNotConfigured', async () => {
      await world.google.control.fault({ kind: 'api_not_enabled' });
      const err = await code(() => mailbox.listFolders());
      expect(err.code).toBe('API_NOT_ENABLED');
      expect(err.message).toMatch(/enable the Gmail API in the Google Cloud project/);
    });

    it('maps a request that outlives the timeout to TRANSIENT', async () => {
      const impatient = world.makeProvider({ timeoutMs: 300 }).forAccount(vault.context(ADA));
      await world.google.control.fault({ kind: 'slow', delayMs: 1_500, count: 1 });
      expect(await code(() => impatient.currentCursor())).toMatchObject({ code: 'TRANSIENT' });
    });

    it('maps a refused connection to UNREACHABLE', async () => {
      const endpoints = { ...resolveEndpoints(world.emulators.env), googleApiUrl: 'http://127.0.0.1:9/' };
      const nowhere = world.makeProvider({ endpoints }).forAccount(vault.context(ADA));
      const err = await code(() => nowhere.currentCursor());
      expect(err).toMatchObject({ code: 'UNREACHABLE', retryable: true });
    });

    it('keeps tokens out of error messages', async () => {
      await world.google.control.fault({ kind: 'server_error', count: 1 });
      const err = await code(() => mailbox.listFolders());
      expect(err.code).toBe('TRANSIENT');
      expect(err.message).not.toContain(vault.tokens.accessToken);
      expect(JSON.stringify(err.cause ?? null)).not.toContain(vault.tokens.accessToken);
    });
  });
});
