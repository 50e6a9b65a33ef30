import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { bigHostileHtml } from '../../security/__tests__/big-html';
import { htmlPool } from '../../security/html-pool';
import { MAX_DISPLAY_HTML_CHARS } from '../body';
import { type Agent, binary, withEnv } from './support/wiring';

/** Opening one big mail must not stall the server for everyone, and a body too big to display is offered as a file. */
describe('big mail', () => {
  let app: TestApp;
  let storage: string;
  let owner: Agent;
  let stranger: Agent;
  const ids: Record<string, string> = {};
  const big = bigHostileHtml(3);
  const oversize = `<p>Annual archive</p>${'<div>row</div>'.repeat(Math.ceil(MAX_DISPLAY_HTML_CHARS / 14) + 10)}`;

  beforeAll(async () => {
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-big-'));
    app = await withEnv({ STORAGE_PATH: storage }, () => createTestApp());
    const users = app.db.getRepository('users');
    const a = await users.create({ values: { nickname: 'A', email: 'a@example.com', roles: ['member'] } });
    const b = await users.create({ values: { nickname: 'B', email: 'b@example.com', roles: ['member'] } });
    owner = await app.agent().login(a);
    stranger = await app.agent().login(b);
    const create = async (collection: string, values: Record<string, unknown>) => String((await app.db.getRepository(collection).create({ values })).get('id'));
    const account = await create('mailAccounts', { userId: a.get('id'), provider: 'google', address: 'a@gmail.test', status: 'active' });
    const thread = await create('mailThreads', { accountId: account, providerThreadId: 't-big', subject: 'Newsletter', lastMessageAt: new Date(), messageCount: 2, folderIds: ['INBOX'] });
    const message = (providerId: string, subject: string, html: string) =>
      create('mailMessages', { accountId: account, threadRowId: thread, providerId, subject, date: new Date(), html, text: null });
    ids.big = await message('m-big', 'Newsletter', big);
    ids.oversize = await message('m-oversize', 'Archive: 2025/Q4', oversize);
    ids.small = await message('m-small', 'Hi', '<p>hello</p>');
  });

  afterAll(async () => {
    await app?.destroy();
    if (storage) fs.rmSync(storage, { recursive: true, force: true });
  });

  it('sanitizes a multi-megabyte body in a worker: the event loop keeps serving while it opens', async () => {
    expect((await owner.get(`/mailMessages:body?filterByTk=${ids.small}`)).status).toBe(200);
    const offloaded = htmlPool().offloaded;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = Date.now();
    const res = await owner.get(`/mailMessages:body?filterByTk=${ids.big}`);
    const took = Date.now() - started;
    delay.disable();
    expect(res.status).toBe(200);
    expect(htmlPool().offloaded).toBe(offloaded + 1);
    const body = res.body.data;
    expect(body.tooLarge).toBeUndefined();
    expect(body.html).not.toMatch(/<script|onclick|javascript:|\ssrc="https?:|\ssrcset=|\sbackground=/);
    expect(body.remoteImagesBlocked).toBeGreaterThan(1000);
    // Generous bound: in place this work blocks the loop for the whole request (over a second).
    expect(delay.max / 1e6).toBeLessThan(Math.max(400, took / 3));
  });

  it('opening it again is answered from the rendered copy, without sanitizing again', async () => {
    const offloaded = htmlPool().offloaded;
    const res = await owner.get(`/mailMessages:body?filterByTk=${ids.big}`);
    expect(res.status).toBe(200);
    expect(res.body.data.remoteImagesBlocked).toBeGreaterThan(1000);
    expect(htmlPool().offloaded).toBe(offloaded);
  });

  it('answers a body too large to display with "tooLarge" and no HTML, and serves it as a download', async () => {
    const res = await owner.get(`/mailMessages:body?filterByTk=${ids.oversize}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ html: '', tooLarge: { chars: oversize.length, limitChars: MAX_DISPLAY_HTML_CHARS } });

    const file = await binary(owner.get(`/mailMessages:downloadBody?filterByTk=${ids.oversize}`));
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, Buffer.from(oversize))).toBe(0);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="Archive_ 2025_Q4.html"|^attachment; filename=".*Q4\.html"/);
    expect(file.headers['content-type']).not.toMatch(/html/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toBe('sandbox');
  });

  it("never serves another user's message body as a download", async () => {
    expect((await stranger.get(`/mailMessages:downloadBody?filterByTk=${ids.oversize}`)).status).toBe(404);
  });
});
