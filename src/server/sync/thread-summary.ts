/**
 * The denormalized thread row, recomputed from the thread's messages, so a
 * mailbox list is one indexed query and never drifts from the messages.
 */
import type { MailAddress } from '../providers/types';

export interface ThreadMessageFacts {
  date: Date | null;
  subject: string;
  snippet: string;
  read: boolean;
  starred: boolean;
  hasAttachments: boolean;
  folderIds: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
}

export interface ThreadSummary {
  subject: string;
  snippet: string;
  lastMessageAt: Date | null;
  messageCount: number;
  unreadCount: number;
  starred: boolean;
  hasAttachments: boolean;
  /** Distinct people (lower-cased address), senders first in date order. */
  participants: MailAddress[];
  folderIds: string[];
}

const MAX_PARTICIPANTS = 50;

/**
 * Gmail keeps a trashed (or spam) message's other labels, INBOX included, but shows
 * it only in Trash (Spam): there it counts for the conversation's folders, nowhere
 * else. The ids are Gmail's reserved label ids; Outlook folder ids never equal them,
 * and an Outlook message is in one folder anyway.
 */
const EXCLUSIVE_LABELS = ['TRASH', 'SPAM'];

function shownIn(folderIds: string[]): string[] {
  const bin = EXCLUSIVE_LABELS.find((label) => folderIds.includes(label));
  return bin ? [bin] : folderIds;
}

function time(d: Date | null): number {
  return d ? d.getTime() : 0;
}

export function summarizeThread(messages: readonly ThreadMessageFacts[]): ThreadSummary {
  const ordered = [...messages].sort((a, b) => time(a.date) - time(b.date));
  const first = ordered[0];
  const last = ordered[ordered.length - 1];

  const people = new Map<string, MailAddress>();
  const add = (a: MailAddress | null | undefined): void => {
    if (!a?.address || people.size >= MAX_PARTICIPANTS) return;
    const key = a.address.toLowerCase();
    const known = people.get(key);
    if (!known) people.set(key, a.name ? { address: key, name: a.name } : { address: key });
    else if (!known.name && a.name) known.name = a.name;
  };
  for (const m of ordered) add(m.from);
  for (const m of ordered) [...m.to, ...m.cc].forEach(add);

  const folders = new Set<string>();
  for (const m of ordered) shownIn(m.folderIds).forEach((f) => folders.add(f));

  return {
    // The conversation is named by its first message, like the providers' own UIs.
    subject: first?.subject ?? '',
    snippet: last?.snippet ?? '',
    lastMessageAt: last?.date ?? null,
    messageCount: ordered.length,
    unreadCount: ordered.filter((m) => !m.read).length,
    starred: ordered.some((m) => m.starred),
    hasAttachments: ordered.some((m) => m.hasAttachments),
    participants: [...people.values()],
    folderIds: [...folders].sort(),
  };
}
