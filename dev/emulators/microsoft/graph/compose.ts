/**
 * Authoring and sending mail through Graph: JSON messages → content, reply / reply-all /
 * forward drafts, and the send pipeline (Sent Items copy + delivery to local mailboxes).
 */
import { randomBytes } from 'node:crypto';
import { GraphHttpError } from '../errors';
import type { Mailbox, StoredMessage } from '../mailbox';
import { composeMime, parseMime, type AttachmentContent, type MessageContent, type Recipient } from '../mime';
import type { MicrosoftState } from '../state';
import { fromItemBody } from './message-json';

export interface GraphRecipientInput {
  emailAddress?: { name?: string; address?: string };
}

export interface GraphAttachmentInput {
  '@odata.type'?: string;
  name?: string;
  contentType?: string;
  contentBytes?: string;
  contentId?: string | null;
  isInline?: boolean;
}

export interface GraphMessageInput {
  subject?: string;
  body?: { contentType?: string; content?: string };
  toRecipients?: GraphRecipientInput[];
  ccRecipients?: GraphRecipientInput[];
  bccRecipients?: GraphRecipientInput[];
  replyTo?: GraphRecipientInput[];
  from?: GraphRecipientInput;
  sender?: GraphRecipientInput;
  attachments?: GraphAttachmentInput[];
  internetMessageHeaders?: Array<{ name?: string; value?: string }>;
  /** Settable while the message is a draft, as in Graph. */
  internetMessageId?: string;
  importance?: string;
  isRead?: boolean;
  categories?: string[];
  flag?: { flagStatus?: string };
}

/** Called with mail for addresses that have no mailbox here (e.g. to hand it to another emulator). */
export type ExternalDelivery = (raw: Buffer, recipients: string[]) => void | Promise<void>;

export function recipient(input: GraphRecipientInput | undefined, field: string): Recipient {
  const address = input?.emailAddress?.address?.trim();
  if (!address || !/^[^@\s]+@[^@\s]+$/.test(address)) {
    throw new GraphHttpError(400, 'ErrorInvalidRecipients', `At least one recipient in ${field} isn't valid.`);
  }
  return { name: input?.emailAddress?.name?.trim() || address, address };
}

const recipients = (list: GraphRecipientInput[] | undefined, field: string): Recipient[] => (list ?? []).map((r) => recipient(r, field));

export function attachmentFromInput(input: GraphAttachmentInput): AttachmentContent {
  const type = input['@odata.type'] ?? '#microsoft.graph.fileAttachment';
  if (!/fileAttachment$/i.test(type)) {
    throw new GraphHttpError(400, 'ErrorInvalidRequest', `Attachments of type ${type} are not supported by the emulator.`);
  }
  if (!input.name || typeof input.contentBytes !== 'string') {
    throw new GraphHttpError(400, 'ErrorInvalidRequest', 'A file attachment needs name and contentBytes.');
  }
  return {
    name: input.name,
    contentType: input.contentType ?? 'application/octet-stream',
    contentId: input.contentId ?? null,
    isInline: input.isInline ?? false,
    content: Buffer.from(input.contentBytes, 'base64'),
  };
}

function customHeaders(input: GraphMessageInput): Array<{ name: string; value: string }> {
  return (input.internetMessageHeaders ?? []).map(({ name, value }) => {
    if (!name || !/^x-/i.test(name)) {
      throw new GraphHttpError(400, 'InvalidInternetMessageHeader', `The internet message header name '${name ?? ''}' should start with 'x-' or 'X-'.`);
    }
    return { name, value: value ?? '' };
  });
}

export function emptyContent(): MessageContent {
  return {
    subject: '',
    from: null,
    sender: null,
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    html: null,
    text: null,
    attachments: [],
    internetMessageId: null,
    inReplyTo: null,
    references: [],
    headers: [],
    importance: 'normal',
    date: null,
  };
}

/** Applies the authoring fields of a Graph message JSON on top of existing content. */
export function applyMessageInput(base: MessageContent, input: GraphMessageInput): MessageContent {
  const next: MessageContent = { ...base };
  if (input.subject !== undefined) next.subject = input.subject ?? '';
  if (input.body !== undefined) Object.assign(next, fromItemBody(input.body));
  if (input.toRecipients !== undefined) next.to = recipients(input.toRecipients, 'toRecipients');
  if (input.ccRecipients !== undefined) next.cc = recipients(input.ccRecipients, 'ccRecipients');
  if (input.bccRecipients !== undefined) next.bcc = recipients(input.bccRecipients, 'bccRecipients');
  if (input.replyTo !== undefined) next.replyTo = recipients(input.replyTo, 'replyTo');
  if (input.from !== undefined) next.from = recipient(input.from, 'from');
  if (input.sender !== undefined) next.sender = recipient(input.sender, 'sender');
  if (input.attachments !== undefined) next.attachments = [...base.attachments, ...input.attachments.map(attachmentFromInput)];
  if (input.internetMessageHeaders !== undefined) next.headers = customHeaders(input);
  if (input.internetMessageId !== undefined) {
    if (typeof input.internetMessageId !== 'string' || !/^<[^<>\s@]+@[^<>\s@]+>$/.test(input.internetMessageId)) {
      throw new GraphHttpError(400, 'ErrorInvalidInternetMessageHeader', 'internetMessageId must be an RFC 5322 message id in angle brackets.');
    }
    next.internetMessageId = input.internetMessageId;
  }
  if (input.importance !== undefined) {
    const importance = input.importance.toLowerCase();
    if (importance !== 'low' && importance !== 'normal' && importance !== 'high') throw new GraphHttpError(400, 'BadRequest', `Invalid importance '${input.importance}'.`);
    next.importance = importance;
  }
  return next;
}

export function newMessageId(mailbox: Mailbox): string {
  const domain = mailbox.user.address.split('@')[1] ?? 'outlook.emulator.local';
  return `<${randomBytes(12).toString('hex').toUpperCase()}@${domain}>`;
}

function ownAddresses(mailbox: Mailbox): Set<string> {
  return new Set([mailbox.user.address, ...mailbox.user.aliases].map((a) => a.toLowerCase()));
}

function dedupe(list: Recipient[], exclude: Set<string>): Recipient[] {
  const seen = new Set(exclude);
  return list.filter((r) => {
    const key = r.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type ResponseKind = 'reply' | 'replyAll' | 'forward';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const formatRecipients = (list: Recipient[]): string => list.map((r) => (r.name && r.name !== r.address ? `${r.name} <${r.address}>` : r.address)).join('; ');

/** Draft content answering or forwarding a message, as Outlook builds it. */
export function responseContent(mailbox: Mailbox, original: MessageContent, originalMessage: StoredMessage, kind: ResponseKind, comment: string): MessageContent {
  const self = ownAddresses(mailbox);
  const prefix = kind === 'forward' ? 'FW: ' : 'RE: ';
  const alreadyPrefixed = kind === 'forward' ? /^(fw|fwd):/i.test(original.subject) : /^re:/i.test(original.subject);
  const subject = alreadyPrefixed ? original.subject : `${prefix}${original.subject}`;
  const replyTargets = original.replyTo.length ? original.replyTo : original.from ? [original.from] : [];
  let to: Recipient[] = [];
  let cc: Recipient[] = [];
  if (kind === 'reply') to = dedupe(replyTargets, new Set());
  if (kind === 'replyAll') {
    to = dedupe([...replyTargets, ...original.to], self);
    if (to.length === 0) to = dedupe(replyTargets, new Set());
    cc = dedupe(original.cc, new Set([...self, ...to.map((r) => r.address.toLowerCase())]));
  }
  const sent = originalMessage.sentDateTime ?? originalMessage.receivedDateTime;
  const header = [
    `<b>From:</b> ${escapeHtml(original.from ? formatRecipients([original.from]) : '')}<br>`,
    `<b>Sent:</b> ${escapeHtml(sent.toUTCString())}<br>`,
    `<b>To:</b> ${escapeHtml(formatRecipients(original.to))}<br>`,
    original.cc.length ? `<b>Cc:</b> ${escapeHtml(formatRecipients(original.cc))}<br>` : '',
    `<b>Subject:</b> ${escapeHtml(original.subject)}`,
  ].join('');
  const quoted = original.html ?? (original.text ? `<div>${escapeHtml(original.text).replace(/\r?\n/g, '<br>')}</div>` : '');
  const html = `<html><body><div>${comment}</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr">${header}</div><br>${quoted}</body></html>`;
  const references = original.internetMessageId ? [...original.references, original.internetMessageId] : [...original.references];
  return {
    ...emptyContent(),
    subject,
    from: { name: mailbox.user.displayName, address: mailbox.user.address },
    sender: { name: mailbox.user.displayName, address: mailbox.user.address },
    to,
    cc,
    html,
    text: null,
    attachments: kind === 'forward' ? original.attachments.map((a) => ({ ...a })) : [],
    inReplyTo: kind === 'forward' ? null : original.internetMessageId,
    references,
  };
}

function stripBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return raw;
  const headerLines = text.slice(0, end).split(/\r?\n/);
  const kept: string[] = [];
  let skipping = false;
  for (const line of headerLines) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    skipping = /^bcc:/i.test(line);
    if (!skipping) kept.push(line);
  }
  return Buffer.from(kept.join('\r\n') + text.slice(end), 'latin1');
}

/** Adds the headers Exchange stamps on submitted MIME when the client left them out. */
export function stampMime(raw: Buffer, mailbox: Mailbox, content: MessageContent, date: Date): { raw: Buffer; content: MessageContent } {
  const missing: string[] = [];
  const next = { ...content };
  if (!content.internetMessageId) {
    next.internetMessageId = newMessageId(mailbox);
    missing.push(`Message-ID: ${next.internetMessageId}`);
  }
  if (!content.from) {
    next.from = { name: mailbox.user.displayName, address: mailbox.user.address };
    missing.push(`From: ${JSON.stringify(mailbox.user.displayName)} <${mailbox.user.address}>`);
  }
  if (!content.date) missing.push(`Date: ${date.toUTCString().replace('GMT', '+0000')}`);
  if (!missing.length) return { raw, content: next };
  return { raw: Buffer.concat([Buffer.from(missing.join('\r\n') + '\r\n'), raw]), content: next };
}

export interface SendOptions {
  saveToSentItems: boolean;
  /** Keep the sent copy's id (draft sent with immutable ids). */
  keepId?: boolean;
  /** A draft being sent: it becomes the Sent Items copy. */
  draft?: StoredMessage;
  /** Already composed MIME (MIME sendMail). */
  raw?: Buffer;
  conversationId?: string;
}

export interface SendDeps {
  state: MicrosoftState;
  externalDelivery?: ExternalDelivery;
}

/** Sends content from a mailbox: Sent Items copy, then delivery to each local recipient's Inbox. */
export async function sendMessage(deps: SendDeps, mailbox: Mailbox, content: MessageContent, options: SendOptions): Promise<StoredMessage | null> {
  const all = [...content.to, ...content.cc, ...content.bcc];
  if (all.length === 0) throw new GraphHttpError(400, 'ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
  const date = new Date();
  let sealed: MessageContent = {
    ...content,
    from: content.from ?? { name: mailbox.user.displayName, address: mailbox.user.address },
    sender: content.sender ?? content.from ?? { name: mailbox.user.displayName, address: mailbox.user.address },
    internetMessageId: content.internetMessageId ?? newMessageId(mailbox),
    date,
  };
  let raw: Buffer;
  if (options.raw) {
    const stamped = stampMime(options.raw, mailbox, content, date);
    raw = stamped.raw;
    sealed = { ...stamped.content, date: content.date ?? date };
  } else {
    raw = await composeMime(sealed, date);
  }

  let sentCopy: StoredMessage | null = null;
  if (options.draft) {
    const draft = options.draft;
    if (options.saveToSentItems) {
      sentCopy = mailbox.move(draft, mailbox.wellKnownId('sentitems'), options.keepId ?? false);
      sentCopy.isDraft = false;
      sentCopy.isRead = true;
      sentCopy.sentDateTime = date;
      sentCopy.receivedDateTime = date;
      mailbox.setRaw(sentCopy, raw, sealed);
    } else {
      mailbox.remove(draft);
    }
  } else if (options.saveToSentItems) {
    sentCopy = mailbox.add({
      folderId: mailbox.wellKnownId('sentitems'),
      raw,
      content: sealed,
      internetMessageId: sealed.internetMessageId,
      inReplyTo: sealed.inReplyTo,
      references: sealed.references,
      receivedDateTime: date,
      sentDateTime: date,
      isRead: true,
      importance: sealed.importance,
      conversationId: options.conversationId,
    });
  }

  const delivered = stripBcc(raw);
  const external: string[] = [];
  const seen = new Set<string>();
  for (const r of all) {
    const key = r.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const target = deps.state.mailboxForAddress(r.address);
    if (!target) {
      external.push(r.address);
      continue;
    }
    target.add({
      folderId: target.wellKnownId('inbox'),
      raw: delivered,
      internetMessageId: sealed.internetMessageId,
      inReplyTo: sealed.inReplyTo,
      references: sealed.references,
      receivedDateTime: date,
      sentDateTime: date,
      isRead: false,
    });
  }
  if (external.length && deps.externalDelivery) await deps.externalDelivery(delivered, external);
  return sentCopy;
}

/** Content of MIME submitted as base64 text (sendMail / create message with `Content-Type: text/plain`). */
export async function parseSubmittedMime(base64: string): Promise<{ raw: Buffer; content: MessageContent }> {
  const raw = Buffer.from(base64.trim(), 'base64');
  if (raw.length === 0 || !/\r?\n\r?\n/.test(raw.toString('latin1'))) {
    throw new GraphHttpError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  }
  return { raw, content: await parseMime(raw) };
}
