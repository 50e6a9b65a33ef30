/**
 * Who took part in a message, in the normalized form the participants table is
 * keyed and searched by (lower-cased address, domain), so "messages with
 * Alice@Example.com" and "mail from example.com" are plain index look-ups.
 */
import { domainToUnicode } from 'node:url';
import type { MailAddress, NormalizedMessage } from '../providers/types';

export type ParticipantRole = 'from' | 'to' | 'cc' | 'bcc' | 'replyTo';

export interface Participant {
  role: ParticipantRole;
  /** Lower-cased, trimmed `local@domain`. */
  address: string;
  /** Lower-cased domain, IDN in Unicode form so `xn--` and Unicode spellings match. */
  domain: string;
  name?: string;
}

// Characters that never appear unquoted in a real address (RFC 5322 specials and spaces).
const LOCAL_PART = /^(?:[^\s@<>()[\]\\,;:"]+|"(?:[^"\\\r\n]|\\.)+")$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const MAX_ADDRESS_LENGTH = 254;

function safeDecodeURIComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Pulls the `addr-spec` out of `Name <a@b>`, `<a@b>`, `mailto:a@b`, `"a@b"` and the like. */
function extractAddrSpec(input: string): string {
  let s = input.trim();
  const angle = /<([^<>]*)>\s*$/.exec(s);
  if (angle) s = angle[1].trim();
  if (/^mailto:/i.test(s)) {
    s = s.slice('mailto:'.length);
    // mailto:a@b?subject=… carries header fields after the address.
    const query = s.indexOf('?');
    if (query >= 0) s = s.slice(0, query);
    s = safeDecodeURIComponent(s);
  }
  // A whole address wrapped in quotes, or stray punctuation from copy/paste.
  const wrapped = /^(['"])([^'"]*@[^'"]*)\1$/.exec(s);
  if (wrapped) s = wrapped[2];
  return s.replace(/[\s.;,]+$/, '').trim();
}

/** Lower-cased domain in Unicode form (`xn--` decoded), or null when it is not a domain name. */
export function normalizeDomain(domain: string): string | null {
  let d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!d) return null;
  // Address literals like [192.0.2.1] are legal but never worth indexing as a domain.
  if (/^\[.*\]$/.test(d)) return d;
  if (d.split('.').some((label) => label.startsWith('xn--'))) {
    const unicode = domainToUnicode(d);
    if (!unicode) return null;
    d = unicode;
  }
  const labels = d.split('.');
  if (labels.some((label) => !DOMAIN_LABEL.test(label) || label.length > 63)) return null;
  return d;
}

/**
 * Lower-cased, trimmed address or `null` when the input is not an address.
 * Local parts are case-sensitive in theory but not in any mailbox people use, so
 * matching is case-insensitive everywhere in the plugin.
 */
export function normalizeAddress(addr: string | MailAddress | null | undefined): string | null {
  if (addr == null) return null;
  const raw = typeof addr === 'string' ? addr : addr.address;
  if (typeof raw !== 'string') return null;
  const spec = extractAddrSpec(raw);
  const at = spec.lastIndexOf('@');
  if (at <= 0 || at === spec.length - 1) return null;
  const local = spec.slice(0, at);
  const domain = normalizeDomain(spec.slice(at + 1));
  if (!domain || !LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return null;
  }
  const address = `${local.toLowerCase()}@${domain}`;
  return address.length > MAX_ADDRESS_LENGTH ? null : address;
}

/** Domain part of an address (normalized), or `null` if it is not an address. */
export function domainOf(address: string | MailAddress | null | undefined): string | null {
  const normalized = normalizeAddress(address);
  return normalized ? normalized.slice(normalized.lastIndexOf('@') + 1) : null;
}

type ParticipantSource = Pick<NormalizedMessage, 'from' | 'to' | 'cc' | 'bcc' | 'replyTo'>;

/** Everyone on a message by role; invalid addresses are skipped, duplicates within a role collapse. */
export function participantsOf(message: ParticipantSource): Participant[] {
  const byRole: Array<[ParticipantRole, Array<MailAddress | null | undefined>]> = [
    ['from', [message.from]],
    ['to', message.to ?? []],
    ['cc', message.cc ?? []],
    ['bcc', message.bcc ?? []],
    ['replyTo', message.replyTo ?? []],
  ];
  const out: Participant[] = [];
  for (const [role, list] of byRole) {
    const seen = new Map<string, Participant>();
    for (const entry of list) {
      const address = normalizeAddress(entry);
      if (!address) continue;
      const name = entry?.name?.trim() || undefined;
      const existing = seen.get(address);
      if (existing) {
        // Keep the first name we saw, but fill it in if the first mention had none.
        if (!existing.name && name) existing.name = name;
        continue;
      }
      const participant: Participant = { role, address, domain: address.slice(address.lastIndexOf('@') + 1) };
      if (name) participant.name = name;
      seen.set(address, participant);
      out.push(participant);
    }
  }
  return out;
}
