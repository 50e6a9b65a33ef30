import { createServer } from 'node:net';
import { createAccountLimiter } from '../../../sync/limits';
import { resolveEndpoints } from '../../endpoints';
import { ProviderError } from '../../errors';
import type { MailboxClient, TokenSet } from '../../types';
import { MAILBOX_NOT_ENABLED_MESSAGE, type MicrosoftAccountContext, type ScheduleFn } from '../index';
import { link, startRig, VaultStandIn, type Rig } from './support';

const ERIN = 'erin@tailspin.example';

let rig: Rig;
let tokens: TokenSet;

/** A mailbox whose every Graph request goes through a recording quota hook. */
function instrumented(overrides: Parameters<Rig['provider']>[0] = {}) {
  const calls: string[] = [];
  const failures: unknown[] = [];
  /** The calls the adapter declared unsafe to repeat. */
  const unrepeatable: string[] = [];
  const schedule: ScheduleFn = async (method, fn, opts) => {
    calls.push(opts?.cost ? `${method}×${opts.cost}` : method);
    if (opts?.idempotent === false) unrepeatable.push(method);
    try {
      return await fn();
    } catch (e) {
      failures.push(e);
      throw e;
    }
  };
  const provider = rig.provider(overrides);
  const vault = new VaultStandIn(provider, tokens);
  const context: MicrosoftAccountContext = { ...vault.context(ERIN), schedule };
  return { mailbox: provider.forAccount(context), calls, failures, unrepeatable, vault };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

async function graphRequests(prefix: string): Promise<number> {
  return (await rig.emulator.control.log()).filter((entry) => entry.path.startsWith(prefix)).length;
}

beforeAll(async () => {
  rig = await startRig([{ address: ERIN, name: 'Erin Kowalski', messages: 12 }]);
  ({ tokens } = await link(rig.provider(), ERIN));
});
afterAll(async () => rig?.close());
beforeEach(async () => {
  await rig.emulator.control.clearFaults();
  await rig.emulator.control.clearLog();
});

describe('Graph failures reach the sync engine as typed errors', () => {
  it('429 with Retry-After → RATE_LIMITED with the delay, seen by the quota hook and not retried by the client', async () => {
    const { mailbox, failures } = instrumented();
    await rig.emulator.control.fault({ kind: 'rate_limit', count: 1, pathPrefix: '/v1.0/me/mailFolders', retryAfterSeconds: 7 });
    const error = await failure(mailbox.folderCounts());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.retryable).toBe(true);
    expect(failures).toHaveLength(1);
    expect((failures[0] as ProviderError).code).toBe('RATE_LIMITED');
    expect(await graphRequests('/v1.0/me/mailFolders')).toBe(1);
  });

  it('503 → TRANSIENT carrying Retry-After, 500 → TRANSIENT', async () => {
    const { mailbox } = instrumented();
    await rig.emulator.control.fault({ kind: 'unavailable', count: 1, pathPrefix: '/v1.0/me/messages', retryAfterSeconds: 3 });
    const unavailable = await failure(mailbox.listMessages({ since: new Date(0) }));
    expect(unavailable.code).toBe('TRANSIENT');
    expect(unavailable.retryAfterMs).toBe(3_000);
    await rig.emulator.control.fault({ kind: 'server_error', count: 1, pathPrefix: '/v1.0/me/messages' });
    expect((await failure(mailbox.listMessages({ since: new Date(0) }))).code).toBe('TRANSIENT');
    expect(await graphRequests('/v1.0/me/messages')).toBe(2);
  });

  it('a hung-up connection or a timeout → TRANSIENT', async () => {
    const { mailbox } = instrumented({ timeoutMs: 300 });
    await rig.emulator.control.fault({ kind: 'hangup', count: 1, pathPrefix: '/v1.0/me/messages' });
    expect((await failure(mailbox.listMessages({ since: new Date(0) }))).code).toBe('TRANSIENT');
    await rig.emulator.control.fault({ kind: 'slow', count: 1, pathPrefix: '/v1.0/me/messages', delayMs: 1_000 });
    expect((await failure(mailbox.listMessages({ since: new Date(0) }))).code).toBe('TRANSIENT');
  });

  it('the account limiter retries a failed request through the hook; the client itself never does', async () => {
    const limiter = createAccountLimiter('microsoft', { retry: { baseDelayMs: 5, maxDelayMs: 10 } });
    const provider = rig.provider({ schedule: (method, fn, opts) => limiter.schedule(method, fn, opts) });
    const mailbox = provider.forAccount(new VaultStandIn(provider, tokens).context(ERIN));
    await rig.emulator.control.fault({ kind: 'server_error', count: 2, pathPrefix: '/v1.0/me/messages' });
    const page = await mailbox.listMessages({ since: new Date(0), pageSize: 5 });
    expect(page.messages).toHaveLength(5);
    expect(await graphRequests('/v1.0/me/messages')).toBe(3);
  });

  it('MailboxNotEnabledForRESTAPI → MAILBOX_NOT_ENABLED telling the admin what to do', async () => {
    const { mailbox } = instrumented();
    await rig.emulator.control.fault({ kind: 'mailbox_not_enabled', count: 1 });
    const error = await failure(mailbox.listFolders());
    expect(error.code).toBe('MAILBOX_NOT_ENABLED');
    expect(error.message).toBe(MAILBOX_NOT_ENABLED_MESSAGE);
    expect(error.message).toMatch(/licen[cs]e/i);
  });

  it('a throttled request inside a $batch fails the fetch as RATE_LIMITED, visible to the quota hook', async () => {
    const { mailbox, calls, failures } = instrumented();
    const ids = (await mailbox.listMessages({ since: new Date(0), pageSize: 5 })).messages.map((m) => m.providerId);
    await rig.emulator.control.fault({ kind: 'rate_limit', count: 1, pathPrefix: `/v1.0/me/messages/${ids[2]}`, retryAfterSeconds: 2 });
    const error = await failure(mailbox.fetchMessages(ids));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(2_000);
    expect(calls).toEqual(['GET', '$batch×5']);
    expect(failures.map((e) => (e as ProviderError).code)).toEqual(['RATE_LIMITED']);
  });

  it('an unknown message → NOT_FOUND', async () => {
    const { mailbox } = instrumented();
    expect((await failure(mailbox.modify('AAMkAD-missing', { read: true }))).code).toBe('NOT_FOUND');
    expect((await failure(mailbox.getAttachment('AAMkAD-missing', 'AAMkAD-nope'))).code).toBe('NOT_FOUND');
  });

  it('nobody listening at the Graph URL → UNREACHABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const { mailbox } = instrumented({ endpoints: { ...resolveEndpoints(rig.env), graphApiUrl: `https://127.0.0.1:${port}` } });
    expect((await failure(mailbox.listFolders())).code).toBe('UNREACHABLE');
  });
});

describe('access tokens', () => {
  it('retries once with a forced refresh when Graph answers 401', async () => {
    let forced = 0;
    const provider = rig.provider();
    const mailbox: MailboxClient = provider.forAccount({
      accountId: 7,
      address: ERIN,
      getAccessToken: async (force) => {
        if (!force) return 'stale-token';
        forced += 1;
        return tokens.accessToken;
      },
    });
    const folders = await mailbox.listFolders();
    expect(folders.some((f) => f.role === 'inbox')).toBe(true);
    expect(forced).toBeGreaterThanOrEqual(1);
  });

  it('reports REAUTH_REQUIRED when Graph still answers 401 after the forced refresh', async () => {
    const provider = rig.provider();
    const mailbox = provider.forAccount({ accountId: 7, address: ERIN, getAccessToken: async () => 'revoked-token' });
    const error = await failure(mailbox.listFolders());
    expect(error.code).toBe('REAUTH_REQUIRED');
    expect(error.message).not.toContain('revoked-token');
  });

  it('reports REAUTH_REQUIRED when the refresh itself is refused', async () => {
    const { mailbox, vault } = instrumented();
    await rig.emulator.control.revokeTokens(ERIN, { accessTokens: true });
    const error = await failure(mailbox.listFolders());
    expect(error.code).toBe('REAUTH_REQUIRED');
    expect(vault.forced).toBeGreaterThanOrEqual(1);
  });
});

describe('retry safety the Graph adapter declares', () => {
  it('reads, flag changes and moves may be repeated; creating a draft and sending it may not', async () => {
    ({ tokens } = await link(rig.provider(), ERIN));
    const { mailbox, calls, unrepeatable } = instrumented();
    const inbox = await mailbox.listMessages({ since: new Date(0), pageSize: 2 });
    const id = inbox.messages[0].providerId;
    await mailbox.modify(id, { read: true, starred: true, moveTo: 'archive' });
    expect(unrepeatable).toEqual([]);
    calls.length = 0;
    await mailbox.send({ mode: 'new', from: { address: ERIN }, to: [{ address: 'someone@example.com' }], subject: 'Once', html: '<p>x</p>', messageId: '<once-1@tailspin.example>' });
    // The draft POST and the /send POST; the read-back of the sent copy is a GET.
    expect(unrepeatable).toEqual(['POST', 'POST']);
    expect(calls.filter((c) => c === 'GET').length).toBeGreaterThan(0);
    expect(await mailbox.findSent('<once-1@tailspin.example>')).toMatchObject({ internetMessageId: '<once-1@tailspin.example>' });
  });
});
