/**
 * Decides when accounts sync, off the request path: a loop that wakes every
 * `pollIntervalMs` (and at once on "Sync now"), picks the accounts that are due
 * (interval from the general settings, read every tick), and runs at most
 * `concurrency` of them at a time in this process. Which process runs an
 * account is settled by its lease, so every node can run the same loop.
 */
import { Op, type Database } from '@nocobase/database';
import type { AccountKey } from './rows';
import type { RunOptions, RunSummary, SyncKind, SyncLogger } from './runner';
import { readSyncSettings } from './sync-settings';
import { asBool, asDate } from './values';

/** Statuses the loop picks up; `paused` and `reauth_required` wait for the user, `connecting` for the link to finish. */
export const SCHEDULABLE_STATUSES = ['active', 'error', 'rate_limited', 'syncing'];

export interface SchedulerOptions {
  db: Database;
  run: (accountId: AccountKey, opts: RunOptions) => Promise<RunSummary>;
  logger: SyncLogger;
  now: () => Date;
  /** Accounts synced at once by this process (default 2). */
  concurrency?: number;
  /** How often the loop looks for due accounts and for requests made on other nodes (default 30 s). */
  pollIntervalMs?: number;
}

type Row = Record<string, unknown>;

export class SyncScheduler {
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly running = new Map<string, { promise: Promise<void>; controller: AbortController }>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;

  constructor(private readonly options: SchedulerOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.pollIntervalMs = Math.max(50, options.pollIntervalMs ?? 30_000);
  }

  get isRunning(): boolean {
    return this.started;
  }

  /** Account ids this process is syncing now. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.wake();
  }

  /**
   * Stops picking accounts, asks running runs to stop at their next safe point
   * (between pages; committed data and positions are kept) and waits for them,
   * at most `timeoutMs`. Their leases are released as they end.
   */
  async stop({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const { controller } of this.running.values()) controller.abort();
    const all = Promise.allSettled([...this.running.values()].map((r) => r.promise));
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
    if (timeout) clearTimeout(timeout);
    await this.ticking?.catch(() => undefined);
  }

  /**
   * "Sync now" / "Resync": marks the account (so any node may pick it up) and
   * wakes this node's loop. Resolves once the request is recorded, never waits for the run.
   */
  async requestSync(accountId: AccountKey, kind: SyncKind = 'sync'): Promise<void> {
    await this.options.db.getModel('mailAccounts').update(
      kind === 'resync' ? { syncRequested: true, resyncRequested: true } : { syncRequested: true },
      { where: { id: accountId } },
    );
    this.wake();
  }

  /**
   * `requestSync` for callers that do not wait (actions, the send path): a
   * failure to record the request (the database refusing the write) is logged,
   * never left as an unhandled rejection, which would end the process.
   */
  queueSync(accountId: AccountKey, kind: SyncKind = 'sync'): void {
    this.requestSync(accountId, kind).catch((e: unknown) =>
      this.options.logger.error('could not queue a mail sync', { accountId, kind, error: e instanceof Error ? e.message : String(e) }),
    );
  }

  /** Runs a tick soon (coalesced with one in progress). */
  wake(): void {
    if (!this.started) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.tick()
      .catch((e: unknown) => this.options.logger.error('mail sync tick failed', { error: String(e) }))
      .finally(() => {
        this.ticking = null;
        if (this.tickAgain && this.started) {
          this.tickAgain = false;
          this.wake();
        } else {
          this.arm();
        }
      });
  }

  private arm(): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), this.pollIntervalMs);
    this.timer.unref?.();
  }

  /** One pass: start as many due accounts as there are free slots. */
  async tick(): Promise<void> {
    const free = this.concurrency - this.running.size;
    if (free <= 0) return;
    const due = await this.dueAccounts();
    for (const id of due.slice(0, free)) this.launch(id);
  }

  /** Due now, most urgent first: requested, then never synced / least recently synced. */
  async dueAccounts(): Promise<AccountKey[]> {
    const { db, now } = this.options;
    const at = now();
    const { syncIntervalMinutes } = await readSyncSettings(db);
    const intervalMs = syncIntervalMinutes * 60_000;
    const rows = (await db.getModel('mailAccounts').findAll({
      where: {
        status: { [Op.in]: SCHEDULABLE_STATUSES },
        [Op.and]: [
          { [Op.or]: [{ leaseOwner: null }, { leaseExpiresAt: null }, { leaseExpiresAt: { [Op.lt]: at } }] },
          { [Op.or]: [{ rateLimitedUntil: null }, { rateLimitedUntil: { [Op.lte]: at } }] },
        ],
      },
      attributes: ['id', 'status', 'lastSyncAt', 'syncRequested', 'resyncRequested', 'rateLimitedUntil'],
      raw: true,
    })) as unknown as Row[];

    const candidates = rows
      .filter((r) => !this.running.has(String(r.id)))
      .map((r) => {
        const requested = asBool(r.syncRequested) || asBool(r.resyncRequested);
        const last = asDate(r.lastSyncAt);
        // `syncing` with a free lease: its runner died mid-run; resume now.
        const stale = r.status === 'syncing';
        const waitedOut = r.status === 'rate_limited' && asDate(r.rateLimitedUntil) !== null;
        const due = requested || stale || waitedOut || !last || at.getTime() - last.getTime() >= intervalMs;
        return { id: r.id as AccountKey, due, urgent: requested || stale, last: last?.getTime() ?? 0 };
      })
      .filter((c) => c.due);
    candidates.sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.last - b.last);
    return candidates.map((c) => c.id);
  }

  private launch(accountId: AccountKey): void {
    const key = String(accountId);
    const controller = new AbortController();
    const promise = this.options
      .run(accountId, { signal: controller.signal })
      .then((summary) => {
        if (summary.status === 'failed') {
          this.options.logger.warn('mail sync run failed', { accountId, message: summary.statusMessage });
        }
      })
      .catch((e: unknown) => this.options.logger.error('mail sync run crashed', { accountId, error: String(e) }))
      .finally(() => {
        this.running.delete(key);
        // A slot is free: look for the next due account right away.
        this.wake();
      });
    this.running.set(key, { promise, controller });
  }
}
