export {
  RATE_LIMITED_REASON,
  createAccountLimiter,
  type AccountLimiter,
  type AccountLimiterOptions,
  type AccountLimiterStatus,
  type LimiterRetry,
  type ScheduleOptions,
} from './account-limiter';
export { ManualClock, flushMicrotasks, systemClock, type Clock } from './clock';
export { ConcurrencyLimiter } from './concurrency';
export {
  GMAIL_DEFAULT_COST,
  GMAIL_METHOD_COSTS,
  GMAIL_USER_QUOTA,
  GRAPH_MAILBOX_QUOTA,
  QuotaLimiter,
  gmailCost,
  type QuotaLimiterOptions,
  type QuotaStatus,
} from './quota';
export { backoffDelay, defaultIsRetryable, defaultRetryAfterMs, parseRetryAfter, withRetries, type RetryOptions } from './retry';
