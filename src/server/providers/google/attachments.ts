/**
 * Gmail attachment ids for parsed attachments. Format raw (which the parser reads)
 * carries no Gmail attachment ids, so they come from a `format: full` payload of
 * the same message, matched to the parsed attachments by MIME part number, then
 * Content-ID, then file name. Parts Gmail inlines (`body.data`, no attachmentId)
 * get a synthetic `part:<Gmail partId>` id that getAttachment resolves through the payload.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import type { ParsedAttachment } from '../../mime/parse';

/** Synthetic id: a Gmail payload part number. */
export const PART_ID_PREFIX = 'part:';
/** Synthetic id: the parser's part number, resolved by re-reading the raw message (no payload part matched). */
export const MIME_ID_PREFIX = 'mime:';

interface LeafPart {
  partId: string;
  attachmentId: string | null;
  filename: string;
  mimeType: string;
  contentId: string | null;
}

/**
 * mailparser numbers parts the IMAP way (root children 1, 2; nested 2.1; a
 * single-part message has none); Gmail counts from 0 ("0", "1", "1.0") and
 * calls the root "".
 */
export function gmailPartId(parserPartId: string | null): string {
  if (!parserPartId) return '';
  return parserPartId
    .split('.')
    .map((n) => String(Number(n) - 1))
    .join('.');
}

/** One id per parsed attachment, in the same order. */
export function matchAttachmentIds(parsed: readonly ParsedAttachment[], payload: gmail_v1.Schema$MessagePart | null | undefined): string[] {
  const leaves = leafParts(payload);
  const used = new Set<LeafPart>();
  const take = (leaf: LeafPart | undefined): string | null => {
    if (!leaf) return null;
    used.add(leaf);
    return leaf.attachmentId ?? `${PART_ID_PREFIX}${leaf.partId}`;
  };
  const free = (predicate: (leaf: LeafPart) => boolean) => leaves.find((leaf) => !used.has(leaf) && predicate(leaf));

  return parsed.map((att, index) => {
    const partId = gmailPartId(att.partId);
    const byPart = free((leaf) => leaf.partId === partId && leaf.mimeType === att.contentType);
    const byCid = att.contentId ? free((leaf) => leaf.contentId === att.contentId) : undefined;
    const byName = free((leaf) => leaf.filename !== '' && leaf.filename === att.filename);
    return take(byPart ?? byCid ?? byName) ?? `${MIME_ID_PREFIX}${att.partId ?? `#${index}`}`;
  });
}

/** Non-multipart parts of a payload, depth first (attached messages are leaves). */
function leafParts(payload: gmail_v1.Schema$MessagePart | null | undefined): LeafPart[] {
  const out: LeafPart[] = [];
  const visit = (part: gmail_v1.Schema$MessagePart): void => {
    const mimeType = (part.mimeType ?? '').toLowerCase();
    if (mimeType.startsWith('multipart/') && part.parts?.length) {
      for (const child of part.parts) visit(child);
      return;
    }
    out.push({
      partId: part.partId ?? '',
      attachmentId: part.body?.attachmentId ?? null,
      filename: part.filename ?? '',
      mimeType,
      contentId: stripBrackets(header(part, 'content-id')),
    });
  };
  if (payload) visit(payload);
  return out;
}

/** Finds the part a `part:` id names. */
export function findPart(payload: gmail_v1.Schema$MessagePart | null | undefined, partId: string): gmail_v1.Schema$MessagePart | null {
  if (!payload) return null;
  if ((payload.partId ?? '') === partId) return payload;
  for (const child of payload.parts ?? []) {
    const found = findPart(child, partId);
    if (found) return found;
  }
  return null;
}

/** Finds the parsed attachment a `mime:` id names. */
export function findParsedAttachment(parsed: readonly ParsedAttachment[], ref: string): ParsedAttachment | null {
  if (ref.startsWith('#')) return parsed[Number(ref.slice(1))] ?? null;
  return parsed.find((a) => a.partId === ref) ?? null;
}

function header(part: gmail_v1.Schema$MessagePart, name: string): string | undefined {
  return part.headers?.find((x) => x.name?.toLowerCase() === name)?.value ?? undefined;
}

function stripBrackets(value: string | undefined): string | null {
  if (!value) return null;
  const inner = value.trim().replace(/^<|>$/g, '').trim();
  return inner || null;
}
