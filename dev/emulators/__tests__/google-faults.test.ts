import type { gmail_v1 } from '@googleapis/gmail';
import type { GoogleEmulator } from '../google';
import { failure, gmailFor, headerOf, startSeededGoogle } from './google-harness';

const ALEX = 'alex@gmail.test';
const SAM = 'sam@gmail.test';
const MESSAGES = '/gmail/v1/users/me/messages';

describe('Google emulator faults and quota', () => {
  let emulator: GoogleEmulator;
  let alex: gmail_v1.Gmail;
  let sam: gmail_v1.Gmail;
  let ids: string[];

  beforeAll(async () => {
    emulator = await startSeededGoogle([
      { address: ALEX, name: 'Alex Demo', messages: 30, seed: 5 },
      { address: SAM, name: 'Sam Demo', messages: 5, seed: 6 },
    ]);
    alex = await gmailFor(emulator, ALEX);
    sam = await gmailFor(emulator, SAM);
    ids = ((await alex.users.messages.list({ userId: 'me' })).data.messages ?? []).map((m) => m.id as string);
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.control.clearFaults();
    await emulator.control.quota(false);
    await emulator.control.clearLog();
  });

  const lastLog = async () => (await emulator.control.log()).at(-1);

  it.each([
    { kind: 'rate_limit' as const, status: 429, googleStatus: 'RESOURCE_EXHAUSTED', reason: 'rateLimitExceeded', domain: 'usageLimits' },
    { kind: 'server_error' as const, status: 500, googleStatus: 'INTERNAL', reason: 'backendError', domain: 'global' },
    { kind: 'unavailable' as const, status: 503, googleStatus: 'UNAVAILABLE', reason: 'backendError', domain: 'global' },
    { kind: 'api_not_enabled' as const, status: 403, googleStatus: 'PERMISSION_DENIED', reason: 'accessNotConfigured', domain: 'usageLimits' },
    { kind: 'mailbox_not_enabled' as const, status: 400, googleStatus: 'FAILED_PRECONDITION', reason: 'failedPrecondition', domain: 'global' },
  ])('$kind answers $status in Google\'s error shape once, then the call works again', async ({ kind, status, googleStatus, reason, domain }) => {
    await emulator.control.fault({ kind, count: 1, pathPrefix: MESSAGES, retryAfterSeconds: 7 });
    const failed = await failure(alex.users.messages.list({ userId: 'me' }));
    expect(failed.status).toBe(status);
    expect(failed.data.error).toMatchObject({ code: status, status: googleStatus, errors: [{ reason, domain }] });
    if (kind === 'rate_limit') expect(headerOf(failed.headers, 'retry-after')).toBe('7');
    if (kind === 'api_not_enabled') expect(failed.data.error.message).toMatch(/^Gmail API has not been used in project \d+ before or it is disabled/);
    expect(await lastLog()).toMatchObject({ path: MESSAGES, status, fault: kind, user: ALEX });

    expect((await alex.users.messages.list({ userId: 'me' })).status).toBe(200);
    expect(await lastLog()).toMatchObject({ status: 200, fault: null });
  });

  it('hangup closes the connection without an answer', async () => {
    await emulator.control.fault({ kind: 'hangup', count: 1, pathPrefix: MESSAGES });
    const error = await alex.users.messages.list({ userId: 'me' }).then(
      () => null,
      (e: { response?: unknown; code?: string }) => e,
    );
    expect(error).not.toBeNull();
    expect(error?.response).toBeUndefined();
    expect(await lastLog()).toMatchObject({ status: 0, fault: 'hangup' });
  });

  it('slow delays the answer by delayMs and then answers normally', async () => {
    await emulator.control.fault({ kind: 'slow', count: 1, pathPrefix: MESSAGES, delayMs: 400 });
    const started = Date.now();
    const res = await alex.users.messages.get({ userId: 'me', id: ids[0], format: 'minimal' });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(await lastLog()).toMatchObject({ status: 200, fault: 'slow' });
  });

  it('expire_cursor only hits history.list, which answers 404 so the client must resync', async () => {
    const { historyId } = (await alex.users.getProfile({ userId: 'me' })).data;
    await emulator.control.fault({ kind: 'expire_cursor', count: 1 });
    expect((await alex.users.messages.list({ userId: 'me', maxResults: 1 })).status).toBe(200);
    const expired = await failure(alex.users.history.list({ userId: 'me', startHistoryId: historyId as string }));
    expect(expired.status).toBe(404);
    expect(expired.data.error.errors[0].reason).toBe('notFound');
    expect((await alex.users.history.list({ userId: 'me', startHistoryId: historyId as string })).status).toBe(200);
    expect((await emulator.control.log()).map((e) => e.fault)).toEqual([null /* profile */, null /* messages.list */, 'expire_cursor', null]);
  });

  it('targets one user: a fault for Sam leaves Alex alone', async () => {
    await emulator.control.fault({ kind: 'server_error', user: SAM });
    expect((await alex.users.getProfile({ userId: 'me' })).status).toBe(200);
    expect((await failure(sam.users.getProfile({ userId: 'me' }))).status).toBe(500);
    expect((await failure(sam.users.getProfile({ userId: 'me' }))).status).toBe(500);
    await emulator.control.clearFaults();
    expect((await sam.users.getProfile({ userId: 'me' })).status).toBe(200);
  });

  it('does not enforce quota unless switched on', async () => {
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => alex.users.messages.get({ userId: 'me', id: ids[i % ids.length], format: 'minimal' })));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('enforces 250 units per user per second with Gmail method costs and Retry-After', async () => {
    await emulator.control.quota(true);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => alex.users.messages.get({ userId: 'me', id: ids[i % ids.length], format: 'minimal' })),
    );
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { response: { status: number; data: { error: { errors: Array<{ reason: string }>; status: string } }; headers: Headers } });
    expect(rejected.length).toBeGreaterThan(0);
    expect(results.length - rejected.length).toBeGreaterThan(0);
    const first = rejected[0].response;
    expect(first.status).toBe(429);
    expect(first.data.error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits' }] });
    const retryAfter = Number(headerOf(first.headers, 'retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);

    // Another user has their own budget.
    expect((await sam.users.getProfile({ userId: 'me' })).status).toBe(200);
    const log = await emulator.control.log();
    expect(log.filter((e) => e.quota === 'perUserPerSecond')).toHaveLength(rejected.length);
    expect((await emulator.control.counters()).quotaRejections).toBe(rejected.length);

    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await alex.users.messages.get({ userId: 'me', id: ids[0], format: 'minimal' })).status).toBe(200);
  });

  it('charges messages.send 100 units, so a third send within a second is refused', async () => {
    await emulator.control.quota(true);
    const raw = Buffer.from(`To: ${SAM}\r\nSubject: quota\r\n\r\nhi\r\n`).toString('base64url');
    const outcomes: number[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(await alex.users.messages.send({ userId: 'me', requestBody: { raw } }).then((r) => r.status, (e: { response: { status: number } }) => e.response.status));
    }
    expect(outcomes).toEqual([200, 200, 429]);
    const units = (await emulator.control.log()).filter((e) => e.route?.endsWith('/messages/send')).map((e) => e.units);
    expect(units).toEqual([100, 100, 100]);
  });

  it('charges a batch the sum of its parts', async () => {
    await emulator.control.quota(true);
    const token = (await emulator.control.issueTokens({ user: SAM })).access_token;
    const samIds = ((await sam.users.messages.list({ userId: 'me' })).data.messages ?? []).map((m) => m.id as string);
    await emulator.control.quota(true); // fresh window
    const batch = (count: number) => {
      const boundary = 'b0undary';
      const body =
        Array.from({ length: count }, (_, i) => `--${boundary}\r\nContent-Type: application/http\r\n\r\nGET /gmail/v1/users/me/messages/${samIds[i % samIds.length]}?format=minimal HTTP/1.1\r\n\r\n`).join('') +
        `--${boundary}--\r\n`;
      return fetch(`${emulator.url}/batch/gmail/v1`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/mixed; boundary=${boundary}` }, body });
    };
    const tooBig = await batch(60); // 60 × messages.get (5) = 300 > 250
    expect(tooBig.status).toBe(429);
    expect((await tooBig.json()).error.errors[0].reason).toBe('userRateLimitExceeded');
    const fits = await batch(40); // 200 units
    expect(fits.status).toBe(200);
    expect((await emulator.control.log()).at(-1)).toMatchObject({ units: 200, user: SAM });
  });
});
