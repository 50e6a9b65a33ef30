/**
 * The sync engine of one process: a runner (one account, once), a scheduler
 * (which accounts, when) and one rate limiter per account shared by every run
 * and every adapter call of that account in this process.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database } from '@nocobase/database';
import type { ProviderName } from '../providers/types';
import { createAccountLimiter, type AccountLimiter, type AccountLimiterOptions, type AccountLimiterStatus } from './limits/account-limiter';
import type { AccountKey } from './rows';
import { SyncRunner, type MailboxFactory, type RunOptions, type RunSummary, type SyncLogger } from './runner';
import { SyncScheduler } from './scheduler';

export interface SyncEngineOptions {
  db: Database;
  mailboxFor: MailboxFactory;
  /** Unique per process; shows in leases and the run audit (default host:pid:random). */
  runnerId?: string;
  logger?: SyncLogger;
  now?: () => Date;
  leaseTtlMs?: number;
  /** Accounts synced at once by this process (default 2). */
  concurrency?: number;
  pollIntervalMs?: number;
  pageSize?: number;
  firstPageSize?: number;
  /** Limiter tuning (tests shorten the backoff). */
  limiter?: AccountLimiterOptions;
  /**
   * The process's per-account limiters, when the host shares them with other
   * callers (sending, modifying) so one budget covers all of an account's calls.
   * A run hears its own calls' retries from the limiter, however it was built.
   */
  limiterFor?: (accountId: AccountKey, provider: ProviderName) => AccountLimiter;
}

export interface SyncEngine {
  readonly runnerId: string;
  /** Runs one account now, in the caller's flow (tests, CLI); actions use `scheduler.requestSync` instead. */
  runAccount(accountId: AccountKey, opts?: RunOptions): Promise<RunSummary>;
  scheduler: SyncScheduler;
  /** The account's limiter state in this process (waiting for quota / Retry-After). */
  limiterStatus(accountId: AccountKey): AccountLimiterStatus | null;
}

const silentLogger: SyncLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function defaultRunnerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const runnerId = options.runnerId ?? defaultRunnerId();
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const limiters = new Map<string, AccountLimiter>();

  const ownLimiter = (accountId: AccountKey, provider: string): AccountLimiter => {
    const key = String(accountId);
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = createAccountLimiter(provider as ProviderName, options.limiter);
      limiters.set(key, limiter);
    }
    return limiter;
  };
  const shared = options.limiterFor;
  const limiterFor = (accountId: AccountKey, provider: string): AccountLimiter => {
    if (!shared) return ownLimiter(accountId, provider);
    const limiter = shared(accountId, provider as ProviderName);
    limiters.set(String(accountId), limiter);
    return limiter;
  };

  const runner = new SyncRunner({
    db: options.db,
    mailboxFor: options.mailboxFor,
    runnerId,
    logger,
    now,
    limiterFor,
    leaseTtlMs: options.leaseTtlMs,
    pageSize: options.pageSize,
    firstPageSize: options.firstPageSize,
  });

  const scheduler = new SyncScheduler({
    db: options.db,
    run: (accountId, opts) => runner.run(accountId, opts),
    logger,
    now,
    concurrency: options.concurrency,
    pollIntervalMs: options.pollIntervalMs,
  });

  return {
    runnerId,
    runAccount: (accountId, opts) => runner.run(accountId, opts),
    scheduler,
    limiterStatus(accountId) {
      return limiters.get(String(accountId))?.status() ?? null;
    },
  };
}
