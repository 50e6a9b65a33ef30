import MailComposer from 'nodemailer/lib/mail-composer';
import { encodeHeaderWords, encodeText, type Charset } from './charsets';
import { hashString } from './random';

export interface MailAddress {
  name: string;
  address: string;
}

export interface ComposeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Content-ID without brackets: makes the part an inline (related) image. */
  cid?: string;
}

export interface ComposeSpec {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  replyTo?: MailAddress;
  subject: string;
  /** With angle brackets, e.g. `<abc@host>`. */
  messageId: string;
  date: Date;
  inReplyTo?: string;
  references?: string[];
  text?: string;
  html?: string;
  /** Charset of the text parts and of the subject's encoded words (default utf-8). */
  charset?: Charset;
  attachments?: ComposeAttachment[];
  headers?: Record<string, string>;
}

function formatAddress(a: MailAddress): { name: string; address: string } {
  return { name: a.name, address: a.address };
}

/**
 * Builds a raw RFC 822 message with nodemailer's MailComposer. Output is byte-for-byte
 * deterministic: boundaries derive from the Message-ID and the date is fixed.
 */
export function composeMessage(spec: ComposeSpec): Promise<Buffer> {
  const charset = spec.charset ?? 'utf-8';
  const alternatives: Array<{ contentType: string; content: Buffer | string }> = [];
  if (spec.text !== undefined) alternatives.push({ contentType: `text/plain; charset=${charset}`, content: encodeText(spec.text, charset) });
  if (spec.html !== undefined) alternatives.push({ contentType: `text/html; charset=${charset}`, content: encodeText(spec.html, charset) });
  const headers: Record<string, string | { prepared: boolean; value: string }> = { ...(spec.headers ?? {}) };
  // Subjects in a legacy charset are written as that charset's encoded words (nodemailer only writes UTF-8 ones).
  const subject = charset === 'utf-8' ? spec.subject : undefined;
  if (charset !== 'utf-8') headers.Subject = { prepared: true, value: encodeHeaderWords(spec.subject, charset) };
  const composer = new MailComposer({
    from: formatAddress(spec.from),
    to: spec.to.map(formatAddress),
    cc: spec.cc?.map(formatAddress),
    bcc: spec.bcc?.map(formatAddress),
    replyTo: spec.replyTo ? formatAddress(spec.replyTo) : undefined,
    subject,
    messageId: spec.messageId,
    date: spec.date,
    inReplyTo: spec.inReplyTo,
    references: spec.references && spec.references.length > 0 ? spec.references.join(' ') : undefined,
    alternatives,
    attachments: spec.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      ...(a.cid ? { cid: a.cid, contentDisposition: 'inline' as const } : {}),
    })),
    headers,
    baseBoundary: hashString(spec.messageId).toString(16).padStart(8, '0') + hashString(spec.subject).toString(16).padStart(8, '0'),
    // Bcc must survive in stored copies (drafts and sent mail keep it).
    keepBcc: true,
  } as ConstructorParameters<typeof MailComposer>[0] & { baseBoundary: string; keepBcc: boolean });
  return new Promise((resolve, reject) => {
    const node = composer.compile();
    node.keepBcc = true;
    node.build((error, message) => (error ? reject(error) : resolve(message)));
  });
}
