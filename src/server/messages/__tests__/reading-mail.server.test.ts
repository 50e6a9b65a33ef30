import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { AttachmentCache } from '../attachment-cache';
import { InlineImageLinks } from '../inline-links';
import { type Agent, binary, withEnv } from './support/wiring';

type Values = Record<string, unknown>;

const LINK_SECRET = 'test-link-secret';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const HOSTILE_HTML = [
  '<p>Quarterly numbers attached.</p>',
  '<script>alert("script")</script>',
  '<img src="x" onerror="alert(\'onerror\')">',
  '<img src="https://tracker.example/pixel.png" width="1" height="1">',
  '<a href="javascript:alert(1)">click</a>',
  '<img src="cid:logo@acme.example" alt="Acme">',
].join('');

describe('reading mail: bodies, attachments and the mailbox list', () => {
  let app: TestApp;
  let storage: string;
  let a: Agent;
  let b: Agent;
  let anonymous: Agent;
  const ids: Record<string, string> = {};

  async function create(collection: string, values: Values): Promise<string> {
    const row = await app.db.getRepository(collection).create({ values });
    return String(row.get('id'));
  }

  async function cacheFile(accountId: string, attachmentId: string, bytes: Buffer) {
    const relative = await new AttachmentCache(storage).write(accountId, attachmentId, bytes);
    await app.db.getModel('mailAttachments').update({ cachePath: relative }, { where: { id: attachmentId } });
  }

  beforeAll(async () => {
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-messages-'));
    app = await withEnv({ STORAGE_PATH: storage, APP_KEY: LINK_SECRET }, () => createTestApp());
    const users = app.db.getRepository('users');
    const userA = await users.create({ values: { nickname: 'A', email: 'a@example.com', roles: ['member'] } });
    const userB = await users.create({ values: { nickname: 'B', email: 'b@example.com', roles: ['member'] } });
    a = await app.agent().login(userA);
    b = await app.agent().login(userB);
    anonymous = app.agent();

    const gmail = await create('mailAccounts', { userId: userA.get('id'), provider: 'google', address: 'a@gmail.test', status: 'active' });
    const outlook = await create('mailAccounts', { userId: userA.get('id'), provider: 'microsoft', address: 'a@outlook.test', status: 'active' });
    const other = await create('mailAccounts', { userId: userB.get('id'), provider: 'google', address: 'b@gmail.test', status: 'active' });
    Object.assign(ids, { gmail, outlook, other });

    ids.gmailInbox = await create('mailFolders', { accountId: gmail, providerId: 'INBOX', name: 'Inbox', role: 'inbox', unreadCount: 1 });
    await create('mailFolders', { accountId: gmail, providerId: 'SENT', name: 'Sent', role: 'sent' });
    ids.gmailLabel = await create('mailFolders', { accountId: gmail, providerId: 'Label_7', name: 'Clients', role: 'custom', kind: 'user' });
    await create('mailFolders', { accountId: outlook, providerId: 'AAMk-inbox', name: 'Inbox', role: 'inbox' });
    await create('mailFolders', { accountId: other, providerId: 'INBOX', name: 'Inbox', role: 'inbox' });

    // Rows as the sync store writes them: the thread with its folder membership rows.
    const thread = async (accountId: string, key: string, subject: string, at: string, folderIds: string[]) => {
      const id = await create('mailThreads', { accountId, providerThreadId: key, subject, snippet: `${subject} …`, lastMessageAt: new Date(at), messageCount: 1, folderIds });
      for (const folderId of folderIds) await create('mailThreadFolders', { threadRowId: id, accountId, folderId, lastMessageAt: new Date(at) });
      return id;
    };
    ids.report = await thread(gmail, 't-report', 'Quarterly report', '2026-03-01T10:00:00Z', ['INBOX', 'Label_7']);
    ids.sentThread = await thread(gmail, 't-sent', 'Lunch?', '2026-03-02T10:00:00Z', ['SENT']);
    ids.contract = await thread(outlook, 't-contract', 'Contract 50% off', '2026-03-03T10:00:00Z', ['AAMk-inbox']);
    ids.bThread = await thread(other, 't-b', 'Private to B', '2026-03-04T10:00:00Z', ['INBOX']);

    const message = (accountId: string, threadRowId: string, providerId: string, values: Values) =>
      create('mailMessages', { accountId, threadRowId, providerId, date: new Date('2026-03-01T10:00:00Z'), ...values });
    ids.hostile = await message(gmail, ids.report, 'm-report', { subject: 'Quarterly report', fromAddress: 'cfo@acme.example', fromName: 'Carla CFO', html: HOSTILE_HTML, text: 'Quarterly numbers attached.' });
    ids.plain = await message(gmail, ids.sentThread, 'm-sent', { subject: 'Lunch?', fromAddress: 'a@gmail.test', text: 'Lunch at <Luigi>? Menu: https://luigi.example/menu.' });
    await message(outlook, ids.contract, 'm-contract', { subject: 'Contract 50% off', fromAddress: 'sales@globex.example', fromName: 'Globex Sales' });
    ids.bMessage = await message(other, ids.bThread, 'm-b', { subject: 'Private to B', html: '<p>secret</p>' });

    const people = (accountId: string, threadRowId: string, messageRowId: string, address: string, name: string | null) =>
      create('mailParticipants', { accountId, threadRowId, messageRowId, role: 'from', address, domain: address.split('@')[1], name });
    await people(gmail, ids.report, ids.hostile, 'cfo@acme.example', 'Carla CFO');
    await people(gmail, ids.sentThread, ids.plain, 'a@gmail.test', null);
    await people(outlook, ids.contract, (await app.db.getModel('mailMessages').findOne({ where: { providerId: 'm-contract' } }))!.get('id') as string, 'sales@globex.example', 'Globex Sales');

    const attachment = (messageRowId: string, accountId: string, values: Values) =>
      create('mailAttachments', { messageRowId, accountId, providerAttachmentId: `p-${Math.random()}`, ...values });
    ids.logo = await attachment(ids.hostile, gmail, { filename: 'logo.png', contentType: 'image/png', size: PNG.length, contentId: '<logo@acme.example>', inline: true });
    ids.pdf = await attachment(ids.hostile, gmail, { filename: 'Q1 résumé "final".pdf', contentType: 'application/pdf', size: 9 });
    ids.html = await attachment(ids.hostile, gmail, { filename: 'invoice.html', contentType: 'text/html; charset=utf-8', size: 30 });
    ids.svg = await attachment(ids.hostile, gmail, { filename: 'chart.svg', contentType: 'image/svg+xml', size: 40 });
    ids.huge = await attachment(ids.hostile, gmail, { filename: 'video.mov', contentType: 'video/quicktime', size: 30 * 1024 * 1024 });
    ids.bFile = await attachment(ids.bMessage, other, { filename: 'b.pdf', contentType: 'application/pdf', size: 9 });
    await cacheFile(gmail, ids.logo, PNG);
    await cacheFile(gmail, ids.pdf, Buffer.from('%PDF-1.7\n'));
    await cacheFile(gmail, ids.html, Buffer.from('<script>alert(1)</script>hello'));
    await cacheFile(gmail, ids.svg, Buffer.from('<svg onload="alert(1)"></svg>'));
    await cacheFile(other, ids.bFile, Buffer.from('%PDF-1.7\n'));
  });

  afterAll(async () => {
    await app?.destroy();
    if (storage) fs.rmSync(storage, { recursive: true, force: true });
  });

  describe('mailMessages:body', () => {
    it('returns the HTML without scripts, event handlers or javascript: links, and holds back remote images', async () => {
      const res = await a.get(`/mailMessages:body?filterByTk=${ids.hostile}`);
      expect(res.status).toBe(200);
      const body = res.body.data;
      expect(body.html).toContain('Quarterly numbers attached.');
      expect(body.html).not.toMatch(/<script|onerror|alert\(|javascript:/i);
      expect(body.html).not.toMatch(/\ssrc="https:\/\/tracker\.example/);
      expect(body.html).toContain('data-remote-src="https://tracker.example/pixel.png"');
      expect(body).toMatchObject({ remoteImagesBlocked: 1, hasRemoteContent: true, text: 'Quarterly numbers attached.' });
    });

    it('shows remote images when the reader allows them', async () => {
      const body = (await a.get(`/mailMessages:body?filterByTk=${ids.hostile}&allowRemoteImages=1`)).body.data;
      expect(body.html).toContain('src="https://tracker.example/pixel.png"');
      expect(body.html).not.toMatch(/<script|onerror/i);
      expect(body).toMatchObject({ remoteImagesBlocked: 0, hasRemoteContent: true });
    });

    it('points inline cid: images at a signed link that loads without credentials', async () => {
      const html: string = (await a.get(`/mailMessages:body?filterByTk=${ids.hostile}`)).body.data.html;
      const src = /<img[^>]*alt="Acme"[^>]*>/.exec(html)?.[0].match(/src="([^"]+)"/)?.[1].replace(/&amp;/g, '&');
      // Relative to the API the request came through (the test agent calls it without /api).
      expect(src).toMatch(new RegExp(`^/mailAttachments:inline\\?filterByTk=${ids.logo}&expires=\\d+&signature=`));
      const image = await binary(anonymous.get(src!));
      expect(image.status).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['content-disposition']).toMatch(/^inline;/);
      expect(Buffer.from(image.body).equals(PNG)).toBe(true);
      const tampered = src!.replace(/signature=[^&]+/, 'signature=forged');
      expect((await anonymous.get(tampered)).status).toBe(404);
    });

    it('never serves a non-image through an inline link, even a validly signed one', async () => {
      const links = new InlineImageLinks(LINK_SECRET);
      for (const id of [ids.pdf, ids.svg]) {
        const url = links.url('/', id);
        expect((await anonymous.get(url)).status, id).toBe(404);
      }
    });

    it('shows a plain-text message as escaped text with clickable links', async () => {
      const body = (await a.get(`/mailMessages:body?filterByTk=${ids.plain}`)).body.data;
      expect(body.html).toContain('Lunch at &lt;Luigi&gt;?');
      expect(body.html).toContain('<a href="https://luigi.example/menu" target="_blank" rel="noopener noreferrer nofollow">');
      expect(body.remoteImagesBlocked).toBe(0);
    });

    it("answers 404 for another user's message and an unknown id, 400 naming filterByTk for a malformed id", async () => {
      for (const tk of [ids.hostile, '999999']) {
        const res = await b.get(`/mailMessages:body?filterByTk=${tk}`);
        expect(res.status, tk).toBe(404);
        expect(res.text).not.toContain('Quarterly');
      }
      const malformed = await b.get('/mailMessages:body?filterByTk=abc');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].field).toBe('filterByTk');
      expect((await a.get(`/mailMessages:body?filterByTk=${ids.bMessage}`)).status).toBe(404);
      expect((await anonymous.get(`/mailMessages:body?filterByTk=${ids.hostile}`)).status).toBe(401);
    });
  });

  describe('mailAttachments:download', () => {
    it('sends the file as a download with headers that keep it from running in the app', async () => {
      const res = await binary(a.get(`/mailAttachments:download?filterByTk=${ids.pdf}`));
      expect(res.status).toBe(200);
      expect(Buffer.from(res.body).toString()).toBe('%PDF-1.7\n');
      expect(res.headers).toMatchObject({
        'content-type': 'application/pdf',
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
      });
      expect(res.headers['cache-control']).toMatch(/^private/);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="Q1 r_sum_ _final_.pdf"; filename*=UTF-8''Q1%20r%C3%A9sum%C3%A9%20%22final%22.pdf`);
    });

    it('never serves HTML or SVG with their own type, and shows only raster images inline', async () => {
      for (const id of [ids.html, ids.svg]) {
        const res = await binary(a.get(`/mailAttachments:download?filterByTk=${id}&inline=1`));
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('application/octet-stream');
        expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      }
      const image = await binary(a.get(`/mailAttachments:download?filterByTk=${ids.logo}&inline=1`));
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['content-disposition']).toMatch(/^inline;/);
      const saved = await binary(a.get(`/mailAttachments:download?filterByTk=${ids.logo}`));
      expect(saved.headers['content-disposition']).toMatch(/^attachment;/);
    });

    it('refuses files over the size limit with 413 and says what the limit is', async () => {
      const res = await a.get(`/mailAttachments:download?filterByTk=${ids.huge}`);
      expect(res.status).toBe(413);
      expect(res.body.errors[0].code).toBe('ATTACHMENT_TOO_LARGE');
      expect(res.body.errors[0].message).toMatch(/30 MB, larger than the 25 MB download limit/);
    });

    it("answers 404 for another user's attachment and 401 without signing in", async () => {
      expect((await b.get(`/mailAttachments:download?filterByTk=${ids.pdf}`)).status).toBe(404);
      expect((await a.get(`/mailAttachments:download?filterByTk=${ids.bFile}`)).status).toBe(404);
      expect((await a.get('/mailAttachments:download?filterByTk=424242')).status).toBe(404);
      expect((await anonymous.get(`/mailAttachments:download?filterByTk=${ids.pdf}`)).status).toBe(401);
    });
  });

  describe('mailThreads:browse', () => {
    const subjects = (res: { body: { data: Array<{ subject: string }> } }) => res.body.data.map((r) => r.subject);

    it("lists a role's conversations across all my accounts, newest first, with senders", async () => {
      const res = await a.get('/mailThreads:browse?folderRole=inbox');
      expect(res.status).toBe(200);
      expect(subjects(res)).toEqual(['Contract 50% off', 'Quarterly report']);
      expect(res.body.data[1]).toMatchObject({ accountId: ids.gmail, senders: [{ address: 'cfo@acme.example', name: 'Carla CFO' }] });
      expect(res.body.meta).toMatchObject({ page: 1, hasMore: false });
    });

    it('narrows to one account or one label, and pages', async () => {
      expect(subjects(await a.get(`/mailThreads:browse?folderRole=inbox&accountId=${ids.gmail}`))).toEqual(['Quarterly report']);
      // The view's "all accounts" sends every id it shows, comma-separated.
      expect(subjects(await a.get(`/mailThreads:browse?folderRole=inbox&accountId=${ids.gmail},${ids.outlook}`))).toEqual(['Contract 50% off', 'Quarterly report']);
      expect(subjects(await a.get(`/mailThreads:browse?folderId=${ids.gmailLabel}`))).toEqual(['Quarterly report']);
      expect(subjects(await a.get('/mailThreads:browse?folderRole=sent'))).toEqual(['Lunch?']);
      const first = await a.get('/mailThreads:browse?pageSize=2');
      expect(first.body.meta).toMatchObject({ pageSize: 2, hasMore: true });
      expect(subjects(first)).toEqual(['Contract 50% off', 'Lunch?']);
      expect(subjects(await a.get('/mailThreads:browse?pageSize=2&page=2'))).toEqual(['Quarterly report']);
    });

    it('searches subjects and the people on a conversation, taking % literally', async () => {
      expect(subjects(await a.get('/mailThreads:browse?q=quarterly'))).toEqual(['Quarterly report']);
      expect(subjects(await a.get('/mailThreads:browse?q=GLOBEX'))).toEqual(['Contract 50% off']);
      expect(subjects(await a.get('/mailThreads:browse?q=carla'))).toEqual(['Quarterly report']);
      expect(subjects(await a.get('/mailThreads:browse?q=50%25'))).toEqual(['Contract 50% off']);
      expect(subjects(await a.get('/mailThreads:browse?q=0%25%20o'))).toEqual(['Contract 50% off']);
      expect(subjects(await a.get('/mailThreads:browse?q=%25'))).toEqual(['Contract 50% off']);
    });

    it("narrows to conversations with a record's addresses or domains, case-insensitively, and only the caller's", async () => {
      expect(subjects(await a.get('/mailThreads:browse?address=CFO@Acme.Example'))).toEqual(['Quarterly report']);
      expect(subjects(await a.get('/mailThreads:browse?address=cfo@acme.example,sales@globex.example'))).toEqual(['Contract 50% off', 'Quarterly report']);
      expect(subjects(await a.get('/mailThreads:browse?domain=GLOBEX.example'))).toEqual(['Contract 50% off']);
      expect(subjects(await a.get('/mailThreads:browse?domain=@acme.example&folderRole=inbox'))).toEqual(['Quarterly report']);
      // A record whose email field is empty shows no mail rather than all of it.
      expect(subjects(await a.get('/mailThreads:browse?address='))).toEqual([]);
      expect(subjects(await b.get('/mailThreads:browse?address=cfo@acme.example'))).toEqual([]);
      const bad = await a.get('/mailThreads:browse?address=not-an-address');
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('address');
      expect((await a.get('/mailThreads:browse?domain=exa%20mple')).status).toBe(400);
    });

    it("never shows another user's conversations, even when asked for their account or folder", async () => {
      expect(subjects(await b.get('/mailThreads:browse?folderRole=inbox'))).toEqual(['Private to B']);
      expect(subjects(await b.get(`/mailThreads:browse?accountId=${ids.gmail}`))).toEqual([]);
      expect(subjects(await b.get(`/mailThreads:browse?folderId=${ids.gmailInbox}`))).toEqual([]);
      expect(subjects(await a.get(`/mailThreads:browse?accountId=${ids.other}`))).toEqual([]);
    });
  });

  it("lists a conversation's messages the way the mailbox view asks: no bodies, attachments without cache paths, owner only", async () => {
    // The same request src/client/mailbox-api.ts makes.
    const filter = encodeURIComponent(JSON.stringify({ threadRowId: ids.report }));
    const fields = ['id', 'accountId', 'threadRowId', 'subject', 'fromAddress', 'date'].map((f) => `fields[]=${f}`).join('&');
    const url = `/mailMessages:list?paginate=false&sort=date&filter=${filter}&appends=attachments&${fields}`;
    const rows = (await a.get(url)).body.data;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subject: 'Quarterly report', fromAddress: 'cfo@acme.example' });
    expect(rows[0].html).toBeUndefined();
    expect(rows[0].attachments.map((x: { filename: string }) => x.filename).sort()).toEqual(['Q1 résumé "final".pdf', 'chart.svg', 'invoice.html', 'logo.png', 'video.mov']);
    expect(JSON.stringify(rows)).not.toContain('cachePath');
    expect((await b.get(url)).body.data).toEqual([]);
    const folders = encodeURIComponent(JSON.stringify({ accountId: { $in: [ids.gmail, ids.other] } }));
    const names = (await a.get(`/mailFolders:list?paginate=false&sort=name&filter=${folders}`)).body.data.map((f: { name: string }) => f.name);
    expect(names).toEqual(['Clients', 'Inbox', 'Sent']);
  });
});
