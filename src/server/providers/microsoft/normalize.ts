/**
 * Graph message JSON → NormalizedMessage. Pure functions over the wire shape.
 */
import { extractMessageIds, normalizeMessageId } from '../../mime/message-id';
import { makeSnippet } from '../../mime/parse';
import { storedTextOf } from '../../security/sanitize';
import type { AttachmentMeta, MailAddress, NormalizedMessage } from '../types';

export interface GraphRecipient {
  emailAddress?: { name?: string | null; address?: string | null } | null;
}

export interface GraphAttachment {
  '@odata.type'?: string;
  id: string;
  name?: string | null;
  contentType?: string | null;
  size?: number | null;
  isInline?: boolean | null;
  contentId?: string | null;
}

export interface GraphMessage {
  id: string;
  conversationId?: string | null;
  internetMessageId?: string | null;
  internetMessageHeaders?: Array<{ name: string; value: string }> | null;
  subject?: string | null;
  from?: GraphRecipient | null;
  sender?: GraphRecipient | null;
  toRecipients?: GraphRecipient[] | null;
  ccRecipients?: GraphRecipient[] | null;
  bccRecipients?: GraphRecipient[] | null;
  replyTo?: GraphRecipient[] | null;
  receivedDateTime?: string | null;
  sentDateTime?: string | null;
  createdDateTime?: string | null;
  bodyPreview?: string | null;
  body?: { contentType?: string | null; content?: string | null } | null;
  parentFolderId?: string | null;
  categories?: string[] | null;
  isRead?: boolean | null;
  isDraft?: boolean | null;
  flag?: { flagStatus?: string | null } | null;
  hasAttachments?: boolean | null;
  attachments?: GraphAttachment[] | null;
  '@removed'?: { reason?: string };
}

const ITEM_ATTACHMENT = '#microsoft.graph.itemAttachment';
const REFERENCE_ATTACHMENT = '#microsoft.graph.referenceAttachment';

export function toAddress(recipient: GraphRecipient | null | undefined): MailAddress | null {
  const email = recipient?.emailAddress;
  const address = email?.address?.trim();
  if (!address) return null;
  const name = email?.name?.trim();
  // Exchange repeats the address as the name when there is none.
  return name && name.toLowerCase() !== address.toLowerCase() ? { name, address } : { address };
}

export function toAddresses(list: GraphRecipient[] | null | undefined): MailAddress[] {
  return (list ?? []).map(toAddress).filter((a): a is MailAddress => a !== null);
}

function header(message: GraphMessage, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return message.internetMessageHeaders?.find((h) => h.name.toLowerCase() === wanted)?.value;
}

/** Graph gives the body in its stored format: keep HTML as HTML, text as text, and derive text from HTML for search and snippets. */
function bodies(message: GraphMessage): { html: string | null; text: string | null } {
  const content = message.body?.content ?? '';
  if ((message.body?.contentType ?? '').toLowerCase() === 'html') {
    return content ? { html: content, text: storedTextOf(content) } : { html: null, text: null };
  }
  return { html: null, text: content || null };
}

function attachmentMeta(attachment: GraphAttachment): AttachmentMeta | null {
  const type = attachment['@odata.type'];
  // Cloud links (OneDrive) carry no bytes to download.
  if (type === REFERENCE_ATTACHMENT) return null;
  const isItem = type === ITEM_ATTACHMENT;
  const name = attachment.name?.trim() || (isItem ? 'message' : 'attachment');
  return {
    id: attachment.id,
    filename: isItem && !/\.eml$/i.test(name) ? `${name}.eml` : name,
    contentType: attachment.contentType || (isItem ? 'message/rfc822' : 'application/octet-stream'),
    size: attachment.size ?? 0,
    contentId: attachment.contentId ? attachment.contentId.replace(/^<|>$/g, '') : null,
    inline: attachment.isInline === true,
  };
}

function messageDate(message: GraphMessage): Date {
  for (const value of [message.receivedDateTime, message.sentDateTime, message.createdDateTime]) {
    if (!value) continue;
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return new Date(0);
}

export function normalizeMessage(message: GraphMessage): NormalizedMessage {
  const { html, text } = bodies(message);
  const preview = message.bodyPreview?.trim();
  return {
    providerId: message.id,
    threadId: message.conversationId || message.id,
    internetMessageId: normalizeMessageId(message.internetMessageId),
    inReplyTo: normalizeMessageId(header(message, 'In-Reply-To')),
    references: extractMessageIds(header(message, 'References')),
    subject: message.subject ?? '',
    from: toAddress(message.from),
    sender: toAddress(message.sender),
    to: toAddresses(message.toRecipients),
    cc: toAddresses(message.ccRecipients),
    bcc: toAddresses(message.bccRecipients),
    replyTo: toAddresses(message.replyTo),
    date: messageDate(message),
    snippet: makeSnippet(preview ? preview : { text, html }),
    text,
    html,
    folderIds: message.parentFolderId ? [message.parentFolderId] : [],
    categories: message.categories ?? [],
    read: message.isRead === true,
    starred: message.flag?.flagStatus === 'flagged',
    draft: message.isDraft === true,
    attachments: (message.attachments ?? []).map(attachmentMeta).filter((a): a is AttachmentMeta => a !== null),
  };
}

/**
 * Normalizes a page, setting aside messages that cannot be read (the engine records
 * them instead of retrying forever).
 */
export function normalizeAll(messages: GraphMessage[]): { messages: NormalizedMessage[]; failures: Array<{ providerId: string; reason: string }> } {
  const out: NormalizedMessage[] = [];
  const failures: Array<{ providerId: string; reason: string }> = [];
  for (const message of messages) {
    try {
      out.push(normalizeMessage(message));
    } catch (e) {
      failures.push({ providerId: message.id, reason: `unreadable message: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return { messages: out, failures };
}
