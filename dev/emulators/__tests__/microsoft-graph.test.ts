import { BatchRequestContent, BatchResponseContent, type Client } from '@microsoft/microsoft-graph-client';
import { simpleParser } from 'mailparser';
import type { MicrosoftEmulator } from '../microsoft';
import { graphClient, rawGraph, signIn, startSeeded } from './microsoft-harness';

const ALICE = 'alice@contoso.test';
const BOB = 'bob@fabrikam.test';

interface GraphMessage {
  id: string;
  subject: string;
  conversationId: string;
  internetMessageId: string;
  receivedDateTime: string;
  isRead: boolean;
  hasAttachments: boolean;
  parentFolderId: string;
  from?: { emailAddress: { name: string; address: string } };
  toRecipients: Array<{ emailAddress: { name: string; address: string } }>;
  flag: { flagStatus: string };
  categories: string[];
  body: { contentType: string; content: string };
  '@removed'?: { reason: string };
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  '@odata.count'?: number;
}

async function allPages<T>(client: Client, first: Page<T>, prefer?: string): Promise<{ items: T[]; pages: number; deltaLink?: string }> {
  const items = [...first.value];
  let page = first;
  let pages = 1;
  while (page['@odata.nextLink']) {
    const request = client.api(page['@odata.nextLink']);
    page = (await (prefer ? request.header('Prefer', prefer) : request).get()) as Page<T>;
    items.push(...page.value);
    pages += 1;
  }
  return { items, pages, deltaLink: page['@odata.deltaLink'] };
}

describe('Graph v1.0 mail emulator with the unmodified Graph client', () => {
  let emulator: MicrosoftEmulator;
  let alice: Client;
  let bob: Client;
  let aliceToken: string;

  beforeAll(async () => {
    emulator = await startSeeded([
      { address: ALICE, name: 'Alice Liddell', messages: 40, aliases: ['a.liddell@contoso.test'] },
      { address: BOB, name: 'Bob Builder', messages: 3 },
    ]);
    aliceToken = (await signIn(emulator, ALICE)).result.accessToken;
    alice = graphClient(emulator, aliceToken);
    bob = graphClient(emulator, (await signIn(emulator, BOB)).result.accessToken);
  });
  afterAll(() => emulator.close());

  it('returns the signed-in user, with proxy addresses when selected', async () => {
    const me = await alice.api('/me').get();
    expect(me).toMatchObject({ mail: ALICE, userPrincipalName: ALICE, displayName: 'Alice Liddell' });
    expect(me.proxyAddresses).toBeUndefined();
    const selected = await alice.api('/me').select('id,mail,proxyAddresses').get();
    expect(selected.proxyAddresses).toEqual(['SMTP:alice@contoso.test', 'smtp:a.liddell@contoso.test']);
  });

  it('lists mail folders with counts, resolves well-known names and creates child folders', async () => {
    const folders = (await alice.api('/me/mailFolders').get()) as Page<{ id: string; displayName: string; totalItemCount: number; unreadItemCount: number }>;
    const names = folders.value.map((f) => f.displayName);
    expect(names).toEqual(expect.arrayContaining(['Inbox', 'Sent Items', 'Drafts', 'Deleted Items', 'Archive', 'Junk Email']));
    const total = folders.value.reduce((sum, f) => sum + f.totalItemCount, 0);
    expect(total).toBe(40);
    const inbox = await alice.api('/me/mailFolders/inbox').get();
    expect(inbox.id).toBe(folders.value.find((f) => f.displayName === 'Inbox')?.id);
    const created = await alice.api('/me/mailFolders/inbox/childFolders').post({ displayName: 'Receipts' });
    expect(created.parentFolderId).toBe(inbox.id);
    const children = await alice.api(`/me/mailFolders/${inbox.id}/childFolders`).get();
    expect(children.value.map((f: { displayName: string }) => f.displayName)).toContain('Receipts');
    expect((await alice.api('/me/mailFolders/inbox').get()).childFolderCount).toBe(1);
    await expect(alice.api('/me/mailFolders/inbox/childFolders').post({ displayName: 'receipts' })).rejects.toMatchObject({ statusCode: 409, code: 'ErrorFolderExists' });
  });

  it('pages a folder newest first through @odata.nextLink with $select, $top and $count', async () => {
    const inbox = await alice.api('/me/mailFolders/inbox').get();
    const first = (await alice.api('/me/mailFolders/inbox/messages').select('subject,receivedDateTime').top(7).count(true).get()) as Page<GraphMessage>;
    expect(first['@odata.count']).toBe(inbox.totalItemCount);
    expect(Object.keys(first.value[0]).sort()).toEqual(['@odata.etag', 'id', 'receivedDateTime', 'subject']);
    const { items, pages } = await allPages(alice, first);
    expect(items).toHaveLength(inbox.totalItemCount);
    expect(pages).toBe(Math.ceil(inbox.totalItemCount / 7));
    expect(new Set(items.map((m) => m.id)).size).toBe(items.length);
    const dates = items.map((m) => Date.parse(m.receivedDateTime));
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
  });

  it('filters messages by date, read state, sender, conversation and attachments', async () => {
    const everything = (await alice.api('/me/messages').top(1000).get()) as Page<GraphMessage>;
    expect(everything.value).toHaveLength(40);
    const sorted = everything.value.map((m) => m.receivedDateTime).sort();
    const middle = sorted[20];
    const recent = (await alice.api('/me/messages').filter(`receivedDateTime ge ${middle}`).top(1000).get()) as Page<GraphMessage>;
    expect(recent.value.length).toBe(sorted.filter((d) => d >= middle).length);

    const unread = (await alice.api('/me/messages').filter('isRead eq false').top(1000).get()) as Page<GraphMessage>;
    expect(unread.value.every((m) => !m.isRead)).toBe(true);
    expect(unread.value.length).toBe(everything.value.filter((m) => !m.isRead).length);

    const sender = everything.value.find((m) => m.from && m.from.emailAddress.address !== ALICE)?.from?.emailAddress.address as string;
    const fromSender = (await alice.api('/me/messages').filter(`from/emailAddress/address eq '${sender.toUpperCase()}'`).top(1000).get()) as Page<GraphMessage>;
    expect(fromSender.value.length).toBe(everything.value.filter((m) => m.from?.emailAddress.address === sender).length);

    const threaded = everything.value.find((m) => everything.value.filter((o) => o.conversationId === m.conversationId).length > 1) as GraphMessage;
    const thread = (await alice.api('/me/messages').filter(`conversationId eq '${threaded.conversationId}'`).get()) as Page<GraphMessage>;
    expect(thread.value.length).toBeGreaterThan(1);
    expect(new Set(thread.value.map((m) => m.subject.replace(/^(re|fw|fwd|aw|sv):\s*/i, ''))).size).toBe(1);

    const withFiles = (await alice.api('/me/messages').filter('hasAttachments eq true').top(1000).get()) as Page<GraphMessage>;
    expect(withFiles.value.length).toBe(everything.value.filter((m) => m.hasAttachments).length);
    expect(withFiles.value.length).toBeGreaterThan(0);

    const combined = (await alice.api('/me/mailFolders/inbox/messages').filter(`isRead eq false and receivedDateTime lt ${middle}`).get()) as Page<GraphMessage>;
    expect(combined.value.every((m) => !m.isRead && m.receivedDateTime < middle)).toBe(true);
  });

  it('finds messages with $search and rejects an unknown $select property', async () => {
    const sample = ((await alice.api('/me/mailFolders/inbox/messages').top(1).get()) as Page<GraphMessage>).value[0];
    const word = sample.subject.split(/\s+/).find((w) => w.length > 4) ?? sample.subject;
    const found = (await alice.api('/me/messages').search(`"${word}"`).top(100).get()) as Page<GraphMessage>;
    expect(found.value.map((m) => m.id)).toContain(sample.id);
    await expect(alice.api('/me/messages').select('subject,nonsense').get()).rejects.toMatchObject({ statusCode: 400 });
  });

  it('gets a message in Graph shape, its headers, a text body on request, and its MIME', async () => {
    const listed = ((await alice.api('/me/mailFolders/inbox/messages').top(1).get()) as Page<GraphMessage>).value[0];
    const message = await alice.api(`/me/messages/${listed.id}`).get();
    for (const key of ['id', 'conversationId', 'internetMessageId', 'subject', 'bodyPreview', 'body', 'from', 'sender', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'receivedDateTime', 'sentDateTime', 'isRead', 'isDraft', 'flag', 'categories', 'parentFolderId', 'hasAttachments', 'importance']) {
      expect(message).toHaveProperty(key);
    }
    expect(message.internetMessageHeaders).toBeUndefined();
    const withHeaders = await alice.api(`/me/messages/${listed.id}`).select('internetMessageHeaders').get();
    expect(withHeaders.internetMessageHeaders).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Message-ID', value: message.internetMessageId })]));
    const text = await alice.api(`/me/messages/${listed.id}`).header('Prefer', 'outlook.body-content-type="text"').get();
    expect(text.body.contentType).toBe('text');
    expect(text.body.content).not.toMatch(/<html/i);

    const mime = await rawGraph(emulator, aliceToken, `/me/messages/${listed.id}/$value`);
    const parsed = await simpleParser(Buffer.from(await mime.arrayBuffer()));
    expect(parsed.messageId).toBe(message.internetMessageId);
    expect(parsed.subject).toBe(message.subject);
  });

  it('lists and downloads file attachments', async () => {
    const withFiles = ((await alice.api('/me/messages').filter('hasAttachments eq true').top(1).get()) as Page<GraphMessage>).value[0];
    const attachments = (await alice.api(`/me/messages/${withFiles.id}/attachments`).get()).value as Array<{ id: string; name: string; contentBytes: string; size: number; isInline: boolean; '@odata.type': string }>;
    const file = attachments.find((a) => !a.isInline);
    expect(file).toBeDefined();
    expect(file?.['@odata.type']).toBe('#microsoft.graph.fileAttachment');
    const single = await alice.api(`/me/messages/${withFiles.id}/attachments/${file?.id}`).get();
    expect(single.contentBytes).toBe(file?.contentBytes);
    const raw = await rawGraph(emulator, aliceToken, `/me/messages/${withFiles.id}/attachments/${file?.id}/$value`);
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect(bytes.equals(Buffer.from(file?.contentBytes ?? '', 'base64'))).toBe(true);
    expect(bytes.length).toBe(file?.size);
  });

  it('updates read state, flag and categories, and moves, copies and deletes messages', async () => {
    const inboxBefore = await alice.api('/me/mailFolders/inbox').get();
    const target = ((await alice.api('/me/mailFolders/inbox/messages').filter('isRead eq false').top(1).get()) as Page<GraphMessage>).value[0];
    const patched = await alice.api(`/me/messages/${target.id}`).patch({ isRead: true, flag: { flagStatus: 'flagged' }, categories: ['Red category'] });
    expect(patched).toMatchObject({ isRead: true, flag: { flagStatus: 'flagged' }, categories: ['Red category'] });
    expect((await alice.api('/me/mailFolders/inbox').get()).unreadItemCount).toBe(inboxBefore.unreadItemCount - 1);

    const archive = await alice.api('/me/mailFolders/archive').get();
    const moved = await alice.api(`/me/messages/${target.id}/move`).post({ destinationId: 'archive' });
    expect(moved.parentFolderId).toBe(archive.id);
    expect(moved.id).not.toBe(target.id);
    expect(moved.internetMessageId).toBe(target.internetMessageId);
    await expect(alice.api(`/me/messages/${target.id}`).get()).rejects.toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' });

    const copy = await alice.api(`/me/messages/${moved.id}/copy`).post({ destinationId: 'inbox' });
    expect(copy.parentFolderId).toBe(inboxBefore.id);
    expect(copy.conversationId).toBe(moved.conversationId);
    await alice.api(`/me/messages/${copy.id}`).delete();
    const gone = await rawGraph(emulator, aliceToken, `/me/messages/${copy.id}`);
    expect(gone.status).toBe(404);
    const error = (await gone.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(error.error.code).toBe('ErrorItemNotFound');
    expect(error.error.innerError).toHaveProperty('request-id');
    expect(error.error.innerError).toHaveProperty('date');
  });

  it('runs folder delta: initial pages, then created, updated and @removed changes, then 410 once expired', async () => {
    const prefer = 'odata.maxpagesize=5';
    const inbox = await alice.api('/me/mailFolders/inbox').get();
    const initialFirst = (await alice.api('/me/mailFolders/inbox/messages/delta').header('Prefer', prefer).select('subject,isRead,parentFolderId').get()) as Page<GraphMessage>;
    expect(initialFirst.value).toHaveLength(5);
    const initial = await allPages(alice, initialFirst, prefer);
    expect(initial.items).toHaveLength(inbox.totalItemCount);
    expect(initial.deltaLink).toBeDefined();

    // Nothing changed: an empty round with a new deltaLink.
    const quiet = (await alice.api(initial.deltaLink as string).get()) as Page<GraphMessage>;
    expect(quiet.value).toEqual([]);

    const [toRead, toMove, toDelete] = initial.items.filter((m) => !m.isRead).concat(initial.items).slice(0, 3);
    const arrived = await emulator.control.deliver({ to: ALICE, from: 'Carol <carol@example.net>', subject: 'Fresh delta news', text: 'hello' });
    await emulator.control.mutate({ user: ALICE, id: toRead.id, action: 'markRead' });
    await emulator.control.mutate({ user: ALICE, id: toMove.id, action: 'move', folder: 'archive' });
    await alice.api(`/me/messages/${toDelete.id}`).delete();

    const changes = await allPages(alice, (await alice.api(quiet['@odata.deltaLink'] as string).header('Prefer', prefer).get()) as Page<GraphMessage>, prefer);
    const byId = new Map(changes.items.map((m) => [m.id, m]));
    const newId = arrived.delivered[0].id;
    expect(byId.get(newId)?.subject).toBe('Fresh delta news');
    expect(byId.get(toRead.id)?.isRead).toBe(true);
    expect(Object.keys(byId.get(toRead.id) ?? {})).toEqual(expect.arrayContaining(['subject', 'isRead', 'parentFolderId']));
    expect(byId.get(toMove.id)?.['@removed']).toEqual({ reason: 'changed' });
    expect(byId.get(toDelete.id)?.['@removed']).toEqual({ reason: 'deleted' });
    expect(changes.items).toHaveLength(4);

    const onlyCreated = (await alice.api('/me/mailFolders/inbox/messages/delta?changeType=created').get()) as Page<GraphMessage>;
    expect(onlyCreated.value.length).toBeGreaterThan(0);

    await emulator.control.expireDeltaTokens(ALICE);
    await expect(alice.api(changes.deltaLink as string).get()).rejects.toMatchObject({ statusCode: 410, code: 'syncStateNotFound' });
  });

  it('sends mail with sendMail (JSON and MIME) to a local recipient and keeps a Sent Items copy', async () => {
    await alice.api('/me/sendMail').post({
      message: {
        subject: 'Lunch on Friday?',
        body: { contentType: 'HTML', content: '<p>Shall we?</p>' },
        toRecipients: [{ emailAddress: { address: BOB, name: 'Bob Builder' } }],
        attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'menu.txt', contentType: 'text/plain', contentBytes: Buffer.from('soup').toString('base64') }],
      },
      saveToSentItems: true,
    });
    const sent = ((await alice.api('/me/mailFolders/sentitems/messages').filter("subject eq 'Lunch on Friday?'").get()) as Page<GraphMessage>).value;
    expect(sent).toHaveLength(1);
    expect(sent[0].isRead).toBe(true);
    const received = ((await bob.api('/me/mailFolders/inbox/messages').filter("subject eq 'Lunch on Friday?'").get()) as Page<GraphMessage>).value;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ isRead: false, hasAttachments: true, from: { emailAddress: { address: ALICE } }, internetMessageId: sent[0].internetMessageId });

    // MIME variant: base64 RFC 822 as text/plain, threading headers kept as written.
    const mime = [
      `From: Alice Liddell <${ALICE}>`,
      `To: Bob Builder <${BOB}>`,
      'Subject: Re: Lunch on Friday?',
      `In-Reply-To: ${sent[0].internetMessageId}`,
      `References: ${sent[0].internetMessageId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Also: 12:30 works.',
    ].join('\r\n');
    await alice.api('/me/sendMail').header('Content-Type', 'text/plain').post(Buffer.from(mime).toString('base64'));
    const thread = ((await bob.api('/me/messages').filter(`conversationId eq '${received[0].conversationId}'`).get()) as Page<GraphMessage>).value;
    expect(thread.map((m) => m.subject).sort()).toEqual(['Lunch on Friday?', 'Re: Lunch on Friday?']);
  });

  it('answers with createReply + send in the same conversation, and with direct reply and forward', async () => {
    await alice.api('/me/sendMail').post({ message: { subject: 'Budget 2025', body: { contentType: 'Text', content: 'Numbers attached' }, toRecipients: [{ emailAddress: { address: BOB } }] } });
    const original = ((await bob.api('/me/mailFolders/inbox/messages').filter("subject eq 'Budget 2025'").get()) as Page<GraphMessage>).value[0];
    const draft = await bob.api(`/me/messages/${original.id}/createReply`).post({ comment: 'Looks good to me.' });
    expect(draft).toMatchObject({ isDraft: true, subject: 'RE: Budget 2025', conversationId: original.conversationId });
    expect(draft.toRecipients).toEqual([{ emailAddress: { name: 'Alice Liddell', address: ALICE } }]);
    const drafts = await bob.api('/me/mailFolders/drafts').get();
    expect(draft.parentFolderId).toBe(drafts.id);
    await bob.api(`/me/messages/${draft.id}`).patch({ ccRecipients: [{ emailAddress: { address: 'dave@example.net' } }] });
    await bob.api(`/me/messages/${draft.id}/send`).post({});
    expect((await bob.api('/me/mailFolders/drafts').get()).totalItemCount).toBe(drafts.totalItemCount - 1);

    // Conversation ids are per mailbox: Alice's reply joins the thread of her sent original.
    const aliceOriginal = ((await alice.api('/me/mailFolders/sentitems/messages').filter("subject eq 'Budget 2025'").get()) as Page<GraphMessage>).value[0];
    const aliceThread = ((await alice.api('/me/messages').filter(`conversationId eq '${aliceOriginal.conversationId}'`).get()) as Page<GraphMessage>).value;
    const reply = aliceThread.find((m) => m.subject === 'RE: Budget 2025');
    expect(reply?.parentFolderId).toBe((await alice.api('/me/mailFolders/inbox').get()).id);
    const replyMime = await simpleParser(Buffer.from(await (await rawGraph(emulator, aliceToken, `/me/messages/${reply?.id}/$value`)).arrayBuffer()));
    expect(replyMime.inReplyTo).toBe(aliceOriginal.internetMessageId);

    await alice.api(`/me/messages/${reply?.id}/reply`).post({ comment: 'Thanks!' });
    await alice.api(`/me/messages/${reply?.id}/forward`).post({ comment: 'FYI', toRecipients: [{ emailAddress: { address: 'erin@example.net', name: 'Erin' } }] });
    const sentThread = ((await alice.api('/me/mailFolders/sentitems/messages').filter(`conversationId eq '${aliceOriginal.conversationId}'`).get()) as Page<GraphMessage>).value;
    expect(sentThread.map((m) => m.subject).sort()).toEqual(['Budget 2025', 'FW: RE: Budget 2025', 'RE: Budget 2025']);
  });

  it('creates, edits, attaches to and sends a draft', async () => {
    const draft = await alice.api('/me/messages').post({ subject: 'Draft v1', body: { contentType: 'Text', content: 'first' }, toRecipients: [{ emailAddress: { address: BOB } }] });
    expect(draft.isDraft).toBe(true);
    await alice.api(`/me/messages/${draft.id}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'notes.txt', contentType: 'text/plain', contentBytes: Buffer.from('notes').toString('base64') });
    const edited = await alice.api(`/me/messages/${draft.id}`).patch({ subject: 'Draft v2' });
    expect(edited.subject).toBe('Draft v2');
    expect(edited.hasAttachments).toBe(true);
    await alice.api(`/me/messages/${draft.id}/send`).post({});
    const received = ((await bob.api('/me/messages').filter("subject eq 'Draft v2'").get()) as Page<GraphMessage>).value;
    expect(received).toHaveLength(1);
    expect(received[0].hasAttachments).toBe(true);
    // Sent messages are no longer editable.
    const sentCopy = ((await alice.api('/me/mailFolders/sentitems/messages').filter("subject eq 'Draft v2'").get()) as Page<GraphMessage>).value[0];
    await expect(alice.api(`/me/messages/${sentCopy.id}`).patch({ subject: 'rewrite history' })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('runs JSON $batch requests in sequence with dependsOn (424 after a failure), and rejects more than 20', async () => {
    const base = emulator.graphUrl;
    const content = new BatchRequestContent([
      { id: '1', request: new Request(`${base}/me/mailFolders/inbox`, { method: 'GET' }) },
      { id: '2', request: new Request(`${base}/me/messages?$top=2&$select=subject`, { method: 'GET' }), dependsOn: ['1'] },
      { id: '3', request: new Request(`${base}/me/messages/does-not-exist`, { method: 'GET' }), dependsOn: ['2'] },
      { id: '4', request: new Request(`${base}/me/messages?$top=1`, { method: 'GET' }), dependsOn: ['3'] },
    ]);
    const response = new BatchResponseContent(await alice.api('/$batch').post(await content.getContent()));
    expect(response.getResponseById('1').status).toBe(200);
    expect((await response.getResponseById('1').json()).displayName).toBe('Inbox');
    expect((await response.getResponseById('2').json()).value).toHaveLength(2);
    expect(response.getResponseById('3').status).toBe(404);
    expect(response.getResponseById('4').status).toBe(424);

    const tooMany = Array.from({ length: 21 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me' }));
    await expect(alice.api('/$batch').post({ requests: tooMany })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('stores change-notification subscriptions', async () => {
    const created = await alice.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: 'https://hooks.example.net/graph',
      resource: "me/mailFolders('inbox')/messages",
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
      clientState: 'secret-state',
    });
    expect((await alice.api(`/subscriptions/${created.id}`).get()).clientState).toBe('secret-state');
    expect((await bob.api('/subscriptions').get()).value).toEqual([]);
    await alice.api(`/subscriptions/${created.id}`).delete();
    await expect(alice.api(`/subscriptions/${created.id}`).get()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuses another user's mailbox and requests without a token", async () => {
    const other = await rawGraph(emulator, aliceToken, `/users/${BOB}/messages`);
    expect(other.status).toBe(403);
    const own = await rawGraph(emulator, aliceToken, `/users/${ALICE}/mailFolders/inbox`);
    expect(own.status).toBe(200);
    const anonymous = await fetch(`${emulator.graphUrl}/v1.0/me`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
  });
});
