import { decodeText } from '../generator/charsets';

/**
 * A small MIME tree parser: Gmail's `payload` mirrors the message's part tree, which
 * mailparser flattens away, so the emulator keeps its own structural parser.
 */

export interface MimeHeader {
  name: string;
  value: string;
}

export interface MimeNode {
  /** Headers in order, unfolded, encoded words still encoded. */
  headers: MimeHeader[];
  mimeType: string;
  params: Record<string, string>;
  disposition: string | null;
  dispositionParams: Record<string, string>;
  /** Transfer-decoded content of a leaf part (empty for multiparts). */
  body: Buffer;
  children: MimeNode[];
}

export function splitHeaderBlock(raw: Buffer): { head: string; body: Buffer } {
  const text = raw.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  let end: number;
  let sep: number;
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) {
    end = crlf;
    sep = 4;
  } else if (lf >= 0) {
    end = lf;
    sep = 2;
  } else {
    return { head: raw.toString('utf8'), body: Buffer.alloc(0) };
  }
  // Header bytes may be raw UTF-8 (RFC 6532); re-read them as UTF-8.
  return { head: raw.subarray(0, end).toString('utf8'), body: raw.subarray(end + sep) };
}

export function parseHeaders(head: string): MimeHeader[] {
  const headers: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1].value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export function headerValue(headers: MimeHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Parses `type/subtype; a=b; c="d"` including RFC 2231 continuations and charset-encoded values. */
export function parseStructuredHeader(value: string): { value: string; params: Record<string, string> } {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of value) {
    if (char === '"') quoted = !quoted;
    if (char === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  const main = (parts.shift() ?? '').trim().toLowerCase();
  const simple: Record<string, string> = {};
  const extended = new Map<string, Array<{ index: number; encoded: boolean; text: string }>>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const rawKey = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    const match = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(rawKey);
    if (!match) continue;
    const [, key, index, star] = match;
    if (index === undefined && !star) {
      simple[key] = val;
      continue;
    }
    const list = extended.get(key) ?? [];
    list.push({ index: index === undefined ? 0 : Number(index), encoded: Boolean(star), text: val });
    extended.set(key, list);
  }
  for (const [key, pieces] of extended) {
    pieces.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    const bytes: number[] = [];
    pieces.forEach((piece, i) => {
      let text = piece.text;
      if (piece.encoded && i === 0) {
        const m = /^([^']*)'[^']*'(.*)$/.exec(text);
        if (m) {
          charset = m[1] || 'utf-8';
          text = m[2];
        }
      }
      if (piece.encoded) {
        for (let j = 0; j < text.length; j++) {
          if (text[j] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(j + 1, j + 3))) {
            bytes.push(parseInt(text.slice(j + 1, j + 3), 16));
            j += 2;
          } else bytes.push(...Buffer.from(text[j], 'utf8'));
        }
      } else bytes.push(...Buffer.from(text, 'utf8'));
    });
    simple[key] = decodeCharset(Buffer.from(bytes), charset);
  }
  return { value: main, params: simple };
}

export function decodeCharset(data: Buffer, charset: string | undefined): string {
  try {
    return decodeText(data, (charset ?? '').trim() || 'utf-8');
  } catch {
    return data.toString('latin1');
  }
}

/** Decodes RFC 2047 encoded words; whitespace between adjacent words is dropped. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_whole, charset: string, encoding: string, text: string) => {
      const cs = charset.split('*')[0];
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return decodeCharset(bytes, cs);
    });
}

function decodeQuotedPrintable(data: Buffer): Buffer {
  const text = data.toString('latin1').replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(out);
}

function decodeTransfer(data: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(data.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(data);
    default:
      return data;
  }
}

export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let position = text.indexOf(delimiter);
  while (position >= 0) {
    let start = position + delimiter.length;
    if (text.startsWith('--', start)) break;
    start = text.indexOf('\n', start);
    if (start < 0) break;
    start += 1;
    const next = text.indexOf(`\n${delimiter}`, start);
    if (next < 0) {
      parts.push(body.subarray(start));
      break;
    }
    const end = text[next - 1] === '\r' ? next - 1 : next;
    parts.push(body.subarray(start, end));
    position = next + 1;
  }
  return parts;
}

export function parseMime(raw: Buffer, defaultType = 'text/plain'): MimeNode {
  const { head, body } = splitHeaderBlock(raw);
  const headers = parseHeaders(head);
  const contentType = parseStructuredHeader(headerValue(headers, 'content-type') ?? defaultType);
  const dispositionHeader = headerValue(headers, 'content-disposition');
  const disposition = dispositionHeader ? parseStructuredHeader(dispositionHeader) : null;
  const mimeType = contentType.value.includes('/') ? contentType.value : defaultType;
  const node: MimeNode = {
    headers,
    mimeType,
    params: contentType.params,
    disposition: disposition?.value ?? null,
    dispositionParams: disposition?.params ?? {},
    body: Buffer.alloc(0),
    children: [],
  };
  if (mimeType.startsWith('multipart/') && contentType.params.boundary) {
    const childDefault = mimeType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    node.children = splitMultipart(body, contentType.params.boundary).map((part) => parseMime(part, childDefault));
  } else {
    node.body = decodeTransfer(body, headerValue(headers, 'content-transfer-encoding'));
  }
  return node;
}

export function filenameOf(node: MimeNode): string {
  const name = node.dispositionParams.filename ?? node.params.name ?? '';
  return decodeEncodedWords(name);
}

/** Text of the first text/plain leaf (or text/html stripped of tags) for snippets and search. */
export function extractText(node: MimeNode): { plain: string | null; html: string | null } {
  let plain: string | null = null;
  let html: string | null = null;
  const visit = (n: MimeNode): void => {
    if (n.children.length > 0) {
      n.children.forEach(visit);
      return;
    }
    if (n.disposition === 'attachment' || filenameOf(n)) return;
    if (n.mimeType === 'text/plain' && plain === null) plain = decodeCharset(n.body, n.params.charset);
    if (n.mimeType === 'text/html' && html === null) html = decodeCharset(n.body, n.params.charset);
  };
  visit(node);
  return { plain, html };
}

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

export interface ParsedAddress {
  name: string;
  address: string;
}

/** Splits an address-list header into name/address pairs (enough for the emulator's routing and search). */
export function parseAddressList(value: string | undefined): ParsedAddress[] {
  if (!value) return [];
  const decoded = decodeEncodedWords(value);
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const char of decoded) {
    if (char === '"') quoted = !quoted;
    if (char === '<' && !quoted) angle++;
    if (char === '>' && !quoted) angle = Math.max(0, angle - 1);
    if (char === ',' && !quoted && angle === 0) {
      items.push(current);
      current = '';
    } else current += char;
  }
  items.push(current);
  return items
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(.*)<([^>]+)>\s*$/.exec(item);
      if (m) return { name: m[1].trim().replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'), address: m[2].trim() };
      return { name: '', address: item.replace(/^"|"$/g, '') };
    });
}

/** Message-IDs in a References / In-Reply-To header, with brackets. */
export function parseMessageIds(value: string | undefined): string[] {
  return value ? (value.match(/<[^<>\s]+>/g) ?? []) : [];
}
