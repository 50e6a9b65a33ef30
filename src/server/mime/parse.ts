/**
 * Raw RFC 5322 message → the fields the plugin stores. Decoding (RFC 2047 words,
 * charsets, transfer encodings, multipart structure) is mailparser's; this module
 * only shapes its result and makes malformed input degrade instead of fail.
 */
import { isUtf8 } from 'node:buffer';
import { simpleParser, type AddressObject, type Attachment, type EmailAddress, type ParsedMail } from 'mailparser';
import type { AttachmentMeta, MailAddress, NormalizedMessage } from '../providers/types';
import { storedTextOf } from '../security/sanitize';
import { extractMessageIds, normalizeMessageId } from './message-id';

export class MimeParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'MimeParseError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  /** Shown in the body (Content-Disposition inline, or referenced by a cid: URL) rather than listed. */
  inline: boolean;
  /** MIME part number ("2", "1.2") as mailparser numbers parts. */
  partId: string | null;
  content: Buffer;
}

export interface ParsedMime {
  subject: string;
  from: MailAddress | null;
  sender: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  date: Date | null;
  /** `<id@host>` form. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Plain text body; derived from the HTML when the message has no text part. */
  text: string | null;
  /** HTML body as sent: NOT sanitized. */
  html: string | null;
  /** Bodies were cut to `maxBodyBytes`. */
  truncated: boolean;
  attachments: ParsedAttachment[];
  /** Unfolded raw header values by lower-case name (RFC 2047 words not decoded). */
  headers: ReadonlyMap<string, string[]>;
  /** First value of a header (case-insensitive), or undefined. */
  header(name: string): string | undefined;
}

export interface ParseOptions {
  /** Cap for the text and the HTML body each (UTF-8 bytes). Default 5 MB. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

function flattenAddresses(list: EmailAddress[] | undefined, out: MailAddress[]): void {
  for (const entry of list ?? []) {
    if (entry.group) {
      flattenAddresses(entry.group, out);
      continue;
    }
    const address = entry.address?.trim();
    // mailparser puts unparseable tokens in `name` with an empty address; they are not recipients.
    if (!address || !address.includes('@')) continue;
    const name = entry.name?.trim();
    out.push(name ? { name, address } : { address });
  }
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const obj of Array.isArray(value) ? value : value ? [value] : []) flattenAddresses(obj.value, out);
  return out;
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): MailAddress | null {
  return addresses(value)[0] ?? null;
}

function truncateUtf8(s: string, maxBytes: number): { value: string; truncated: boolean } {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return { value: s, truncated: false };
  let cut = Buffer.from(s, 'utf8').subarray(0, maxBytes).toString('utf8');
  // A cut inside a multi-byte sequence decodes to U+FFFD at the end: drop it.
  cut = cut.replace(/\uFFFD+$/, '');
  return { value: cut, truncated: true };
}

function collectHeaders(parsed: ParsedMail): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines ?? []) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    const list = headers.get(name);
    if (list) list.push(value);
    else headers.set(name, [value]);
  }
  return headers;
}

function toAttachment(att: Attachment): ParsedAttachment {
  const content = Buffer.isBuffer(att.content) ? att.content : Buffer.alloc(0);
  const contentId = att.cid ?? (att.contentId ? att.contentId.replace(/^<|>$/g, '') : null);
  const contentType = (att.contentType || 'application/octet-stream').toLowerCase();
  return {
    filename: att.filename?.trim() || defaultFilename(contentType),
    contentType,
    size: content.length || att.size || 0,
    contentId: contentId || null,
    inline: att.contentDisposition === 'inline' || Boolean(att.related && contentId),
    partId: att.partId ?? null,
    content,
  };
}

function defaultFilename(contentType: string): string {
  if (contentType === 'message/rfc822') return 'message.eml';
  const sub = contentType.split('/')[1]?.replace(/[^a-z0-9]+/g, '') || 'bin';
  return `attachment.${sub}`;
}

/** mailparser substitutes "now" for an unreadable Date header; an unknown date is more honest. */
function headerDate(headers: Map<string, string[]>): Date | null {
  const value = headers.get('date')?.[0];
  return value ? validDate(new Date(value)) : null;
}

function validDate(d: Date | undefined): Date | null {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d : null;
}

/** Where the header block ends and the body starts (after the first empty line). */
function splitHeaderBody(raw: Buffer): { header: Buffer; body: Buffer; separator: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) {
    return { header: raw.subarray(0, crlf), body: raw.subarray(crlf + 4), separator: Buffer.from('\r\n\r\n') };
  }
  if (lf >= 0) return { header: raw.subarray(0, lf), body: raw.subarray(lf + 2), separator: Buffer.from('\n\n') };
  return { header: raw, body: Buffer.alloc(0), separator: Buffer.alloc(0) };
}

/**
 * Raw 8-bit headers are read as UTF-8 by mailparser. Old mailers write them in
 * their local 8-bit charset instead; when the header block is not valid UTF-8,
 * read it as Windows-1252 (the usual superset of Latin-1) rather than showing U+FFFD.
 */
function repairEightBitHeaders(parts: { header: Buffer }): Buffer {
  const { header } = parts;
  if (!header.some((b) => b >= 0x80) || isUtf8(header)) return header;
  return Buffer.from(decodeWindows1252(header), 'utf8');
}

// Windows-1252 differs from Latin-1 only in 0x80–0x9F. (Node 20's TextDecoder treats
// the `windows-1252` label as Latin-1, so the table is spelled out here.)
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

/**
 * A multipart Content-Type without its boundary parameter makes the whole body
 * unreadable. When the body plainly starts its parts with `--something`, put
 * that boundary back.
 */
function repairMissingBoundary(header: Buffer, body: Buffer): Buffer {
  const text = header.toString('latin1');
  const ct = /^content-type:[ \t]*multipart\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/im.exec(text);
  if (!ct || /boundary\s*=/i.test(ct[0])) return header;
  const delimiter = /^--([^\s"]{1,70}?)(?:--)?[ \t]*\r?$/m.exec(body.subarray(0, 64 * 1024).toString('latin1'));
  if (!delimiter) return header;
  const fixed = `${text.slice(0, ct.index + ct[0].length)}; boundary="${delimiter[1]}"${text.slice(ct.index + ct[0].length)}`;
  return Buffer.from(fixed, 'latin1');
}

function repairRaw(raw: Buffer): { raw: Buffer; body: Buffer } {
  const parts = splitHeaderBody(raw);
  const header = repairMissingBoundary(repairEightBitHeaders(parts), parts.body);
  if (header === parts.header) return { raw, body: parts.body };
  return { raw: Buffer.concat([header, parts.separator, parts.body]), body: parts.body };
}

/**
 * Parses a raw message. Never throws for damaged input that still has a header
 * or a body (truncated multiparts, bad base64, unknown charsets come back as
 * whatever could be decoded); throws MimeParseError when nothing usable exists.
 */
export async function parseRawMessage(raw: Buffer | string, opts: ParseOptions = {}): Promise<ParsedMime> {
  const source = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  if (!Buffer.isBuffer(source) || source.length === 0) throw new MimeParseError('Empty message');

  const repaired = repairRaw(source);
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(repaired.raw, {
      keepCidLinks: true, // keep cid: URLs; the reader serves inline parts by URL, not as data: URIs
      skipHtmlToText: true, // our htmlToText below, the same one snippets and quotes use
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    });
  } catch (err) {
    throw new MimeParseError(`Message could not be parsed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  const headers = collectHeaders(parsed);
  const maxBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? parsed.html : null;
  let text = typeof parsed.text === 'string' && parsed.text.trim() ? parsed.text : null;
  if (!text && html) text = storedTextOf(html) || null;
  if (!text && !html && (parsed.attachments ?? []).length === 0 && repaired.body.length > 0) {
    // Structure beyond repair: the undecoded body is still better than an empty message.
    text = repaired.body.toString('utf8').trim() || null;
  }
  const cutText = text ? truncateUtf8(text, maxBytes) : null;
  const cutHtml = html ? truncateUtf8(html, maxBytes) : null;
  const attachments = (parsed.attachments ?? []).map(toAttachment);

  const result: ParsedMime = {
    subject: (parsed.subject ?? '').replace(/[\r\n]+\s*/g, ' ').trim(),
    from: firstAddress(parsed.from),
    sender: firstAddress(parsed.headers?.get('sender') as AddressObject | undefined),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    bcc: addresses(parsed.bcc),
    replyTo: addresses(parsed.replyTo),
    date: headerDate(headers),
    messageId: normalizeMessageId(parsed.messageId),
    inReplyTo: extractMessageIds(parsed.inReplyTo ?? null)[0] ?? null,
    references: extractMessageIds(parsed.references ?? null),
    text: cutText?.value ?? null,
    html: cutHtml?.value ?? null,
    truncated: Boolean(cutText?.truncated || cutHtml?.truncated),
    attachments,
    headers,
    header: (name: string) => headers.get(name.toLowerCase())?.[0],
  };

  const usable =
    headers.size > 0 && (result.from !== null || result.messageId !== null || result.date !== null || result.subject !== '' || result.to.length > 0);
  if (!usable && !result.text && !result.html && attachments.length === 0) {
    throw new MimeParseError('No message headers or body could be read');
  }
  return result;
}

/** First `maxLen` characters of the readable text, whitespace collapsed, cut on a word boundary. */
export function makeSnippet(input: string | { text?: string | null; html?: string | null } | null | undefined, maxLen = 200): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input?.text && input.text.trim()) text = input.text;
  else text = storedTextOf(input?.html ?? '');
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat); // code points, so surrogate pairs are never split
  if (chars.length <= maxLen) return flat;
  const keep = Math.max(1, maxLen - 1);
  let cut = chars.slice(0, keep).join('');
  // Cut inside a word: back up to the previous space unless that loses too much.
  if (chars[keep] !== ' ') {
    const space = cut.lastIndexOf(' ');
    if (space > cut.length * 0.6) cut = cut.slice(0, space);
  }
  return `${cut.trimEnd()}…`;
}

export interface NormalizeMeta {
  providerId: string;
  threadId: string;
  folderIds: string[];
  read: boolean;
  starred: boolean;
  draft: boolean;
  categories?: string[];
  /** Provider's own received date (Gmail internalDate, Graph receivedDateTime); wins over the Date header. */
  date?: Date | null;
  size?: number;
  /** Provider attachment ids: by index in `attachments`, or computed. Default `part:<partId>` / `index:<n>`. */
  attachmentIds?: string[] | ((attachment: ParsedAttachment, index: number) => string);
  maxBodyBytes?: number;
}

function attachmentId(meta: NormalizeMeta, att: ParsedAttachment, index: number): string {
  const ids = meta.attachmentIds;
  if (typeof ids === 'function') return ids(att, index);
  if (Array.isArray(ids) && ids[index]) return ids[index];
  return att.partId ? `part:${att.partId}` : `index:${index}`;
}

/** Parsed MIME + provider metadata → the provider-neutral message the sync store takes. */
export function toNormalizedMessage(parsed: ParsedMime, meta: NormalizeMeta): NormalizedMessage {
  const attachments: AttachmentMeta[] = parsed.attachments.map((att, i) => ({
    id: attachmentId(meta, att, i),
    filename: att.filename,
    contentType: att.contentType,
    size: att.size,
    contentId: att.contentId,
    inline: att.inline,
  }));
  const message: NormalizedMessage = {
    providerId: meta.providerId,
    threadId: meta.threadId,
    internetMessageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    subject: parsed.subject,
    from: parsed.from,
    sender: parsed.sender,
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    replyTo: parsed.replyTo,
    date: validDate(meta.date ?? undefined) ?? parsed.date ?? new Date(0),
    snippet: makeSnippet(parsed),
    text: parsed.text,
    html: parsed.html,
    folderIds: meta.folderIds,
    read: meta.read,
    starred: meta.starred,
    draft: meta.draft,
    attachments,
  };
  if (meta.categories) message.categories = meta.categories;
  if (meta.size !== undefined) message.size = meta.size;
  return message;
}

/** Convenience for adapters that receive raw RFC 822 (Gmail `format=raw`, Graph `$value`). */
export async function normalizedFromRaw(raw: Buffer | string, meta: NormalizeMeta): Promise<NormalizedMessage> {
  const parsed = await parseRawMessage(raw, { maxBodyBytes: meta.maxBodyBytes });
  const message = toNormalizedMessage(parsed, meta);
  if (message.size === undefined) message.size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  return message;
}
