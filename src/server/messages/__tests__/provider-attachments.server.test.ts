import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setEnv } from '../../__tests__/support/env';
import { startProviderRig, type ProviderRig } from '../../__tests__/support/rigs';
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import type { NormalizedMessage, ProviderName } from '../../providers/types';
import { type Agent, binary, mailPluginOf, withEnv } from './support/wiring';

const ADDRESS: Record<ProviderName, string> = { google: 'alex@gmail.test', microsoft: 'alex@outlook.test' };

describe.each<ProviderName>(['google', 'microsoft'])('downloading a %s attachment', (provider) => {
  let rig: ProviderRig;
  let app: TestApp;
  let storage: string;
  let owner: Agent;
  let stranger: Agent;
  let attachmentId: string;
  let expected: Buffer;
  let restoreEnv: () => void = () => undefined;

  beforeAll(async () => {
    rig = await startProviderRig(provider, [{ address: ADDRESS[provider], name: 'Alex Example', messages: 40, seed: 11 }]);
    restoreEnv = setEnv(rig.env);
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-provider-attachments-'));
    app = await withEnv({ STORAGE_PATH: storage }, () => createTestApp());
    const users = app.db.getRepository('users');
    const root = await users.findOne({ filter: { 'roles.name': 'root' } });
    await (await app.agent().login(root)).post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret: rig.clientSecret });
    owner = await app.agent().login(await users.create({ values: { nickname: 'Alex', email: 'alex@example.com', roles: ['member'] } }));
    stranger = await app.agent().login(await users.create({ values: { nickname: 'Sam', email: 'sam@example.com', roles: ['member'] } }));

    // Link the mailbox the way a user does: consent at the provider, then the callback.
    const start = await owner.post('/mailAccounts:authorize').send({ provider });
    const redirect = await rig.consent(start.body.data.url, ADDRESS[provider], 'allow');
    const linked = await owner.post('/mailAccounts:callback').send({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') });
    const accountId = String(linked.body.data.account.id);

    // Store one message with a real attachment, as the sync engine would.
    const mailbox = await mailPluginOf(app).mail.accounts.mailboxFor(accountId);
    const page = await mailbox.listMessages({ since: new Date('2000-01-01'), pageSize: 40 });
    const message = page.messages.find((m) => m.attachments.some((att) => !att.inline)) as NormalizedMessage;
    expect(message, 'the generated mailbox has a message with an attachment').toBeTruthy();
    const meta = message.attachments.find((att) => !att.inline)!;
    expected = await mailbox.getAttachment(message.providerId, meta.id);
    const thread = await app.db.getRepository('mailThreads').create({ values: { accountId, providerThreadId: message.threadId, subject: message.subject } });
    const row = await app.db.getRepository('mailMessages').create({
      values: { accountId, threadRowId: thread.get('id'), providerId: message.providerId, subject: message.subject, hasAttachments: true },
    });
    const attachment = await app.db.getRepository('mailAttachments').create({
      values: { accountId, messageRowId: row.get('id'), providerAttachmentId: meta.id, filename: meta.filename, contentType: meta.contentType, size: meta.size },
    });
    attachmentId = String(attachment.get('id'));
  });

  afterAll(async () => {
    await app?.destroy();
    await rig?.close();
    restoreEnv();
    if (storage) fs.rmSync(storage, { recursive: true, force: true });
  });

  it('fetches the bytes from the provider once, then serves them from the cache', async () => {
    await rig.clearLog();
    const first = await binary(owner.get(`/mailAttachments:download?filterByTk=${attachmentId}`));
    expect(first.status).toBe(200);
    expect(Buffer.from(first.body).equals(expected)).toBe(true);
    expect(first.headers['content-disposition']).toMatch(/^attachment; filename=/);
    const providerCalls = (await rig.log()).filter((e) => !e.path.startsWith('/__control')).length;
    expect(providerCalls).toBeGreaterThan(0);

    await rig.clearLog();
    const second = await binary(owner.get(`/mailAttachments:download?filterByTk=${attachmentId}`));
    expect(Buffer.from(second.body).equals(expected)).toBe(true);
    expect((await rig.log()).filter((e) => !e.path.startsWith('/__control'))).toEqual([]);
    const cachePath = (await app.db.getModel('mailAttachments').findOne({ where: { id: attachmentId }, raw: true })) as unknown as { cachePath: string };
    expect(fs.readFileSync(path.join(storage, 'mail-attachments', cachePath.cachePath)).equals(expected)).toBe(true);
  });

  it('tells the owner when the file is over the limit, and never shows it to anyone else', async () => {
    expect((await stranger.get(`/mailAttachments:download?filterByTk=${attachmentId}`)).status).toBe(404);
    await app.db.getModel('mailAttachments').update({ size: 3 * 1024 * 1024, cachePath: null }, { where: { id: attachmentId } });
    const root = await app.db.getRepository('users').findOne({ filter: { 'roles.name': 'root' } });
    await (await app.agent().login(root)).post('/mailSettings:setGeneral').send({ attachmentSizeLimitMb: 2 });
    await rig.clearLog();
    const res = await owner.get(`/mailAttachments:download?filterByTk=${attachmentId}`);
    expect(res.status).toBe(413);
    expect(res.body.errors[0].message).toMatch(/3\.0 MB, larger than the 2 MB download limit set in Email settings/);
    // Refused before asking the provider for anything.
    expect((await rig.log()).filter((e) => !e.path.startsWith('/__control'))).toEqual([]);
  });

  it('removes the cached files when the owner deletes the account', async () => {
    const row = await app.db.getModel('mailAttachments').findByPk(attachmentId);
    const accountId = String(row?.get('accountId'));
    await app.db.getModel('mailAttachments').update({ size: 10, cachePath: null }, { where: { id: attachmentId } });
    await (await app.agent().login(await app.db.getRepository('users').findOne({ filter: { 'roles.name': 'root' } })))
      .post('/mailSettings:setGeneral')
      .send({ attachmentSizeLimitMb: 25 });
    expect((await owner.get(`/mailAttachments:download?filterByTk=${attachmentId}`)).status).toBe(200);
    const accountDir = path.join(storage, 'mail-attachments', accountId);
    expect(fs.existsSync(accountDir)).toBe(true);
    expect((await owner.post(`/mailAccounts:destroy?filterByTk=${accountId}`).send({})).status).toBe(200);
    expect(fs.existsSync(accountDir)).toBe(false);
  });
});
