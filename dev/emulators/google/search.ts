import type { Mailbox } from './mailbox';
import type { StoredMessage } from './message';

/**
 * Gmail search (`q`) subset: after:/before:/newer_than:/older_than:, in:, is:, label:, from:/to:/cc:/bcc:,
 * subject:, has:attachment, filename:, larger:/smaller:, rfc822msgid:, category:, quoted phrases,
 * bare words, `-` negation and `OR` between terms. Dates yyyy/mm/dd are read as UTC midnight.
 */
export interface CompiledQuery {
  matches(message: StoredMessage): boolean;
  /** The query itself asks for spam/trash (in:spam, in:trash, in:anywhere, label:…), so they are not hidden. */
  includesSpamTrash: boolean;
}

type Predicate = (m: StoredMessage) => boolean;

function tokenize(q: string): string[] {
  const tokens: string[] = [];
  const re = /(-?[A-Za-z_]+:"[^"]*"|-?"[^"]*"|-?\([^)]*\)|\S+)/g;
  for (const match of q.matchAll(re)) tokens.push(match[0]);
  return tokens;
}

function parseDate(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

function parseAge(value: string): number | null {
  const m = /^(\d+)([dmy])$/i.exec(value);
  if (!m) return null;
  const days = { d: 1, m: 30, y: 365 }[m[2].toLowerCase() as 'd' | 'm' | 'y'];
  return Number(m[1]) * days * 86_400_000;
}

function parseSize(value: string): number | null {
  const m = /^(\d+)([km]?)$/i.exec(value);
  if (!m) return null;
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1024 * 1024 }[m[2].toLowerCase() as '' | 'k' | 'm'] ?? 1);
}

const IN_LABELS: Record<string, string> = {
  inbox: 'INBOX',
  sent: 'SENT',
  draft: 'DRAFT',
  drafts: 'DRAFT',
  trash: 'TRASH',
  spam: 'SPAM',
  starred: 'STARRED',
  important: 'IMPORTANT',
  unread: 'UNREAD',
  chats: 'CHAT',
};

function addressMatch(list: StoredMessage['from'], needle: string): boolean {
  const n = needle.toLowerCase();
  return list.some((a) => a.address.toLowerCase().includes(n) || a.name.toLowerCase().includes(n));
}

export function compileQuery(q: string, mailbox: Mailbox, now = Date.now()): CompiledQuery {
  let includesSpamTrash = false;
  const termFor = (token: string): Predicate => {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
    const rawValue = colon > 0 ? token.slice(colon + 1) : token;
    const value = rawValue.replace(/^"|"$/g, '');
    const lower = value.toLowerCase();
    switch (key) {
      case 'in':
      case 'is': {
        if (lower === 'anywhere') {
          includesSpamTrash = true;
          return () => true;
        }
        if (lower === 'read') return (m) => !m.labelIds.has('UNREAD');
        if (lower === 'spam' || lower === 'trash') includesSpamTrash = true;
        const label = IN_LABELS[lower];
        return label ? (m) => m.labelIds.has(label) : () => false;
      }
      case 'label': {
        const label = mailbox.labelByName(value) ?? mailbox.labelByName(value.replace(/-/g, '/')) ?? mailbox.labels.get(value.toUpperCase());
        if (label && (label.id === 'SPAM' || label.id === 'TRASH')) includesSpamTrash = true;
        return label ? (m) => m.labelIds.has(label.id) : () => false;
      }
      case 'category': {
        const id = `CATEGORY_${lower === 'primary' ? 'PERSONAL' : lower.toUpperCase()}`;
        return (m) => m.labelIds.has(id);
      }
      case 'from':
        return (m) => addressMatch(m.from, value);
      case 'to':
        return (m) => addressMatch(m.to, value);
      case 'cc':
        return (m) => addressMatch(m.cc, value);
      case 'bcc':
        return (m) => addressMatch(m.bcc, value);
      case 'subject': {
        const words = lower.split(/\s+/).filter(Boolean);
        return (m) => words.every((w) => m.subject.toLowerCase().includes(w));
      }
      case 'after':
      case 'newer': {
        const t = parseDate(value);
        return t === null ? () => false : (m) => m.internalDate >= t;
      }
      case 'before':
      case 'older': {
        const t = parseDate(value);
        return t === null ? () => false : (m) => m.internalDate < t;
      }
      case 'newer_than': {
        const age = parseAge(value);
        return age === null ? () => false : (m) => m.internalDate >= now - age;
      }
      case 'older_than': {
        const age = parseAge(value);
        return age === null ? () => false : (m) => m.internalDate < now - age;
      }
      case 'has':
        if (lower === 'attachment') return (m) => m.attachmentNames.length > 0;
        if (lower === 'userlabels') return (m) => [...m.labelIds].some((l) => l.startsWith('Label_'));
        if (lower === 'nouserlabels') return (m) => ![...m.labelIds].some((l) => l.startsWith('Label_'));
        return () => false;
      case 'filename':
        return (m) => m.attachmentNames.some((n) => n.toLowerCase().includes(lower));
      case 'larger':
      case 'size': {
        const size = parseSize(value);
        return size === null ? () => false : (m) => m.raw.length > size;
      }
      case 'smaller': {
        const size = parseSize(value);
        return size === null ? () => false : (m) => m.raw.length < size;
      }
      case 'rfc822msgid': {
        const id = lower.replace(/^<|>$/g, '');
        return (m) => (m.messageId ?? '').toLowerCase() === `<${id}>`;
      }
      default: {
        const phrase = token.replace(/^"|"$/g, '').toLowerCase();
        return (m) => m.searchText.includes(phrase);
      }
    }
  };

  const compile = (token: string): Predicate => {
    if (token.startsWith('-') && token.length > 1) {
      const inner = compile(token.slice(1));
      return (m) => !inner(m);
    }
    if (token.startsWith('(') && token.endsWith(')')) return compileAll(token.slice(1, -1));
    return termFor(token);
  };

  const compileAll = (text: string): Predicate => {
    const tokens = tokenize(text);
    const groups: Predicate[][] = [[]];
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] === 'OR' && i + 1 < tokens.length && groups[groups.length - 1].length > 0) {
        const left = groups[groups.length - 1].pop() as Predicate;
        const right = compile(tokens[++i]);
        groups[groups.length - 1].push((m) => left(m) || right(m));
      } else groups[groups.length - 1].push(compile(tokens[i]));
    }
    const all = groups[0];
    return (m) => all.every((p) => p(m));
  };

  const predicate = compileAll(q);
  return { matches: predicate, includesSpamTrash };
}
