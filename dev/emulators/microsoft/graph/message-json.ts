/**
 * Graph's JSON shape of messages and attachments, built from the stored mailbox, with
 * `$select` applied the way Graph does (unknown properties are a 400).
 */
import { createHash } from 'node:crypto';
import { GraphHttpError } from '../errors';
import { graphDate, graphId } from '../ids';
import { Mailbox, type StoredMessage } from '../mailbox';
import { htmlToText, type AttachmentContent, type MessageContent, type Recipient } from '../mime';

/** Properties a plain GET returns, in Graph's order. */
export const DEFAULT_MESSAGE_PROPERTIES = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'conversationIndex',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
] as const;

/** Only returned when selected. */
const SELECT_ONLY_PROPERTIES = ['uniqueBody', 'internetMessageHeaders'] as const;

const ALL_PROPERTIES = new Set<string>([...DEFAULT_MESSAGE_PROPERTIES, ...SELECT_ONLY_PROPERTIES]);

/** Properties answerable from stored metadata alone, without parsing the MIME. */
export const METADATA_PROPERTIES = new Set<string>([
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'internetMessageId',
  'importance',
  'parentFolderId',
  'conversationId',
  'conversationIndex',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'flag',
]);

export type BodyType = 'html' | 'text';

export interface MessageView {
  /** Canonical property names to include; null = Graph's default set. */
  select: string[] | null;
  bodyType: BodyType;
  expandAttachments?: boolean;
}

/** Validates `$select` against the message type, returning canonical casing. */
export function parseSelect(value: string | null, known: Set<string> = ALL_PROPERTIES, type = 'microsoft.graph.message'): string[] | null {
  if (!value) return null;
  const byLower = new Map([...known].map((name) => [name.toLowerCase(), name]));
  return value
    .split(',')
    .map((raw) => raw.trim())
    .filter(Boolean)
    .map((raw) => {
      const name = byLower.get(raw.toLowerCase());
      if (!name) throw new GraphHttpError(400, 'RequestBroker--ParseUri', `Could not find a property named '${raw}' on type '${type}'.`);
      return name;
    });
}

/** `Prefer: outlook.body-content-type="text"` switches bodies to plain text. */
export function preferredBodyType(prefer: string | string[] | undefined): BodyType {
  const header = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  return /outlook\.body-content-type\s*=\s*"?text"?/i.test(header) ? 'text' : 'html';
}

export const emailAddress = (r: Recipient): { emailAddress: { name: string; address: string } } => ({
  emailAddress: { name: r.name, address: r.address },
});

export function bodyPreview(content: MessageContent): string {
  const text = content.text ?? (content.html ? htmlToText(content.html) : '');
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

function body(content: MessageContent, type: BodyType): { contentType: BodyType; content: string } {
  if (type === 'text') return { contentType: 'text', content: content.text ?? (content.html ? htmlToText(content.html) : '') };
  if (content.html) return { contentType: 'html', content: content.html };
  return { contentType: 'text', content: content.text ?? '' };
}

export function attachmentId(message: StoredMessage, index: number): string {
  return graphId('AAMkAD', `${message.id}:attachment:${index}`);
}

export function attachmentJson(message: StoredMessage, attachment: AttachmentContent, index: number, select: string[] | null = null): Record<string, unknown> {
  const full: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': attachment.contentType,
    id: attachmentId(message, index),
    lastModifiedDateTime: graphDate(message.lastModifiedDateTime),
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.content.length,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
    contentLocation: null,
    contentBytes: attachment.content.toString('base64'),
  };
  if (!select) return full;
  const picked: Record<string, unknown> = { '@odata.type': full['@odata.type'], id: full.id };
  for (const name of select) picked[name] = full[name];
  return picked;
}

export const ATTACHMENT_PROPERTIES = new Set([
  'id',
  'lastModifiedDateTime',
  'name',
  'contentType',
  'size',
  'isInline',
  'contentId',
  'contentLocation',
  'contentBytes',
]);

function conversationIndex(message: StoredMessage): string {
  return createHash('sha1').update(message.conversationId).digest().subarray(0, 22).toString('base64');
}

/** Properties that never need the parsed MIME. */
function metadataValues(message: StoredMessage): Record<string, unknown> {
  return {
    id: message.id,
    ...Mailbox.dates(message),
    changeKey: message.changeKey,
    categories: [...message.categories],
    internetMessageId: message.internetMessageId,
    importance: message.importance,
    parentFolderId: message.folderId,
    conversationId: message.conversationId,
    conversationIndex: conversationIndex(message),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: message.isRead,
    isDraft: message.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(message.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: message.inferenceClassification,
    flag: { ...message.flag },
  };
}

/** A record for `$filter`/`$orderby` evaluation: metadata only, or everything when content is needed. */
export async function messageRecord(mailbox: Mailbox, message: StoredMessage, withContent: boolean): Promise<Record<string, unknown>> {
  if (!withContent) return metadataValues(message);
  return fullValues(mailbox, message, 'html');
}

async function fullValues(mailbox: Mailbox, message: StoredMessage, bodyType: BodyType): Promise<Record<string, unknown>> {
  const content = await mailbox.content(message);
  const values = metadataValues(message);
  return {
    ...values,
    hasAttachments: content.attachments.some((a) => !a.isInline),
    internetMessageId: content.internetMessageId ?? message.internetMessageId,
    subject: content.subject,
    bodyPreview: bodyPreview(content),
    body: body(content, bodyType),
    uniqueBody: body(content, bodyType),
    sender: content.sender ? emailAddress(content.sender) : null,
    from: content.from ? emailAddress(content.from) : null,
    toRecipients: content.to.map(emailAddress),
    ccRecipients: content.cc.map(emailAddress),
    bccRecipients: content.bcc.map(emailAddress),
    replyTo: content.replyTo.map(emailAddress),
    internetMessageHeaders: content.headers,
  };
}

export async function messageJson(mailbox: Mailbox, message: StoredMessage, view: MessageView): Promise<Record<string, unknown>> {
  const needsContent = !view.select || view.select.some((name) => !METADATA_PROPERTIES.has(name)) || view.expandAttachments;
  const values = needsContent ? await fullValues(mailbox, message, view.bodyType) : metadataValues(message);
  const out: Record<string, unknown> = { '@odata.etag': `W/"${message.changeKey}"` };
  const names = view.select ? ['id', ...view.select.filter((n) => n !== 'id')] : DEFAULT_MESSAGE_PROPERTIES;
  for (const name of names) out[name] = values[name];
  if (view.expandAttachments) {
    const content = await mailbox.content(message);
    out.attachments = content.attachments.map((attachment, index) => attachmentJson(message, attachment, index));
  }
  return out;
}

/** Converts a Graph `itemBody` to html/text content fields. */
export function fromItemBody(value: { contentType?: string; content?: string } | undefined): { html: string | null; text: string | null } {
  if (!value) return { html: null, text: null };
  const contentType = (value.contentType ?? 'text').toLowerCase();
  const content = value.content ?? '';
  return contentType === 'html' ? { html: content, text: htmlToText(content) } : { html: null, text: content };
}

