/**
 * What the compose form starts with, and the parts of a sent message that come
 * from the one it answers: the writer's identities (the account's address and
 * aliases), recipients without them, the `Re:` / `Fwd:` subject and the quoted
 * original. Pure: the threading rules live in mime/threading.
 */
import { UserFacingError } from '../http/errors';
import type { MailAddress } from '../providers/types';
import { normalizeAddress } from '../sync/participants';
import { asBool, asDate, asJson, asStringArray } from '../sync/values';
import { forwardSubject, quoteForForward, quoteForReply, replyRecipients, replySubject, type Quote, type QuoteOptions } from '../mime/threading';
import type { ComposeDraft, ComposeMode, WireAddress } from '../../shared/wire-types';
import { escapeHtml } from '../security/escape';
import { isRasterImage } from './download-headers';
import { bareContentId, imagesOfQuote } from './outgoing-assembly';
import type { Raw } from './visibility';

/** The message answered or forwarded, as its row stores it. */
export interface OriginalMessage {
  id: string;
  accountId: string;
  threadRowId: string | null;
  providerId: string;
  providerThreadId: string | null;
  internetMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  date: Date;
  text: string | null;
  html: string | null;
  draft: boolean;
}

function addresses(value: unknown): MailAddress[] {
  const list = asJson<unknown>(value, []);
  if (!Array.isArray(list)) return [];
  return list
    .filter((a): a is MailAddress => Boolean(a) && typeof (a as MailAddress).address === 'string')
    .map((a) => (a.name ? { name: String(a.name), address: a.address } : { address: a.address }));
}

export function originalFromRow(row: Raw): OriginalMessage {
  const fromAddress = row.fromAddress ? String(row.fromAddress) : null;
  return {
    id: String(row.id),
    accountId: String(row.accountId),
    threadRowId: row.threadRowId === null || row.threadRowId === undefined ? null : String(row.threadRowId),
    providerId: String(row.providerId),
    providerThreadId: row.providerThreadId ? String(row.providerThreadId) : null,
    internetMessageId: row.internetMessageId ? String(row.internetMessageId) : null,
    inReplyTo: row.inReplyTo ? String(row.inReplyTo) : null,
    references: asStringArray(row.references),
    subject: String(row.subject ?? ''),
    from: fromAddress ? (row.fromName ? { name: String(row.fromName), address: fromAddress } : { address: fromAddress }) : null,
    to: addresses(row.to),
    cc: addresses(row.cc),
    bcc: addresses(row.bcc),
    replyTo: addresses(row.replyTo),
    date: asDate(row.date) ?? new Date(0),
    text: typeof row.text === 'string' ? row.text : null,
    html: typeof row.html === 'string' ? row.html : null,
    draft: asBool(row.draft),
  };
}

/** Who the writer is: the account's address and the aliases its provider lets it send as. */
export interface WriterIdentity {
  address: string;
  displayName: string | null;
  aliases: MailAddress[];
}

/** The account's own address first, then its aliases, each once. */
export function fromChoices(identity: WriterIdentity): WireAddress[] {
  const out: WireAddress[] = [];
  const seen = new Set<string>();
  const add = (address: string, name: string | null | undefined) => {
    const key = normalizeAddress(address);
    if (!key || seen.has(key)) return;
    seen.add(key);
    out.push({ name: name || null, address });
  };
  add(identity.address, identity.displayName);
  for (const alias of identity.aliases) add(alias.address, alias.name || identity.displayName);
  return out;
}

/**
 * The identity to answer from: the alias the original was addressed to (or sent
 * from, for my own message), as Gmail and Outlook pick it; else the account's own.
 */
export function preferredFrom(choices: WireAddress[], original: OriginalMessage | null): WireAddress {
  if (original) {
    const involved = new Set(
      [original.from, ...original.to, ...original.cc, ...original.bcc].map((a) => normalizeAddress(a)).filter((a): a is string => a !== null),
    );
    const match = choices.find((c) => involved.has(normalizeAddress(c.address) ?? ''));
    if (match) return match;
  }
  return choices[0];
}

/** The choice the writer asked to send as; only the account's own addresses are allowed. */
export function resolveFrom(requested: string | null, choices: WireAddress[]): WireAddress {
  if (requested === null) return choices[0];
  const key = normalizeAddress(requested);
  const match = choices.find((c) => normalizeAddress(c.address) === key);
  if (!match) {
    throw new UserFacingError(
      400,
      'FROM_NOT_ALLOWED',
      `This account cannot send as ${requested}. Send from ${choices.map((c) => c.address).join(' or ')}.`,
      'from',
    );
  }
  return match;
}

/** The quoted original (text and HTML) a reply or forward carries; none for a new message. */
export function quoteFor(mode: ComposeMode, original: OriginalMessage | null, opts: QuoteOptions = {}): Quote | null {
  if (mode === 'new' || !original) return null;
  return mode === 'forward' ? quoteForForward(original, opts) : quoteForReply(original, opts);
}

export function subjectFor(mode: ComposeMode, original: OriginalMessage | null): string {
  if (mode === 'new' || !original) return '';
  return mode === 'forward' ? forwardSubject(original.subject) : replySubject(original.subject);
}

const toWire = (a: MailAddress): WireAddress => ({ name: a.name ?? null, address: a.address });

export interface DraftAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
}

/** The compose form's starting point (ComposeDraft). */
export function composeDraft(input: {
  accountId: string;
  mode: ComposeMode;
  identity: WriterIdentity;
  original: OriginalMessage | null;
  attachments?: DraftAttachment[];
  /** Show the quote with the original's remote images (the writer asked); held back otherwise, as in the reader. */
  allowRemoteImages?: boolean;
}): ComposeDraft {
  const { mode, original } = input;
  const choices = fromChoices(input.identity);
  const me = { address: input.identity.address, aliases: input.identity.aliases };
  const recipients = original && (mode === 'reply' || mode === 'replyAll') ? replyRecipients(original, me, mode) : { to: [], cc: [] };
  const quote = quoteFor(mode, original, { allowRemoteImages: input.allowRemoteImages ?? false });
  // Images the quote shows travel with the quote, not in the file list.
  const quoteImages = new Set(imagesOfQuote(input.attachments ?? [], quote?.html ?? '').map((a) => a.id));
  return {
    accountId: input.accountId,
    mode,
    originalId: original ? original.id : null,
    fromChoices: choices,
    from: preferredFrom(choices, mode === 'new' ? null : original),
    to: recipients.to.map(toWire),
    cc: recipients.cc.map(toWire),
    subject: subjectFor(mode, original),
    quotedHtml: quote?.html ?? '',
    quotedRemoteImagesBlocked: quote?.remoteImagesBlocked ?? 0,
    forwardAttachments:
      mode === 'forward'
        ? (input.attachments ?? []).filter((a) => !quoteImages.has(a.id)).map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size }))
        : [],
  };
}

/**
 * The quote as the compose form shows it: its inline images (`cid:`) pointed at
 * links that serve them (raster images only, like a message body). Display
 * only: what is sent carries the images themselves.
 */
export function linkQuoteImages(
  html: string,
  attachments: ReadonlyArray<{ id: string; contentId: string | null; contentType: string }>,
  urlFor: (attachmentId: string) => string,
): string {
  const byCid = new Map<string, string>();
  for (const a of attachments) {
    const cid = bareContentId(a.contentId);
    if (cid && isRasterImage(a.contentType) && !byCid.has(cid)) byCid.set(cid, a.id);
  }
  if (!byCid.size) return html;
  return html.replace(/(\ssrc=")cid:([^"]*)"/gi, (whole, prefix: string, raw: string) => {
    let cid = raw;
    try {
      cid = decodeURIComponent(raw);
    } catch {
      // keep the raw form
    }
    const id = byCid.get(bareContentId(cid) ?? '');
    return id ? `${prefix}${escapeHtml(urlFor(id))}"` : whole;
  });
}
