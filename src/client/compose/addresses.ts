/**
 * Recipients as the writer types or pastes them: `Name <a@b.c>, x@y.z; "Doe, Jo" <jo@d.e>`
 * split into entries, each parsed and checked. Pure functions.
 */
import type { WireAddress } from '../mailbox-api';

export interface Recipient extends WireAddress {
  valid: boolean;
}

// Pragmatic, not RFC 5322: one @, no spaces or list punctuation, a dotted domain
// whose last part is two or more letters. Non-ASCII is allowed (EAI, IDN).
const SHAPE = /^([^\s@<>()[\]\\,;:"]+)@([^\s@<>()[\]\\,;:"]+)$/u;

export function isEmailAddress(address: string): boolean {
  const m = SHAPE.exec(address);
  if (!m) return false;
  const [, local, domain] = m;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((l) => !l || l.startsWith('-') || l.endsWith('-'))) return false;
  const tld = labels[labels.length - 1];
  return tld.length >= 2 && !/^\d+$/.test(tld);
}

/** Splits a typed or pasted list on commas, semicolons and line breaks outside quotes and angle brackets. */
export function splitList(text: string): { complete: string[]; rest: string } {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quoted && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (c === '<' && !quoted) angled = true;
    else if (c === '>' && !quoted) angled = false;
    if (!quoted && !angled && (c === ',' || c === ';' || c === '\n' || c === '\r')) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  return { complete: parts.map((p) => p.trim()).filter(Boolean), rest: current };
}

const unquote = (name: string) => {
  const t = name.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1').trim() : t;
};

/** One entry: `Name <address>`, `<address>` or a bare address (a `mailto:` link pasted works too). */
export function parseRecipient(entry: string): Recipient {
  const text = entry.trim();
  const angled = /^(.*)<([^<>]*)>\s*$/s.exec(text);
  const name = angled ? unquote(angled[1]) || null : null;
  const address = (angled ? angled[2] : unquote(text)).trim().replace(/^mailto:/i, '');
  return { name, address, valid: isEmailAddress(address) };
}

/** Every entry of a list, the unfinished last one too. */
export function splitEntries(text: string): string[] {
  const { complete, rest } = splitList(text);
  return [...complete, rest.trim()].filter(Boolean);
}

export function parseRecipients(text: string): Recipient[] {
  return splitEntries(text).map(parseRecipient);
}

/** How an address reads as one entry; names with list punctuation are quoted so they parse back the same. */
export function formatRecipient(a: WireAddress): string {
  const name = a.name?.trim();
  if (!name) return a.address;
  const quoted = /[",;<>@:()[\]\\]/.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name;
  return `${quoted} <${a.address}>`;
}

/** Adds entries to a list, leaving out addresses already in it (case-insensitive). */
export function mergeEntries(existing: string[], added: string[]): string[] {
  const seen = new Set(existing.map((e) => parseRecipient(e).address.toLowerCase()));
  const out = [...existing];
  for (const entry of added) {
    const r = parseRecipient(entry);
    const key = r.address.toLowerCase();
    if (!r.address || seen.has(key)) continue;
    seen.add(key);
    out.push(formatRecipient(r));
  }
  return out;
}

/** The entries as addresses to send to. */
export function toWireAddresses(entries: string[]): WireAddress[] {
  return entries.map(parseRecipient).map(({ name, address }) => (name ? { name, address } : { address }));
}

export function invalidEntries(entries: string[] | undefined): string[] {
  return (entries ?? []).filter((e) => !parseRecipient(e).valid);
}
