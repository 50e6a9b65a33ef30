import { Readable } from 'node:stream';
import type { gmail_v1 } from '@googleapis/gmail';
import { simpleParser } from 'mailparser';
import { composeMessage, decodeText } from '../generator';
import type { GoogleEmulator, GoogleMailboxSnapshot } from '../google';
import { decodeData, failure, gmailFor, startSeededGoogle } from './google-harness';

const ALEX = 'alex@gmail.test';
const SAM = 'sam@gmail.test';

type Part = gmail_v1.Schema$MessagePart;

function walk(part: Part | undefined, visit: (p: Part) => void): void {
  if (!part) return;
  visit(part);
  part.parts?.forEach((p) => walk(p, visit));
}

const header = (part: Part | undefined, name: string): string | undefined =>
  part?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? undefined;

describe('Gmail v1 emulator through @googleapis/gmail', () => {
  let emulator: GoogleEmulator;
  let api: gmail_v1.Gmail;
  let snapshot: GoogleMailboxSnapshot;
  const visible = () => snapshot.messages.filter((m) => !m.labelIds.includes('SPAM') && !m.labelIds.includes('TRASH'));

  beforeAll(async () => {
    emulator = await startSeededGoogle([
      { address: ALEX, name: 'Alex Demo', messages: 90, seed: 11 },
      { address: SAM, name: 'Sam Demo', messages: 3, seed: 12 },
    ]);
    api = await gmailFor(emulator, ALEX);
    snapshot = await emulator.control.mailbox(ALEX);
  });
  afterAll(() => emulator.close());

  it('lists newest first, pages with nextPageToken and hides spam and trash unless asked', async () => {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await api.users.messages.list({ userId: 'me', maxResults: 7, pageToken });
      expect(page.data.resultSizeEstimate).toBe(visible().length);
      ids.push(...(page.data.messages ?? []).map((m) => m.id as string));
      pageToken = page.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(ids).toEqual(visible().map((m) => m.id));

    const everything = await api.users.messages.list({ userId: 'me', maxResults: 500, includeSpamTrash: true });
    expect(everything.data.messages).toHaveLength(snapshot.messages.length);
    const defaults = await api.users.messages.list({ userId: 'me' });
    expect(defaults.data.messages).toHaveLength(Math.min(100, visible().length));
  });

  it('filters with q (dates, is:, in:, from:, subject words) and labelIds', async () => {
    const list = async (params: gmail_v1.Params$Resource$Users$Messages$List) =>
      ((await api.users.messages.list({ userId: 'me', maxResults: 500, ...params })).data.messages ?? []).map((m) => m.id);
    const middle = visible()[Math.floor(visible().length / 2)];
    const epoch = Math.floor(middle.internalDate / 1000);
    expect(await list({ q: `after:${epoch}` })).toEqual(visible().filter((m) => m.internalDate >= epoch * 1000).map((m) => m.id));
    const day = new Date(middle.internalDate);
    const ymd = `${day.getUTCFullYear()}/${day.getUTCMonth() + 1}/${day.getUTCDate()}`;
    expect(await list({ q: `before:${ymd}` })).toEqual(visible().filter((m) => m.internalDate < Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())).map((m) => m.id));
    expect(await list({ q: 'is:unread' })).toEqual(visible().filter((m) => m.labelIds.includes('UNREAD')).map((m) => m.id));
    expect(await list({ q: 'in:sent' })).toEqual(visible().filter((m) => m.labelIds.includes('SENT')).map((m) => m.id));
    expect(await list({ labelIds: ['INBOX', 'UNREAD'] })).toEqual(visible().filter((m) => m.labelIds.includes('INBOX') && m.labelIds.includes('UNREAD')).map((m) => m.id));
    expect(await list({ q: 'in:trash' })).toEqual(snapshot.messages.filter((m) => m.labelIds.includes('TRASH')).map((m) => m.id));

    const subject = visible().find((m) => /^[A-Za-z ]+$/.test(m.subject))?.subject as string;
    const bySubject = await list({ q: `subject:(${subject.split(' ').slice(0, 2).join(' ')})`.replace(/[()]/g, '') });
    expect(bySubject.length).toBeGreaterThan(0);
    const fromSent = visible().find((m) => !m.labelIds.includes('SENT')) as GoogleMailboxSnapshot['messages'][number];
    const meta = await api.users.messages.get({ userId: 'me', id: fromSent.id, format: 'metadata', metadataHeaders: ['From'] });
    const address = /<([^>]+)>/.exec(header(meta.data.payload, 'From') as string)?.[1] as string;
    const fromIds = await list({ q: `from:${address}` });
    expect(fromIds).toContain(fromSent.id);
    for (const id of fromIds.slice(0, 5)) {
      const m = await api.users.messages.get({ userId: 'me', id: id as string, format: 'metadata', metadataHeaders: ['From'] });
      expect(header(m.data.payload, 'From')).toContain(address);
    }
  });

  it('returns full payload trees whose parts decode to what mailparser reads from the raw message', async () => {
    const ids = ((await api.users.messages.list({ userId: 'me', q: 'has:attachment', maxResults: 10 })).data.messages ?? []).map((m) => m.id as string);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids.slice(0, 4)) {
      const [full, raw] = await Promise.all([
        api.users.messages.get({ userId: 'me', id, format: 'full' }),
        api.users.messages.get({ userId: 'me', id, format: 'raw' }),
      ]);
      expect(full.data.raw).toBeUndefined();
      expect(raw.data.payload).toBeUndefined();
      const parsed = await simpleParser(decodeData(raw.data.raw));
      expect(raw.data.sizeEstimate).toBe(decodeData(raw.data.raw).length);
      expect(header(full.data.payload, 'Subject')).toBe(parsed.subject);
      expect(full.data.payload?.partId).toBe('');
      let text: string | undefined;
      const attachments: Array<{ filename: string; id: string; size: number }> = [];
      walk(full.data.payload, (p) => {
        if (p.body?.attachmentId) attachments.push({ filename: p.filename as string, id: p.body.attachmentId, size: p.body.size as number });
        if (p.mimeType === 'text/plain' && !p.filename && text === undefined) {
          const charset = /charset="?([^";]+)/i.exec(header(p, 'Content-Type') ?? '')?.[1] ?? 'utf-8';
          text = decodeText(decodeData(p.body?.data), charset);
        }
      });
      if (text !== undefined) expect(text.trim()).toBe((parsed.text ?? '').trim());
      const expected = parsed.attachments.map((a) => a.filename).sort();
      expect(attachments.map((a) => a.filename).sort()).toEqual(expected);
      for (const attachment of attachments) {
        const got = await api.users.messages.attachments.get({ userId: 'me', messageId: id, id: attachment.id });
        const bytes = decodeData(got.data.data);
        expect(bytes.length).toBe(attachment.size);
        expect(bytes.equals(parsed.attachments.find((a) => a.filename === attachment.filename)?.content as Buffer)).toBe(true);
      }
    }
  });

  it('decodes non-ASCII subjects in every charset and honours metadataHeaders', async () => {
    const charsets = new Set<string>();
    for (const m of visible().slice(0, 60)) {
      const raw = decodeData((await api.users.messages.get({ userId: 'me', id: m.id, format: 'raw' })).data.raw);
      const charset = /charset=([\w-]+)/i.exec(raw.toString('latin1'))?.[1]?.toLowerCase();
      if (!charset || charsets.has(charset)) continue;
      charsets.add(charset);
      const meta = await api.users.messages.get({ userId: 'me', id: m.id, format: 'metadata', metadataHeaders: ['Subject', 'Message-ID'] });
      expect(meta.data.payload?.headers?.map((h) => h.name?.toLowerCase()).sort()).toEqual(['message-id', 'subject']);
      expect(header(meta.data.payload, 'Subject')).toBe((await simpleParser(raw)).subject);
      expect(header(meta.data.payload, 'Subject')).toBe(m.subject);
    }
    expect(charsets.size).toBeGreaterThanOrEqual(3);
    const minimal = await api.users.messages.get({ userId: 'me', id: visible()[0].id, format: 'minimal' });
    expect(Object.keys(minimal.data).sort()).toEqual(['historyId', 'id', 'internalDate', 'labelIds', 'sizeEstimate', 'snippet', 'threadId']);
  });

  it('sends a reply that joins the thread, is labelled SENT and reaches a local recipient', async () => {
    const original = visible().find((m) => m.labelIds.includes('INBOX') && m.messageId) as GoogleMailboxSnapshot['messages'][number];
    const origMeta = await api.users.messages.get({ userId: 'me', id: original.id, format: 'metadata', metadataHeaders: ['From', 'References'] });
    const from = /<([^>]+)>/.exec(header(origMeta.data.payload, 'From') as string)?.[1] as string;
    const references = (header(origMeta.data.payload, 'References') ?? '').split(/\s+/).filter(Boolean);
    const reply = await composeMessage({
      from: { name: 'Alex Demo', address: ALEX },
      to: [{ name: '', address: from }],
      cc: [{ name: 'Sam', address: SAM }],
      subject: `Re: ${original.subject}`,
      messageId: '<reply-1@gmail.test>',
      date: new Date(),
      inReplyTo: original.messageId as string,
      references: [...references, original.messageId as string],
      text: 'Thanks, see you then. — Alex',
    });
    // Multipart media upload (metadata + message), as googleapis does when given media and a requestBody.
    const sent = await api.users.messages.send(
      { userId: 'me', requestBody: { threadId: original.threadId }, media: { mimeType: 'message/rfc822', body: Readable.from([reply]) } },
      { rootUrl: emulator.apiUrl },
    );
    expect(sent.data.threadId).toBe(original.threadId);
    expect(sent.data.labelIds).toContain('SENT');
    const thread = await api.users.threads.get({ userId: 'me', id: original.threadId, format: 'minimal' });
    expect(thread.data.messages?.map((m) => m.id)).toContain(sent.data.id);
    expect(thread.data.messages?.at(-1)?.id).toBe(sent.data.id);

    const sam = await emulator.control.mailbox(SAM);
    const received = sam.messages.find((m) => m.messageId === '<reply-1@gmail.test>');
    expect(received?.labelIds).toEqual(expect.arrayContaining(['INBOX', 'UNREAD']));

    // Plain JSON `raw` without threadId: Gmail joins by In-Reply-To + matching subject.
    const second = await composeMessage({
      from: { name: 'Alex Demo', address: ALEX },
      to: [{ name: '', address: from }],
      subject: `RE: ${original.subject}`,
      messageId: '<reply-2@gmail.test>',
      date: new Date(),
      inReplyTo: '<reply-1@gmail.test>',
      references: ['<reply-1@gmail.test>'],
      text: 'One more thing.',
    });
    const joined = await api.users.messages.send({ userId: 'me', requestBody: { raw: second.toString('base64url') } });
    expect(joined.data.threadId).toBe(original.threadId);

    // Same references but another subject: a new conversation, as in Gmail.
    const other = await composeMessage({
      from: { name: 'Alex Demo', address: ALEX },
      to: [{ name: '', address: from }],
      subject: 'A different topic',
      messageId: '<reply-3@gmail.test>',
      date: new Date(),
      inReplyTo: '<reply-1@gmail.test>',
      text: 'New topic.',
    });
    const separate = await api.users.messages.send({ userId: 'me', requestBody: { raw: other.toString('base64url'), threadId: original.threadId } });
    expect(separate.data.threadId).toBe(separate.data.id);
    expect(separate.data.threadId).not.toBe(original.threadId);

    const media = await api.users.messages.send(
      { userId: 'me', media: { mimeType: 'message/rfc822', body: `To: ${SAM}\r\nSubject: media only\r\n\r\nhello\r\n` } },
      { rootUrl: emulator.apiUrl },
    );
    const stored = decodeData((await api.users.messages.get({ userId: 'me', id: media.data.id as string, format: 'raw' })).data.raw);
    const parsed = await simpleParser(stored);
    expect(parsed.from?.value[0].address).toBe(ALEX);
    expect(parsed.messageId).toBeTruthy();
  });

  it('delivers a reply from outside into the existing conversation', async () => {
    const original = visible().find((m) => m.labelIds.includes('INBOX') && m.messageId) as GoogleMailboxSnapshot['messages'][number];
    const result = await emulator.control.deliver({ to: ALEX, from: 'Jordan Lee <jordan.lee@acme.test>', inReplyTo: original.messageId as string, text: 'Following up.' });
    expect(result.delivered).toEqual([{ mailbox: ALEX, id: expect.any(String), threadId: original.threadId }]);
    const got = await api.users.messages.get({ userId: 'me', id: result.delivered[0].id, format: 'metadata', metadataHeaders: ['Subject', 'In-Reply-To'] });
    expect(header(got.data.payload, 'In-Reply-To')).toBe(original.messageId);
    expect(header(got.data.payload, 'Subject')).toBe(`Re: ${original.subject}`);
    expect(got.data.labelIds).toEqual(expect.arrayContaining(['INBOX', 'UNREAD']));
  });

  it('writes history for every change and pages history.list with filters', async () => {
    const start = (await api.users.getProfile({ userId: 'me' })).data.historyId as string;
    const [a, b, c] = visible().slice(0, 3);
    await api.users.messages.modify({ userId: 'me', id: a.id, requestBody: { addLabelIds: ['STARRED'], removeLabelIds: ['UNREAD'] } });
    await api.users.messages.batchModify({ userId: 'me', requestBody: { ids: [b.id, c.id], addLabelIds: ['IMPORTANT'] } });
    await api.users.messages.trash({ userId: 'me', id: b.id });
    await api.users.messages.untrash({ userId: 'me', id: b.id });
    const delivered = await emulator.control.deliver({ to: ALEX, from: 'Zoë Schäfer <zoe.schaefer@firma.test>', subject: 'Neue Nachricht', text: 'Grüße' });
    await emulator.control.mutate({ user: ALEX, id: c.id, action: 'delete' });

    const all = await api.users.history.list({ userId: 'me', startHistoryId: start });
    const records = all.data.history ?? [];
    const ids = records.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids[0]).toBeGreaterThan(Number(start));
    expect(all.data.historyId).toBe((await api.users.getProfile({ userId: 'me' })).data.historyId);
    const summary = records.map((r) =>
      r.messagesAdded ? `added ${r.messagesAdded[0].message?.id}` :
      r.messagesDeleted ? `deleted ${r.messagesDeleted[0].message?.id}` :
      r.labelsAdded ? `+${r.labelsAdded[0].labelIds?.join(',')} ${r.labelsAdded[0].message?.id}` :
      `-${r.labelsRemoved?.[0].labelIds?.join(',')} ${r.labelsRemoved?.[0].message?.id}`,
    );
    const hadUnread = a.labelIds.includes('UNREAD');
    expect(summary).toEqual([
      `+STARRED ${a.id}`,
      ...(hadUnread ? [`-UNREAD ${a.id}`] : []),
      ...(b.labelIds.includes('IMPORTANT') ? [] : [`+IMPORTANT ${b.id}`]),
      ...(c.labelIds.includes('IMPORTANT') ? [] : [`+IMPORTANT ${c.id}`]),
      `+TRASH ${b.id}`,
      `-TRASH ${b.id}`,
      `added ${delivered.delivered[0].id}`,
      `deleted ${c.id}`,
    ]);

    const onlyAdded = await api.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'] });
    expect(onlyAdded.data.history?.map((r) => r.messagesAdded?.[0].message?.id)).toEqual([delivered.delivered[0].id]);
    const starred = await api.users.history.list({ userId: 'me', startHistoryId: start, labelId: 'TRASH' });
    expect(starred.data.history?.every((r) => JSON.stringify(r).includes('TRASH'))).toBe(true);

    const paged: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await api.users.history.list({ userId: 'me', startHistoryId: start, maxResults: 2, pageToken });
      paged.push(...(page.data.history ?? []).map((r) => r.id as string));
      pageToken = page.data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(paged).toEqual(records.map((r) => r.id));

    const deleted = await failure(api.users.messages.get({ userId: 'me', id: c.id }));
    expect(deleted.status).toBe(404);
    expect(deleted.data.error).toMatchObject({ code: 404, status: 'NOT_FOUND', errors: [{ reason: 'notFound' }] });
  });

  it('answers 404 for a startHistoryId older than the retained window', async () => {
    const before = (await api.users.getProfile({ userId: 'me' })).data.historyId as string;
    await emulator.control.expireHistory(ALEX);
    const gone = await failure(api.users.history.list({ userId: 'me', startHistoryId: String(Number(before) - 5) }));
    expect(gone.status).toBe(404);
    expect(gone.data.error.message).toBe('Requested entity was not found.');
    const current = await api.users.history.list({ userId: 'me', startHistoryId: before });
    expect(current.data.history).toBeUndefined();
    expect(current.data.historyId).toBe(before);
  });

  it('deletes permanently with delete and batchDelete', async () => {
    const [x, y, z] = visible().slice(-3);
    await api.users.messages.delete({ userId: 'me', id: x.id });
    await api.users.messages.batchDelete({ userId: 'me', requestBody: { ids: [y.id, z.id] } });
    const after = await emulator.control.mailbox(ALEX);
    expect(after.messages.map((m) => m.id)).not.toEqual(expect.arrayContaining([x.id]));
    expect(after.messages.some((m) => m.id === y.id || m.id === z.id)).toBe(false);
    expect((await failure(api.users.messages.get({ userId: 'me', id: 'not-hex!' }))).status).toBe(400);
  });

  it('lists labels and counts, and creates, renames and deletes user labels', async () => {
    const labels = (await api.users.labels.list({ userId: 'me' })).data.labels ?? [];
    expect(labels.map((l) => l.id)).toEqual(expect.arrayContaining(['INBOX', 'SENT', 'DRAFT', 'TRASH', 'SPAM', 'STARRED', 'IMPORTANT', 'UNREAD', 'CATEGORY_PERSONAL']));
    const now = await emulator.control.mailbox(ALEX);
    const inbox = (await api.users.labels.get({ userId: 'me', id: 'INBOX' })).data;
    const inInbox = now.messages.filter((m) => m.labelIds.includes('INBOX'));
    expect(inbox.messagesTotal).toBe(inInbox.length);
    expect(inbox.messagesUnread).toBe(inInbox.filter((m) => m.labelIds.includes('UNREAD')).length);
    expect(inbox.threadsTotal).toBe(new Set(inInbox.map((m) => m.threadId)).size);

    const created = (await api.users.labels.create({ userId: 'me', requestBody: { name: 'Clients/ACME' } })).data;
    expect(created).toMatchObject({ name: 'Clients/ACME', type: 'user' });
    expect((await failure(api.users.labels.create({ userId: 'me', requestBody: { name: 'clients/acme' } }))).status).toBe(409);
    const renamed = (await api.users.labels.patch({ userId: 'me', id: created.id as string, requestBody: { name: 'Clients/Acme Corp' } })).data;
    expect(renamed.name).toBe('Clients/Acme Corp');
    const target = visible()[5];
    await api.users.messages.modify({ userId: 'me', id: target.id, requestBody: { addLabelIds: [created.id as string] } });
    expect((await api.users.messages.list({ userId: 'me', labelIds: [created.id as string] })).data.messages?.map((m) => m.id)).toEqual([target.id]);
    await api.users.labels.delete({ userId: 'me', id: created.id as string });
    const msg = await api.users.messages.get({ userId: 'me', id: target.id, format: 'minimal' });
    expect(msg.data.labelIds).not.toContain(created.id);
    expect((await failure(api.users.labels.delete({ userId: 'me', id: 'INBOX' }))).status).toBe(400);
    expect((await failure(api.users.messages.modify({ userId: 'me', id: target.id, requestBody: { addLabelIds: ['Label_999'] } }))).status).toBe(400);
  });

  it('creates, updates, lists and sends drafts', async () => {
    const raw = (body: string) => Buffer.from(`From: Alex Demo <${ALEX}>\r\nTo: ${SAM}\r\nSubject: Draft plan\r\n\r\n${body}\r\n`).toString('base64url');
    const created = (await api.users.drafts.create({ userId: 'me', requestBody: { message: { raw: raw('first') } } })).data;
    expect(created.message?.labelIds).toEqual(['DRAFT']);
    const updated = (await api.users.drafts.update({ userId: 'me', id: created.id as string, requestBody: { message: { raw: raw('second') } } })).data;
    expect(updated.id).toBe(created.id);
    const got = (await api.users.drafts.get({ userId: 'me', id: created.id as string, format: 'raw' })).data;
    expect(decodeData(got.message?.raw).toString()).toContain('second');
    const listed = (await api.users.drafts.list({ userId: 'me' })).data.drafts ?? [];
    expect(listed.map((d) => d.id)).toContain(created.id);

    const sent = (await api.users.drafts.send({ userId: 'me', requestBody: { id: created.id } })).data;
    expect(sent.labelIds).toContain('SENT');
    expect(sent.labelIds).not.toContain('DRAFT');
    expect((await failure(api.users.drafts.get({ userId: 'me', id: created.id as string }))).status).toBe(404);
    const sam = await emulator.control.mailbox(SAM);
    expect(sam.messages.filter((m) => m.subject === 'Draft plan')).toHaveLength(1);
  });

  it('answers a batch of embedded requests with a multipart/mixed response in order', async () => {
    const token = (await emulator.control.issueTokens({ user: ALEX })).access_token;
    const [m1, m2] = visible();
    const boundary = 'batch_test_boundary';
    const parts = [`/gmail/v1/users/me/messages/${m1.id}?format=minimal`, `/gmail/v1/users/me/messages/${m2.id}?format=metadata`, '/gmail/v1/users/me/messages/ffffffffffffffff'];
    const body =
      parts.map((p, i) => `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <item${i + 1}>\r\n\r\nGET ${p}\r\n\r\n`).join('') + `--${boundary}--\r\n`;
    const res = await fetch(`${emulator.url}/batch/gmail/v1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/mixed; boundary=${boundary}` },
      body,
    });
    expect(res.status).toBe(200);
    const responseBoundary = /boundary=([^;]+)/.exec(res.headers.get('content-type') as string)?.[1] as string;
    const chunks = (await res.text()).split(`--${responseBoundary}`).slice(1, -1);
    expect(chunks).toHaveLength(3);
    const statuses = chunks.map((c) => Number(/HTTP\/1\.1 (\d{3})/.exec(c)?.[1]));
    expect(statuses).toEqual([200, 200, 404]);
    expect(chunks.map((c) => /Content-ID: <([^>]+)>/.exec(c)?.[1])).toEqual(['response-item1', 'response-item2', 'response-item3']);
    expect(JSON.parse(chunks[0].slice(chunks[0].indexOf('{'))).id).toBe(m1.id);
  });

  it('reports the profile, send-as addresses and watch expiry', async () => {
    const now = await emulator.control.mailbox(ALEX);
    const profile = (await api.users.getProfile({ userId: ALEX })).data;
    expect(profile).toEqual({ emailAddress: ALEX, messagesTotal: now.messages.length, threadsTotal: new Set(now.messages.map((m) => m.threadId)).size, historyId: now.historyId });
    const sendAs = (await api.users.settings.sendAs.list({ userId: 'me' })).data.sendAs ?? [];
    expect(sendAs[0]).toMatchObject({ sendAsEmail: ALEX, displayName: 'Alex Demo', isPrimary: true });
    const watch = (await api.users.watch({ userId: 'me', requestBody: { topicName: 'projects/demo/topics/mail' } })).data;
    expect(watch.historyId).toBe(now.historyId);
    expect(Number(watch.expiration)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    await api.users.stop({ userId: 'me' });
    expect((await failure(api.users.getProfile({ userId: SAM }))).status).toBe(403);
  });
});
