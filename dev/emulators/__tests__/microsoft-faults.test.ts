import type { FaultKind, LogEntry } from '../core';
import type { MicrosoftEmulator } from '../microsoft';
import { GRAPH_SCOPES, graphClient, rawGraph, signIn, startSeeded } from './microsoft-harness';

const ALICE = 'alice@contoso.test';

function faultEntries(log: LogEntry[], kind: FaultKind): LogEntry[] {
  return log.filter((entry) => entry.fault === kind);
}

describe('Microsoft emulator faults and Graph throttling', () => {
  let emulator: MicrosoftEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startSeeded([{ address: ALICE, name: 'Alice Liddell', messages: 12 }]);
    token = (await signIn(emulator, ALICE)).result.accessToken;
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await emulator.control.clearFaults();
    await emulator.control.latency(0);
    await emulator.control.quota(false);
    await emulator.control.clearLog();
  });

  it('rate_limit: 429 TooManyRequests with Retry-After, which the Graph client honours and retries', async () => {
    await emulator.control.fault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 1, pathPrefix: '/v1.0/me/mailFolders' });
    const response = await rawGraph(emulator, token, '/me/mailFolders');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');

    await emulator.control.fault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 1, pathPrefix: '/v1.0/me/mailFolders' });
    const folders = await graphClient(emulator, token).api('/me/mailFolders').get();
    expect(folders.value.length).toBeGreaterThan(0);
    const log = await emulator.control.log();
    expect(faultEntries(log, 'rate_limit').map((e) => e.status)).toEqual([429, 429]);
    expect(log[log.length - 1]).toMatchObject({ status: 200, fault: null, user: ALICE });
  });

  it('server_error, unavailable and mailbox_not_enabled answer in Graph error shape', async () => {
    await emulator.control.fault([
      { kind: 'server_error', count: 1 },
      { kind: 'unavailable', count: 1, retryAfterSeconds: 3 },
      { kind: 'mailbox_not_enabled', count: 1 },
    ]);
    const first = await rawGraph(emulator, token, '/me/messages');
    expect(first.status).toBe(500);
    const second = await rawGraph(emulator, token, '/me/messages');
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('3');
    const third = await rawGraph(emulator, token, '/me/messages');
    expect(third.status).toBe(404);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('MailboxNotEnabledForRESTAPI');
    expect((await rawGraph(emulator, token, '/me/messages')).status).toBe(200);
    const log = await emulator.control.log();
    expect(log.map((e) => e.fault)).toEqual(['server_error', 'unavailable', 'mailbox_not_enabled', null]);
  });

  it('hangup drops the connection and slow delays the answer', async () => {
    await emulator.control.fault({ kind: 'hangup', count: 1 });
    await expect(rawGraph(emulator, token, '/me')).rejects.toThrow();
    await emulator.control.fault({ kind: 'slow', count: 1, delayMs: 400 });
    const started = Date.now();
    expect((await rawGraph(emulator, token, '/me')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    const log = await emulator.control.log();
    expect(faultEntries(log, 'hangup')[0].status).toBe(0);
    expect(faultEntries(log, 'slow')[0].status).toBe(200);
  });

  it('expire_cursor turns a delta continuation into 410 Gone', async () => {
    const client = graphClient(emulator, token);
    let page = await client.api('/me/mailFolders/inbox/messages/delta').get();
    while (page['@odata.nextLink']) page = await client.api(page['@odata.nextLink']).get();
    await emulator.control.fault({ kind: 'expire_cursor', count: 1 });
    // An initial delta call carries no token: the fault waits for a continuation.
    expect((await rawGraph(emulator, token, '/me/mailFolders/inbox/messages/delta')).status).toBe(200);
    await expect(client.api(page['@odata.deltaLink']).get()).rejects.toMatchObject({ statusCode: 410 });
    expect(faultEntries(await emulator.control.log(), 'expire_cursor')).toHaveLength(1);
  });

  it('invalid_grant fails the next refresh-token grant with AADSTS70008', async () => {
    const { cca, result } = await signIn(emulator, ALICE);
    await emulator.control.fault({ kind: 'invalid_grant', count: 1, user: ALICE });
    await expect(cca.acquireTokenSilent({ account: result.account!, scopes: GRAPH_SCOPES, forceRefresh: true })).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS70008'),
    });
    const entry = faultEntries(await emulator.control.log(), 'invalid_grant')[0];
    expect(entry).toMatchObject({ status: 400, user: ALICE, route: 'POST /:tenant/oauth2/v2.0/token' });
    const retried = await cca.acquireTokenSilent({ account: result.account!, scopes: GRAPH_SCOPES, forceRefresh: true });
    expect(retried.accessToken).toBeTruthy();
  });

  it('faults can hit single requests inside a $batch', async () => {
    await emulator.control.fault({ kind: 'rate_limit', count: 1, pathPrefix: '/v1.0/me/mailFolders/inbox', retryAfterSeconds: 2 });
    const response = await rawGraph(emulator, token, '/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests: [{ id: 'a', method: 'GET', url: '/me/mailFolders/inbox' }, { id: 'b', method: 'GET', url: '/me' }] }),
    });
    const body = (await response.json()) as { responses: Array<{ id: string; status: number; headers: Record<string, string> }> };
    expect(response.status).toBe(200);
    expect(body.responses.find((r) => r.id === 'a')).toMatchObject({ status: 429, headers: expect.objectContaining({ 'Retry-After': '2' }) });
    expect(body.responses.find((r) => r.id === 'b')?.status).toBe(200);
  });

  it('quota: the 5th concurrent request of a mailbox gets 429 ApplicationThrottled with Retry-After', async () => {
    await emulator.control.quota(true);
    await emulator.control.latency(300);
    const responses = await Promise.all(Array.from({ length: 5 }, () => rawGraph(emulator, token, '/me/mailFolders/inbox')));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const throttled = responses.find((r) => r.status === 429) as Response;
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await throttled.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'ApplicationThrottled',
      message: expect.stringContaining('MailboxConcurrency'),
    });
    const log = await emulator.control.log();
    expect(log.filter((e) => e.quota === 'concurrency')).toHaveLength(1);
  });

  it('quota is off by default and a per-mailbox request budget applies once switched on', async () => {
    await Promise.all(Array.from({ length: 6 }, () => rawGraph(emulator, token, '/me')));
    expect((await emulator.control.log()).every((e) => e.status === 200)).toBe(true);
    await emulator.control.quota(true, { windows: [{ name: 'perMailboxPer10Minutes', units: 3, windowMs: 600_000 }] });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await rawGraph(emulator, token, '/me')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await emulator.control.quota(false, { windows: [{ name: 'perMailboxPer10Minutes', units: 10_000, windowMs: 600_000 }] });
    }
  });
});
