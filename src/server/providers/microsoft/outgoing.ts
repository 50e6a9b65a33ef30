/**
 * Sending through Graph as a draft that is then sent:
 * - new: POST /me/messages (recipients, body, attachments) → draft;
 * - reply / reply all / forward: createReply / createReplyAll / createForward on the
 *   original, so Exchange sets In-Reply-To / References and keeps the conversation,
 *   then PATCH our recipients, subject and body onto the draft (a forward's copied
 *   files are replaced by ours: `attachments` is what the message carries);
 * then attachments and POST …/send.
 * `/me/sendMail` would be one call for new mail but returns nothing; the draft route
 * gives the id up front, and with immutable ids the copy in Sent Items keeps it.
 */
import { ProviderError, SendOutcomeUnknown } from '../errors';
import type { MailAddress, OutgoingAttachment, OutgoingMessage, SentMessage } from '../types';
import type { GraphApi } from './graph-client';
import { normalizeMessageId } from '../../mime/message-id';

/** Graph's limit for an attachment posted in one JSON request (larger ones need an upload session). */
export const MAX_SIMPLE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

interface DraftResponse {
  id: string;
  conversationId?: string | null;
  internetMessageId?: string | null;
}

const recipients = (list: MailAddress[] | undefined) =>
  (list ?? []).map((a) => ({ emailAddress: a.name ? { name: a.name, address: a.address } : { address: a.address } }));

function attachmentJson(attachment: OutgoingAttachment): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: attachment.filename,
    contentType: attachment.contentType,
    contentBytes: attachment.content.toString('base64'),
    isInline: attachment.inline === true,
    ...(attachment.contentId ? { contentId: attachment.contentId.replace(/^<|>$/g, '') } : {}),
  };
}

function assertAttachmentSizes(outgoing: OutgoingMessage): void {
  const tooBig = (outgoing.attachments ?? []).find((a) => a.content.length > MAX_SIMPLE_ATTACHMENT_BYTES);
  if (tooBig) {
    throw new ProviderError(
      'PROVIDER_ERROR',
      `"${tooBig.filename}" is larger than 3 MB; Outlook attachments of that size are not supported by this version of the email manager.`,
    );
  }
}

/** The fields we set on every draft, whatever created it. */
function draftFields(outgoing: OutgoingMessage, mailboxAddress: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    subject: outgoing.subject,
    body: outgoing.html != null ? { contentType: 'HTML', content: outgoing.html } : { contentType: 'Text', content: outgoing.text ?? '' },
    toRecipients: recipients(outgoing.to),
    ccRecipients: recipients(outgoing.cc),
    bccRecipients: recipients(outgoing.bcc),
  };
  // Our Message-ID (settable while the message is a draft), so a later attempt can find this send in Sent Items.
  if (outgoing.messageId) fields.internetMessageId = outgoing.messageId;
  // Sending as an alias / shared address needs "Send as" rights in Exchange; the mailbox itself needs nothing.
  if (outgoing.from?.address && outgoing.from.address.toLowerCase() !== mailboxAddress.toLowerCase()) {
    fields.from = recipients([outgoing.from])[0];
  }
  return fields;
}

const ACTION = { reply: 'createReply', replyAll: 'createReplyAll', forward: 'createForward' } as const;

/**
 * createForward copies every file of the original into the draft. The message
 * carries exactly `outgoing.attachments` (the writer may have removed some, and
 * the caller passes the ones kept), so the copies go first; last to first, as
 * some servers number attachments by position.
 */
async function dropCopiedAttachments(api: GraphApi, draftId: string): Promise<void> {
  const copied = await api.get<{ value?: Array<{ id: string }> }>(`/me/messages/${encodeURIComponent(draftId)}/attachments?$select=id`);
  for (const attachment of [...(copied.value ?? [])].reverse()) {
    await api.delete(`/me/messages/${encodeURIComponent(draftId)}/attachments/${encodeURIComponent(attachment.id)}`);
  }
}

/** The draft the message is built in: a new one, or Exchange's reply / forward of the original. */
async function startDraft(api: GraphApi, outgoing: OutgoingMessage, mailboxAddress: string): Promise<DraftResponse> {
  if (outgoing.mode === 'new') {
    return api.post<DraftResponse>('/me/messages', {
      ...draftFields(outgoing, mailboxAddress),
      attachments: (outgoing.attachments ?? []).map(attachmentJson),
    });
  }
  const original = outgoing.original?.providerId;
  if (!original) throw new ProviderError('PROVIDER_ERROR', `A ${outgoing.mode} needs the message it answers.`);
  return api.post<DraftResponse>(`/me/messages/${encodeURIComponent(original)}/${ACTION[outgoing.mode]}`, {});
}

/** A reply / forward draft gets our recipients, subject, body, Message-ID and files. */
async function completeDraft(api: GraphApi, created: DraftResponse, outgoing: OutgoingMessage, mailboxAddress: string): Promise<DraftResponse> {
  if (outgoing.mode === 'new') return created;
  const patched = await api.patch<DraftResponse | undefined>(`/me/messages/${encodeURIComponent(created.id)}`, draftFields(outgoing, mailboxAddress));
  if (outgoing.mode === 'forward') await dropCopiedAttachments(api, created.id);
  for (const attachment of outgoing.attachments ?? []) {
    await api.post(`/me/messages/${encodeURIComponent(created.id)}/attachments`, attachmentJson(attachment));
  }
  return { ...created, ...(patched ?? {}) };
}

const draftFilter = (internetMessageId: string) => encodeURIComponent(`internetMessageId eq '${internetMessageId.replace(/'/g, "''")}'`);

/** Drafts an earlier attempt of this submission left behind (it never got to send them). */
async function dropEarlierDrafts(api: GraphApi, internetMessageId: string): Promise<void> {
  const found = await api.get<{ value?: Array<{ id: string }> }>(`/me/mailFolders/drafts/messages?$filter=${draftFilter(internetMessageId)}&$select=id`);
  for (const draft of found.value ?? []) await api.delete(`/me/messages/${encodeURIComponent(draft.id)}`);
}

/** Finds the sent copy: same immutable id, or (if a server re-ids it) by Message-ID in Sent Items. */
async function locateSent(api: GraphApi, draft: DraftResponse): Promise<SentMessage> {
  const fallback: SentMessage = {
    providerId: draft.id,
    threadId: draft.conversationId || draft.id,
    internetMessageId: normalizeMessageId(draft.internetMessageId),
  };
  try {
    const sent = await api.get<DraftResponse>(`/me/messages/${encodeURIComponent(draft.id)}?$select=id,conversationId,internetMessageId`);
    return { providerId: sent.id, threadId: sent.conversationId || fallback.threadId, internetMessageId: normalizeMessageId(sent.internetMessageId) ?? fallback.internetMessageId };
  } catch (e) {
    if (!(e instanceof ProviderError) || e.code !== 'NOT_FOUND' || !draft.internetMessageId) return fallback;
  }
  const filter = encodeURIComponent(`internetMessageId eq '${draft.internetMessageId.replace(/'/g, "''")}'`);
  const found = await api
    .get<{ value?: DraftResponse[] }>(`/me/mailFolders/sentitems/messages?$filter=${filter}&$select=id,conversationId,internetMessageId&$top=1`)
    .catch(() => ({ value: [] as DraftResponse[] }));
  const hit = found.value?.[0];
  // Exchange may take a moment to file the copy; the draft's id is then the best we know.
  return hit ? { providerId: hit.id, threadId: hit.conversationId || fallback.threadId, internetMessageId: fallback.internetMessageId } : fallback;
}

const SENT_FIELDS = '$select=id,conversationId,internetMessageId';

/** The copy in Sent Items with this Message-ID, if Exchange has filed one. */
export async function findSent(api: GraphApi, internetMessageId: string): Promise<SentMessage | null> {
  const id = normalizeMessageId(internetMessageId);
  if (!id) return null;
  const filter = encodeURIComponent(`internetMessageId eq '${id.replace(/'/g, "''")}'`);
  const found = await api.get<{ value?: DraftResponse[] }>(`/me/mailFolders/sentitems/messages?$filter=${filter}&${SENT_FIELDS}&$top=1`);
  const hit = found.value?.[0];
  return hit ? { providerId: hit.id, threadId: hit.conversationId || hit.id, internetMessageId: normalizeMessageId(hit.internetMessageId) ?? id } : null;
}

/**
 * Draft first, then `/send`, the one request whose lost answer leaves the
 * outcome unknown. A draft that certainly was not sent is deleted; a later
 * attempt of the same submission first removes drafts an earlier one left.
 */
export async function sendMessage(api: GraphApi, outgoing: OutgoingMessage, mailboxAddress: string): Promise<SentMessage> {
  assertAttachmentSizes(outgoing);
  if (outgoing.earlierAttempt && outgoing.messageId) await dropEarlierDrafts(api, outgoing.messageId);
  const started = await startDraft(api, outgoing, mailboxAddress);
  let draft: DraftResponse;
  let sending = false;
  try {
    draft = await completeDraft(api, started, outgoing, mailboxAddress);
    sending = true;
    await api.post(`/me/messages/${encodeURIComponent(draft.id)}/send`);
  } catch (e) {
    // Only the /send itself leaves the outcome open; a failure before it sent nothing.
    if (sending && e instanceof ProviderError && e.code === 'TRANSIENT') throw new SendOutcomeUnknown(e);
    // Certainly not sent: the draft goes, so Drafts does not keep a copy of a message that failed.
    await api.delete(`/me/messages/${encodeURIComponent(started.id)}`).catch(() => undefined);
    throw e;
  }
  return locateSent(api, { ...draft, internetMessageId: draft.internetMessageId ?? outgoing.messageId ?? null });
}
