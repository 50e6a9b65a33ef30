import type { gmail_v1 } from '@googleapis/gmail';
import { toBase64Url } from './ids';
import {
  decodeEncodedWords,
  extractText,
  filenameOf,
  headerValue,
  htmlToText,
  parseAddressList,
  parseMessageIds,
  parseMime,
  type MimeHeader,
  type MimeNode,
  type ParsedAddress,
} from './mime';

/** A message as the emulator stores it: the raw RFC 822 bytes plus Gmail metadata. */
export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: Set<string>;
  raw: Buffer;
  internalDate: number;
  historyId: number;
  headers: MimeHeader[];
  subject: string;
  from: ParsedAddress[];
  to: ParsedAddress[];
  cc: ParsedAddress[];
  bcc: ParsedAddress[];
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  snippet: string;
  /** Lower-cased text used by `q` word search (subject, addresses, body start). */
  searchText: string;
  attachmentNames: string[];
  /** Top-level Content-Type (the part tree itself is re-parsed on demand to keep memory at one copy). */
  mimeType: string;
}

export type MessageFormat = 'full' | 'metadata' | 'minimal' | 'raw';

const SEARCH_TEXT_LIMIT = 16 * 1024;

function escapeSnippet(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function createStoredMessage(
  raw: Buffer,
  init: { id: string; threadId: string; labelIds: Iterable<string>; internalDate: number; historyId: number },
): StoredMessage {
  const tree = parseMime(raw);
  const headers = tree.headers;
  const { plain, html } = extractText(tree);
  const bodyText = (plain ?? (html !== null ? htmlToText(html) : '')).replace(/\s+/g, ' ').trim();
  const attachmentNames: string[] = [];
  const visit = (n: MimeNode): void => {
    if (n.children.length) return n.children.forEach(visit);
    const name = filenameOf(n);
    if (name) attachmentNames.push(name);
  };
  visit(tree);
  const subject = decodeEncodedWords(headerValue(headers, 'subject') ?? '');
  const from = parseAddressList(headerValue(headers, 'from'));
  const to = parseAddressList(headerValue(headers, 'to'));
  const cc = parseAddressList(headerValue(headers, 'cc'));
  const bcc = parseAddressList(headerValue(headers, 'bcc'));
  const addressText = [...from, ...to, ...cc, ...bcc].map((a) => `${a.name} ${a.address}`).join(' ');
  return {
    id: init.id,
    threadId: init.threadId,
    labelIds: new Set(init.labelIds),
    raw,
    internalDate: init.internalDate,
    historyId: init.historyId,
    headers,
    subject,
    from,
    to,
    cc,
    bcc,
    messageId: parseMessageIds(headerValue(headers, 'message-id'))[0] ?? null,
    inReplyTo: parseMessageIds(headerValue(headers, 'in-reply-to'))[0] ?? null,
    references: parseMessageIds(headerValue(headers, 'references')),
    snippet: escapeSnippet(bodyText.slice(0, 200)),
    searchText: `${subject} ${addressText} ${attachmentNames.join(' ')} ${bodyText.slice(0, SEARCH_TEXT_LIMIT)}`.toLowerCase(),
    attachmentNames,
    mimeType: tree.mimeType,
  };
}

export function attachmentIdFor(messageId: string, partId: string): string {
  return 'ANGjdJ' + Buffer.from(`${messageId}:${partId}`).toString('base64url');
}

function decodedHeaders(headers: MimeHeader[], only?: Set<string>): gmail_v1.Schema$MessagePartHeader[] {
  return headers
    .filter((h) => !only || only.has(h.name.toLowerCase()))
    .map((h) => ({ name: h.name, value: decodeEncodedWords(h.value) }));
}

function toPart(message: StoredMessage, node: MimeNode, partId: string): gmail_v1.Schema$MessagePart {
  const filename = filenameOf(node);
  const part: gmail_v1.Schema$MessagePart = {
    partId,
    mimeType: node.mimeType,
    filename,
    headers: decodedHeaders(node.headers),
    body: { size: 0 },
  };
  if (node.children.length > 0) {
    part.parts = node.children.map((child, i) => toPart(message, child, partId === '' ? String(i) : `${partId}.${i}`));
  } else if (filename) {
    part.body = { attachmentId: attachmentIdFor(message.id, partId), size: node.body.length };
  } else {
    part.body = { size: node.body.length, ...(node.body.length > 0 ? { data: toBase64Url(node.body) } : {}) };
  }
  return part;
}

export function formatMessage(message: StoredMessage, format: MessageFormat, metadataHeaders: string[] = []): gmail_v1.Schema$Message {
  const base: gmail_v1.Schema$Message = {
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
    snippet: message.snippet,
    sizeEstimate: message.raw.length,
    historyId: String(message.historyId),
    internalDate: String(message.internalDate),
  };
  switch (format) {
    case 'minimal':
      return base;
    case 'raw':
      return { ...base, raw: toBase64Url(message.raw) };
    case 'metadata': {
      const only = metadataHeaders.length > 0 ? new Set(metadataHeaders.map((h) => h.toLowerCase())) : undefined;
      return {
        ...base,
        payload: { partId: '', mimeType: message.mimeType, filename: '', headers: decodedHeaders(message.headers, only), body: { size: 0 } },
      };
    }
    case 'full':
      return { ...base, payload: toPart(message, parseMime(message.raw), '') };
  }
}

/** The decoded bytes of an attachment part, by the id `formatMessage` handed out. */
export function findAttachment(message: StoredMessage, attachmentId: string): Buffer | null {
  if (!attachmentId.startsWith('ANGjdJ')) return null;
  const decoded = Buffer.from(attachmentId.slice(6), 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep < 0 || decoded.slice(0, sep) !== message.id) return null;
  const path = decoded.slice(sep + 1);
  let node: MimeNode | undefined = parseMime(message.raw);
  for (const index of path === '' ? [] : path.split('.')) node = node?.children[Number(index)];
  return node && node.children.length === 0 ? node.body : null;
}

/** Subject without reply/forward prefixes, for Gmail's "same subject" thread rule. */
export function normalizeSubject(subject: string): string {
  let s = subject.trim().toLowerCase();
  for (;;) {
    const next = s.replace(/^(re|fwd?|aw|wg|tr|rv|sv|vs|antw|回复|转发|答复)\s*(\[\d+\])?\s*[:：]\s*/i, '').replace(/^\[[^\]]*\]\s*/, '');
    if (next === s) return s.replace(/\s+/g, ' ');
    s = next.trim();
  }
}
