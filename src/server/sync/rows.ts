/**
 * Pure mapping from a provider-neutral NormalizedMessage to the rows the store
 * writes (message, attachments, participants). Strings are cleaned and clipped
 * to the column sizes here so every dialect accepts the same values: PostgreSQL
 * rejects NUL characters, and PostgreSQL / MariaDB reject over-long varchars.
 */
import type { AttachmentMeta, MailAddress, NormalizedMessage } from '../providers/types';
import { participantsOf } from './participants';

/** Column sizes from the collection definitions. */
export const LIMITS = {
  string: 255,
  subject: 1000,
  messageId: 998,
  filename: 1000,
  attachmentId: 2000,
  snippet: 2000,
} as const;

export type AccountKey = number | string;

/**
 * The date of a conversation (or participant) with no dated message: sorts last,
 * and is never NULL, which PostgreSQL would sort first in a descending index read.
 */
export const UNDATED = new Date(0);

export type MessageRowValues = {
  accountId: AccountKey;
  threadRowId: AccountKey;
  providerId: string;
  providerThreadId: string;
  internetMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  fromAddress: string | null;
  fromName: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  date: Date | null;
  snippet: string;
  text: string | null;
  html: string | null;
  folderIds: string[];
  categories: string[];
  read: boolean;
  starred: boolean;
  draft: boolean;
  hasAttachments: boolean;
  size: number | null;
};

export type AttachmentRowValues = {
  messageRowId: AccountKey;
  accountId: AccountKey;
  providerAttachmentId: string;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
};

export type ParticipantRowValues = {
  messageRowId: AccountKey;
  accountId: AccountKey;
  threadRowId: AccountKey;
  /** The message's date, so "newest mail with this address" reads an index range. */
  date: Date;
  role: string;
  address: string;
  domain: string;
  name: string | null;
};

// NUL is the one character PostgreSQL text cannot hold; mail bodies do contain it.
const NUL = /\u0000/g;

export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return String(value).replace(NUL, '');
}

/** Cleans and clips to `max` characters without splitting a surrogate pair. */
export function clip(value: string | null | undefined, max: number): string | null {
  const cleaned = cleanText(value);
  if (cleaned === null || cleaned.length <= max) return cleaned;
  let cut = cleaned.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

function cleanAddresses(list: MailAddress[] | null | undefined): MailAddress[] {
  return (list ?? [])
    .filter((a) => a && typeof a.address === 'string')
    .map((a) => {
      const out: MailAddress = { address: clip(a.address, LIMITS.string) ?? '' };
      const name = clip(a.name, LIMITS.string);
      if (name) out.name = name;
      return out;
    });
}

function cleanList(list: string[] | null | undefined, max: number = LIMITS.string): string[] {
  return (list ?? []).filter((v) => typeof v === 'string' && v !== '').map((v) => clip(v, max) ?? '');
}

function validDate(date: Date | string | null | undefined): Date | null {
  if (!date) return null;
  const d = date instanceof Date ? date : new Date(date);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function messageRow(accountId: AccountKey, threadRowId: AccountKey, m: NormalizedMessage): MessageRowValues {
  return {
    accountId,
    threadRowId,
    providerId: m.providerId,
    providerThreadId: clip(m.threadId, LIMITS.string) ?? m.providerId,
    internetMessageId: clip(m.internetMessageId, LIMITS.messageId),
    inReplyTo: clip(m.inReplyTo, LIMITS.messageId),
    references: cleanList(m.references, LIMITS.messageId),
    subject: clip(m.subject, LIMITS.subject) ?? '',
    fromAddress: clip(m.from?.address?.toLowerCase(), LIMITS.string),
    fromName: clip(m.from?.name, LIMITS.string),
    to: cleanAddresses(m.to),
    cc: cleanAddresses(m.cc),
    bcc: cleanAddresses(m.bcc),
    replyTo: cleanAddresses(m.replyTo),
    date: validDate(m.date),
    snippet: clip(m.snippet, LIMITS.snippet) ?? '',
    text: cleanText(m.text),
    html: cleanText(m.html),
    folderIds: cleanList(m.folderIds),
    categories: cleanList(m.categories),
    read: Boolean(m.read),
    starred: Boolean(m.starred),
    draft: Boolean(m.draft),
    hasAttachments: (m.attachments ?? []).some((a) => !a.inline),
    size: typeof m.size === 'number' && Number.isFinite(m.size) ? Math.round(m.size) : null,
  };
}

export function attachmentRows(accountId: AccountKey, messageRowId: AccountKey, list: AttachmentMeta[]): AttachmentRowValues[] {
  return (list ?? []).map((a) => ({
    messageRowId,
    accountId,
    providerAttachmentId: clip(a.id, LIMITS.attachmentId) ?? '',
    filename: clip(a.filename, LIMITS.filename) ?? '',
    contentType: clip(a.contentType, LIMITS.string) ?? 'application/octet-stream',
    size: Number.isFinite(a.size) ? Math.max(0, Math.round(a.size)) : 0,
    contentId: clip(a.contentId, LIMITS.messageId),
    inline: Boolean(a.inline),
  }));
}

/** Where a message's dependent rows belong. */
export interface MessageKeys {
  accountId: AccountKey;
  messageRowId: AccountKey;
  threadRowId: AccountKey;
}

export function participantRows(keys: MessageKeys, m: NormalizedMessage): ParticipantRowValues[] {
  const date = validDate(m.date) ?? UNDATED;
  return participantsOf(m).map((p) => ({
    messageRowId: keys.messageRowId,
    accountId: keys.accountId,
    threadRowId: keys.threadRowId,
    date,
    role: p.role,
    address: clip(p.address, LIMITS.string) ?? p.address,
    domain: clip(p.domain, LIMITS.string) ?? p.domain,
    name: clip(p.name, LIMITS.string),
  }));
}

/** The flags a change page may carry for a message we already have. */
export interface FlagValues {
  read?: boolean;
  starred?: boolean;
  folderIds?: string[];
  categories?: string[];
}

export function flagValues(update: FlagValues): FlagValues {
  const out: FlagValues = {};
  if (typeof update.read === 'boolean') out.read = update.read;
  if (typeof update.starred === 'boolean') out.starred = update.starred;
  if (Array.isArray(update.folderIds)) out.folderIds = cleanList(update.folderIds);
  if (Array.isArray(update.categories)) out.categories = cleanList(update.categories);
  return out;
}
