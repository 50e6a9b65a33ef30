/**
 * Writing and sending mail for the mailbox owner.
 *
 * `draft`: what the compose form starts with (ComposeDraft).
 * `send`: checks the request (400 / 413 before anything is recorded), records it
 * in the outbox (one row per clientRequestId: a double submit sends once), hands
 * it to the provider through the account's limiter, then stores the sent copy at
 * once with the sync store (it shows in Sent and in its conversation, and the
 * next incremental sync finds it already there).
 *
 * A failure after recording leaves the row `failed` with the message the
 * writer saw, and everything they wrote; the same clientRequestId tries again.
 * A send whose answer was lost (the provider may have sent it) leaves the row
 * `uncertain` ("may have been sent"). Every submission carries one Message-ID
 * of ours on all its attempts, and every attempt after the first looks for it
 * in Sent before sending: found, the row is marked sent and the copy stored.
 */
import type { Database } from '@nocobase/database';
import type { MailAccess, Viewer } from '../accounts/access';
import type { AccountService } from '../accounts/account-service';
import { UserFacingError } from '../http/errors';
import { isProviderError, isSendOutcomeUnknown } from '../providers/errors';
import type { NormalizedMessage, OutgoingAttachment, OutgoingMessage, SentMessage } from '../providers/types';
import { generateMessageId } from '../mime/build';
import { providerLabel } from '../sync/failure-status';
import { MailStore } from '../sync/store';
import { MAX_SIMPLE_ATTACHMENT_BYTES } from '../providers/microsoft/outgoing';
import type { ComposeDraft, ComposeMode, SendResult, WireAddress } from '../../shared/wire-types';
import type { AttachmentDelivery } from './attachment-delivery';
import { composeDraft, fromChoices, linkQuoteImages, originalFromRow, quoteFor, resolveFrom, type DraftAttachment, type OriginalMessage } from './compose-draft';
import { Outbox, type OutboxEntry, type OutboxStatus } from './outbox';
import { assembleBody, assembleOutgoing, bareContentId, imagesOfQuote, withAnswerHeaders } from './outgoing-assembly';
import { blockedNow, ownAccount, providerFailure, userSchedule, type OwnedAccount } from './provider-calls';
import { checkAttachmentTotal, checkProviderFileSizes, COMPOSE_MODES, encodeUploads, parseSendRequest, type SendInput } from './send-request';
import { isRowId, MailVisibility, MESSAGE_NOT_FOUND, type Raw } from './visibility';
import { applyFolderCountDeltas, type FolderCountDeltas } from './folder-counts';
import { findRaw } from './raw-rows';

export interface MailSenderDeps {
  db: Database;
  accounts: () => AccountService;
  access: () => MailAccess;
  /** The administrator's attachment size limit (mailGeneralSettings.attachmentSizeLimitMb). */
  attachmentLimitMb: () => Promise<number>;
  /** Fetches the original's files for a forward (cache first, then the provider). */
  delivery: AttachmentDelivery;
  /** Queues a sync of the account soon (when the sent copy could not be stored at once). */
  requestSync?: (accountId: string) => void;
  now?: () => number;
}

const MB = 1024 * 1024;

export const ACCOUNT_NOT_FOUND = () => new UserFacingError(404, 'ACCOUNT_NOT_FOUND', 'This mail account does not exist or was deleted.');

const SUPERVISOR_CANNOT_SEND = 'Mail supervisors can read this mailbox but not send from it. Only its owner can write mail from it.';

/** What the writer is told when the provider may have sent the message (the client words it per locale by the code). */
export const MAY_HAVE_BEEN_SENT = 'MAY_HAVE_BEEN_SENT';

function mayHaveBeenSent(provider: string): UserFacingError {
  return new UserFacingError(
    502,
    MAY_HAVE_BEEN_SENT,
    `${providerLabel(provider)} did not confirm this message, so it may have been sent. Look in Sent before writing it again; sending it again from here first looks in Sent and does not send it twice.`,
  );
}

const ALREADY_SENDING = () =>
  new UserFacingError(409, 'ALREADY_SENDING', 'This message is already being sent. Wait a moment, then look in Sent before sending it again.');

/** Attachment row facts a forward needs (never the cache path's bytes). */
const ATTACHMENT_ATTRIBUTES = ['id', 'accountId', 'messageRowId', 'providerAttachmentId', 'filename', 'contentType', 'size', 'contentId', 'inline', 'cachePath'];

interface AttachmentRow extends DraftAttachment {
  raw: Raw;
}

function attachmentRowOf(raw: Raw): AttachmentRow {
  return {
    id: String(raw.id),
    filename: String(raw.filename ?? 'attachment'),
    contentType: String(raw.contentType ?? 'application/octet-stream'),
    size: Number(raw.size ?? 0),
    contentId: raw.contentId ? String(raw.contentId) : null,
    raw,
  };
}

/** Everything a send needs, worked out before the outbox row is claimed. */
interface PreparedSend {
  input: SendInput;
  account: OwnedAccount;
  from: WireAddress;
  original: OriginalMessage | null;
  quote: { text: string; html: string } | null;
  forwards: AttachmentRow[];
  quoteImages: AttachmentRow[];
}

export class MailSender {
  private readonly visibility: MailVisibility;
  private readonly outbox: Outbox;
  private readonly store: MailStore;
  private readonly now: () => number;

  constructor(private readonly deps: MailSenderDeps) {
    this.visibility = new MailVisibility(deps.db, deps.access);
    this.now = deps.now ?? (() => Date.now());
    this.outbox = new Outbox(deps.db, this.now);
    this.store = new MailStore(deps.db);
  }

  /** `mailMessages:compose`: `accountId` + mode `new`, or a message id + `reply` / `replyAll` / `forward`. */
  async draft(
    viewer: Viewer,
    params: { accountId?: unknown; messageId?: unknown; mode?: unknown; allowRemoteImages?: boolean },
    /** A link serving an attachment inline, so the quote's images show in the form. */
    inlineImageUrl?: (attachmentId: string) => string,
  ): Promise<ComposeDraft> {
    const mode = params.mode ?? (params.messageId === undefined || params.messageId === null || params.messageId === '' ? 'new' : undefined);
    if (typeof mode !== 'string' || !(COMPOSE_MODES as readonly string[]).includes(mode)) {
      throw new UserFacingError(400, 'INVALID_MODE', `Unknown compose mode. Send one of: ${COMPOSE_MODES.join(', ')}.`, 'mode');
    }
    const composeMode = mode as ComposeMode;
    if (composeMode === 'new') {
      if (params.accountId === undefined || params.accountId === null || params.accountId === '') {
        throw new UserFacingError(400, 'ACCOUNT_REQUIRED', 'Choose the mail account to write from (accountId).', 'accountId');
      }
      const account = await this.ownAccount(viewer, params.accountId, ACCOUNT_NOT_FOUND);
      return composeDraft({ accountId: account.id, mode: composeMode, identity: account, original: null });
    }
    const messageId = typeof params.messageId === 'number' ? String(params.messageId) : params.messageId;
    if (messageId === undefined || messageId === null || messageId === '') {
      throw new UserFacingError(400, 'ORIGINAL_REQUIRED', 'Say which message to answer or forward (filterByTk).', 'filterByTk');
    }
    const row = isRowId(messageId) ? await findRaw(this.deps.db, 'mailMessages', { id: messageId }) : null;
    if (!row) throw MESSAGE_NOT_FOUND();
    const account = await this.ownAccount(viewer, row.accountId, MESSAGE_NOT_FOUND);
    const original = originalFromRow(row);
    const attachments = await this.attachmentsOf(original.id);
    const draft = composeDraft({ accountId: account.id, mode: composeMode, identity: account, original, attachments, allowRemoteImages: params.allowRemoteImages });
    return inlineImageUrl ? { ...draft, quotedHtml: linkQuoteImages(draft.quotedHtml, attachments, inlineImageUrl) } : draft;
  }

  /** `mailMessages:send`. */
  async send(viewer: Viewer, body: unknown): Promise<SendResult> {
    const input = parseSendRequest(body);
    const account = await this.ownAccount(viewer, input.accountId, ACCOUNT_NOT_FOUND);

    // A repeat of a submission already handled is answered before anything else is checked again.
    const previous = await this.outbox.find(account.id, input.clientRequestId);
    if (previous?.status === 'sent') return this.resultOf(previous);
    if (previous && this.outbox.isBusy(previous)) throw ALREADY_SENDING();

    const prepared = await this.prepare(input, account);
    const claim = await this.outbox.claim({
      accountId: account.id,
      userId: String(viewer.userId),
      clientRequestId: input.clientRequestId,
      mode: input.mode,
      originalRowId: prepared.original?.id ?? null,
      subject: input.subject,
      request: storedRequest(input),
      uploads: input.uploads.length ? encodeUploads(input.uploads) : null,
      internetMessageId: generateMessageId(domainOf(prepared.from.address)),
    });
    if (claim.kind === 'sent') return this.resultOf(claim.entry);
    if (claim.kind === 'busy') throw ALREADY_SENDING();
    return this.deliver(prepared, claim.entry, claim.previous);
  }

  private ownAccount(viewer: Viewer, accountId: unknown, notFound: () => UserFacingError): Promise<OwnedAccount> {
    return ownAccount(this.deps.db, this.visibility, viewer, accountId, notFound, SUPERVISOR_CANNOT_SEND);
  }

  /** The checks that need the database: who sends as whom, what is answered, which files, how big. */
  private async prepare(input: SendInput, account: OwnedAccount): Promise<PreparedSend> {
    const from = resolveFrom(input.from, fromChoices(account));
    let original: OriginalMessage | null = null;
    let originalFiles: AttachmentRow[] = [];
    if (input.mode !== 'new') {
      const row = input.originalId ? await findRaw(this.deps.db, 'mailMessages', { id: input.originalId, accountId: account.id }) : null;
      if (!row) {
        throw new UserFacingError(400, 'ORIGINAL_NOT_FOUND', `The message you are answering is not in ${account.address} any more. Copy your text and start a new message.`, 'originalId');
      }
      original = originalFromRow(row);
      originalFiles = await this.attachmentsOf(original.id);
    }

    const forwards = input.forwardAttachmentIds.map((id) => originalFiles.find((f) => f.id === id));
    if (forwards.some((f) => !f)) {
      throw new UserFacingError(400, 'ATTACHMENT_NOT_FOUND', 'A file to forward is not in the original message any more. Remove it and send again.', 'forwardAttachmentIds');
    }
    const forwarded = forwards as AttachmentRow[];

    const quote = input.includeQuote ? quoteFor(input.mode, original) : null;
    const files = [...input.uploads.map((u) => ({ filename: u.filename, size: u.content.length })), ...forwarded];
    const limitMb = await this.deps.attachmentLimitMb();
    checkAttachmentTotal(files, limitMb);
    checkProviderFileSizes(account.provider, files);

    // Images the quote shows go along while they fit in what the limit leaves; a quote without them still reads.
    const forwardedIds = new Set(forwarded.map((f) => f.id));
    let room = limitMb * MB - files.reduce((sum, f) => sum + f.size, 0);
    const quoteImages: AttachmentRow[] = [];
    for (const image of imagesOfQuote(originalFiles, quote?.html ?? '')) {
      if (forwardedIds.has(image.id) || image.size > room) continue;
      if (account.provider === 'microsoft' && image.size > MAX_SIMPLE_ATTACHMENT_BYTES) continue;
      room -= image.size;
      quoteImages.push(image);
    }
    return { input, account, from, original, quote, forwards: forwarded, quoteImages };
  }

  /**
   * Provider first; the row says what happened, whatever happens. An attempt
   * after the first looks in Sent before sending, so a message whose answer was
   * lost (or whose process died mid-send) is found there instead of sent again.
   */
  private async deliver(prepared: PreparedSend, entry: OutboxEntry, previous: OutboxStatus | null): Promise<SendResult> {
    const { account, input } = prepared;
    const limiter = this.deps.accounts().limiterFor(account.id, account.provider);
    const wording = {
      outcome: ' The message was not sent.',
      refused: 'refused the message',
      notFound: (label: string) =>
        new UserFacingError(
          409,
          'ORIGINAL_GONE',
          `The message you are answering is no longer in ${label}. The message was not sent; the mailbox is being synced, so start a new message if you still want to send it.`,
        ),
    };
    const messageId = entry.internetMessageId ?? undefined;
    let sent: SentMessage | null = null;
    let outgoing: OutgoingMessage;
    let mailbox: Awaited<ReturnType<AccountService['mailboxFor']>>;
    let handedOver = false;
    try {
      const blocked = blockedNow(account, limiter, this.now());
      if (blocked) throw blocked;
      const attachments = await this.attachments(prepared);
      outgoing = assembleOutgoing({
        mode: input.mode,
        from: prepared.from,
        to: input.to,
        cc: input.cc,
        bcc: input.bcc,
        subject: input.subject,
        body: assembleBody(input.html, prepared.quote),
        attachments,
        original: prepared.original,
      });
      if (messageId) outgoing.messageId = messageId;
      if (entry.attempts > 1) outgoing.earlierAttempt = true;
      mailbox = await this.deps.accounts().mailboxFor(account.id, { schedule: userSchedule(limiter) });
      await this.outbox.markSending(entry.id);
      if (entry.attempts > 1 && messageId) sent = await mailbox.findSent(messageId);
      if (!sent) {
        handedOver = true;
        sent = await mailbox.send(outgoing);
      }
    } catch (error) {
      if (isProviderError(error) && error.code === 'NOT_FOUND') this.deps.requestSync?.(account.id);
      // Unknown outcome: this send may have gone out; or an earlier one (unanswered, or cut short
      // mid-send by a stopped process) may have, and this attempt never got to look.
      const earlierMayHaveSent = previous === 'uncertain' || previous === 'sending';
      if (isSendOutcomeUnknown(error) || (!handedOver && earlierMayHaveSent)) {
        const answer = mayHaveBeenSent(account.provider);
        await this.outbox.markUncertain(entry.id, answer.code, answer.message);
        throw answer;
      }
      const answer = providerFailure(error, account, limiter, this.now(), wording);
      const failure = answer instanceof UserFacingError ? answer : null;
      await this.outbox.markFailed(entry.id, failure?.code ?? 'SEND_FAILED', failure?.message ?? `Sending failed: ${(error as Error)?.message ?? String(error)}`);
      throw answer;
    }

    // Sent: recorded before anything else can fail, so no retry ever sends it twice.
    await this.outbox.markSent(entry.id, { providerMessageId: sent.providerId, providerThreadId: sent.threadId, internetMessageId: sent.internetMessageId ?? messageId ?? null });
    const stored = await this.storeSentCopy(account.id, mailbox, sent, outgoing);
    if (stored) await this.outbox.markStored(entry.id, stored);
    else this.deps.requestSync?.(account.id);
    return { outboxId: entry.id, status: 'sent', messageId: stored?.messageRowId ?? null, threadId: stored?.threadRowId ?? null };
  }

  /** The uploads, the forwarded files and the quote's images, as bytes. */
  private async attachments(prepared: PreparedSend): Promise<OutgoingAttachment[]> {
    const out: OutgoingAttachment[] = prepared.input.uploads.map((u) => ({ filename: u.filename, contentType: u.contentType, content: u.content }));
    for (const file of prepared.forwards) {
      out.push({ filename: file.filename, contentType: file.contentType, content: await this.fileContent(file) });
    }
    for (const image of prepared.quoteImages) {
      const contentId = bareContentId(image.contentId);
      if (!contentId) continue;
      out.push({ filename: image.filename, contentType: image.contentType, content: await this.fileContent(image), contentId: String(image.contentId).replace(/^<|>$/g, ''), inline: true });
    }
    return out;
  }

  private async fileContent(file: AttachmentRow): Promise<Buffer> {
    try {
      return await this.deps.delivery.content(file.raw);
    } catch (e) {
      if (e instanceof UserFacingError) {
        throw new UserFacingError(e.status, e.code, `"${file.filename}" could not be taken from the original message, so nothing was sent. ${e.message}`);
      }
      throw e;
    }
  }

  /**
   * The sent copy, fetched from the provider and written by the sync store, so
   * it is in Sent and in its conversation now. Best effort: the message is sent
   * either way, and the next sync stores it if this cannot.
   */
  private async storeSentCopy(
    accountId: string,
    mailbox: Awaited<ReturnType<AccountService['mailboxFor']>>,
    sent: SentMessage,
    outgoing: OutgoingMessage,
  ): Promise<{ messageRowId: string; threadRowId: string | null } | null> {
    try {
      const page = await mailbox.fetchMessages([sent.providerId]);
      const fetched = page.messages.find((m) => m.providerId === sent.providerId);
      if (fetched) {
        const copy = withAnswerHeaders(fetched, outgoing);
        const known = await findRaw(this.deps.db, 'mailMessages', { accountId, providerId: copy.providerId }, ['id']);
        await this.store.applyPage(accountId, { added: [copy] }, known ? undefined : (t) => applyFolderCountDeltas(this.deps.db, accountId, countsOfNew(copy), t));
      }
    } catch {
      // A sync running at the same moment may have stored it first; it is looked up below.
    }
    const row = await findRaw(this.deps.db, 'mailMessages', { accountId, providerId: sent.providerId }, ['id', 'threadRowId']);
    return row ? { messageRowId: String(row.id), threadRowId: row.threadRowId === null || row.threadRowId === undefined ? null : String(row.threadRowId) } : null;
  }

  private async resultOf(entry: OutboxEntry): Promise<SendResult> {
    if (!entry.messageRowId && entry.providerMessageId) {
      const row = await findRaw(this.deps.db, 'mailMessages', { accountId: entry.accountId, providerId: entry.providerMessageId }, ['id', 'threadRowId']);
      if (row) {
        const stored = { messageRowId: String(row.id), threadRowId: row.threadRowId === null || row.threadRowId === undefined ? null : String(row.threadRowId) };
        await this.outbox.markStored(entry.id, stored);
        return { outboxId: entry.id, status: 'sent', messageId: stored.messageRowId, threadId: stored.threadRowId };
      }
    }
    return { outboxId: entry.id, status: 'sent', messageId: entry.messageRowId, threadId: entry.threadRowId };
  }

  private async attachmentsOf(messageRowId: string): Promise<AttachmentRow[]> {
    const rows = (await this.deps.db.getModel('mailAttachments').findAll({
      where: { messageRowId },
      attributes: ATTACHMENT_ATTRIBUTES,
      order: [['id', 'ASC']],
      raw: true,
    })) as unknown as Raw[];
    return rows.map(attachmentRowOf);
  }

}

/** What the outbox keeps of a request: everything but the files' bytes (kept apart until sent). */
function storedRequest(input: SendInput): Record<string, unknown> {
  return {
    accountId: input.accountId,
    mode: input.mode,
    originalId: input.originalId,
    from: input.from,
    to: input.to,
    cc: input.cc,
    bcc: input.bcc,
    subject: input.subject,
    html: input.html,
    includeQuote: input.includeQuote,
    forwardAttachmentIds: input.forwardAttachmentIds,
    attachments: input.uploads.map((u) => ({ filename: u.filename, contentType: u.contentType, size: u.content.length })),
    clientRequestId: input.clientRequestId,
  };
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1) || 'localhost';
}

/** A newly stored message counts once in each of its folders, and as unread there when it is. */
function countsOfNew(message: NormalizedMessage): FolderCountDeltas {
  return new Map(message.folderIds.map((id) => [id, { total: 1, unread: message.read ? 0 : 1 }]));
}
