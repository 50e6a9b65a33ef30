/**
 * Runs one account once: holds its lease, lists the sync window page by page
 * (initial sync or resync) or applies the changes since the stored cursor,
 * retries failed messages, reconciles folder counts, and leaves the account
 * with a status that says what happened. Every position (page token, cursor)
 * is committed in the same transaction as the data it covers, behind a lease
 * fence, so a crash or a lost lease never loses or duplicates mail.
 */
import type { Database } from '@nocobase/database';
import { CursorExpired, isProviderError } from '../providers/errors';
import type { ChangePage, MailboxClient, ScheduleFn, SyncCursor } from '../providers/types';
import { readAccount, updateAccount, type AccountSyncView, type ListingState } from './account-state';
import { failureStatus } from './failure-status';
import { AccountLease, LeaseLost } from './lease';
import type { AccountLimiter } from './limits/account-limiter';
import { PoisonLedger, type Failure } from './poison';
import type { AccountKey } from './rows';
import { emptyRunCounters, RunRecorder, type FolderMismatch, type RunKind, type RunRecord } from './run-recorder';
import { MailStore, type PageChanges, type PageOutcome } from './store';
import { readSyncSettings } from './sync-settings';

export interface MailboxHooks {
  /** Put into the AccountContext (`schedule`) so the adapter's calls go through the account's limiter. */
  schedule: ScheduleFn;
  runnerId: string;
}

/** Builds the adapter for an account with its decrypted tokens (the account service's job). */
export type MailboxFactory = (accountId: AccountKey, hooks: MailboxHooks) => Promise<MailboxClient>;

export interface SyncLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface RunnerOptions {
  db: Database;
  mailboxFor: MailboxFactory;
  runnerId: string;
  logger: SyncLogger;
  now: () => Date;
  limiterFor: (accountId: AccountKey, provider: string) => AccountLimiter;
  leaseTtlMs?: number;
  /** Messages per listing page (default 100); the first page is smaller so the inbox shows up fast. */
  pageSize?: number;
  firstPageSize?: number;
}

export type SyncKind = 'sync' | 'resync';

export interface RunOptions {
  kind?: SyncKind;
  signal?: AbortSignal;
}

export interface RunSummary extends Omit<RunRecord, 'status' | 'id' | 'kind'> {
  runId: AccountKey | null;
  kind: RunKind | null;
  /** `busy`: another runner holds the account; `skipped`: paused / needs reconnect / missing. */
  status: RunRecord['status'] | 'busy' | 'skipped';
  accountStatus: string | null;
  statusMessage: string | null;
  reason?: string;
}

export class RunAborted extends Error {
  constructor(reason?: unknown) {
    super(reason instanceof Error ? reason.message : 'The sync run was stopped before it finished.');
    this.name = 'RunAborted';
  }
}

const NOT_RUNNABLE = new Set(['paused', 'reauth_required']);
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_FIRST_PAGE_SIZE = 25;
const POISON_BATCH = 50;

interface RunContext {
  account: AccountSyncView;
  mailbox: MailboxClient;
  recorder: RunRecorder;
  signal: AbortSignal;
  lease: AccountLease;
}

export class SyncRunner {
  private readonly store: MailStore;
  private readonly poison: PoisonLedger;
  private readonly lease: AccountLease;
  private readonly running = new Set<string>();

  constructor(private readonly options: RunnerOptions) {
    this.store = new MailStore(options.db);
    this.poison = new PoisonLedger(options.db);
    this.lease = new AccountLease({ db: options.db, owner: options.runnerId, ttlMs: options.leaseTtlMs, now: options.now });
  }

  /** Accounts this runner is syncing right now. */
  get active(): string[] {
    return [...this.running];
  }

  async run(accountId: AccountKey, opts: RunOptions = {}): Promise<RunSummary> {
    const { db, runnerId } = this.options;
    const key = String(accountId);
    const account = await readAccount(db, accountId);
    if (!account) return this.notRun(accountId, 'skipped', null, 'The account no longer exists.');
    if (NOT_RUNNABLE.has(account.status)) {
      return this.notRun(accountId, 'skipped', account.status, `The account is ${account.status.replace('_', ' ')}.`);
    }
    // Same runner id in one process: the lease alone cannot tell two local runs apart.
    if (this.running.has(key)) return this.notRun(accountId, 'busy', account.status, 'This account is already syncing here.');
    this.running.add(key);
    try {
      if (!(await this.lease.acquire(accountId))) {
        return this.notRun(accountId, 'busy', account.status, 'Another server is syncing this account.');
      }
      // Read again under the lease: the previous holder may have committed a cursor since.
      const current = await readAccount(db, accountId);
      if (!current || NOT_RUNNABLE.has(current.status)) {
        await this.lease.release(accountId).catch(() => undefined);
        return this.notRun(accountId, 'skipped', current?.status ?? null, 'The account is not runnable any more.');
      }
      const controller = new AbortController();
      const onOuterAbort = () => controller.abort(opts.signal?.reason ?? new RunAborted());
      if (opts.signal?.aborted) onOuterAbort();
      opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
      const heartbeat = this.lease.heartbeat(accountId, () => controller.abort(new LeaseLost(accountId, runnerId)));
      try {
        return await this.runLeased(current, opts, controller.signal);
      } finally {
        heartbeat.stop();
        opts.signal?.removeEventListener('abort', onOuterAbort);
        await this.lease.release(accountId).catch(() => undefined);
      }
    } finally {
      this.running.delete(key);
    }
  }

  private async runLeased(account: AccountSyncView, opts: RunOptions, signal: AbortSignal): Promise<RunSummary> {
    const { db, now, logger } = this.options;
    // An interrupted resync is finished before anything else: its window listing restarts.
    const resync = opts.kind === 'resync' || account.resyncRequested || account.syncState.listing?.phase === 'resync';
    const kind: RunKind = resync ? 'resync' : account.cursor ? 'incremental' : 'initial';
    const recorder = await RunRecorder.start(db, { accountId: account.id, kind, runner: this.options.runnerId, now: now() });
    const limiter = this.options.limiterFor(account.id, account.provider);
    // Every call of this run tells the run's audit about its retries (the limiter is shared; the listener is per call).
    const schedule: ScheduleFn = (method, fn, call) =>
      limiter.schedule(method, fn, { ...call, onRetry: (info) => recorder.error(info.method, info.error, true, now()) });
    try {
      await updateAccount(db, account.id, {
        status: 'syncing',
        statusCode: null,
        statusMessage: null,
        rateLimitedUntil: null,
        syncRequested: false,
        ...(resync ? { resyncRequested: false } : {}),
      });
      const mailbox = await this.options.mailboxFor(account.id, { schedule, runnerId: this.options.runnerId });
      const ctx: RunContext = { account, mailbox, recorder, signal, lease: this.lease };

      const folders = await this.step(ctx, () => mailbox.listFolders());
      await this.store.syncFolders(account.id, folders);

      if (kind === 'incremental') {
        try {
          await this.applyChanges(ctx);
        } catch (e) {
          if (!(e instanceof CursorExpired || (isProviderError(e) && e.code === 'CURSOR_EXPIRED'))) throw e;
          recorder.error('changes', e, true, now());
          recorder.kind = 'resync';
          logger.warn('sync cursor expired; re-reading the sync window', { accountId: account.id });
          await this.listWindow(ctx, 'resync');
          await this.applyChanges(ctx);
        }
      } else {
        await this.listWindow(ctx, kind);
        // Whatever changed while the window was being listed.
        await this.applyChanges(ctx);
      }
      await this.retryFailures(ctx);
      await this.reconcile(ctx);

      const finished = now();
      await this.settleAccount(
        account.id,
        { lastSyncAt: finished, lastSuccessAt: finished },
        { status: 'active', statusCode: null, statusMessage: null, rateLimitedUntil: null },
      );
      const record = await recorder.finish('succeeded', finished);
      logger.info('mail sync finished', { accountId: account.id, kind: record.kind, stored: record.stored, deleted: record.deleted });
      return this.summaryWithStatus(record);
    } catch (error) {
      return await this.fail(account, recorder, limiter, error, signal);
    }
  }

  /** Lists the window newest first; each page commits its data with the resumable position. */
  private async listWindow(ctx: RunContext, phase: 'initial' | 'resync'): Promise<void> {
    const { db } = this.options;
    const { account, mailbox, recorder } = ctx;
    const since = await this.windowStart(account);
    let state: ListingState;
    const previous = account.syncState.listing;
    // An interrupted initial listing resumes from its page token. A resync restarts: it must
    // see the whole window to know which local messages the provider no longer has.
    if (phase === 'initial' && previous?.phase === 'initial' && previous.pendingCursor) {
      state = previous;
    } else {
      const pendingCursor = await this.step(ctx, () => mailbox.currentCursor());
      state = { phase, pendingCursor, since: since.toISOString(), pageToken: null, done: 0, total: null };
      await updateAccount(db, account.id, { syncState: { listing: state }, syncFrom: since, progressDone: 0, progressTotal: null });
    }
    account.syncState = { listing: state };

    const seen = new Set<string>();
    let first = !state.pageToken;
    for (;;) {
      this.checkpoint(ctx);
      const pageSize = first ? (this.options.firstPageSize ?? DEFAULT_FIRST_PAGE_SIZE) : (this.options.pageSize ?? DEFAULT_PAGE_SIZE);
      first = false;
      const token = state.pageToken;
      const page = await this.step(ctx, () => mailbox.listMessages({ since: new Date(state.since), pageToken: token, pageSize }));
      page.messages.forEach((m) => seen.add(m.providerId));
      page.failures.forEach((f) => seen.add(f.providerId));
      const done = state.done + page.messages.length + page.failures.length;
      const total = Math.max(done, page.estimatedTotal ?? state.total ?? 0);
      const next: ListingState = { ...state, pageToken: page.pageToken ?? null, done, total };
      const outcome = await this.commit(ctx, { added: page.messages }, page.pageToken ? { syncState: { listing: next } } : {}, {
        progressDone: done,
        progressTotal: page.pageToken ? total : done,
      });
      recorder.page(page.messages.length, outcome);
      await this.afterPage(ctx, page.messages.map((m) => m.providerId), page.failures);
      await recorder.save();
      state = next;
      if (!page.pageToken) break;
    }

    if (phase === 'resync') {
      // Local messages of the window the provider no longer lists: deleted there while the cursor was lost.
      const local = await this.store.providerIdsSince(account.id, new Date(state.since));
      const gone = local.filter((id) => !seen.has(id));
      const deleted = await this.store.deleteMessages(account.id, gone, (t) => ctx.lease.assertHeld(account.id, t));
      recorder.deleted(deleted);
    }
    // The listing is complete: from now on, incremental sync from the cursor taken before it.
    await this.commit(ctx, {}, { cursor: state.pendingCursor, syncState: {} }, {});
    account.cursor = state.pendingCursor;
    account.syncState = {};
  }

  /** Applies change pages since the stored cursor; the new cursor is committed with the last page. */
  private async applyChanges(ctx: RunContext): Promise<void> {
    const { account, mailbox, recorder } = ctx;
    let cursor = account.cursor as SyncCursor;
    let pageToken: string | null = null;
    for (;;) {
      this.checkpoint(ctx);
      const token: string | null = pageToken;
      const base: SyncCursor = cursor;
      const page: ChangePage = await this.step(ctx, () => mailbox.changesSince(base, token));
      const last = !page.pageToken;
      const outcome = await this.commit(
        ctx,
        { added: page.added, updated: page.updated, deleted: page.deleted },
        last ? { cursor: page.cursor } : {},
        {},
      );
      recorder.page(page.added.length, outcome);
      await this.afterPage(ctx, [...page.added.map((m) => m.providerId), ...page.deleted], page.failures);
      await recorder.save();
      if (last) {
        account.cursor = page.cursor;
        return;
      }
      pageToken = page.pageToken ?? null;
      cursor = page.cursor ?? cursor;
    }
  }

  /** Failed messages with attempts left are fetched again; the ones out of attempts are skipped for good. */
  private async retryFailures(ctx: RunContext): Promise<void> {
    const { account, mailbox, recorder } = ctx;
    const pending = await this.poison.pending(account.id, POISON_BATCH);
    if (!pending.length) return;
    this.checkpoint(ctx);
    const page = await this.step(ctx, () => mailbox.fetchMessages(pending));
    const outcome = await this.commit(ctx, { added: page.messages }, {}, {});
    recorder.stored(outcome.inserted);
    recorder.record.fetched += page.messages.length;
    await this.afterPage(ctx, page.messages.map((m) => m.providerId), page.failures);
  }

  /** Compares local counts per folder with the provider's and records any difference. */
  private async reconcile(ctx: RunContext): Promise<void> {
    const { account, mailbox, recorder } = ctx;
    this.checkpoint(ctx);
    const counts = await this.step(ctx, () => mailbox.folderCounts());
    await this.store.setFolderCounts(account.id, counts);
    const local = await this.store.localFolderCounts(account.id);
    const mismatches: FolderMismatch[] = [];
    for (const c of counts) {
      const mine = local.get(c.folderId) ?? { total: 0, unread: 0 };
      if (mine.total !== c.total || mine.unread !== c.unread) {
        mismatches.push({ folderId: c.folderId, provider: { total: c.total, unread: c.unread }, local: mine });
      }
    }
    recorder.mismatches(mismatches);
  }

  /** One page in one transaction, with the account's new position, behind the lease fence. */
  private async commit(
    ctx: RunContext,
    changes: PageChanges,
    position: Record<string, unknown>,
    progress: Record<string, unknown>,
  ): Promise<PageOutcome> {
    const { db } = this.options;
    const { account } = ctx;
    return this.store.applyPage(account.id, changes, async (transaction) => {
      await ctx.lease.assertHeld(account.id, transaction);
      const values = { ...position, ...progress };
      if (Object.keys(values).length) await updateAccount(db, account.id, values, transaction);
    });
  }

  private async afterPage(ctx: RunContext, arrivedIds: string[], failures: Failure[]): Promise<void> {
    const { account, recorder } = ctx;
    const failed = new Set(failures.map((f) => f.providerId));
    const arrived = arrivedIds.filter((id) => !failed.has(id));
    if (arrived.length) await this.poison.resolve(account.id, arrived);
    for (const verdict of await this.poison.record(account.id, failures)) {
      if (verdict.skippedNow) recorder.skipped({ providerId: verdict.providerId, reason: verdict.reason, attempts: verdict.attempts });
    }
  }

  /**
   * One provider step. Its requests were already retried by the account's
   * limiter (the one retry budget, see limits/account-limiter.ts); a failure
   * that reaches here ends the run, and the next run continues from the last
   * committed page.
   */
  private async step<T>(ctx: RunContext, fn: () => Promise<T>): Promise<T> {
    this.checkpoint(ctx);
    return fn();
  }

  private checkpoint(ctx: RunContext): void {
    if (ctx.signal.aborted) {
      const reason: unknown = ctx.signal.reason;
      throw reason instanceof LeaseLost ? reason : new RunAborted(reason);
    }
  }

  private async windowStart(account: AccountSyncView): Promise<Date> {
    if (account.syncFrom) return account.syncFrom;
    const { defaultSyncWindowDays } = await readSyncSettings(this.options.db);
    return new Date(this.options.now().getTime() - defaultSyncWindowDays * 86_400_000);
  }

  private async fail(account: AccountSyncView, recorder: RunRecorder, limiter: AccountLimiter, error: unknown, signal: AbortSignal): Promise<RunSummary> {
    const { db, now, logger } = this.options;
    const at = now();
    const abortReason: unknown = signal.aborted ? signal.reason : null;
    if (error instanceof LeaseLost || abortReason instanceof LeaseLost) {
      // Another runner owns the account now: its status is theirs to write.
      recorder.error('lease', error, false, at);
      const record = await recorder.finish('aborted', at);
      logger.warn('mail sync lost its lease', { accountId: account.id });
      return this.summary(record, null, null, 'The lease was lost to another runner.');
    }
    if (error instanceof RunAborted || signal.aborted) {
      recorder.error('abort', error, false, at);
      const message = 'Syncing was interrupted (the server is stopping or the run was cancelled). It continues where it stopped on the next run.';
      await this.settleAccount(account.id, { lastSyncAt: at }, { status: 'active', statusCode: 'INTERRUPTED', statusMessage: message }).catch(() => undefined);
      const record = await recorder.finish('aborted', at);
      return this.summaryWithStatus(record);
    }
    recorder.error('run', error, false, at);
    const verdict = failureStatus(error, account.provider, at, limiter.status().waitingUntil);
    await this.settleAccount(account.id, { lastSyncAt: at }, { ...verdict }).catch((e: unknown) =>
      logger.error('could not record the sync failure', { accountId: account.id, error: String(e) }),
    );
    const record = await recorder.finish('failed', at);
    logger.warn('mail sync failed', { accountId: account.id, code: verdict.statusCode, message: verdict.statusMessage });
    return this.summaryWithStatus(record);
  }

  /**
   * Writes the run's result. The status columns change only while the account
   * still says `syncing`: a user who paused it, or the token vault that already
   * marked it `reauth_required` during the run, keeps the last word.
   */
  private async settleAccount(accountId: AccountKey, always: Record<string, unknown>, status: Record<string, unknown>): Promise<void> {
    const Accounts = this.options.db.getModel('mailAccounts');
    await Accounts.update(always, { where: { id: accountId } });
    await Accounts.update(status, { where: { id: accountId, status: 'syncing' } });
  }

  private async summaryWithStatus(record: RunRecord): Promise<RunSummary> {
    const account = await readAccount(this.options.db, record.accountId).catch(() => null);
    return this.summary(record, account?.status ?? null, account?.statusMessage ?? null);
  }

  private summary(record: RunRecord, accountStatus: string | null, statusMessage: string | null, reason?: string): RunSummary {
    const { id, ...rest } = record;
    return { ...rest, runId: id, accountStatus, statusMessage, ...(reason ? { reason } : {}) };
  }

  private notRun(accountId: AccountKey, status: 'busy' | 'skipped', accountStatus: string | null, reason: string): RunSummary {
    const at = this.options.now();
    return {
      runId: null,
      accountId,
      kind: null,
      status,
      runner: this.options.runnerId,
      startedAt: at,
      finishedAt: at,
      ...emptyRunCounters(),
      accountStatus,
      statusMessage: null,
      reason,
    };
  }
}
