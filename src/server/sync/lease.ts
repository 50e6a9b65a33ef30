/**
 * One sync runner per account across every process sharing the database,
 * through the account's lease columns. Acquire and renew are single
 * conditional UPDATEs whose affected-row count says who won, so the database
 * arbitrates; a crashed runner simply stops renewing and its lease expires.
 */
import { Op, type Database, type Transaction } from '@nocobase/database';
import type { AccountKey } from './rows';

export const DEFAULT_LEASE_MS = 60_000;

export class LeaseLost extends Error {
  constructor(accountId: AccountKey, owner: string) {
    super(`Runner ${owner} no longer holds the sync lease of account ${accountId}.`);
    this.name = 'LeaseLost';
  }
}

export interface LeaseOptions {
  db: Database;
  owner: string;
  ttlMs?: number;
  now?: () => Date;
}

export class AccountLease {
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: LeaseOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_MS;
    this.now = options.now ?? (() => new Date());
  }

  get owner(): string {
    return this.options.owner;
  }

  private accounts() {
    return this.options.db.getModel('mailAccounts');
  }

  private expiry(): Date {
    return new Date(this.now().getTime() + this.ttlMs);
  }

  /** True when this runner now holds the lease (free, expired, or already ours). */
  async acquire(accountId: AccountKey): Promise<boolean> {
    const [count] = await this.accounts().update(
      { leaseOwner: this.owner, leaseExpiresAt: this.expiry() },
      {
        where: {
          id: accountId,
          [Op.or]: [{ leaseOwner: null }, { leaseExpiresAt: null }, { leaseExpiresAt: { [Op.lt]: this.now() } }, { leaseOwner: this.owner }],
        },
        // The host's update hooks are not needed for a lock column.
        hooks: false,
        silent: true,
      },
    );
    return count === 1;
  }

  /** Extends the lease; false when another runner took it over (ours had expired). */
  async renew(accountId: AccountKey, transaction?: Transaction): Promise<boolean> {
    const [count] = await this.accounts().update(
      { leaseExpiresAt: this.expiry() },
      { where: { id: accountId, leaseOwner: this.owner }, hooks: false, silent: true, transaction },
    );
    return count === 1;
  }

  /** Throws LeaseLost unless this runner still holds the lease; used inside commit transactions as a fence. */
  async assertHeld(accountId: AccountKey, transaction?: Transaction): Promise<void> {
    if (!(await this.renew(accountId, transaction))) throw new LeaseLost(accountId, this.owner);
  }

  async release(accountId: AccountKey): Promise<void> {
    await this.accounts().update(
      { leaseOwner: null, leaseExpiresAt: null },
      { where: { id: accountId, leaseOwner: this.owner }, hooks: false, silent: true },
    );
  }

  /**
   * Renews every third of the TTL while work runs; calls `onLost` (once) when
   * the lease is gone so the run can abort at its next safe point.
   */
  heartbeat(accountId: AccountKey, onLost: () => void): { stop(): void } {
    let stopped = false;
    const interval = Math.max(1_000, Math.floor(this.ttlMs / 3));
    const timer = setInterval(() => {
      this.renew(accountId)
        .then((held) => {
          if (!held && !stopped) {
            stopped = true;
            clearInterval(timer);
            onLost();
          }
        })
        // A failed renewal (database hiccup) is retried on the next beat; the fence catches real loss.
        .catch(() => undefined);
    }, interval);
    timer.unref?.();
    return {
      stop() {
        stopped = true;
        clearInterval(timer);
      },
    };
  }
}
