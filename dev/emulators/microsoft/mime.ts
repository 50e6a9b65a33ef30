/**
 * Converts between raw RFC 822 messages (how the emulator stores mail, like a real
 * mailbox) and the structured content Graph exposes as JSON.
 */
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';

export interface Recipient {
  name: string;
  address: string;
}

export type Importance = 'low' | 'normal' | 'high';

export interface AttachmentContent {
  name: string;
  contentType: string;
  contentId: string | null;
  isInline: boolean;
  content: Buffer;
}

export interface MessageContent {
  subject: string;
  from: Recipient | null;
  sender: Recipient | null;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  replyTo: Recipient[];
  html: string | null;
  text: string | null;
  attachments: AttachmentContent[];
  internetMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Raw header lines, unfolded, in message order. */
  headers: Array<{ name: string; value: string }>;
  importance: Importance;
  date: Date | null;
}

function flatten(addresses: EmailAddress[]): Recipient[] {
  const out: Recipient[] = [];
  for (const entry of addresses) {
    if (entry.group) out.push(...flatten(entry.group));
    else if (entry.address) out.push({ name: entry.name || entry.address, address: entry.address });
  }
  return out;
}

function recipients(value: AddressObject | AddressObject[] | undefined): Recipient[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((obj) => flatten(obj.value));
}

function importanceOf(headers: Map<string, unknown>): Importance {
  const importance = String(headers.get('importance') ?? '').toLowerCase();
  if (importance === 'high' || importance === 'low') return importance;
  const priority = String(headers.get('x-priority') ?? '');
  if (/^[12]/.test(priority)) return 'high';
  if (/^[45]/.test(priority)) return 'low';
  return 'normal';
}

function referencesOf(value: string[] | string | undefined): string[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : value.split(/\s+/);
  return list.map((ref) => ref.trim()).filter(Boolean);
}

export async function parseMime(raw: Buffer): Promise<MessageContent> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const from = recipients(parsed.from)[0] ?? null;
  const senderHeader = parsed.headers.get('sender') as AddressObject | undefined;
  return {
    subject: parsed.subject ?? '',
    from,
    sender: recipients(senderHeader)[0] ?? from,
    to: recipients(parsed.to),
    cc: recipients(parsed.cc),
    bcc: recipients(parsed.bcc),
    replyTo: recipients(parsed.replyTo),
    html: typeof parsed.html === 'string' ? parsed.html : null,
    text: parsed.text ?? null,
    attachments: parsed.attachments.map((attachment, index) => ({
      name: attachment.filename ?? `attachment-${index + 1}`,
      contentType: attachment.contentType,
      contentId: attachment.contentId ? attachment.contentId.replace(/^<|>$/g, '') : null,
      isInline: attachment.contentDisposition === 'inline' || (attachment.related === true && !!attachment.contentId),
      content: attachment.content,
    })),
    internetMessageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: referencesOf(parsed.references),
    headers: parsed.headerLines.map(({ line }) => {
      const unfolded = line.replace(/\r?\n[ \t]+/g, ' ');
      const colon = unfolded.indexOf(':');
      return { name: unfolded.slice(0, colon).trim(), value: unfolded.slice(colon + 1).trim() };
    }),
    importance: importanceOf(parsed.headers),
    date: parsed.date ?? null,
  };
}

const formatAddress = (r: Recipient): { name: string; address: string } => ({ name: r.name, address: r.address });

/** Builds the RFC 822 form of structured content (sent mail, drafts). */
export async function composeMime(content: MessageContent, date: Date): Promise<Buffer> {
  const extraHeaders: Record<string, string> = {};
  for (const { name, value } of content.headers) {
    if (/^x-/i.test(name)) extraHeaders[name] = value;
  }
  if (content.importance !== 'normal') extraHeaders.Importance = content.importance === 'high' ? 'High' : 'Low';
  const composer = new MailComposer({
    from: content.from ? formatAddress(content.from) : undefined,
    sender: content.sender && content.from && content.sender.address !== content.from.address ? formatAddress(content.sender) : undefined,
    to: content.to.map(formatAddress),
    cc: content.cc.map(formatAddress),
    bcc: content.bcc.map(formatAddress),
    replyTo: content.replyTo.map(formatAddress),
    subject: content.subject,
    text: content.text ?? undefined,
    html: content.html ?? undefined,
    messageId: content.internetMessageId ?? undefined,
    inReplyTo: content.inReplyTo ?? undefined,
    references: content.references.length ? content.references : undefined,
    date,
    headers: extraHeaders,
    attachments: content.attachments.map((attachment) => ({
      filename: attachment.name,
      content: attachment.content,
      contentType: attachment.contentType,
      cid: attachment.contentId ?? undefined,
      contentDisposition: attachment.isInline ? ('inline' as const) : ('attachment' as const),
    })),
  });
  const node = composer.compile();
  // Sent Items keep the Bcc line, as Outlook's copy does.
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  return node.build();
}

/** Plain text from HTML, for previews and text-only renderings. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;/gi, "'")
    .replace(/&amp;/gi, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n\n')
    .trim();
}
