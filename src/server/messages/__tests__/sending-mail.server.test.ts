/**
 * Writing and sending mail from NocoBase, against the provider emulators with
 * the real adapters: a message reaches another mailbox of the emulator (read
 * back by linking that mailbox and syncing it), the sent copy is in Sent and in
 * its conversation at once, answers thread at the provider and here, and the
 * outbox makes double submits and retries send once. Then who may send, and
 * what a failing provider leaves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setEnv } from '../../__tests__/support/env';
import { startProviderRig, type ProviderRig } from '../../__tests__/support/rigs';
import { createTestApp, mailPluginOf, type TestApp } from '../../__tests__/support/test-app';
import type { ProviderName } from '../../providers/types';
import type { SyncEngine } from '../../sync';
import { asJson, asStringArray } from '../../sync/values';
import type { ComposeDraft, SendRequest, SendResult } from '../../../shared/wire-types';
import { type Agent, binary, withEnv } from './support/wiring';

type Raw = Record<string, unknown>;
type Address = { name?: string; address: string };

const DOMAIN: Record<ProviderName, string> = { google: 'gmail.test', microsoft: 'outlook.test' };
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

describe.each<ProviderName>(['google', 'microsoft'])('sending %s mail', (provider) => {
  const alex = `alex@${DOMAIN[provider]}`;
  const alias = `alex.sales@${DOMAIN[provider]}`;
  const robin = `robin@${DOMAIN[provider]}`;
  const casey = `casey@${DOMAIN[provider]}`;
  let rig: ProviderRig;
  let app: TestApp;
  let storage: string;
  let engine: SyncEngine;
  let restoreEnv: () => void = () => undefined;
  /** Alex owns alex@; Robin owns robin@ and casey@ (to read what arrives there). */
  let alexAgent: Agent;
  let robinAgent: Agent;
  let stranger: Agent;
  let supervisor: Agent;
  let admin: Agent;
  let alexUserId: string;
  const account: Record<string, string> = {};
  /** The first message Alex sends, as both sides store it. */
  let first: { result: SendResult; sentRow: Raw; receivedRow: Raw };

  const db = () => app.db;

  async function linkMailbox(agent: Agent, address: string): Promise<string> {
    const start = await agent.post('/mailAccounts:authorize').send({ provider });
    const redirect = await rig.consent(start.body.data.url, address, 'allow');
    const linked = await agent.post('/mailAccounts:callback').send({ code: redirect.searchParams.get('code'), state: redirect.searchParams.get('state') });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    return String(linked.body.data.account.id);
  }

  async function sync(accountId: string) {
    const run = await engine.runAccount(accountId);
    expect(run.status, JSON.stringify(run.errors)).toBe('succeeded');
    return run;
  }

  const send = (agent: Agent, body: Partial<SendRequest> & Record<string, unknown>) => agent.post('/mailMessages:send').send(body);
  const compose = (agent: Agent, query: string) => agent.get(`/mailMessages:compose?${query}`);

  async function row(collection: string, where: Raw): Promise<Raw | null> {
    return ((await db().getModel(collection).findOne({ where, raw: true })) as unknown as Raw | null) ?? null;
  }

  async function rows(collection: string, where: Raw): Promise<Raw[]> {
    return (await db().getModel(collection).findAll({ where, raw: true, order: [['id', 'ASC']] })) as unknown as Raw[];
  }

  /** Syncs the mailbox and returns the message with this Message-ID in it. */
  async function arrived(accountId: string, internetMessageId: unknown): Promise<Raw> {
    await sync(accountId);
    const found = await rows('mailMessages', { accountId, internetMessageId: String(internetMessageId) });
    expect(found, `message ${String(internetMessageId)} in account ${accountId}`).toHaveLength(1);
    return found[0];
  }

  async function folderProviderId(accountId: string, role: string): Promise<string> {
    const folder = await row('mailFolders', { accountId, role });
    expect(folder, `a ${role} folder`).toBeTruthy();
    return String(folder!.providerId);
  }

  async function download(agent: Agent, attachmentId: unknown): Promise<Buffer> {
    const res = await binary(agent.get(`/mailAttachments:download?filterByTk=${String(attachmentId)}`));
    expect(res.status).toBe(200);
    return Buffer.from(res.body as Buffer);
  }

  const isSendCall = (p: string) =>
    provider === 'google' ? /^(?:\/upload)?\/gmail\/v1\/users\/me\/messages\/send$/.test(p) : /^\/v1\.0\/me\/messages\/[^/]+\/send$/.test(p);

  /** Messages the provider accepted for sending from this mailbox since the log was cleared. */
  async function acceptedSends(from: string): Promise<number> {
    return (await rig.log()).filter((e) => e.method === 'POST' && isSendCall(e.path) && e.user?.toLowerCase() === from && e.status >= 200 && e.status < 300).length;
  }

  async function providerCalls(): Promise<number> {
    return (await rig.log()).filter((e) => !e.path.startsWith('/__control')).length;
  }

  const outboxCount = () => db().getModel('mailOutbox').count();

  beforeAll(async () => {
    rig = await startProviderRig(provider, [
      { address: alex, name: 'Alex Example', messages: 0, aliases: [alias] },
      { address: robin, name: 'Robin Roe', messages: 0 },
      { address: casey, name: 'Casey Cole', messages: 0 },
    ]);
    restoreEnv = setEnv(rig.env);
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-sending-'));
    app = await withEnv({ STORAGE_PATH: storage }, () => createTestApp());
    const users = db().getRepository('users');
    admin = await app.agent().login(await users.findOne({ filter: { 'roles.name': 'root' } }));
    await admin.post('/mailSettings:set').send({ provider, enabled: true, clientId: rig.clientId, clientSecret: rig.clientSecret });
    await db().getRepository('roles').create({ values: { name: 'mail-supervisor', title: 'Mail supervisor' } });
    await admin.post('/mailSettings:setGeneral').send({ supervisorRoles: ['mail-supervisor'] });
    const alexUser = await users.create({ values: { nickname: 'Alex', email: 'alex@example.com', roles: ['member'] } });
    alexUserId = String(alexUser.get('id'));
    alexAgent = await app.agent().login(alexUser);
    robinAgent = await app.agent().login(await users.create({ values: { nickname: 'Robin', email: 'robin@example.com', roles: ['member'] } }));
    stranger = await app.agent().login(await users.create({ values: { nickname: 'Sam', email: 'sam@example.com', roles: ['member'] } }));
    supervisor = await app.agent().login(await users.create({ values: { nickname: 'Sue', email: 'sue@example.com', roles: ['mail-supervisor'] } }), 'mail-supervisor');

    account.alex = await linkMailbox(alexAgent, alex);
    account.robin = await linkMailbox(robinAgent, robin);
    account.casey = await linkMailbox(robinAgent, casey);
    engine = mailPluginOf(app).startSync();
    for (const id of Object.values(account)) await sync(id);
  });

  afterAll(async () => {
    await mailPluginOf(app)?.stopSync();
    await app?.destroy();
    await rig?.close();
    restoreEnv();
    if (storage) fs.rmSync(storage, { recursive: true, force: true });
  });

  it('sends a new message: it reaches the recipient, and the sent copy is in Sent at once with its headers', async () => {
    const draft = await compose(alexAgent, `accountId=${account.alex}&mode=new`);
    expect(draft.status).toBe(200);
    expect(draft.body.data as ComposeDraft).toMatchObject({
      mode: 'new',
      originalId: null,
      from: { address: alex },
      fromChoices: [{ address: alex }, { address: alias }],
      to: [],
      subject: '',
    });

    const subject = 'Plan für Q3 — 計画 ✓';
    await rig.clearLog();
    const res = await send(alexAgent, {
      accountId: account.alex,
      mode: 'new',
      to: [{ name: 'Róbin Ærø 小林', address: robin }],
      cc: [{ address: casey }],
      subject,
      html: '<p><b>Hello</b> Robin, see the notes.</p><script>alert(1)</script><p onclick="steal()">Thanks</p>',
      attachments: [{ filename: 'notes – ü.txt', contentType: 'text/plain', contentBase64: b64('hello notes') }],
      clientRequestId: 'first-new',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const result = res.body.data as SendResult;
    expect(result).toMatchObject({ status: 'sent' });
    expect(result.messageId).toBeTruthy();
    expect(result.threadId).toBeTruthy();
    expect(await acceptedSends(alex)).toBe(1);

    // Stored here before any sync ran.
    const sentRow = (await row('mailMessages', { id: result.messageId }))!;
    expect(sentRow).toMatchObject({ subject, fromAddress: alex, fromName: 'Alex Example' });
    expect(String(sentRow.accountId)).toBe(account.alex);
    expect(String(sentRow.threadRowId)).toBe(result.threadId);
    expect(asJson<Address[]>(sentRow.to, [])).toEqual([{ name: 'Róbin Ærø 小林', address: robin }]);
    expect(asJson<Address[]>(sentRow.cc, []).map((a) => a.address)).toEqual([casey]);
    expect(sentRow.internetMessageId).toMatch(/^<.+@.+>$/);
    expect(asStringArray(sentRow.folderIds)).toContain(await folderProviderId(account.alex, 'sent'));
    expect(String(sentRow.html)).toContain('<b>Hello</b>');
    expect(String(sentRow.html)).not.toMatch(/<script|onclick/);
    const inSent = await alexAgent.get(`/mailThreads:browse?accountId=${account.alex}&folderRole=sent`);
    expect(inSent.body.data.map((t: { id: string }) => t.id)).toContain(result.threadId);
    const [attachment] = await rows('mailAttachments', { messageRowId: result.messageId });
    expect(attachment).toMatchObject({ filename: 'notes – ü.txt' });

    // The outbox row says it was sent and no longer keeps the upload.
    const outbox = (await row('mailOutbox', { id: result.outboxId }))!;
    expect(outbox).toMatchObject({ status: 'sent', clientRequestId: 'first-new', uploads: null });
    expect(String(outbox.messageRowId)).toBe(result.messageId);

    // At the recipient: same subject and names, the file, nothing that runs.
    const receivedRow = await arrived(account.robin, sentRow.internetMessageId);
    expect(receivedRow).toMatchObject({ subject, fromAddress: alex, fromName: 'Alex Example' });
    expect(asJson<Address[]>(receivedRow.to, [])).toEqual([{ name: 'Róbin Ærø 小林', address: robin }]);
    expect(String(receivedRow.html)).toContain('<b>Hello</b>');
    expect(String(receivedRow.html)).not.toMatch(/<script|onclick|alert/);
    const [file] = await rows('mailAttachments', { messageRowId: receivedRow.id });
    expect(file).toMatchObject({ filename: 'notes – ü.txt' });
    expect((await download(robinAgent, file.id)).toString()).toBe('hello notes');
    await arrived(account.casey, sentRow.internetMessageId);

    // The next sync of the sender finds the copy already there.
    const run = await sync(account.alex);
    expect(run.stored).toBe(0);
    expect(await rows('mailMessages', { accountId: account.alex, providerId: sentRow.providerId })).toHaveLength(1);
    first = { result, sentRow, receivedRow };
  });

  it('sends a reply into the same conversation, at the provider and here, with In-Reply-To and References', async () => {
    const { receivedRow, sentRow, result } = first;
    const draftRes = await compose(robinAgent, `filterByTk=${receivedRow.id}&mode=reply`);
    expect(draftRes.status).toBe(200);
    const draft = draftRes.body.data as ComposeDraft;
    expect(draft).toMatchObject({ mode: 'reply', originalId: String(receivedRow.id), from: { address: robin }, subject: 'Re: Plan für Q3 — 計画 ✓', cc: [] });
    expect(draft.to).toEqual([{ name: 'Alex Example', address: alex }]);
    expect(draft.quotedHtml).toContain('Hello');
    expect(draft.quotedHtml).toContain('wrote:');

    const res = await send(robinAgent, {
      accountId: account.robin,
      mode: 'reply',
      originalId: String(receivedRow.id),
      to: draft.to,
      subject: draft.subject,
      html: '<p>Sounds good.</p>',
      clientRequestId: 'robin-reply',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const reply = (await row('mailMessages', { id: res.body.data.messageId }))!;
    expect(String(reply.threadRowId)).toBe(String(receivedRow.threadRowId));
    expect(res.body.data.threadId).toBe(String(receivedRow.threadRowId));
    expect(reply.providerThreadId).toBe(receivedRow.providerThreadId);
    expect(reply.inReplyTo).toBe(receivedRow.internetMessageId);
    expect(asStringArray(reply.references)).toContain(String(receivedRow.internetMessageId));
    // The original is quoted under the answer.
    expect(String(reply.html)).toMatch(/<blockquote[^>]*>[\s\S]*Hello<\/b> Robin, see the notes\./);

    // Alex gets it in the conversation of the message Alex sent.
    const atAlex = await arrived(account.alex, reply.internetMessageId);
    expect(String(atAlex.threadRowId)).toBe(result.threadId);
    expect(atAlex.providerThreadId).toBe(sentRow.providerThreadId);
    expect(atAlex.inReplyTo).toBe(sentRow.internetMessageId);
  });

  it('replies to all without the own address, and answers from the alias a message was sent to', async () => {
    const toBoth = await send(robinAgent, { accountId: account.robin, mode: 'new', to: [{ address: alex }, { address: casey }], subject: 'Team lunch', html: '<p>Friday?</p>', clientRequestId: 'lunch' });
    expect(toBoth.status).toBe(200);
    const lunch = await arrived(account.alex, (await row('mailMessages', { id: toBoth.body.data.messageId }))!.internetMessageId);
    const all = (await compose(alexAgent, `filterByTk=${lunch.id}&mode=replyAll`)).body.data as ComposeDraft;
    expect(all.to.map((a) => a.address)).toEqual([robin, casey]);
    expect(all.cc).toEqual([]);
    expect(all.from.address).toBe(alex);

    const toAlias = await send(robinAgent, { accountId: account.robin, mode: 'new', to: [{ address: alias }], cc: [{ address: casey }], subject: 'Quote request', html: '<p>Price?</p>', clientRequestId: 'quote' });
    expect(toAlias.status).toBe(200);
    const request = await arrived(account.alex, (await row('mailMessages', { id: toAlias.body.data.messageId }))!.internetMessageId);
    const draft = (await compose(alexAgent, `filterByTk=${request.id}&mode=replyAll`)).body.data as ComposeDraft;
    expect(draft.from.address).toBe(alias);
    expect(draft.to.map((a) => a.address)).toEqual([robin]);
    expect(draft.cc.map((a) => a.address)).toEqual([casey]);

    const res = await send(alexAgent, { accountId: account.alex, mode: 'replyAll', originalId: String(request.id), from: alias, to: draft.to, cc: draft.cc, subject: draft.subject, html: '<p>10 EUR.</p>', clientRequestId: 'quote-answer' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const sent = (await row('mailMessages', { id: res.body.data.messageId }))!;
    expect(sent.fromAddress).toBe(alias);
    const atCasey = await arrived(account.casey, sent.internetMessageId);
    expect(atCasey.fromAddress).toBe(alias);
    expect(asJson<Address[]>(atCasey.to, []).map((a) => a.address)).toEqual([robin]);
  });

  it('forwards with the original files the writer kept, each once', async () => {
    const draft = (await compose(alexAgent, `filterByTk=${first.result.messageId}&mode=forward`)).body.data as ComposeDraft;
    expect(draft).toMatchObject({ mode: 'forward', to: [], cc: [], subject: 'Fwd: Plan für Q3 — 計画 ✓' });
    expect(draft.quotedHtml).toContain('Forwarded message');
    expect(draft.forwardAttachments.map((a) => a.filename)).toEqual(['notes – ü.txt']);

    const base = { accountId: account.alex, mode: 'forward' as const, originalId: first.result.messageId, to: [{ address: casey }], subject: draft.subject, html: '<p>FYI</p>' };
    const res = await send(alexAgent, {
      ...base,
      forwardAttachmentIds: draft.forwardAttachments.map((a) => a.id),
      attachments: [{ filename: 'extra.csv', contentType: 'text/csv', contentBase64: b64('a,b\n1,2\n') }],
      clientRequestId: 'forward-with-files',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const sent = (await row('mailMessages', { id: res.body.data.messageId }))!;
    const atCasey = await arrived(account.casey, sent.internetMessageId);
    expect(atCasey.subject).toBe('Fwd: Plan für Q3 — 計画 ✓');
    expect(String(atCasey.html)).toContain('Hello');
    const files = await rows('mailAttachments', { messageRowId: atCasey.id });
    expect(files.map((f) => f.filename).sort()).toEqual(['extra.csv', 'notes – ü.txt']);
    expect((await download(robinAgent, files.find((f) => f.filename === 'notes – ü.txt')!.id)).toString()).toBe('hello notes');

    // The writer removed the file: it is not sent (Outlook copies every file into a forward by itself).
    const without = await send(alexAgent, { ...base, forwardAttachmentIds: [], includeQuote: false, clientRequestId: 'forward-without-files' });
    expect(without.status).toBe(200);
    const bare = await arrived(account.casey, (await row('mailMessages', { id: without.body.data.messageId }))!.internetMessageId);
    expect(await rows('mailAttachments', { messageRowId: bare.id })).toEqual([]);
    expect(String(bare.text)).not.toContain('Hello Robin');
  });

  it('sends a double submit once, and answers a repeat with the same result', async () => {
    await rig.clearLog();
    const body = { accountId: account.alex, mode: 'new' as const, to: [{ address: robin }], subject: 'Only once', html: '<p>Once.</p>', clientRequestId: 'double-click' };
    const answers = await Promise.all([send(alexAgent, body), send(alexAgent, body)]);
    const statuses = answers.map((r) => r.status).sort();
    expect([[200, 200], [200, 409]]).toContainEqual(statuses);
    const ok = answers.find((r) => r.status === 200)!.body.data as SendResult;
    const busy = answers.find((r) => r.status === 409);
    if (busy) expect(busy.body.errors[0]).toMatchObject({ code: 'ALREADY_SENDING', message: expect.stringMatching(/already being sent/) });
    else expect(answers[1].body.data).toEqual(answers[0].body.data);

    const again = await send(alexAgent, body);
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(ok);
    expect(await acceptedSends(alex)).toBe(1);
    await sync(account.robin);
    expect(await rows('mailMessages', { accountId: account.robin, subject: 'Only once' })).toHaveLength(1);
  });

  it('refuses a message with no recipient, a wrong address, a foreign sender or too large files, sending and recording nothing', async () => {
    const base = { accountId: account.alex, mode: 'new' as const, to: [{ address: robin }], subject: 'Nope', html: '<p>x</p>' };
    const outboxBefore = await outboxCount();
    await rig.clearLog();

    const none = await send(alexAgent, { ...base, to: [], clientRequestId: 'v1' });
    expect(none.status).toBe(400);
    expect(none.body.errors[0]).toMatchObject({ code: 'NO_RECIPIENTS', field: 'to', message: 'Add at least one recipient in To, Cc or Bcc.' });

    const wrong = await send(alexAgent, { ...base, cc: [{ address: 'casey@@example' }], clientRequestId: 'v2' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0]).toMatchObject({ code: 'INVALID_ADDRESS', field: 'cc', message: '"casey@@example" in Cc is not a valid email address. Correct or remove it.' });

    const foreignFrom = await send(alexAgent, { ...base, from: 'ceo@example.com', clientRequestId: 'v3' });
    expect(foreignFrom.status).toBe(400);
    expect(foreignFrom.body.errors[0]).toMatchObject({ code: 'FROM_NOT_ALLOWED', field: 'from' });

    const foreignOriginal = await send(alexAgent, { ...base, mode: 'reply', originalId: String(first.receivedRow.id), clientRequestId: 'v4' });
    expect(foreignOriginal.status).toBe(400);
    expect(foreignOriginal.body.errors[0]).toMatchObject({ code: 'ORIGINAL_NOT_FOUND', field: 'originalId' });

    expect((await admin.post('/mailSettings:setGeneral').send({ attachmentSizeLimitMb: 1 })).status).toBe(200);
    try {
      const big = await send(alexAgent, { ...base, attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', contentBase64: b64(Buffer.alloc(1024 * 1024 + 10)) }], clientRequestId: 'v5' });
      expect(big.status).toBe(413);
      expect(big.body.errors[0].code).toBe('ATTACHMENTS_TOO_LARGE');
      expect(big.body.errors[0].message).toContain('more than the 1 MB limit set in Email settings');
    } finally {
      await admin.post('/mailSettings:setGeneral').send({ attachmentSizeLimitMb: 25 });
    }
    expect(await providerCalls()).toBe(0);
    expect(await outboxCount()).toBe(outboxBefore);
  });

  /** The provider's send request itself (Graph: `POST …/send` of the draft), for faults that must hit it and nothing before. */
  const sendRoute = provider === 'google' ? { pathPrefix: '/gmail/v1/users/me/messages/send' } : { route: 'POST /v1.0/me/messages/:id/send' };

  /** Copies of one message at the provider (read from the emulator): Alex's Sent and Robin's mailbox. */
  async function copiesAtProvider(internetMessageId: unknown) {
    const id = String(internetMessageId);
    const mine = (await rig.mailbox(alex)).filter((m) => m.internetMessageId === id);
    const received = (await rig.mailbox(robin)).filter((m) => m.internetMessageId === id);
    return { sent: mine.filter((m) => m.sent && !m.draft).length, drafts: mine.filter((m) => m.draft).length, received: received.length };
  }

  it('keeps a message the provider refused before sending as failed with the reason, and sends it once when retried', async () => {
    // Refusals that certainly sent nothing: Gmail says the API is off; Outlook cannot create the draft.
    const refusal =
      provider === 'google'
        ? { fault: { kind: 'api_not_enabled' as const, pathPrefix: '/gmail/v1/users/me/messages/send' }, code: 'API_NOT_ENABLED', message: /Gmail API is not enabled/ }
        : { fault: { kind: 'unavailable' as const, pathPrefix: '/v1.0/me/messages' }, code: 'PROVIDER_UNAVAILABLE', message: /could not be reached, even after retrying\. The message was not sent\. Try again in a moment\./ };
    const body = {
      accountId: account.alex,
      mode: 'new' as const,
      to: [{ address: robin }],
      subject: 'Survives an outage',
      html: '<p>Written once, not lost.</p>',
      attachments: [{ filename: 'keep.txt', contentType: 'text/plain', contentBase64: b64('kept') }],
      clientRequestId: 'outage',
    };
    await rig.clearLog();
    await rig.fault({ ...refusal.fault, user: alex });
    let failed;
    try {
      failed = await send(alexAgent, body);
    } finally {
      await rig.clearFaults();
    }
    expect(failed.status).toBe(502);
    expect(failed.body.errors[0]).toMatchObject({ code: refusal.code });
    expect(failed.body.errors[0].message).toMatch(refusal.message);
    expect(await acceptedSends(alex)).toBe(0);

    const kept = (await row('mailOutbox', { accountId: account.alex, clientRequestId: 'outage' }))!;
    expect(kept).toMatchObject({ status: 'failed', errorCode: refusal.code, errorMessage: failed.body.errors[0].message });
    expect(asJson<Raw>(kept.request, {})).toMatchObject({ subject: 'Survives an outage', html: '<p>Written once, not lost.</p>', to: [{ address: robin }] });
    expect(asJson<Array<{ contentBase64: string }>>(kept.uploads, [])[0].contentBase64).toBe(b64('kept'));

    const retried = await send(alexAgent, body);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.data.outboxId).toBe(String(kept.id));
    expect(await acceptedSends(alex)).toBe(1);
    expect(await row('mailOutbox', { id: kept.id })).toMatchObject({ status: 'sent', attempts: 2, uploads: null, errorMessage: null });
    expect((await send(alexAgent, body)).body.data).toEqual(retried.body.data);
    expect(await acceptedSends(alex)).toBe(1);
    await sync(account.robin);
    const delivered = await rows('mailMessages', { accountId: account.robin, subject: 'Survives an outage' });
    expect(delivered).toHaveLength(1);
    expect((await rows('mailAttachments', { messageRowId: delivered[0].id })).map((f) => f.filename)).toEqual(['keep.txt']);
  });

  // The provider got the send request and then no usable answer came back: it may have sent the message.
  it.each([
    ['the connection drops after the provider sent it', 'drop_response', 1],
    ['a 500 comes back after the provider sent it', 'error_after_processing', 1],
    ['a 500 comes back and the provider sent nothing', 'server_error', 0],
  ] as const)('says "may have been sent" when %s, and trying again leaves exactly one copy', async (_case, kind, copiesAfterFault) => {
    const clientRequestId = `lost-answer-${kind}`;
    const body = { accountId: account.alex, mode: 'new' as const, to: [{ address: robin }], subject: `Answer lost: ${kind}`, html: '<p>Once.</p>', clientRequestId };
    await rig.fault({ kind, count: 1, user: alex, ...sendRoute });
    let first;
    try {
      first = await send(alexAgent, body);
    } finally {
      await rig.clearFaults();
    }
    expect(first.status, JSON.stringify(first.body)).toBe(502);
    expect(first.body.errors[0]).toMatchObject({ code: 'MAY_HAVE_BEEN_SENT' });
    expect(first.body.errors[0].message).toMatch(/did not confirm this message, so it may have been sent\. Look in Sent/);
    const uncertain = (await row('mailOutbox', { accountId: account.alex, clientRequestId }))!;
    expect(uncertain).toMatchObject({ status: 'uncertain', errorCode: 'MAY_HAVE_BEEN_SENT', attempts: 1 });
    expect(String(uncertain.internetMessageId)).toMatch(new RegExp(`^<[^@]+@${DOMAIN[provider].replace('.', '\\.')}>$`));
    // Not repeated by the limiter: one copy if the provider acted, none if it did not.
    expect(await copiesAtProvider(uncertain.internetMessageId)).toMatchObject({ sent: copiesAfterFault, received: copiesAfterFault });

    const again = await send(alexAgent, body);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.data).toMatchObject({ outboxId: String(uncertain.id), status: 'sent' });
    // One copy, and no draft left over from the first attempt.
    expect(await copiesAtProvider(uncertain.internetMessageId)).toEqual({ sent: 1, drafts: 0, received: 1 });
    const done = (await row('mailOutbox', { id: uncertain.id }))!;
    expect(done).toMatchObject({ status: 'sent', attempts: 2, internetMessageId: uncertain.internetMessageId, errorCode: null });
    // The sent copy is stored here either way, once.
    const stored = await rows('mailMessages', { accountId: account.alex, internetMessageId: String(uncertain.internetMessageId) });
    expect(stored).toHaveLength(1);
    expect(String(again.body.data.messageId)).toBe(String(stored[0].id));
  });

  it('finds a send cut short by a stopped process in Sent when the submission is taken over, and does not send it again', async () => {
    const clientRequestId = 'cut-short';
    const body = { accountId: account.alex, mode: 'new' as const, to: [{ address: robin }], subject: 'Cut short', html: '<p>Once.</p>', clientRequestId };
    await rig.fault({ kind: 'drop_response', count: 1, user: alex, ...sendRoute });
    try {
      expect((await send(alexAgent, body)).status).toBe(502);
    } finally {
      await rig.clearFaults();
    }
    // What a process that stopped while the provider had the message leaves behind.
    const left = (await row('mailOutbox', { accountId: account.alex, clientRequestId }))!;
    await db().getModel('mailOutbox').update({ status: 'sending', lastAttemptAt: new Date(Date.now() - 16 * 60_000) }, { where: { id: left.id } });

    const takenOver = await send(alexAgent, body);
    expect(takenOver.status, JSON.stringify(takenOver.body)).toBe(200);
    expect(await row('mailOutbox', { id: left.id })).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await copiesAtProvider(left.internetMessageId)).toEqual({ sent: 1, drafts: 0, received: 1 });
  });

  it('waits out a 429 on the send request and sends exactly once', async () => {
    const clientRequestId = 'throttled-send';
    await rig.fault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 1, user: alex, ...sendRoute });
    let res;
    try {
      res = await send(alexAgent, { accountId: account.alex, mode: 'new', to: [{ address: robin }], subject: 'Throttled once', html: '<p>x</p>', clientRequestId });
    } finally {
      await rig.clearFaults();
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const sent = (await row('mailOutbox', { accountId: account.alex, clientRequestId }))!;
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await copiesAtProvider(sent.internetMessageId)).toEqual({ sent: 1, drafts: 0, received: 1 });
  });

  it("answers 404 to another user composing or sending from Alex's mailbox, and 403 to a supervisor", async () => {
    const outboxBefore = await outboxCount();
    await rig.clearLog();
    const body = { accountId: account.alex, mode: 'new' as const, to: [{ address: robin }], subject: 'Not mine', html: '<p>x</p>', clientRequestId: 'intruder' };
    const messageId = first.result.messageId;

    for (const res of [
      await compose(stranger, `accountId=${account.alex}&mode=new`),
      await compose(stranger, `filterByTk=${messageId}&mode=reply`),
      await send(stranger, body),
    ]) {
      expect(res.status).toBe(404);
      expect(res.text).not.toContain(alex);
    }
    for (const res of [await compose(supervisor, `filterByTk=${messageId}&mode=forward`), await send(supervisor, body)]) {
      expect(res.status).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ code: 'NOT_MAILBOX_OWNER', message: expect.stringMatching(/supervisors can read this mailbox but not send from it/) });
    }
    // The supervisor still reads the mail.
    expect((await supervisor.get(`/mailMessages:body?filterByTk=${messageId}`)).status).toBe(200);
    expect((await app.agent().post('/mailMessages:send').send(body)).status).toBe(401);
    // Saying nothing about what to compose is the caller's mistake, not a missing mailbox.
    expect((await compose(alexAgent, 'mode=new')).body.errors[0]).toMatchObject({ code: 'ACCOUNT_REQUIRED', field: 'accountId' });
    expect((await compose(alexAgent, 'mode=reply')).body.errors[0]).toMatchObject({ code: 'ORIGINAL_REQUIRED' });
    expect((await compose(alexAgent, `filterByTk=${messageId}&mode=bounce`)).body.errors[0]).toMatchObject({ code: 'INVALID_MODE', field: 'mode' });
    expect(await providerCalls()).toBe(0);
    expect(await outboxCount()).toBe(outboxBefore);
  });

  it("lists a user's outbox to that user only, without the uploaded files, and refuses generic writes", async () => {
    const mine = await alexAgent.get('/mailOutbox:list?pageSize=100');
    expect(mine.status).toBe(200);
    const ids = mine.body.data.map((r: Raw) => r.clientRequestId);
    expect(ids).toEqual(expect.arrayContaining(['first-new', 'double-click', 'outage']));
    expect(mine.body.data.every((r: Raw) => String(r.userId) === alexUserId && !('uploads' in r))).toBe(true);
    const one = mine.body.data.find((r: Raw) => r.clientRequestId === 'outage');
    expect((await alexAgent.get(`/mailOutbox:get?filterByTk=${one.id}`)).body.data).toMatchObject({ status: 'sent', subject: 'Survives an outage' });

    for (const other of [robinAgent, supervisor, stranger]) {
      const listed = await other.get('/mailOutbox:list?pageSize=100');
      expect(listed.status).toBe(200);
      expect(listed.body.data.some((r: Raw) => String(r.userId) === alexUserId)).toBe(false);
      expect((await other.get(`/mailOutbox:get?filterByTk=${one.id}`)).body.data ?? null).toBeNull();
    }
    expect([403, 405]).toContain((await alexAgent.post('/mailOutbox:create').send({ accountId: account.alex, clientRequestId: 'x', status: 'sent' })).status);
    expect([403, 405]).toContain((await alexAgent.post(`/mailOutbox:update?filterByTk=${one.id}`).send({ status: 'queued' })).status);
  });

  it('shows the inline images of a quoted message in the compose form through signed links', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const thread = await db().getRepository('mailThreads').create({ values: { accountId: account.alex, providerThreadId: 'local-inline', subject: 'Logo' } });
    const message = await db().getRepository('mailMessages').create({
      values: { accountId: account.alex, threadRowId: thread.get('id'), providerId: 'local-inline-1', subject: 'Logo', fromAddress: robin, html: '<p>Our logo:</p><img src="cid:logo@robin">', date: new Date() },
    });
    const image = await db().getRepository('mailAttachments').create({
      values: { accountId: account.alex, messageRowId: message.get('id'), providerAttachmentId: 'x', filename: 'logo.png', contentType: 'image/png', size: png.length, contentId: '<logo@robin>', inline: true },
    });
    fs.mkdirSync(path.join(storage, 'mail-attachments', account.alex), { recursive: true });
    fs.writeFileSync(path.join(storage, 'mail-attachments', account.alex, String(image.get('id'))), png);
    await db().getModel('mailAttachments').update({ cachePath: `${account.alex}/${String(image.get('id'))}` }, { where: { id: image.get('id') } });

    const draft = (await compose(alexAgent, `filterByTk=${message.get('id')}&mode=forward`)).body.data as ComposeDraft;
    // The image belongs to the quote, not to the files to forward.
    expect(draft.forwardAttachments).toEqual([]);
    const link = /src="([^"]*mailAttachments:inline[^"]*)"/.exec(draft.quotedHtml)?.[1];
    expect(link, draft.quotedHtml).toBeTruthy();
    const res = await binary(app.agent().get(link!.replace(/&amp;/g, '&').replace(/^\/api/, '')));
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body as Buffer).equals(png)).toBe(true);
  });

  it("removes the account's outbox with the account", async () => {
    expect(await db().getModel('mailOutbox').count({ where: { accountId: account.alex } })).toBeGreaterThan(0);
    expect((await alexAgent.post(`/mailAccounts:destroy?filterByTk=${account.alex}`).send({})).status).toBe(200);
    expect(await db().getModel('mailOutbox').count({ where: { accountId: account.alex } })).toBe(0);
    expect((await alexAgent.get('/mailOutbox:list')).body.data).toEqual([]);
  });
});
