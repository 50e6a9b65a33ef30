import { ProviderError } from '../../../providers/errors';
import { parseRetryAfter, withRetries } from '../retry';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-03-04T17:00:00Z');

  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    [' 30 ', 30_000],
    [7, 7000],
    ['Mon, 04 Mar 2024 17:00:30 GMT', 30_000],
    ['Mon, 04 Mar 2024 16:59:00 GMT', 0],
    [['5', '9'], 5000],
  ] as const)('%j → %j ms', (value, ms) => {
    expect(parseRetryAfter(value as string | number | string[], now)).toBe(ms);
  });

  it.each([[null], [undefined], [''], ['soon'], ['-5'], [Number.NaN]])('%j is not a usable Retry-After', (value) => {
    expect(parseRetryAfter(value as string | null | undefined, now)).toBeUndefined();
  });
});

function failing(errors: unknown[], result = 'ok') {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    const err = errors[attempt - 1];
    if (err) throw err;
    return result;
  };
  return { fn, calls };
}

const transient = () => new ProviderError('TRANSIENT', '503 backend error', { status: 503 });

describe('withRetries', () => {
  it('retries transient failures with exponential backoff and full jitter', async () => {
    const waits: number[] = [];
    const { fn, calls } = failing([transient(), transient(), transient()]);
    const result = await withRetries(fn, { baseDelayMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) });
    expect(result).toBe('ok');
    expect(calls).toEqual([1, 2, 3, 4]);
    expect(waits).toEqual([50, 100, 200]); // 0.5 × 100, 200, 400
  });

  it('caps the backoff at maxDelayMs', async () => {
    const waits: number[] = [];
    const { fn } = failing(Array.from({ length: 6 }, transient));
    await withRetries(fn, { maxAttempts: 7, baseDelayMs: 1000, maxDelayMs: 5000, random: () => 0.999, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([999, 1998, 3996, 4995, 4995, 4995]);
  });

  it('never waits less than the Retry-After the provider asked for', async () => {
    const waits: number[] = [];
    const limited = new ProviderError('RATE_LIMITED', '429', { status: 429, retryAfterMs: 3000 });
    const { fn } = failing([limited]);
    await withRetries(fn, { baseDelayMs: 100, random: () => 0.99, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([3000]);

    const shortRetryAfter = new ProviderError('RATE_LIMITED', '429', { status: 429, retryAfterMs: 10 });
    const second = failing([transient(), transient(), shortRetryAfter]);
    const waits2: number[] = [];
    await withRetries(second.fn, { baseDelayMs: 1000, random: () => 0.5, sleep: async (ms) => void waits2.push(ms) });
    expect(waits2).toEqual([500, 1000, 2000]); // the backoff is longer than 10 ms, so it wins
  });

  it('throws a non-retryable error at once', async () => {
    const reauth = new ProviderError('REAUTH_REQUIRED', 'invalid_grant');
    const { fn, calls } = failing([reauth]);
    const sleep = vi.fn(async () => undefined);
    await expect(withRetries(fn, { sleep })).rejects.toBe(reauth);
    expect(calls).toEqual([1]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('does not retry plain errors (programming errors) unless told to', async () => {
    const bug = new TypeError('x is undefined');
    const { fn, calls } = failing([bug]);
    await expect(withRetries(fn, { sleep: async () => undefined })).rejects.toBe(bug);
    expect(calls).toEqual([1]);
    const custom = failing([new Error('flaky'), new Error('flaky')]);
    await expect(withRetries(custom.fn, { isRetryable: () => true, sleep: async () => undefined })).resolves.toBe('ok');
  });

  it('gives up after maxAttempts with the last error', async () => {
    const errors = [transient(), transient(), new ProviderError('UNREACHABLE', 'ECONNRESET')];
    const { fn, calls } = failing(errors);
    await expect(withRetries(fn, { maxAttempts: 3, sleep: async () => undefined })).rejects.toBe(errors[2]);
    expect(calls).toEqual([1, 2, 3]);
  });

  it('hands a Retry-After too long to wait here back to the caller', async () => {
    const limited = new ProviderError('RATE_LIMITED', '429', { retryAfterMs: 3_600_000 });
    const { fn, calls } = failing([limited]);
    await expect(withRetries(fn, { maxRetryAfterMs: 60_000, sleep: async () => undefined })).rejects.toBe(limited);
    expect(calls).toEqual([1]);
  });

  it('tells onWait how long and why before each wait', async () => {
    const seen: Array<[number, string, number]> = [];
    const { fn } = failing([transient()]);
    await withRetries(fn, { baseDelayMs: 100, random: () => 0.25, sleep: async () => undefined, onWait: (ms, err, attempt) => seen.push([ms, (err as Error).message, attempt]) });
    expect(seen).toEqual([[25, '503 backend error', 1]]);
  });
});
