import { ProviderError } from '../../../providers/errors';
import { createAccountLimiter } from '../account-limiter';
import { ManualClock, flushMicrotasks } from '../clock';
import { GMAIL_USER_QUOTA } from '../quota';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('createAccountLimiter (Google)', () => {
  it('charges Gmail quota units per method: two sends fit in the quota window, the third waits', async () => {
    const window = GMAIL_USER_QUOTA.windowMs;
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('google', { clock });
    const sentAt: number[] = [];
    const sends = [1, 2, 3].map(() => limiter.schedule('messages.send', async () => void sentAt.push(clock.now())));
    await clock.advance(0);
    expect(sentAt).toEqual([0, 0]);
    // A cheap call queues behind the send rather than overtaking it.
    const got = limiter.schedule('labels.list', async () => clock.now());
    expect(limiter.status()).toMatchObject({ waitingUntil: window, reason: 'quota' });
    await clock.advance(window);
    await Promise.all(sends);
    expect(sentAt).toEqual([0, 0, window]);
    expect(await got).toBe(window);
  });

  it('after a 429 with Retry-After, every call of the account waits, then the failed call is retried', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('google', { clock, random: () => 0 });
    let first = true;
    const a = limiter.schedule('messages.list', async () => {
      if (first) {
        first = false;
        throw new ProviderError('RATE_LIMITED', 'User-rate limit exceeded', { status: 429, retryAfterMs: 2000 });
      }
      return clock.now();
    });
    await clock.advance(0);
    expect(limiter.status()).toMatchObject({ waitingUntil: 2000, reason: 'rate-limited' });
    const b = limiter.schedule('messages.get', async () => clock.now());
    await clock.advance(1999);
    expect(limiter.status().waitingUntil).toBe(2000);
    await clock.advance(1);
    expect(await a).toBe(2000);
    expect(await b).toBe(2000);
    expect(limiter.status().waitingUntil).toBeUndefined();
  });

  it('stays paused when the provider asks for a longer wait than a call may block, and says until when', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('google', { clock, retry: { maxRetryAfterMs: 60_000 } });
    const err = new ProviderError('RATE_LIMITED', 'Daily limit', { status: 429, retryAfterMs: 3_600_000 });
    await expect(limiter.schedule('messages.get', () => Promise.reject(err))).rejects.toBe(err);
    expect(limiter.status()).toMatchObject({ waitingUntil: 3_600_000, reason: 'rate-limited' });
  });

  it('does not retry errors the user has to fix', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('google', { clock });
    const fn = vi.fn(() => Promise.reject(new ProviderError('REAUTH_REQUIRED', 'invalid_grant')));
    await expect(limiter.schedule('getProfile', fn)).rejects.toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(limiter.status().waitingUntil).toBeUndefined();
  });
});

describe('createAccountLimiter (Microsoft)', () => {
  it('keeps at most 4 Graph requests in flight per mailbox', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('microsoft', { clock });
    const gates = Array.from({ length: 10 }, () => deferred());
    let running = 0;
    let peak = 0;
    const calls = gates.map((g, i) =>
      limiter.schedule('GET /me/messages', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await g.promise;
        running -= 1;
        return i;
      }),
    );
    await flushMicrotasks();
    expect(limiter.status()).toMatchObject({ inFlight: 4, queued: 6 });
    gates.forEach((g) => g.resolve());
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(4);
  });

  it('counts a $batch as the number of requests in it against the 10,000 per 10 minutes', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('microsoft', { clock, quota: { capacity: 40, windowMs: 600_000 } });
    await limiter.schedule('POST /$batch', async () => 'a', { cost: 20 });
    await limiter.schedule('POST /$batch', async () => 'b', { cost: 20 });
    const third = limiter.schedule('GET /me/messages/1', async () => clock.now());
    await clock.advance(0);
    expect(limiter.status()).toMatchObject({ waitingUntil: 600_000, reason: 'quota' });
    await clock.advance(600_000);
    expect(await third).toBe(600_000);
  });

  it('retries a 503 with backoff and succeeds', async () => {
    const clock = new ManualClock(0);
    const waits: number[] = [];
    const limiter = createAccountLimiter('microsoft', { clock, random: () => 0.5, retry: { baseDelayMs: 1000 } });
    let n = 0;
    const call = limiter.schedule(
      'GET /me/mailFolders',
      async () => {
        n += 1;
        if (n < 3) throw new ProviderError('TRANSIENT', 'Service Unavailable', { status: 503 });
        return n;
      },
      { onRetry: (i) => waits.push(i.waitMs) },
    );
    await clock.advance(10_000);
    expect(await call).toBe(3);
    expect(waits).toEqual([500, 1000]);
  });
});

describe('retry safety', () => {
  const failing = (errors: ProviderError[]) => {
    let calls = 0;
    return {
      fn: async () => {
        const error = errors[calls];
        calls += 1;
        if (error) throw error;
        return 'ok';
      },
      calls: () => calls,
    };
  };

  it('repeats an idempotent call after a timeout or a 5xx', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('google', { clock, random: () => 0 });
    const call = failing([new ProviderError('TRANSIENT', 'socket hang up'), new ProviderError('TRANSIENT', '500', { status: 500 })]);
    const result = limiter.schedule('messages.modify', call.fn);
    await clock.advance(5_000);
    expect(await result).toBe('ok');
    expect(call.calls()).toBe(3);
  });

  it('never repeats a send after a timeout, a reset or a 5xx: the provider may have sent it', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('google', { clock, random: () => 0 });
    for (const error of [new ProviderError('TRANSIENT', 'ETIMEDOUT'), new ProviderError('TRANSIENT', 'ECONNRESET'), new ProviderError('TRANSIENT', '503', { status: 503 })]) {
      const call = failing([error]);
      const result = limiter.schedule('messages.send', call.fn, { idempotent: false }).catch((e: unknown) => e);
      await clock.advance(5_000);
      expect(await result).toBe(error);
      expect(call.calls()).toBe(1);
    }
  });

  it('repeats a send the provider certainly did not take: a 429, or no connection at all', async () => {
    const clock = new ManualClock(0);
    const limiter = createAccountLimiter('microsoft', { clock, random: () => 0 });
    const call = failing([
      new ProviderError('RATE_LIMITED', 'throttled', { status: 429, retryAfterMs: 1_000 }),
      new ProviderError('UNREACHABLE', 'ECONNREFUSED'),
    ]);
    const retries: string[] = [];
    const result = limiter.schedule('POST', call.fn, { idempotent: false, onRetry: (info) => retries.push((info.error as ProviderError).code) });
    await clock.advance(5_000);
    expect(await result).toBe('ok');
    expect(call.calls()).toBe(3);
    expect(retries).toEqual(['RATE_LIMITED', 'UNREACHABLE']);
  });
});
