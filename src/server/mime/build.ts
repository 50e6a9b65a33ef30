/**
 * OutgoingMessage → raw RFC 5322 bytes, with nodemailer's MailComposer doing the
 * MIME work (encoded words for non-ASCII names and subjects, multipart layout,
 * transfer encodings). This module decides the threading headers and subject.
 */
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { MailAddress, OutgoingAttachment, OutgoingMessage } from '../providers/types';
import { htmlToText } from '../security/sanitize';
import { domainOf } from '../sync/participants';
import { normalizeMessageId } from './message-id';
import { buildReferences, forwardSubject, replySubject } from './threading';

export interface BuildOptions {
  /** Right-hand side of the generated Message-ID (default: the sender's domain). */
  messageIdDomain?: string;
  /** Use this Message-ID instead of generating one (e.g. resending a stored outbox item). */
  messageId?: string;
  date?: Date;
  /**
   * Keep the Bcc header in the raw message. Gmail's messages.send reads the
   * recipients from the headers, so it needs Bcc present (and strips it before
   * delivery); anything handed to other recipients' servers must not carry it.
   */
  keepBcc?: boolean;
  /** Extra headers (e.g. X-Mailer); never overrides the ones set here. */
  headers?: Record<string, string>;
}

export interface BuiltMessage {
  raw: Buffer;
  /** `<id@domain>` */
  messageId: string;
  subject: string;
  inReplyTo: string | null;
  references: string[];
}

function toComposerAddress(a: MailAddress): Mail.Address | string {
  return a.name ? { name: a.name, address: a.address } : a.address;
}

function toComposerAttachment(att: OutgoingAttachment): Mail.Attachment {
  const cid = att.contentId?.replace(/^<|>$/g, '');
  const inline = att.inline ?? Boolean(cid);
  return {
    filename: att.filename,
    contentType: att.contentType,
    content: att.content,
    ...(cid ? { cid } : {}),
    contentDisposition: inline ? 'inline' : 'attachment',
  };
}

function subjectFor(outgoing: OutgoingMessage): string {
  const base = outgoing.subject || outgoing.original?.subject || '';
  switch (outgoing.mode) {
    case 'reply':
    case 'replyAll':
      return replySubject(base);
    case 'forward':
      return forwardSubject(base);
    default:
      return outgoing.subject ?? '';
  }
}

export function generateMessageId(domain: string): string {
  const host = domain.replace(/[^a-zA-Z0-9.-]/g, '') || 'localhost';
  return `<${randomUUID()}@${host}>`;
}

/**
 * Builds the raw message. Replies and forwards carry In-Reply-To (the original's
 * Message-ID) and References (its chain + its id, bounded) so every client and
 * both providers thread them; forwards keep the thread like Gmail's own do.
 */
export async function buildMimeMessage(outgoing: OutgoingMessage, opts: BuildOptions = {}): Promise<BuiltMessage> {
  const domain = opts.messageIdDomain ?? domainOf(outgoing.from) ?? 'localhost';
  const messageId = normalizeMessageId(opts.messageId) ?? generateMessageId(domain);
  const subject = subjectFor(outgoing);

  let inReplyTo: string | null = null;
  let references: string[] = [];
  if (outgoing.mode !== 'new' && outgoing.original) {
    inReplyTo = normalizeMessageId(outgoing.original.internetMessageId);
    references = buildReferences(outgoing.original);
  }

  const text = outgoing.text ?? (outgoing.html ? htmlToText(outgoing.html) : '');
  const mail: Mail.Options = {
    headers: opts.headers,
    from: toComposerAddress(outgoing.from),
    to: outgoing.to.map(toComposerAddress),
    cc: (outgoing.cc ?? []).map(toComposerAddress),
    bcc: (outgoing.bcc ?? []).map(toComposerAddress),
    subject,
    text,
    ...(outgoing.html ? { html: outgoing.html } : {}),
    attachments: (outgoing.attachments ?? []).map(toComposerAttachment),
    messageId,
    date: opts.date ?? new Date(),
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references.length > 0 ? { references } : {}),
  };
  // MailComposer skips empty arrays itself, but an empty cc/bcc must not become an empty header.
  if (!outgoing.cc?.length) delete mail.cc;
  if (!outgoing.bcc?.length) delete mail.bcc;

  const node = new MailComposer(mail).compile();
  node.keepBcc = Boolean(opts.keepBcc);
  const raw = await node.build();
  return { raw, messageId, subject, inReplyTo, references };
}
