import { makeBinary, makeCsv, makeIcs, makePdf, makePng } from './assets';
import type { Charset } from './charsets';
import { composeMessage, type ComposeAttachment, type MailAddress } from './compose';
import { CONTACTS, CUSTOM_LABELS, LANGUAGES, NEWSLETTERS, type Language, type Person } from './corpus';
import { createRandom, hashString, type Random } from './random';

export type GeneratedFolder = 'inbox' | 'sent' | 'archive' | 'spam' | 'drafts' | 'trash';
export type GeneratedCategory = 'primary' | 'promotions' | 'updates';

export interface GeneratedMessage {
  /** RFC 822 bytes. */
  raw: Buffer;
  /** Message-ID header value, with angle brackets. */
  messageId: string;
  /** Same for every message of one conversation. */
  threadKey: string;
  inReplyTo?: string;
  references: string[];
  date: Date;
  subject: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  folder: GeneratedFolder;
  read: boolean;
  starred: boolean;
  /** The owner's own labels (e.g. `Work`, `Projects/Alpha`). */
  labels: string[];
  hasAttachments: boolean;
  charset: Charset;
  category: GeneratedCategory;
}

export interface GenerateOptions {
  seed: number;
  count: number;
  owner: MailAddress;
  /** Oldest possible date (default: a year before endDate). */
  startDate?: Date;
  /** Newest possible date (default 2025-01-01T12:00:00Z, so output does not depend on today). */
  endDate?: Date;
}

const DEFAULT_END = new Date('2025-01-01T12:00:00Z');
const DAY = 86_400_000;

interface Draft {
  messageId: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  date: Date;
  inReplyTo?: string;
  references: string[];
  text?: string;
  html?: string;
  attachments: ComposeAttachment[];
  headers: Record<string, string>;
  folder: GeneratedFolder;
  read: boolean;
  starred: boolean;
  labels: string[];
  charset: Charset;
  category: GeneratedCategory;
  threadKey: string;
  /** Plain text of this message, quoted by the next reply. */
  plain: string;
}

/**
 * Generates `count` messages for `owner`: conversations (with replies by the owner), newsletters,
 * drafts, spam and trash, in several languages and charsets, with attachments and inline images.
 * The same options always give the same bytes. Result is sorted oldest first.
 */
export async function generateMailbox(options: GenerateOptions): Promise<GeneratedMessage[]> {
  const plan = planMailbox(options);
  const out: GeneratedMessage[] = [];
  for (const d of plan) {
    const raw = await composeMessage({
      from: d.from,
      to: d.to,
      cc: d.cc,
      bcc: d.bcc,
      subject: d.subject,
      messageId: d.messageId,
      date: d.date,
      inReplyTo: d.inReplyTo,
      references: d.references,
      text: d.text,
      html: d.html,
      charset: d.charset,
      attachments: d.attachments,
      headers: d.headers,
    });
    out.push({
      raw,
      messageId: d.messageId,
      threadKey: d.threadKey,
      inReplyTo: d.inReplyTo,
      references: d.references,
      date: d.date,
      subject: d.subject,
      from: d.from,
      to: d.to,
      cc: d.cc,
      bcc: d.bcc,
      folder: d.folder,
      read: d.read,
      starred: d.starred,
      labels: d.labels,
      hasAttachments: d.attachments.some((a) => !a.cid),
      charset: d.charset,
      category: d.category,
    });
  }
  return out;
}

function planMailbox(options: GenerateOptions): Draft[] {
  const random = createRandom(options.seed ^ hashString(options.owner.address.toLowerCase()));
  const end = options.endDate ?? DEFAULT_END;
  const start = options.startDate ?? new Date(end.getTime() - 365 * DAY);
  const owner: MailAddress = { name: options.owner.name, address: options.owner.address };
  const contacts = CONTACTS.filter((c) => c.address.toLowerCase() !== owner.address.toLowerCase());
  const drafts: Draft[] = [];
  let threadIndex = 0;
  while (drafts.length < options.count) {
    const remaining = options.count - drafts.length;
    const context: ThreadContext = { random, owner, contacts, start, end, seed: options.seed, threadIndex: threadIndex++ };
    const thread = random.chance(0.22) ? newsletterThread(context) : conversationThread(context, remaining);
    drafts.push(...thread.slice(0, remaining));
  }
  return drafts.sort((a, b) => a.date.getTime() - b.date.getTime());
}

interface ThreadContext {
  random: Random;
  owner: MailAddress;
  contacts: readonly Person[];
  start: Date;
  end: Date;
  seed: number;
  threadIndex: number;
}

function languageOf(code: Language['code']): Language {
  return LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
}

function messageIdFor(ctx: ThreadContext, position: number, from: MailAddress): string {
  const host = from.address.split('@')[1] ?? 'mail.test';
  const token = `${(ctx.seed >>> 0).toString(36)}.${ctx.threadIndex.toString(36)}.${position}.${ctx.random.int(0, 0xffffff).toString(36)}`;
  return `<${token}@${host}>`;
}

/** Dates for a thread of n messages, all within [start, end], recent dates more likely. */
function threadDates(ctx: ThreadContext, n: number): Date[] {
  const gaps = Array.from({ length: n - 1 }, () =>
    ctx.random.chance(0.6) ? ctx.random.int(5, 180) * 60_000 : ctx.random.int(3 * 60, 48 * 60) * 60_000,
  );
  const range = ctx.end.getTime() - ctx.start.getTime();
  let span = gaps.reduce((s, g) => s + g, 0);
  if (span > range / 2) {
    const scale = range / 2 / span;
    gaps.forEach((g, i) => (gaps[i] = Math.floor(g * scale)));
    span = gaps.reduce((s, g) => s + g, 0);
  }
  const offset = Math.floor((range - span) * (1 - Math.pow(ctx.random.next(), 0.7)));
  const first = ctx.end.getTime() - span - offset;
  const dates = [new Date(first - (first % 1000))];
  for (const gap of gaps) dates.push(new Date(dates[dates.length - 1].getTime() + gap - (gap % 1000)));
  return dates;
}

function firstName(person: MailAddress, lang: Language): string {
  return lang.code === 'ja' || lang.code === 'zh' || lang.code === 'vi' ? person.name : person.name.split(' ')[0];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function paragraphs(ctx: ThreadContext, lang: Language, count: number): string[] {
  return Array.from({ length: count }, () => ctx.random.sample(lang.sentences, ctx.random.int(1, 4)).join(' '));
}

/** A very large body: the paragraphs repeated to roughly `bytes`. */
function inflate(parts: string[], bytes: number): string[] {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = `${i + 1}. ${parts[i % parts.length]}`;
    out.push(p);
    size += p.length + 2;
  }
  return out;
}

function conversationThread(ctx: ThreadContext, remaining: number): Draft[] {
  const { random, owner } = ctx;
  const lang = random.weighted<Language>([
    [languageOf('en'), 6],
    [languageOf('fr'), 1],
    [languageOf('de'), 1],
    [languageOf('ja'), 1],
    [languageOf('zh'), 1],
    [languageOf('vi'), 1],
  ]);
  const pool = ctx.contacts.filter((c) => (lang.code === 'en' ? true : c.lang === lang.code));
  const others: MailAddress[] = random.sample(pool.length ? pool : ctx.contacts, random.int(1, Math.min(3, pool.length || 1)));
  const charset = random.weighted(lang.charsets);
  const length = Math.min(remaining, random.weighted([[1, 40], [2, 22], [3, 15], [4, 10], [5, 6], [7, 4], [12, 3]] as const));
  const withDraft = random.chance(0.04);
  const dates = threadDates(ctx, length);
  const ownerStarts = random.chance(0.25);
  const disposition = random.weighted<'inbox' | 'archive' | 'trash'>([['inbox', 68], ['archive', 28], ['trash', 4]]);
  const label = random.chance(0.2) ? [random.pick(CUSTOM_LABELS)] : [];
  const baseSubject = random.pick(lang.subjects);
  const threadKey = `t${(ctx.seed >>> 0).toString(36)}-${ctx.threadIndex}`;
  const recentCutoff = ctx.end.getTime() - 14 * DAY;
  const drafts: Draft[] = [];
  let previous: Draft | undefined;
  for (let i = 0; i < length; i++) {
    const isDraft = withDraft && i === length - 1 && i > 0;
    const byOwner = isDraft || (ownerStarts ? i % 2 === 0 : i % 2 === 1);
    const from = byOwner ? owner : others[i % others.length];
    const recipients = byOwner ? others : [owner, ...others.filter((o) => o !== from)];
    const ownerOnlyCc = !byOwner && random.chance(0.08) && recipients.length > 1;
    const to = ownerOnlyCc ? recipients.filter((r) => r !== owner) : recipients.slice(0, 1 + (random.chance(0.3) ? 1 : 0));
    const cc = ownerOnlyCc ? [owner] : recipients.filter((r) => !to.includes(r));
    if (random.chance(0.15)) cc.push(random.pick(ctx.contacts.filter((c) => c.lang === lang.code || lang.code === 'en')));
    const subject = previous ? (random.chance(0.9) ? lang.replyPrefix : '') + baseSubject : baseSubject;
    const messageId = messageIdFor(ctx, i, from);
    const references = previous ? [...previous.references, previous.messageId].slice(-10) : [];
    const greetingTo = to[0] ?? owner;
    const body = [
      random.pick(lang.greetings).replace('{name}', firstName(greetingTo, lang)),
      ...(random.chance(0.015) ? inflate(paragraphs(ctx, lang, 6), random.int(100_000, 250_000)) : paragraphs(ctx, lang, random.int(1, 4))),
      `${random.pick(lang.closings)}\n${from.name}`,
    ];
    const date = dates[i];
    const attachments = random.chance(0.12) ? makeAttachments(ctx, lang, date, messageId) : [];
    const format = random.weighted<'both' | 'text' | 'html'>([['both', 70], ['text', 18], ['html', 12]]);
    const inlineImage = format !== 'text' && random.chance(0.08);
    const cid = `img${ctx.threadIndex}.${i}@generated.test`;
    if (inlineImage) attachments.push({ filename: 'logo.png', contentType: 'image/png', content: makePng(32, 16, [random.int(0, 255), 90, 160]), cid });
    const quoted = previous ? `\n\n${lang.wrote(previous.from.name, previous.date.toUTCString())}\n${quote(previous.plain)}` : '';
    const plain = body.join('\n\n') + quoted;
    const html = renderConversationHtml(body, previous, lang, inlineImage ? cid : null, random.chance(0.02));
    const folder: GeneratedFolder = isDraft ? 'drafts' : disposition === 'trash' ? 'trash' : byOwner ? 'sent' : disposition;
    const draft: Draft = {
      messageId,
      from,
      to,
      cc: dedupe(cc, [from, ...to]),
      bcc: byOwner && random.chance(0.05) ? [random.pick(ctx.contacts)] : [],
      subject,
      date,
      inReplyTo: previous?.messageId,
      references,
      text: format === 'html' ? undefined : plain,
      html: format === 'text' ? undefined : html,
      attachments,
      headers: {},
      folder,
      read: byOwner || date.getTime() < recentCutoff ? byOwner || random.chance(0.93) : random.chance(0.45),
      starred: !byOwner && random.chance(0.07),
      labels: label,
      charset,
      category: 'primary',
      threadKey,
      plain,
    };
    drafts.push(draft);
    previous = draft;
  }
  return drafts;
}

function newsletterThread(ctx: ThreadContext): Draft[] {
  const { random, owner } = ctx;
  const sender = random.pick(NEWSLETTERS);
  const from = { name: sender.name, address: sender.address };
  const subject = random.pick(sender.subjects);
  const date = threadDates(ctx, 1)[0];
  const messageId = messageIdFor(ctx, 0, from);
  const isSpam = random.chance(0.12);
  const hostile = random.chance(0.1);
  const n = ctx.threadIndex;
  const items = Array.from({ length: random.int(2, 5) }, (_, i) => `Story ${i + 1}: ${random.pick(LANGUAGES[0].sentences)}`);
  const html = [
    '<!DOCTYPE html><html><head><meta charset="utf-8"><style>.card{font-family:Arial;padding:12px}</style></head><body>',
    `<table width="600" align="center"><tr><td><img src="https://cdn.news.example.test/banner-${n}.png" width="600" alt="${escapeHtml(sender.name)}"></td></tr>`,
    ...items.map((item) => `<tr><td class="card"><p>${escapeHtml(item)}</p><a href="https://news.example.test/read/${n}">Read more</a></td></tr>`),
    `<tr><td><a href="https://news.example.test/unsubscribe?u=${n}">Unsubscribe</a></td></tr></table>`,
    `<img src="https://track.example.test/open/${n}.gif" width="1" height="1" alt="">`,
    hostile ? '<script>document.title="pwned"</script><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">Claim prize</a>' : '',
    '</body></html>',
  ].join('\n');
  const text = `${sender.name}\n\n${items.join('\n\n')}\n\nUnsubscribe: https://news.example.test/unsubscribe?u=${n}`;
  return [
    {
      messageId,
      from,
      to: [owner],
      cc: [],
      bcc: [],
      subject,
      date,
      references: [],
      text,
      html,
      attachments: [],
      headers: {
        'List-Unsubscribe': `<https://news.example.test/unsubscribe?u=${n}>`,
        'List-Id': `<${sender.address.split('@')[0]}.${sender.address.split('@')[1]}>`,
        Precedence: 'bulk',
      },
      folder: isSpam ? 'spam' : random.chance(0.4) ? 'archive' : 'inbox',
      read: random.chance(0.6),
      starred: false,
      labels: [],
      charset: 'utf-8',
      category: sender.address.startsWith('status@') ? 'updates' : 'promotions',
      threadKey: `t${(ctx.seed >>> 0).toString(36)}-${ctx.threadIndex}`,
      plain: text,
    },
  ];
}

function makeAttachments(ctx: ThreadContext, lang: Language, date: Date, messageId: string): ComposeAttachment[] {
  const { random } = ctx;
  const names: Record<Language['code'], string> = {
    en: 'Quarterly report',
    fr: 'Présentation',
    de: 'Übersicht Angebot',
    ja: '見積書',
    zh: '报价单',
    vi: 'Báo cáo',
  };
  const count = random.int(1, 3);
  const out: ComposeAttachment[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random.weighted<'pdf' | 'csv' | 'png' | 'ics' | 'txt' | 'bin'>([['pdf', 4], ['csv', 2], ['png', 2], ['ics', 1], ['txt', 1], ['bin', 1]]);
    const suffix = i === 0 ? '' : ` (${i + 1})`;
    switch (kind) {
      case 'pdf':
        out.push({ filename: `${names[lang.code]}${suffix}.pdf`, contentType: 'application/pdf', content: makePdf(`Generated document ${messageId}`) });
        break;
      case 'csv':
        out.push({ filename: `sales-2024${suffix}.csv`, contentType: 'text/csv', content: makeCsv(random, random.int(5, 200)) });
        break;
      case 'png':
        out.push({ filename: `chart${suffix}.png`, contentType: 'image/png', content: makePng(random.int(40, 240), random.int(30, 160), [random.int(0, 255), random.int(0, 255), random.int(0, 255)]) });
        break;
      case 'ics':
        out.push({ filename: 'invite.ics', contentType: 'text/calendar', content: makeIcs('Meeting', new Date(date.getTime() + 3 * DAY), `${messageId.slice(1, -1)}-event`) });
        break;
      case 'txt':
        out.push({ filename: `notes${suffix}.txt`, contentType: 'text/plain', content: Buffer.from(paragraphs(ctx, LANGUAGES[0], 3).join('\n\n')) });
        break;
      case 'bin':
        out.push({ filename: `archive${suffix}.bin`, contentType: 'application/octet-stream', content: makeBinary(random, random.chance(0.06) ? random.int(1_000_000, 1_500_000) : random.int(4_096, 60_000)) });
        break;
    }
  }
  return out;
}

function renderConversationHtml(body: string[], previous: Draft | undefined, lang: Language, cid: string | null, hostile: boolean): string {
  const paras = body.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n');
  const image = cid ? `<p><img src="cid:${cid}" alt="logo" width="32" height="16"></p>` : '';
  const trap = hostile ? '<img src="https://tracker.example.test/p.gif" onerror="alert(document.cookie)"><script>alert(1)</script>' : '';
  const quoted = previous
    ? `<div class="quote">${escapeHtml(lang.wrote(previous.from.name, previous.date.toUTCString()))}<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${escapeHtml(previous.plain.slice(0, 4000)).replace(/\n/g, '<br>')}</blockquote></div>`
    : '';
  return `<html><head><meta http-equiv="Content-Type" content="text/html"></head><body><div dir="auto">\n${paras}\n${image}${trap}</div>${quoted}</body></html>`;
}

function quote(text: string): string {
  return text
    .slice(0, 4000)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

function dedupe(list: MailAddress[], exclude: MailAddress[]): MailAddress[] {
  const seen = new Set(exclude.map((a) => a.address.toLowerCase()));
  const out: MailAddress[] = [];
  for (const a of list) {
    const key = a.address.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(a);
    }
  }
  return out;
}
