/**
 * The audit row of one run (mailSyncRuns): created when the run starts, kept
 * up to date page by page so a crashed run still shows how far it got, and
 * closed with the outcome. Silent loss is impossible to hide: every skipped
 * message and every error, even one that was retried away, is listed.
 */
import type { Database } from '@nocobase/database';
import type { PageOutcome } from './store';
import type { AccountKey } from './rows';

export type RunKind = 'initial' | 'incremental' | 'resync';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'aborted';

export interface RunError {
  at: string;
  stage: string;
  code: string;
  message: string;
  /** True when a retry got past it and the run went on. */
  recovered: boolean;
}

export interface SkippedReason {
  providerId: string;
  reason: string;
  attempts: number;
}

export interface FolderMismatch {
  folderId: string;
  provider: { total: number; unread: number };
  local: { total: number; unread: number };
}

export interface RunCounters {
  pages: number;
  fetched: number;
  stored: number;
  updated: number;
  deleted: number;
  skipped: number;
}

export interface RunRecord extends RunCounters {
  id: AccountKey | null;
  accountId: AccountKey;
  kind: RunKind;
  status: RunStatus;
  runner: string;
  startedAt: Date;
  finishedAt: Date | null;
  skippedReasons: SkippedReason[];
  errors: RunError[];
  mismatches: FolderMismatch[];
}

const MAX_LISTED = 500;

/** Counters of a run that has done nothing yet. */
export function emptyRunCounters(): Pick<RunRecord, 'pages' | 'fetched' | 'stored' | 'updated' | 'deleted' | 'skipped' | 'skippedReasons' | 'errors' | 'mismatches'> {
  return { pages: 0, fetched: 0, stored: 0, updated: 0, deleted: 0, skipped: 0, skippedReasons: [], errors: [], mismatches: [] };
}

export class RunRecorder {
  readonly record: RunRecord;

  private constructor(
    private readonly db: Database,
    record: RunRecord,
  ) {
    this.record = record;
  }

  static async start(db: Database, init: { accountId: AccountKey; kind: RunKind; runner: string; now: Date }): Promise<RunRecorder> {
    const record: RunRecord = {
      id: null,
      accountId: init.accountId,
      kind: init.kind,
      status: 'running',
      runner: init.runner,
      startedAt: init.now,
      finishedAt: null,
      ...emptyRunCounters(),
    };
    const row = await db.getModel('mailSyncRuns').create({
      accountId: init.accountId,
      kind: init.kind,
      status: 'running',
      runner: init.runner,
      startedAt: init.now,
    });
    record.id = row.get('id') as AccountKey;
    return new RunRecorder(db, record);
  }

  set kind(kind: RunKind) {
    this.record.kind = kind;
  }

  page(fetched: number, outcome: PageOutcome): void {
    this.record.pages += 1;
    this.record.fetched += fetched;
    this.record.stored += outcome.inserted;
    this.record.updated += outcome.updated;
    this.record.deleted += outcome.deleted;
  }

  deleted(count: number): void {
    this.record.deleted += count;
  }

  stored(count: number): void {
    this.record.stored += count;
  }

  skipped(reason: SkippedReason): void {
    this.record.skipped += 1;
    if (this.record.skippedReasons.length < MAX_LISTED) this.record.skippedReasons.push(reason);
  }

  error(stage: string, error: unknown, recovered: boolean, now: Date): void {
    if (this.record.errors.length >= MAX_LISTED) return;
    const code = typeof (error as { code?: unknown })?.code === 'string' ? String((error as { code: string }).code) : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    this.record.errors.push({ at: now.toISOString(), stage, code, message, recovered });
  }

  mismatches(list: FolderMismatch[]): void {
    this.record.mismatches = list;
  }

  /** Writes the counters so far (best effort: the audit must never fail a run). */
  async save(): Promise<void> {
    await this.write().catch(() => undefined);
  }

  async finish(status: Exclude<RunStatus, 'running'>, now: Date): Promise<RunRecord> {
    this.record.status = status;
    this.record.finishedAt = now;
    await this.write().catch(() => undefined);
    return this.record;
  }

  private async write(): Promise<void> {
    const r = this.record;
    if (r.id === null) return;
    await this.db.getModel('mailSyncRuns').update(
      {
        kind: r.kind,
        status: r.status,
        finishedAt: r.finishedAt,
        pages: r.pages,
        fetched: r.fetched,
        stored: r.stored,
        updated: r.updated,
        deleted: r.deleted,
        skipped: r.skipped,
        skippedReasons: r.skippedReasons,
        errors: r.errors,
        mismatches: r.mismatches,
      },
      { where: { id: r.id } },
    );
  }
}
