/**
 * One page of a mailbox: the conversations in a folder (or in all mail), newest
 * first, optionally narrowed by a search on subject and participants.
 *
 * Built so a page costs the same at 100 messages and at 100k: each (account,
 * folder) is one bounded range of an index ordered by date — the folder
 * membership rows' (accountId, folderId, lastMessageAt, threadRowId), or the
 * threads' (accountId, lastMessageAt, id) for all mail — read newest first and
 * cut at the page's end; several ranges (a role across accounts) are merged.
 * There is no COUNT: one row more than the page says whether another follows.
 * The search is a LIKE scan kept as the fallback until full-text search lands.
 */
import type { Database } from '@nocobase/database';
import { Op, Sequelize, type Model, type ModelStatic, type WhereOptions } from 'sequelize';

export interface FolderRef {
  accountId: string;
  /** The provider's folder / label id, as stored in `folderIds`. */
  providerId: string;
}

export interface ThreadListQuery {
  /** Accounts to read; already limited to what the caller may see. */
  accountIds: string[];
  /** null: every conversation of those accounts; []: none. */
  folders: FolderRef[] | null;
  search: string | null;
  /**
   * Only conversations with these people (lower-cased addresses and domains,
   * e.g. a CRM record's email fields), newest interaction first. null: anyone.
   */
  people?: PeopleFilter | null;
  page: number;
  pageSize: number;
}

export interface PeopleFilter {
  addresses: string[];
  domains: string[];
}

import type { ThreadListPage, ThreadListRow, ThreadSender } from '../../shared/wire-types';

export type { ThreadListPage, ThreadListRow, ThreadSender };

export const MAX_PAGE_SIZE = 200;
const MAX_SENDERS = 4;

type AnyModel = ModelStatic<Model>;
type Raw = Record<string, unknown>;

/** Up to this many accounts, each gets its own participants range (a member's own mailboxes). */
const PER_ACCOUNT_RANGES = 8;
/** Participant rows one people-filtered page may read at most. */
const MAX_PEOPLE_SCAN = 20_000;

function time(value: unknown): number {
  const d = value instanceof Date ? value : new Date(value as string);
  return Number.isNaN(d.getTime()) ? 0 : d.getTime();
}

const ROW_ATTRIBUTES = ['id', 'accountId', 'subject', 'snippet', 'lastMessageAt', 'messageCount', 'unreadCount', 'starred', 'hasAttachments'];

/** `%`, `_` and the escape character itself lose their LIKE meaning. */
export function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export class ThreadLister {
  constructor(private readonly db: Database) {}

  private model(name: string): AnyModel {
    return this.db.getModel(name) as unknown as AnyModel;
  }

  private escape(value: string): string {
    return this.db.sequelize.escape(value);
  }

  /** Quoted `alias.column` of an attribute, honouring underscored column names. */
  private column(model: AnyModel, attribute: string, alias: string = model.name): string {
    const field = model.rawAttributes[attribute]?.field ?? attribute;
    return this.db.sequelize.getQueryInterface().quoteIdentifiers(`${alias}.${field}`);
  }

  /** Quoted table name, with the app's table prefix and schema. */
  private table(collection: string): string {
    return this.db.getCollection(collection).quotedTableName();
  }

  /**
   * Ids of the newest `limit` conversations of the ranges, newest first. Each
   * range is its own ordered, limited subquery so every dialect reads it from
   * its index and stops; the union of those few rows is then sorted.
   */
  private async newestIds(query: ThreadListQuery, limit: number): Promise<string[]> {
    const ranges: string[] = [];
    if (query.folders) {
      const Members = this.model('mailThreadFolders');
      const col = (a: string) => this.column(Members, a, 'tf');
      const byAccount = new Map<string, Set<string>>();
      for (const f of query.folders) byAccount.set(f.accountId, (byAccount.get(f.accountId) ?? new Set()).add(f.providerId));
      for (const [accountId, folderIds] of byAccount) {
        for (const folderId of folderIds) {
          ranges.push(
            `SELECT ${col('threadRowId')} AS id, ${col('lastMessageAt')} AS at FROM ${this.table('mailThreadFolders')} tf ` +
              `WHERE ${col('accountId')} = ${this.escape(accountId)} AND ${col('folderId')} = ${this.escape(folderId)} ` +
              `ORDER BY ${col('lastMessageAt')} DESC, ${col('threadRowId')} DESC LIMIT ${limit}`,
          );
        }
      }
    } else {
      const Threads = this.model('mailThreads');
      const col = (a: string) => this.column(Threads, a, 't');
      for (const accountId of new Set(query.accountIds)) {
        ranges.push(
          `SELECT ${col('id')} AS id, ${col('lastMessageAt')} AS at FROM ${this.table('mailThreads')} t ` +
            `WHERE ${col('accountId')} = ${this.escape(accountId)} ORDER BY ${col('lastMessageAt')} DESC, ${col('id')} DESC LIMIT ${limit}`,
        );
      }
    }
    if (!ranges.length) return [];
    // UNION (not ALL): a conversation in two of the chosen folders has the same (id, at) in both.
    const sql = `SELECT id, at FROM (${ranges.map((r) => `SELECT * FROM (${r}) r`).join(' UNION ')}) merged ORDER BY at DESC, id DESC LIMIT ${limit}`;
    const rows = (await this.db.sequelize.query(sql, { type: 'SELECT' })) as Raw[];
    return rows.map((r) => String(r.id));
  }

  private folderClause(folders: FolderRef[]): string {
    const Members = this.model('mailThreadFolders');
    const Threads = this.model('mailThreads');
    const col = (a: string) => this.column(Members, a, 'tf');
    const byAccount = new Map<string, string[]>();
    for (const f of folders) byAccount.set(f.accountId, [...(byAccount.get(f.accountId) ?? []), f.providerId]);
    const parts = [...byAccount].map(
      ([accountId, ids]) => `(${col('accountId')} = ${this.escape(accountId)} AND ${col('folderId')} IN (${ids.map((id) => this.escape(id)).join(', ')}))`,
    );
    return `${this.column(Threads, 'id')} IN (SELECT ${col('threadRowId')} FROM ${this.table('mailThreadFolders')} tf WHERE ${parts.join(' OR ')})`;
  }

  /**
   * Conversations with the people, in the order of their newest message with
   * them, as far as `limit` distinct conversations. Each (account, address) or
   * (account, domain) is a date-ordered range of the participants index, read in
   * batches newest first and merged, so a customer with 50,000 messages costs
   * the few batches the page needs, not a sort of all 50,000. `threadFilter`
   * narrows the candidates (folder, search); reading stops at MAX_PEOPLE_SCAN
   * rows, which only a filter matching almost nothing reaches.
   */
  private async peopleThreadIds(query: ThreadListQuery, people: PeopleFilter, limit: number, threadFilter: WhereOptions[]): Promise<string[]> {
    const People = this.model('mailParticipants');
    const Threads = this.model('mailThreads');
    // Few accounts: one (accountId, address, date) range each; many (a supervisor): the (address, date) range, filtered.
    const perAccount = query.accountIds.length <= PER_ACCOUNT_RANGES;
    const keys: Array<{ column: 'address' | 'domain'; value: string }> = [
      ...people.addresses.map((value) => ({ column: 'address' as const, value })),
      ...people.domains.map((value) => ({ column: 'domain' as const, value })),
    ];
    const ranges = keys.flatMap<WhereOptions>(({ column, value }) =>
      perAccount ? query.accountIds.map((accountId) => ({ accountId, [column]: value })) : [{ [column]: value, accountId: { [Op.in]: query.accountIds } }],
    );
    const batch = Math.max(100, limit * 3);
    // Per range: where its next batch starts (date, id), or null when it is exhausted.
    const cursors: Array<{ date: unknown; id: unknown } | null | undefined> = ranges.map(() => undefined);
    const buffered: Raw[][] = ranges.map(() => []);
    const out: string[] = [];
    const seen = new Set<string>();
    let scanned = 0;
    while (out.length < limit && scanned < MAX_PEOPLE_SCAN) {
      // Refill every range whose buffer ran dry and that may have more.
      await Promise.all(
        ranges.map(async (where, i) => {
          if (buffered[i].length || cursors[i] === null) return;
          const after = cursors[i];
          const rows = (await People.findAll({
            where: after ? { [Op.and]: [where, { [Op.or]: [{ date: { [Op.lt]: after.date } }, { date: after.date, id: { [Op.lt]: after.id } }] }] } : where,
            attributes: ['id', 'threadRowId', 'date'],
            order: [['date', 'DESC'], ['id', 'DESC']],
            limit: batch,
            raw: true,
          })) as unknown as Raw[];
          scanned += rows.length;
          buffered[i] = rows;
          cursors[i] = rows.length < batch ? null : { date: rows[rows.length - 1].date, id: rows[rows.length - 1].id };
        }),
      );
      // Take the newest rows across ranges down to the oldest row any still-open range has buffered:
      // beyond it, an unread batch could hold newer rows.
      const open = buffered.map((rows, i) => (cursors[i] !== null && rows.length ? rows[rows.length - 1] : null)).filter((r): r is Raw => r !== null);
      const floor = open.length ? Math.max(...open.map((r) => time(r.date))) : -Infinity;
      const ready: Raw[] = [];
      buffered.forEach((rows, i) => {
        const keep: Raw[] = [];
        for (const r of rows) (time(r.date) >= floor ? ready : keep).push(r);
        buffered[i] = keep;
      });
      ready.sort((a, b) => time(b.date) - time(a.date) || Number(b.id) - Number(a.id));
      const candidates: string[] = [];
      for (const r of ready) {
        const id = String(r.threadRowId);
        if (r.threadRowId === null || r.threadRowId === undefined || seen.has(id)) continue;
        seen.add(id);
        candidates.push(id);
      }
      if (candidates.length) {
        const allowed = threadFilter.length
          ? new Set(
              ((await Threads.findAll({ where: { [Op.and]: [{ id: { [Op.in]: candidates } }, ...threadFilter] }, attributes: ['id'], raw: true })) as unknown as Raw[]).map((t) => String(t.id)),
            )
          : null;
        for (const id of candidates) if (!allowed || allowed.has(id)) out.push(id);
      }
      if (cursors.every((c) => c === null) && buffered.every((b) => !b.length)) break;
    }
    return out.slice(0, limit);
  }

  /** Subject contains the term, or someone on a message of the thread has it in their name or address. */
  private searchClause(term: string, accountIds: string[]): string {
    const Threads = this.model('mailThreads');
    const People = this.model('mailParticipants');
    const pattern = this.escape(likePattern(term));
    const like = (column: string) => `LOWER(${column}) LIKE ${pattern} ESCAPE '!'`;
    const accounts = accountIds.map((id) => this.escape(id)).join(', ');
    const threadsOfPeople =
      `SELECT ${this.column(People, 'threadRowId', 'p')} FROM ${this.table('mailParticipants')} p ` +
      `WHERE ${this.column(People, 'accountId', 'p')} IN (${accounts}) ` +
      `AND (${like(this.column(People, 'address', 'p'))} OR ${like(this.column(People, 'name', 'p'))})`;
    return `(${like(this.column(Threads, 'subject'))} OR ${this.column(Threads, 'id')} IN (${threadsOfPeople}))`;
  }

  async list(query: ThreadListQuery): Promise<ThreadListPage> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize) || 50));
    const page = Math.max(1, Math.floor(query.page) || 1);
    const empty: ThreadListPage = { rows: [], page, pageSize, hasMore: false };
    if (!query.accountIds.length || (query.folders && !query.folders.length)) return empty;
    const offset = (page - 1) * pageSize;
    const Threads = this.model('mailThreads');
    const term = query.search?.trim();

    let threads: Raw[];
    const people = query.people && (query.people.addresses.length || query.people.domains.length) ? query.people : null;
    if (query.people && !people) return empty;
    if (people) {
      const narrow: WhereOptions[] = [];
      if (query.folders) narrow.push(Sequelize.literal(this.folderClause(query.folders)));
      if (term) narrow.push(Sequelize.literal(this.searchClause(term, query.accountIds)));
      const ids = (await this.peopleThreadIds(query, people, offset + pageSize + 1, narrow)).slice(offset);
      threads = await this.threadsInOrder(ids);
    } else if (term) {
      const conditions: WhereOptions[] = [{ accountId: { [Op.in]: query.accountIds } }, Sequelize.literal(this.searchClause(term, query.accountIds))];
      if (query.folders) conditions.push(Sequelize.literal(this.folderClause(query.folders)));
      threads = (await Threads.findAll({
        where: { [Op.and]: conditions },
        attributes: ROW_ATTRIBUTES,
        order: [['lastMessageAt', 'DESC'], ['id', 'DESC']],
        limit: pageSize + 1,
        offset,
        raw: true,
      })) as unknown as Raw[];
    } else {
      threads = await this.threadsInOrder((await this.newestIds(query, offset + pageSize + 1)).slice(offset));
    }
    const hasMore = threads.length > pageSize;
    threads = threads.slice(0, pageSize);
    const senders = await this.sendersOf(threads.map((t) => String(t.id)));
    return { rows: threads.map((t) => toRow(t, senders.get(String(t.id)) ?? [])), page, pageSize, hasMore };
  }

  /** The thread rows of `ids`, in that order. */
  private async threadsInOrder(ids: string[]): Promise<Raw[]> {
    if (!ids.length) return [];
    const found = (await this.model('mailThreads').findAll({ where: { id: { [Op.in]: ids } }, attributes: ROW_ATTRIBUTES, raw: true })) as unknown as Raw[];
    const byId = new Map(found.map((t) => [String(t.id), t]));
    return ids.flatMap((id) => {
      const t = byId.get(id);
      return t ? [t] : [];
    });
  }

  private async sendersOf(threadIds: string[]): Promise<Map<string, ThreadSender[]>> {
    const out = new Map<string, ThreadSender[]>();
    if (!threadIds.length) return out;
    const rows = (await this.model('mailMessages').findAll({
      where: { threadRowId: { [Op.in]: threadIds } },
      attributes: ['threadRowId', 'fromAddress', 'fromName', 'date'],
      order: [['date', 'ASC'], ['id', 'ASC']],
      raw: true,
    })) as unknown as Raw[];
    for (const r of rows) {
      const key = String(r.threadRowId);
      const list = out.get(key) ?? [];
      const address = String(r.fromAddress ?? '').toLowerCase();
      if (address && list.length < MAX_SENDERS && !list.some((s) => s.address === address)) {
        list.push({ address, name: r.fromName ? String(r.fromName) : null });
      }
      out.set(key, list);
    }
    return out;
  }
}

function toRow(t: Raw, senders: ThreadSender[]): ThreadListRow {
  const last = t.lastMessageAt ? new Date(t.lastMessageAt as string) : null;
  return {
    id: String(t.id),
    accountId: String(t.accountId),
    subject: String(t.subject ?? ''),
    snippet: String(t.snippet ?? ''),
    lastMessageAt: last && !Number.isNaN(last.getTime()) ? last.toISOString() : null,
    messageCount: Number(t.messageCount ?? 0),
    unreadCount: Number(t.unreadCount ?? 0),
    // SQLite and MariaDB hand booleans back as 0 / 1.
    starred: Boolean(Number(t.starred)),
    hasAttachments: Boolean(Number(t.hasAttachments)),
    senders,
  };
}
