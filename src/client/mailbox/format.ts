/** How mail metadata reads in the list and the reading pane. */
import type { MailAddressView } from '../mailbox-api';

export function isSameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Today: the time; this year: day and month; older: the full date. */
export function shortDate(iso: string | null, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (isSameDay(d, now)) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleDateString();
}

export function fullDate(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A person's short name: their display name's first word, or the part of the address before @. */
export function shortName(a: MailAddressView): string {
  const name = a.name?.trim();
  if (name) return name.split(/\s+/)[0];
  return a.address.split('@')[0];
}

export function displayAddress(a: MailAddressView): string {
  return a.name?.trim() ? `${a.name.trim()} <${a.address}>` : a.address;
}

/** "Alice, Bob, me" for a conversation; `own` addresses read as "me". */
export function senderLine(senders: MailAddressView[], own: Set<string>, me: string): string {
  return senders.map((s) => (own.has(s.address.toLowerCase()) ? me : senders.length > 1 ? shortName(s) : s.name?.trim() || s.address)).join(', ');
}

export function fileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
