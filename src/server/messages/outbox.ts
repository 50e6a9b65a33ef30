/**
 * The outbox rows behind `mailMessages:send`: one per compose-form submission
 * (account + clientRequestId). A submission is claimed before anything goes to
 * the provider, atomically (the unique key for a new row, a compare-and-set on
 * `attempts` for a failed one), so two requests carrying the same id never both
 * send. What the writer wrote stays in the row until it is sent.
 */
import type { Database } from '@nocobase/database';
import { asDate } from '../sync/values';
import type { Raw } from './visibility';

/**
 * queued (recorded, not yet handed over) | sending (at the provider) | sent |
 * failed (the provider certainly did not send it) | uncertain (the answer was
 * lost after the provider got it: "may have been sent"; the next attempt looks
 * in Sent before sending).
 */
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'uncertain';

/**
 * A submission still queued or sending after this long was cut short (the
 * process stopped mid-send). It may be taken over by a new attempt: that it
 * was not sent is likely, but not certain.
 */
export const STALE_AFTER_MS = 15 * 60 * 1000;

export interface OutboxEntry {
  id: string;
  accountId: string;
  clientRequestId: string;
  status: OutboxStatus;
  attempts: number;
  lastAttemptAt: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  providerMessageId: string | null;
  providerThreadId: string | null;
  /** Our Message-ID for this submission, the same on every attempt. */
  internetMessageId: string | null;
  messageRowId: string | null;
  threadRowId: string | null;
}

export interface OutboxSubmission {
  accountId: string;
  userId: string;
  clientRequestId: string;
  mode: string;
  originalRowId: string | null;
  subject: string;
  /** The request without the files' bytes. */
  request: Record<string, unknown>;
  /** The uploaded files (JSON, base64) until sent. */
  uploads: string | null;
  /** Message-ID for a new row; a row taken over keeps the one it has. */
  internetMessageId: string;
}

export type ClaimOutcome =
  /** `previous`: what the row said before this attempt took it (null for a new row). */
  | { kind: 'claimed'; entry: OutboxEntry; previous: OutboxStatus | null }
  | { kind: 'sent'; entry: OutboxEntry }
  | { kind: 'busy'; entry: OutboxEntry };

export interface SentFacts {
  providerMessageId: string;
  providerThreadId: string;
  internetMessageId: string | null;
}

const idOrNull = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

function entryOf(row: Raw): OutboxEntry {
  return {
    id: String(row.id),
    accountId: String(row.accountId),
    clientRequestId: String(row.clientRequestId),
    status: String(row.status) as OutboxStatus,
    attempts: Number(row.attempts ?? 0),
    lastAttemptAt: asDate(row.lastAttemptAt),
    errorCode: idOrNull(row.errorCode),
    errorMessage: idOrNull(row.errorMessage),
    providerMessageId: idOrNull(row.providerMessageId),
    providerThreadId: idOrNull(row.providerThreadId),
    internetMessageId: idOrNull(row.internetMessageId),
    messageRowId: idOrNull(row.messageRowId),
    threadRowId: idOrNull(row.threadRowId),
  };
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { name?: unknown } | null)?.name === 'SequelizeUniqueConstraintError';
}

const ENTRY_ATTRIBUTES = [
  'id',
  'accountId',
  'clientRequestId',
  'status',
  'attempts',
  'lastAttemptAt',
  'errorCode',
  'errorMessage',
  'providerMessageId',
  'providerThreadId',
  'internetMessageId',
  'messageRowId',
  'threadRowId',
];

export class Outbox {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private model() {
    return this.db.getModel('mailOutbox');
  }

  async find(accountId: string, clientRequestId: string): Promise<OutboxEntry | null> {
    const row = (await this.model().findOne({ where: { accountId, clientRequestId }, attributes: ENTRY_ATTRIBUTES, raw: true })) as unknown as Raw | null;
    return row ? entryOf(row) : null;
  }

  /** In progress and not abandoned: another request is handling this submission. */
  isBusy(entry: OutboxEntry): boolean {
    if (entry.status !== 'queued' && entry.status !== 'sending') return false;
    const since = entry.lastAttemptAt?.getTime() ?? 0;
    return this.now() - since < STALE_AFTER_MS;
  }

  /**
   * Records the submission and makes this request the one that sends it: a new
   * row, or a failed (or abandoned) one taken over with the latest content.
   * A sent submission or one being sent is returned as it is.
   */
  async claim(submission: OutboxSubmission): Promise<ClaimOutcome> {
    const values = {
      userId: submission.userId,
      mode: submission.mode,
      originalRowId: submission.originalRowId,
      subject: submission.subject.slice(0, 1000),
      request: submission.request,
      uploads: submission.uploads,
      status: 'queued',
      errorCode: null,
      errorMessage: null,
      lastAttemptAt: new Date(this.now()),
    };
    for (let round = 0; round < 3; round++) {
      const existing = await this.find(submission.accountId, submission.clientRequestId);
      if (!existing) {
        try {
          await this.model().create({
            ...values,
            accountId: submission.accountId,
            clientRequestId: submission.clientRequestId,
            internetMessageId: submission.internetMessageId,
            attempts: 1,
          });
        } catch (e) {
          // The same submission arrived twice at once: the other request recorded it first.
          if (isUniqueViolation(e)) continue;
          throw e;
        }
        const created = await this.find(submission.accountId, submission.clientRequestId);
        if (!created) throw new Error('The outbox row just recorded is missing.');
        return { kind: 'claimed', entry: created, previous: null };
      }
      if (existing.status === 'sent') return { kind: 'sent', entry: existing };
      if (this.isBusy(existing)) return { kind: 'busy', entry: existing };
      // The Message-ID stays what the first attempt used: it is how a later attempt finds that one in Sent.
      const internetMessageId = existing.internetMessageId ?? submission.internetMessageId;
      const [changed] = await this.model().update(
        { ...values, internetMessageId, attempts: existing.attempts + 1 },
        { where: { id: existing.id, status: existing.status, attempts: existing.attempts } },
      );
      if (changed === 1) {
        const entry: OutboxEntry = {
          ...existing,
          status: 'queued',
          internetMessageId,
          attempts: existing.attempts + 1,
          lastAttemptAt: values.lastAttemptAt,
          errorCode: null,
          errorMessage: null,
        };
        return { kind: 'claimed', entry, previous: existing.status };
      }
      // Another request took it over between our read and our write: look again.
    }
    const last = await this.find(submission.accountId, submission.clientRequestId);
    if (!last) throw new Error('The outbox row could not be recorded.');
    return last.status === 'sent' ? { kind: 'sent', entry: last } : { kind: 'busy', entry: last };
  }

  /** Handed to the provider now. */
  async markSending(id: string): Promise<void> {
    await this.model().update({ status: 'sending', lastAttemptAt: new Date(this.now()) }, { where: { id } });
  }

  /** Sent: the files the writer uploaded are no longer kept. */
  async markSent(id: string, sent: SentFacts): Promise<void> {
    await this.model().update(
      {
        status: 'sent',
        sentAt: new Date(this.now()),
        uploads: null,
        errorCode: null,
        errorMessage: null,
        providerMessageId: sent.providerMessageId,
        providerThreadId: sent.providerThreadId,
        internetMessageId: sent.internetMessageId,
      },
      { where: { id } },
    );
  }

  /** Where the sent copy is stored locally (once it is). */
  async markStored(id: string, rows: { messageRowId: string; threadRowId: string | null }): Promise<void> {
    await this.model().update({ messageRowId: rows.messageRowId, threadRowId: rows.threadRowId }, { where: { id } });
  }

  /** The provider may have sent it: said so to the writer, and looked for in Sent before the next attempt sends. */
  async markUncertain(id: string, code: string, message: string): Promise<void> {
    await this.model().update({ status: 'uncertain', errorCode: code.slice(0, 255), errorMessage: message }, { where: { id } });
  }

  async markFailed(id: string, code: string, message: string): Promise<void> {
    await this.model().update({ status: 'failed', errorCode: code.slice(0, 255), errorMessage: message }, { where: { id } });
  }
}
