import { randomBytes } from 'node:crypto';
import { headerValue, parseHeaders, splitHeaderBlock } from './mime';

/** Header edits Gmail makes to a message it sends or stores. */

function headerBlockEnd(raw: Buffer): number {
  const text = raw.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return crlf + 2;
  if (lf >= 0) return lf + 1;
  return raw.length;
}

/** Puts headers in front of the message (keeps the body and existing headers as they are). */
export function prependHeaders(raw: Buffer, headers: Array<[string, string]>): Buffer {
  if (headers.length === 0) return raw;
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.concat([Buffer.from(lines, 'utf8'), raw]);
}

/** Removes a header (with its folded continuation lines) from the top-level header block. */
export function stripHeader(raw: Buffer, name: string): Buffer {
  const end = headerBlockEnd(raw);
  const head = raw.subarray(0, end).toString('utf8');
  const lines = head.split(/(?<=\n)/);
  const kept: string[] = [];
  let skipping = false;
  const prefix = `${name.toLowerCase()}:`;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && skipping) continue;
    skipping = line.toLowerCase().startsWith(prefix);
    if (!skipping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join(''), 'utf8'), raw.subarray(end)]);
}

/** Adds what Gmail adds when it is missing: From (the sender), Date, Message-ID. */
export function completeOutgoing(raw: Buffer, sender: { name: string; address: string }, now = new Date()): Buffer {
  const headers = parseHeaders(splitHeaderBlock(raw).head);
  const extra: Array<[string, string]> = [];
  if (!headerValue(headers, 'from')) extra.push(['From', /^[\x20-\x7e]*$/.test(sender.name) ? `"${sender.name}" <${sender.address}>` : sender.address]);
  if (!headerValue(headers, 'date')) extra.push(['Date', now.toUTCString().replace('GMT', '+0000')]);
  if (!headerValue(headers, 'message-id')) extra.push(['Message-ID', `<CA${randomBytes(24).toString('base64url')}@mail.gmail.test>`]);
  if (!headerValue(headers, 'mime-version')) extra.push(['MIME-Version', '1.0']);
  return prependHeaders(raw, extra);
}
