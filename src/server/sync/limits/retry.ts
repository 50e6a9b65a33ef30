/**
 * Retries with exponential backoff and full jitter (delay = random × min(cap,
 * base × 2^n)), never sooner than the provider's Retry-After. Only errors the
 * caller deems retryable are retried; by default that is ProviderError.retryable
 * (rate limits, 5xx, unreachable).
 */
import { isProviderError } from '../../providers/errors';

/**
 * Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(
  value: string | number | ReadonlyArray<string> | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.ceil(v * 1000) : undefined;
  const s = String(v).trim();
  if (!s) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(s)) return Math.ceil(Number(s) * 1000);
  if (/^-/.test(s)) return undefined;
  const at = Date.parse(s);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RetryOptions {
  /** Total attempts including the first (default 5). */
  maxAttempts?: number;
  /** First backoff ceiling (default 500 ms), doubled per attempt. */
  baseDelayMs?: number;
  /** Backoff ceiling (default 30 s). Retry-After may exceed it, up to maxRetryAfterMs. */
  maxDelayMs?: number;
  /** A provider asking to wait longer than this (default 5 min) ends the retries: the caller reschedules. */
  maxRetryAfterMs?: number;
  isRetryable?: (err: unknown) => boolean;
  retryAfterMs?: (err: unknown) => number | undefined;
  /** Told before each wait: how long, why, and which attempt failed. */
  onWait?: (ms: number, err: unknown, attempt: number) => void;
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) */
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function defaultIsRetryable(err: unknown): boolean {
  return isProviderError(err) && err.retryable;
}

export function defaultRetryAfterMs(err: unknown): number | undefined {
  return isProviderError(err) ? err.retryAfterMs : undefined;
}

/** The delay before retry number `attempt` (1-based: the wait after the first failure is attempt 1). */
export function backoffDelay(
  attempt: number,
  opts: { baseDelayMs: number; maxDelayMs: number; random: () => number; retryAfterMs?: number },
): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(opts.random() * ceiling);
  return opts.retryAfterMs !== undefined ? Math.max(opts.retryAfterMs, jittered) : jittered;
}

export async function withRetries<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 5 * 60_000;
  const isRetryable = opts.isRetryable ?? defaultIsRetryable;
  const retryAfterOf = opts.retryAfterMs ?? defaultRetryAfterMs;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;

  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= maxAttempts || !isRetryable(err)) throw err;
      const retryAfterMs = retryAfterOf(err);
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) throw err;
      const ms = backoffDelay(attempt, { baseDelayMs, maxDelayMs, random, retryAfterMs });
      opts.onWait?.(ms, err, attempt);
      await sleep(ms);
    }
  }
}
