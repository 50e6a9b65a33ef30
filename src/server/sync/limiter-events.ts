/**
 * Retries a per-account limiter performed, forwarded to whoever listens for
 * that limiter (the run in progress), so the run audit lists every error a
 * retry got past. Limiters are created once per account; runs come and go.
 */
import type { AccountLimiter } from './limits/account-limiter';

export interface LimiterRetry {
  method: string;
  attempt: number;
  waitMs: number;
  error: unknown;
}

const listeners = new WeakMap<AccountLimiter, Set<(info: LimiterRetry) => void>>();

/** Call from the limiter's `onRetry` option. */
export function notifyLimiterRetry(limiter: AccountLimiter, info: LimiterRetry): void {
  listeners.get(limiter)?.forEach((listener) => listener(info));
}

/** Listens to one limiter's retries; returns the unsubscribe function. */
export function onLimiterRetry(limiter: AccountLimiter, listener: (info: LimiterRetry) => void): () => void {
  const set = listeners.get(limiter) ?? new Set();
  set.add(listener);
  listeners.set(limiter, set);
  return () => set.delete(listener);
}
