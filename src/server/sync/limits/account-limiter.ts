/**
 * One limiter per linked account: every provider call of that account goes
 * through `schedule`, which waits for the provider budget, caps concurrency,
 * retries transient failures, and turns a 429 into a pause every caller of the
 * account honours (and `status()` can show as "rate-limited until …").
 *
 * The retry budget: this is the only place provider requests are repeated.
 * Each request gets at most `retry.maxAttempts` attempts (default 5) with
 * exponential backoff, never sooner than a Retry-After, and none when the
 * provider asks to wait longer than `retry.maxRetryAfterMs` (the caller then
 * reschedules: the sync marks the account rate-limited, a user is told when to
 * try again). A call that is not idempotent is repeated only where the
 * provider certainly did nothing (`mayRepeat`). Neither the sync runner nor the
 * actions retry on top of this.
 */
import type { ProviderCall, ProviderName } from '../../providers/types';
import { isProviderError, mayRepeat } from '../../providers/errors';
import { systemClock, type Clock } from './clock';
import { ConcurrencyLimiter } from './concurrency';
import { GMAIL_USER_QUOTA, GRAPH_MAILBOX_QUOTA, QuotaLimiter, gmailCost } from './quota';
import { withRetries, type RetryOptions } from './retry';

export interface AccountLimiterOptions {
  clock?: Clock;
  random?: () => number;
  retry?: Pick<RetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'retryAfterMs'>;
  /** Budget window override (defaults: Gmail 250 units/s, Graph 10,000 requests/10 min). */
  quota?: { capacity: number; windowMs: number };
  /** Parallel requests (defaults: Graph 4 per mailbox, Gmail 10 to stay clear of "too many concurrent requests"). */
  concurrency?: number;
}

/** A failed attempt the limiter is about to repeat after `waitMs`. */
export interface LimiterRetry {
  method: string;
  attempt: number;
  waitMs: number;
  error: unknown;
}

export interface ScheduleOptions extends ProviderCall {
  /** Told about each retry of this call, so whoever runs it (a sync run's audit) can list it. */
  onRetry?: (info: LimiterRetry) => void;
}

export interface AccountLimiterStatus {
  /** Epoch ms: calls wait until then (provider rate limit or own budget). */
  waitingUntil?: number;
  /** `rate-limited` (the provider said so) or `quota` (our own budget is spent). */
  reason?: string;
  inFlight: number;
  queued: number;
  /** Budget units granted in the current window (Gmail quota units; Graph requests, a `$batch` counting each request inside). */
  used: number;
}

export interface AccountLimiter {
  readonly provider: ProviderName;
  schedule<T>(method: string, fn: () => Promise<T>, opts?: ScheduleOptions): Promise<T>;
  /** Make every call of this account wait (e.g. a Retry-After seen outside `schedule`). */
  pauseUntil(epochMs: number, reason?: string): void;
  status(): AccountLimiterStatus;
}

export const RATE_LIMITED_REASON = 'rate-limited';

const DEFAULT_CONCURRENCY: Record<ProviderName, number> = { google: 10, microsoft: 4 };

function isRateLimit(err: unknown): boolean {
  return isProviderError(err) && err.code === 'RATE_LIMITED';
}

export function createAccountLimiter(provider: ProviderName, opts: AccountLimiterOptions = {}): AccountLimiter {
  const clock = opts.clock ?? systemClock;
  const budget = opts.quota ?? (provider === 'google' ? GMAIL_USER_QUOTA : GRAPH_MAILBOX_QUOTA);
  const quota = new QuotaLimiter({ ...budget, clock });
  const slots = new ConcurrencyLimiter(opts.concurrency ?? DEFAULT_CONCURRENCY[provider]);
  const costOf = (method: string, override?: number) =>
    override ?? (provider === 'google' ? gmailCost(method) : 1);

  return {
    provider,
    schedule<T>(method: string, fn: () => Promise<T>, scheduleOpts: ScheduleOptions = {}): Promise<T> {
      const cost = costOf(method, scheduleOpts.cost);
      const call = { idempotent: scheduleOpts.idempotent };
      return withRetries(
        async () => {
          // Budget first, then a slot: a call waiting for quota does not hold a connection slot.
          await quota.acquire(cost);
          return slots.run(fn);
        },
        {
          ...opts.retry,
          isRetryable: (error) => mayRepeat(error, call),
          sleep: (ms) => clock.sleep(ms),
          random: opts.random,
          onWait: (waitMs, error, attempt) => {
            // The provider throttles the whole mailbox, so every caller of the account waits, not just this one.
            if (isRateLimit(error)) quota.pauseUntil(clock.now() + waitMs, RATE_LIMITED_REASON);
            scheduleOpts.onRetry?.({ method, attempt, waitMs, error });
          },
        },
      ).catch((error: unknown) => {
        // Gave up (attempts spent or a Retry-After too long to wait here): keep the account paused for it.
        if (isRateLimit(error) && isProviderError(error) && error.retryAfterMs !== undefined) {
          quota.pauseUntil(clock.now() + error.retryAfterMs, RATE_LIMITED_REASON);
        }
        throw error;
      });
    },
    pauseUntil(epochMs: number, reason = RATE_LIMITED_REASON) {
      quota.pauseUntil(epochMs, reason);
    },
    status(): AccountLimiterStatus {
      const q = quota.status();
      const status: AccountLimiterStatus = { inFlight: slots.inFlight, queued: q.queued + slots.queued, used: q.used };
      if (q.waitingUntil !== undefined) {
        status.waitingUntil = q.waitingUntil;
        status.reason = q.reason;
      }
      return status;
    },
  };
}
