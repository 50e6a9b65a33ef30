/**
 * Conversation rules shared by the composer, the send action and the sync store:
 * subjects, reply recipients, References chains, quoting, and a fallback thread
 * key for messages a provider did not thread.
 */
import { createHash } from 'node:crypto';
import type { MailAddress, NormalizedMessage } from '../providers/types';
import { escapeHtml, textToHtml } from '../security/escape';
import { htmlToText, sanitizeEmailHtml } from '../security/sanitize';
import { normalizeAddress } from '../sync/participants';
import { extractMessageIds, normalizeMessageId, uniqueIds } from './message-id';

// Reply / forward markers mail clients put in front of subjects, per language.
// Matched case-insensitively; one-letter Italian Outlook markers are matched separately, upper case only.
const SUBJECT_MARKERS = [
  're', 'fw', 'fwd', // English and most clients
  'aw', 'wg', // German (Antwort, Weitergeleitet)
  'sv', 'vs', 'vb', 'vl', // Scandinavian, Finnish
  'antw', 'doorst', // Dutch
  'tr', 'réf', 'ref', 'rép', 'rep', // French
  'rif', // Italian
  'rv', 'res', 'enc', // Spanish, Portuguese
  'odp', 'pd', // Polish
  'ynt', 'ilt', // Turkish
  'atb', 'továbbítás', // Hungarian
  'отв', 'пересл', 'ответ', // Russian
  'trả lời', 'chuyển tiếp', 'tl', // Vietnamese
  '回复', '回覆', '答复', '答覆', '转发', '轉寄', '转寄', '轉發', // Chinese
  '返信', '転送', // Japanese
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Optional counters: "Re[2]:", "Re(2):", "Re^2:". Colons may be full-width in CJK clients.
const COUNTER = String.raw`(?:\s*(?:\[\d+\]|\(\d+\)|\^\d+))?`;
// An abbreviation dot is allowed ("Réf. :"), as is French spacing before the colon ("RE :").
const MARKER_RE = new RegExp(`^(?:${SUBJECT_MARKERS.map(escapeRe).join('|')})\\.?${COUNTER}\\s*[:：]\\s*`, 'iu');
const UPPER_MARKER_RE = new RegExp(`^(?:R|I)${COUNTER}\\s*:\\s+`, 'u');
// Mailing list tags such as "[dev-list] Re: …" stay, the markers behind them go.
const LIST_TAG_RE = /^\[[^\]\r\n]{1,64}\]\s*/u;

function stripMarkers(s: string): string {
  let rest = s;
  for (;;) {
    const next = rest.replace(MARKER_RE, '').replace(UPPER_MARKER_RE, '');
    if (next === rest) return rest;
    rest = next;
  }
}

/** Subject without any leading reply/forward markers (any language, any count), whitespace collapsed. */
export function normalizeSubject(subject: string | null | undefined): string {
  const s = (subject ?? '').replace(/\s+/g, ' ').trim();
  const tag = LIST_TAG_RE.exec(s);
  if (tag) {
    const rest = stripMarkers(s.slice(tag[0].length));
    return rest ? `${tag[0].trim()} ${rest}` : tag[0].trim();
  }
  return stripMarkers(s);
}

/** "Re: " + the normalized subject: answering "RE: AW: Re: x" gives "Re: x", never stacked prefixes. */
export function replySubject(subject: string | null | undefined): string {
  return `Re: ${normalizeSubject(subject)}`.trimEnd();
}

export function forwardSubject(subject: string | null | undefined): string {
  return `Fwd: ${normalizeSubject(subject)}`.trimEnd();
}

/**
 * RFC 5322 §3.6.4 does not bound References, but long chains get truncated or
 * rejected by some servers; like RFC 5537 suggests, keep the thread root and the
 * most recent ids.
 */
export const MAX_REFERENCES = 20;

type ReferenceSource = Pick<NormalizedMessage, 'internetMessageId' | 'references'> & {
  inReplyTo?: string | null;
};

/** References for an answer to `original`: its References (or In-Reply-To) + its own Message-ID, deduplicated and bounded. */
export function buildReferences(original: ReferenceSource, max = MAX_REFERENCES): string[] {
  let chain = extractMessageIds(original.references ?? []);
  if (chain.length === 0) chain = extractMessageIds(original.inReplyTo ?? null).slice(0, 1);
  const own = normalizeMessageId(original.internetMessageId);
  if (own) chain.push(own);
  chain = uniqueIds(chain);
  if (chain.length <= max) return chain;
  return [chain[0], ...chain.slice(chain.length - (max - 1))];
}

export interface ReplyIdentity {
  address: string;
  aliases?: ReadonlyArray<string | MailAddress>;
}

export type ReplyMode = 'reply' | 'replyAll';

type RecipientSource = Pick<NormalizedMessage, 'from' | 'to' | 'cc' | 'replyTo'>;

/** Dedupes case-insensitively (first mention and its name win), skips invalid and excluded addresses. */
function collect(lists: ReadonlyArray<ReadonlyArray<MailAddress | null | undefined>>, exclude: Set<string>): MailAddress[] {
  const out: MailAddress[] = [];
  for (const list of lists) {
    for (const entry of list) {
      const key = normalizeAddress(entry);
      if (!entry || !key || exclude.has(key)) continue;
      exclude.add(key);
      out.push(entry.name ? { name: entry.name, address: entry.address.trim() } : { address: entry.address.trim() });
    }
  }
  return out;
}

/**
 * Who an answer goes to. Reply → Reply-To, else From. Reply all → that plus the
 * original To (in To) and Cc (in Cc), minus my own addresses and aliases.
 * Answering a message I sent myself continues to its recipients, as Gmail and Outlook do.
 */
export function replyRecipients(
  original: RecipientSource,
  me: ReplyIdentity,
  mode: ReplyMode,
): { to: MailAddress[]; cc: MailAddress[] } {
  const mine = new Set<string>();
  for (const a of [me.address, ...(me.aliases ?? [])]) {
    const key = normalizeAddress(a);
    if (key) mine.add(key);
  }
  const fromKey = normalizeAddress(original.from);
  const sentByMe = fromKey !== null && mine.has(fromKey);
  const replyTo = (original.replyTo ?? []).filter((a) => {
    const key = normalizeAddress(a);
    return key !== null && !mine.has(key);
  });
  const primary: ReadonlyArray<MailAddress | null | undefined> =
    replyTo.length > 0 ? replyTo : sentByMe ? (original.to ?? []) : [original.from];

  const excluded = new Set(mine);
  if (mode === 'reply') {
    const to = collect([primary], excluded);
    // Writing to myself: the only sensible recipient is me.
    if (to.length === 0 && original.from) return { to: [{ ...original.from }], cc: [] };
    return { to, cc: [] };
  }
  const to = collect([primary, original.to ?? []], excluded);
  const cc = collect([original.cc ?? []], excluded);
  if (to.length === 0 && cc.length === 0 && original.from) return { to: [{ ...original.from }], cc: [] };
  return { to, cc };
}

export interface QuoteSource {
  from?: MailAddress | null;
  date: Date;
  text?: string | null;
  html?: string | null;
}

export interface QuoteOptions {
  /** BCP 47 locale for the date in the attribution line (default en-US). */
  locale?: string;
  /** IANA zone for the date (default UTC, so server output does not depend on the host). */
  timeZone?: string;
  /** Attribution line builder, for translated "On …, … wrote:". */
  attribution?: (date: string, who: string) => string;
  /**
   * Keep the original's remote images (default true: what is sent quotes the
   * message as it was). False for showing the quote to the writer, who has not
   * allowed them: they are held back like in the reader.
   */
  allowRemoteImages?: boolean;
}

export interface Quote {
  text: string;
  html: string;
  /** Remote images held back in `html` (only with allowRemoteImages false). */
  remoteImagesBlocked: number;
}

/**
 * An original bigger than this is quoted from its text, not its HTML: sanitizing
 * it would hold up the server, and nobody reads a megabyte-long quote.
 */
export const MAX_QUOTED_HTML_CHARS = 512 * 1024;
/** At most this much of an HTML-only original is turned into quoted text. */
const MAX_QUOTED_TEXT_SOURCE_CHARS = 256 * 1024;

function formatDate(date: Date, opts: QuoteOptions): string {
  try {
    return new Intl.DateTimeFormat(opts.locale ?? 'en-US', {
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone: opts.timeZone ?? 'UTC',
      timeZoneName: 'short',
    }).format(date);
  } catch {
    return date.toUTCString();
  }
}

function formatAddress(a: MailAddress | null | undefined): string {
  if (!a) return '';
  return a.name && a.name !== a.address ? `${a.name} <${a.address}>` : a.address;
}

function bodyText(source: { text?: string | null; html?: string | null }): string {
  if (source.text && source.text.trim()) return source.text.replace(/\r\n/g, '\n').replace(/\s+$/, '');
  return source.html ? htmlToText(source.html.slice(0, MAX_QUOTED_TEXT_SOURCE_CHARS)) : '';
}

/** The original's HTML made safe to embed in a new message (no scripts, no style sheets leaking into the reply). */
function bodyHtml(source: { text?: string | null; html?: string | null }, allowRemoteImages: boolean): { html: string; remoteImagesBlocked: number } {
  if (source.html && source.html.trim() && source.html.length <= MAX_QUOTED_HTML_CHARS) {
    const clean = sanitizeEmailHtml(source.html, { allowRemoteImages, allowStyleBlocks: false });
    return { html: clean.html, remoteImagesBlocked: clean.remoteImagesBlocked };
  }
  return { html: textToHtml(bodyText(source)), remoteImagesBlocked: 0 };
}

const BLOCKQUOTE_STYLE = 'margin:0 0 0 0.8ex;border-left:1px solid #ccc;padding-left:1ex';

/** "On <date>, <name> wrote:" followed by the original quoted, as text (`> ` lines) and HTML (blockquote). */
export function quoteForReply(original: QuoteSource, opts: QuoteOptions = {}): Quote {
  const who = formatAddress(original.from) || 'unknown sender';
  const when = formatDate(original.date, opts);
  const line = opts.attribution ? opts.attribution(when, who) : `On ${when}, ${who} wrote:`;
  const quotedText = bodyText(original)
    .split('\n')
    .map((l) => (l.startsWith('>') ? `>${l}` : `> ${l}`).trimEnd())
    .join('\n');
  const body = bodyHtml(original, opts.allowRemoteImages ?? true);
  const html =
    `<div class="nm-quote"><div class="nm-quote-attribution">${escapeHtml(line)}</div>` +
    `<blockquote class="nm-quote-body" style="${BLOCKQUOTE_STYLE}">${body.html}</blockquote></div>`;
  return { text: `${line}\n${quotedText}`, html, remoteImagesBlocked: body.remoteImagesBlocked };
}

export interface ForwardSource extends QuoteSource {
  subject?: string | null;
  to?: MailAddress[];
  cc?: MailAddress[];
}

/** The "Forwarded message" header block plus the original body, as text and HTML. */
export function quoteForForward(original: ForwardSource, opts: QuoteOptions = {}): Quote {
  const rows: Array<[string, string]> = [
    ['From', formatAddress(original.from)],
    ['Date', formatDate(original.date, opts)],
    ['Subject', original.subject ?? ''],
    ['To', (original.to ?? []).map(formatAddress).join(', ')],
  ];
  if (original.cc && original.cc.length > 0) rows.push(['Cc', original.cc.map(formatAddress).join(', ')]);
  const title = '---------- Forwarded message ---------';
  const text = [title, ...rows.map(([k, v]) => `${k}: ${v}`), '', bodyText(original)].join('\n');
  const body = bodyHtml(original, opts.allowRemoteImages ?? true);
  const html =
    `<div class="nm-forward"><div class="nm-forward-header">${escapeHtml(title)}<br>` +
    rows.map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`).join('<br>') +
    `</div><br>${body.html}</div>`;
  return { text, html, remoteImagesBlocked: body.remoteImagesBlocked };
}

type ThreadKeySource = Pick<NormalizedMessage, 'internetMessageId' | 'references' | 'subject' | 'from' | 'to' | 'cc'> & {
  inReplyTo?: string | null;
};

/**
 * Thread key for messages whose provider gave no thread id. The References root
 * is the conversation's first message, which is also what the root message's own
 * Message-ID is, so a thread gets one key however much of the chain each message
 * carries. Without any ids: normalized subject + the set of participants.
 */
export function threadKeyFor(message: ThreadKeySource): string {
  const root =
    extractMessageIds(message.references ?? [])[0] ??
    extractMessageIds(message.inReplyTo ?? null)[0] ??
    normalizeMessageId(message.internetMessageId);
  if (root) return `msgid:${root}`;
  const people = new Set<string>();
  for (const a of [message.from, ...(message.to ?? []), ...(message.cc ?? [])]) {
    const key = normalizeAddress(a);
    if (key) people.add(key);
  }
  const basis = `${normalizeSubject(message.subject).toLowerCase()}\n${[...people].sort().join(',')}`;
  return `subject:${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}
