/**
 * Fetching messages: `format: raw` for the content (parsed by the shared MIME
 * parser) plus, only for messages with attachments, `format: full` for the Gmail
 * attachment ids. A message that cannot be parsed becomes a failure entry; one
 * that vanished is reported as missing; transport errors abort (the engine retries).
 */
import type { gmail_v1 } from '@googleapis/gmail';
import { ProviderError } from '../errors';
import type { NormalizedMessage } from '../types';
import { parseRawMessage, toNormalizedMessage, type ParsedAttachment, type ParsedMime } from '../../mime/parse';
import { findParsedAttachment, matchAttachmentIds } from './attachments';
import { mapBounded } from './concurrency';
import { folderIdsFromLabels, LABEL } from './labels';
import type { GmailSession } from './session';

const ME = 'me';
export const DEFAULT_FETCH_CONCURRENCY = 8;

export interface FetchResult {
  messages: NormalizedMessage[];
  failures: Array<{ providerId: string; reason: string }>;
  /** Ids Gmail no longer has (deleted since they were listed). */
  missing: string[];
}

type Outcome =
  | { kind: 'message'; message: NormalizedMessage }
  | { kind: 'failure'; providerId: string; reason: string }
  | { kind: 'missing'; providerId: string };

export class MessageFetcher {
  private readonly concurrency: number;

  constructor(
    private readonly session: GmailSession,
    concurrency?: number,
  ) {
    this.concurrency = Math.max(1, concurrency ?? DEFAULT_FETCH_CONCURRENCY);
  }

  /** Fetches and normalizes messages, keeping the order of `ids`. */
  async fetchMany(ids: readonly string[]): Promise<FetchResult> {
    const outcomes = await mapBounded(unique(ids), this.concurrency, (id) => this.fetchOne(id));
    const result: FetchResult = { messages: [], failures: [], missing: [] };
    for (const o of outcomes) {
      if (o.kind === 'message') result.messages.push(o.message);
      else if (o.kind === 'failure') result.failures.push({ providerId: o.providerId, reason: o.reason });
      else result.missing.push(o.providerId);
    }
    return result;
  }

  /** Current labels of messages (the cheap `minimal` format) for flag / folder updates. */
  async fetchLabels(ids: readonly string[]): Promise<{ found: gmail_v1.Schema$Message[]; missing: string[] }> {
    const outcomes = await mapBounded(unique(ids), this.concurrency, async (id) => {
      const message = await this.get(id, 'minimal');
      return { id, message };
    });
    return {
      found: outcomes.flatMap((o) => (o.message ? [o.message] : [])),
      missing: outcomes.filter((o) => !o.message).map((o) => o.id),
    };
  }

  /** Bytes of an attachment no Gmail part matched: re-read the raw message and take the parser's part. */
  async parsedAttachment(messageId: string, ref: string): Promise<Buffer> {
    const meta = await this.get(messageId, 'raw');
    if (!meta?.raw) throw new ProviderError('NOT_FOUND', 'The message is no longer in the mailbox.', { status: 404 });
    let attachments: readonly ParsedAttachment[];
    try {
      attachments = (await parseRawMessage(Buffer.from(meta.raw, 'base64url'))).attachments;
    } catch (e) {
      throw new ProviderError('PROVIDER_ERROR', e instanceof Error ? e.message : 'The message could not be parsed.');
    }
    const found = findParsedAttachment(attachments, ref);
    if (!found) throw new ProviderError('NOT_FOUND', 'The attachment is no longer in the message.', { status: 404 });
    return found.content;
  }

  private async fetchOne(id: string): Promise<Outcome> {
    const meta = await this.get(id, 'raw');
    if (!meta) return { kind: 'missing', providerId: id };
    if (!meta.raw) return { kind: 'failure', providerId: id, reason: 'Gmail returned the message without its raw content.' };

    let parsed: ParsedMime;
    try {
      parsed = await parseRawMessage(Buffer.from(meta.raw, 'base64url'));
    } catch (e) {
      return { kind: 'failure', providerId: id, reason: e instanceof Error ? e.message : 'The message could not be parsed.' };
    }

    let attachmentIds: string[] | undefined;
    if (parsed.attachments.length > 0) {
      const full = await this.get(id, 'full');
      if (!full) return { kind: 'missing', providerId: id };
      attachmentIds = matchAttachmentIds(parsed.attachments, full.payload);
    }

    const labelIds = meta.labelIds ?? [];
    const internal = Number(meta.internalDate);
    // The snippet comes from the parser (same rules for every provider), not Gmail's HTML-escaped one.
    const message = toNormalizedMessage(parsed, {
      providerId: id,
      threadId: meta.threadId ?? id,
      folderIds: folderIdsFromLabels(labelIds),
      read: !labelIds.includes(LABEL.UNREAD),
      starred: labelIds.includes(LABEL.STARRED),
      draft: labelIds.includes(LABEL.DRAFT),
      // Gmail orders and filters by internalDate (arrival); it is also what Gmail shows.
      date: Number.isFinite(internal) && internal > 0 ? new Date(internal) : null,
      size: meta.sizeEstimate ?? undefined,
      attachmentIds,
    });
    return { kind: 'message', message };
  }

  /** messages.get; null when the message no longer exists. */
  private async get(id: string, format: 'raw' | 'full' | 'minimal'): Promise<gmail_v1.Schema$Message | null> {
    try {
      return await this.session.call('messages.get', (o) => this.session.api.users.messages.get({ userId: ME, id, format }, o));
    } catch (e) {
      if (e instanceof ProviderError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids.filter(Boolean))];
}
