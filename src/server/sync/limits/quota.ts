/**
 * Provider budgets as a moving window: at most `capacity` units granted in any
 * `windowMs`. Gmail: 250 quota units per user per second (moving average, short
 * bursts allowed), each method with its own cost. Graph: 10,000 requests per
 * 10 minutes per app and mailbox.
 */
import { systemClock, type Clock } from './clock';

/** Gmail API quota units per method (developers.google.com/gmail/api/reference/quota). */
export const GMAIL_METHOD_COSTS: Readonly<Record<string, number>> = Object.freeze({
  'drafts.create': 10,
  'drafts.delete': 10,
  'drafts.get': 5,
  'drafts.list': 5,
  'drafts.send': 100,
  'drafts.update': 15,
  getProfile: 1,
  'history.list': 2,
  'labels.create': 5,
  'labels.delete': 5,
  'labels.get': 1,
  'labels.list': 1,
  'labels.update': 5,
  'messages.attachments.get': 5,
  'messages.batchDelete': 50,
  'messages.batchModify': 50,
  'messages.delete': 10,
  'messages.get': 5,
  'messages.import': 25,
  'messages.insert': 25,
  'messages.list': 5,
  'messages.modify': 5,
  'messages.send': 100,
  'messages.trash': 5,
  'messages.untrash': 5,
  'settings.sendAs.get': 1,
  'settings.sendAs.list': 1,
  'threads.get': 10,
  'threads.list': 10,
  'threads.modify': 10,
  'threads.trash': 10,
  'threads.untrash': 10,
  stop: 50,
  watch: 100,
});

/** Cost charged for a method missing from the table: the common per-message price. */
export const GMAIL_DEFAULT_COST = 5;

/** Quota units for a Gmail method name (`messages.get`, also accepted as `users.messages.get`). */
export function gmailCost(method: string): number {
  const key = method.replace(/^(?:gmail\.)?users\./, '');
  return GMAIL_METHOD_COSTS[key] ?? GMAIL_DEFAULT_COST;
}

/**
 * Gmail allows 250 units per user per second. Our grants reach Google a little
 * later than we make them (connection slots, a busy event loop), so a 1 s window
 * here let Google's own second see more than 250 units: the sync benchmark got
 * ~100 429s per 2,000 messages. 250 per 1.2 s got none at ~75 % of the budget.
 */
export const GMAIL_USER_QUOTA = { capacity: 250, windowMs: 1_200 } as const;
export const GRAPH_MAILBOX_QUOTA = { capacity: 10_000, windowMs: 600_000 } as const;

export interface QuotaLimiterOptions {
  capacity: number;
  windowMs: number;
  clock?: Clock;
}

export interface QuotaStatus {
  /** Epoch ms until which new requests wait (provider pause or own budget). */
  waitingUntil?: number;
  /** `rate-limited` style reason given to pauseUntil, or `quota` when waiting on the own budget. */
  reason?: string;
  /** Callers waiting for their turn. */
  queued: number;
  /** Units granted in the current window. */
  used: number;
}

interface Grant {
  at: number;
  cost: number;
}

interface Waiter {
  cost: number;
  resolve: () => void;
}

export class QuotaLimiter {
  readonly capacity: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  /** Grants in time order; entries before `head` have left the window. */
  private grants: Grant[] = [];
  private head = 0;
  private used = 0;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private sleepingUntil: number | undefined;
  private pausedUntil = 0;
  private pauseReason: string | undefined;

  constructor(opts: QuotaLimiterOptions) {
    if (!(opts.capacity > 0) || !(opts.windowMs > 0)) throw new RangeError('QuotaLimiter needs a positive capacity and window');
    this.capacity = opts.capacity;
    this.windowMs = opts.windowMs;
    this.clock = opts.clock ?? systemClock;
  }

  /**
   * Resolves when `cost` units may be spent. Callers are served strictly in
   * arrival order, so a 100-unit send is not starved by a stream of 5-unit reads.
   * A cost above the capacity is charged as the full capacity (it could never fit otherwise).
   */
  acquire(cost = 1): Promise<void> {
    const units = Number.isFinite(cost) ? Math.min(Math.max(cost, 0), this.capacity) : this.capacity;
    return new Promise((resolve) => {
      this.queue.push({ cost: units, resolve });
      void this.pump();
    });
  }

  /** Every caller (queued or new) waits until `epochMs`, e.g. after a 429 with Retry-After. */
  pauseUntil(epochMs: number, reason = 'rate-limited'): void {
    if (epochMs > this.pausedUntil) {
      this.pausedUntil = epochMs;
      this.pauseReason = reason;
    }
  }

  status(): QuotaStatus {
    const now = this.clock.now();
    this.expire(now);
    const base = { queued: this.queue.length, used: this.used };
    if (this.pausedUntil > now) return { ...base, waitingUntil: this.pausedUntil, reason: this.pauseReason };
    if (this.queue.length > 0 && this.sleepingUntil !== undefined && this.sleepingUntil > now) {
      return { ...base, waitingUntil: this.sleepingUntil, reason: 'quota' };
    }
    return base;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        const now = this.clock.now();
        const head = this.queue[0];
        const readyAt = this.readyAt(head.cost, now);
        if (readyAt <= now) {
          this.queue.shift();
          this.grants.push({ at: now, cost: head.cost });
          this.used += head.cost;
          head.resolve();
          continue;
        }
        // One sleeper for the whole queue; a pause set meanwhile is seen on waking.
        this.sleepingUntil = readyAt;
        await this.clock.sleep(readyAt - now);
        this.sleepingUntil = undefined;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Earliest time ≥ now at which `cost` more units fit in the window and no pause applies. */
  private readyAt(cost: number, now: number): number {
    this.expire(now);
    let t = Math.max(now, this.pausedUntil);
    let used = this.used;
    let i = this.head;
    while (i < this.grants.length && this.grants[i].at + this.windowMs <= t) {
      used -= this.grants[i].cost;
      i += 1;
    }
    while (used + cost > this.capacity && i < this.grants.length) {
      used -= this.grants[i].cost;
      t = Math.max(t, this.grants[i].at + this.windowMs);
      i += 1;
    }
    return t;
  }

  private expire(now: number): void {
    while (this.head < this.grants.length && this.grants[this.head].at + this.windowMs <= now) {
      this.used -= this.grants[this.head].cost;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.grants.length) {
      this.grants = this.grants.slice(this.head);
      this.head = 0;
    }
  }
}
