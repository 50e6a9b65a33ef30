/**
 * Message collection queries: `$filter`, `$search`, `$orderby`, `$top`, `$skip`, `$count`
 * and `@odata.nextLink`, over any set of stored messages (a folder or the whole mailbox).
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../constants';
import { GraphHttpError } from '../errors';
import type { StoredMessage } from '../mailbox';
import { type GraphContext, option } from './context';
import { METADATA_PROPERTIES, messageJson, messageRecord, parseSelect, preferredBodyType } from './message-json';
import { evaluateFilter, filterProperties, parseFilter } from './odata-filter';

interface OrderTerm {
  path: string[];
  descending: boolean;
}

function parseOrderBy(value: string | null): OrderTerm[] {
  if (!value) return [{ path: ['receivedDateTime'], descending: true }];
  return value.split(',').map((term) => {
    const [path, direction] = term.trim().split(/\s+/);
    if (direction && !/^(asc|desc)$/i.test(direction)) throw new GraphHttpError(400, 'BadRequest', `Invalid $orderby direction '${direction}'.`);
    return { path: path.split('/'), descending: /^desc$/i.test(direction ?? '') };
  });
}

function pathValue(record: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = record;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    const entry = Object.entries(value as Record<string, unknown>).find(([key]) => key.toLowerCase() === segment.toLowerCase());
    value = entry?.[1];
  }
  return value;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
  return (a as number) < (b as number) ? -1 : 1;
}

function positiveInt(value: string | null, name: string, fallback: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new GraphHttpError(400, 'BadRequest', `Invalid value '${value}' for query option $${name}.`);
  return n;
}

/** KQL-ish `$search`: every term must match; `from:`, `to:`, `subject:`, `body:` narrow a term. */
function searchMatcher(search: string): (record: Record<string, unknown>) => boolean {
  const terms = search
    .replace(/^"|"$/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .map((term) => {
      const match = /^(from|to|cc|subject|body|participants):(.+)$/i.exec(term);
      return match ? { field: match[1].toLowerCase(), word: match[2].toLowerCase() } : { field: null, word: term.toLowerCase() };
    });
  const addresses = (value: unknown): string =>
    (Array.isArray(value) ? value : [value])
      .map((r) => {
        const email = (r as { emailAddress?: { name?: string; address?: string } } | null)?.emailAddress;
        return email ? `${email.name ?? ''} ${email.address ?? ''}` : '';
      })
      .join(' ');
  return (record) => {
    const fields: Record<string, string> = {
      from: addresses(record.from),
      to: addresses(record.toRecipients),
      cc: addresses(record.ccRecipients),
      subject: String(record.subject ?? ''),
      body: `${String((record.body as { content?: string } | undefined)?.content ?? '')} ${String(record.bodyPreview ?? '')}`,
    };
    fields.participants = `${fields.from} ${fields.to} ${fields.cc}`;
    const everything = Object.values(fields).join(' ').toLowerCase();
    return terms.every(({ field, word }) => (field ? (fields[field] ?? '').toLowerCase().includes(word) : everything.includes(word)));
  };
}

/** Evaluates records in small batches so a large folder is not parsed all at once. */
async function records(ctx: GraphContext, messages: StoredMessage[], withContent: boolean): Promise<Array<{ message: StoredMessage; record: Record<string, unknown> }>> {
  const out: Array<{ message: StoredMessage; record: Record<string, unknown> }> = [];
  const batch = 32;
  for (let i = 0; i < messages.length; i += batch) {
    const slice = messages.slice(i, i + batch);
    const built = await Promise.all(slice.map((message) => messageRecord(ctx.mailbox, message, withContent)));
    slice.forEach((message, index) => out.push({ message, record: built[index] }));
  }
  return out;
}

export async function listMessages(ctx: GraphContext, messages: StoredMessage[], contextPath: string): Promise<Record<string, unknown>> {
  const { req } = ctx;
  const select = parseSelect(option(req, 'select'));
  const filterText = option(req, 'filter');
  const filter = filterText ? parseFilter(filterText) : null;
  const search = option(req, 'search');
  const orderbyText = option(req, 'orderby');
  if (search && orderbyText) throw new GraphHttpError(400, 'ErrorInvalidUrlQuery', 'The query parameter \'OrderBy\' is invalid: $orderby cannot be combined with $search.');
  const order = parseOrderBy(orderbyText);
  const top = Math.max(1, Math.min(positiveInt(option(req, 'top'), 'top', DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE));
  const skipToken = option(req, 'skiptoken');
  const skip = skipToken ? positiveInt(Buffer.from(skipToken, 'base64url').toString('utf8'), 'skiptoken', 0) : positiveInt(option(req, 'skip'), 'skip', 0);

  const used = new Set<string>([...(filter ? filterProperties(filter) : []), ...order.map((t) => t.path[0])]);
  const withContent = !!search || [...used].some((name) => !METADATA_PROPERTIES.has(name));
  let rows = await records(ctx, messages, withContent);
  if (filter) rows = rows.filter(({ record }) => evaluateFilter(filter, record));
  if (search) {
    const matches = searchMatcher(search);
    rows = rows.filter(({ record }) => matches(record));
  }
  rows.sort((a, b) => {
    for (const term of order) {
      const diff = compareValues(pathValue(a.record, term.path), pathValue(b.record, term.path));
      if (diff !== 0) return term.descending ? -diff : diff;
    }
    return a.message.id < b.message.id ? -1 : 1;
  });

  const page = rows.slice(skip, skip + top);
  const view = { select, bodyType: preferredBodyType(req.headers.prefer), expandAttachments: /attachments/i.test(option(req, 'expand') ?? '') };
  const value = await Promise.all(page.map(({ message }) => messageJson(ctx.mailbox, message, view)));
  const body: Record<string, unknown> = { '@odata.context': `${ctx.base}/v1.0/$metadata#${contextPath}` };
  if (/^true$/i.test(option(req, 'count') ?? '')) body['@odata.count'] = rows.length;
  body.value = value;
  if (skip + top < rows.length) {
    const next = new URLSearchParams(req.query);
    for (const key of ['$skip', 'skip', '$skiptoken', 'skiptoken']) next.delete(key);
    if (search) next.set('$skiptoken', Buffer.from(String(skip + top)).toString('base64url'));
    else next.set('$skip', String(skip + top));
    body['@odata.nextLink'] = `${ctx.base}${req.path}?${next.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
  }
  return body;
}
