/**
 * One page of a mailbox: the conversations in a folder (or in all mail), newest
 * first, optionally narrowed by a search on subject and participants.
 *
 * Folder membership lives in the threads' `folderIds` JSON arrays, which the
 * host's generic filter operators cannot test on every dialect (PostgreSQL
 * `json` columns have no `?|`), so the containment test is written here once
 * per dialect, with every value escaped by the driver.
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
  page: number;
  pageSize: number;
}

import type { ThreadListPage, ThreadListRow, ThreadSender } from '../../shared/wire-types';

export type { ThreadListPage, ThreadListRow, ThreadSender };

export const MAX_PAGE_SIZE = 200;
const MAX_SENDERS = 4;

type AnyModel = ModelStatic<Model>;
type Raw = Record<string, unknown>;

/** `%`, `_` and the escape character itself lose their LIKE meaning. */
export function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export class ThreadLister {
  constructor(private readonly db: Database) {}

  private model(name: string): AnyModel {
    return this.db.getModel(name) as unknown as AnyModel;
  }

  private dialect(): string {
    return this.db.sequelize.getDialect();
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

  /** SQL true when the JSON array column holds the string. */
  private jsonArrayHas(column: string, value: string): string {
    switch (this.dialect()) {
      case 'postgres':
        return `(${column})::jsonb @> ${this.escape(JSON.stringify([value]))}::jsonb`;
      case 'mysql':
      case 'mariadb':
        return `JSON_CONTAINS(${column}, ${this.escape(JSON.stringify(value))})`;
      default:
        return `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = ${this.escape(value)})`;
    }
  }

  private folderClause(folders: FolderRef[]): string {
    const Threads = this.model('mailThreads');
    const folderIds = this.column(Threads, 'folderIds');
    const accountColumn = this.column(Threads, 'accountId');
    const byAccount = new Map<string, string[]>();
    for (const f of folders) byAccount.set(f.accountId, [...(byAccount.get(f.accountId) ?? []), f.providerId]);
    const parts = [...byAccount].map(([accountId, ids]) => {
      const any = ids.map((id) => this.jsonArrayHas(folderIds, id)).join(' OR ');
      return `(${accountColumn} = ${this.escape(accountId)} AND (${any}))`;
    });
    return `(${parts.join(' OR ')})`;
  }

  /** Subject contains the term, or someone on a message of the thread has it in their name or address. */
  private searchClause(term: string, accountIds: string[]): string {
    const Threads = this.model('mailThreads');
    const Messages = this.model('mailMessages');
    const People = this.model('mailParticipants');
    const pattern = this.escape(likePattern(term));
    const like = (column: string) => `LOWER(${column}) LIKE ${pattern} ESCAPE '!'`;
    const accounts = accountIds.map((id) => this.escape(id)).join(', ');
    const people =
      `SELECT ${this.column(People, 'messageRowId', 'p')} FROM ${this.table('mailParticipants')} p ` +
      `WHERE ${this.column(People, 'accountId', 'p')} IN (${accounts}) ` +
      `AND (${like(this.column(People, 'address', 'p'))} OR ${like(this.column(People, 'name', 'p'))})`;
    const threadsOfPeople =
      `SELECT ${this.column(Messages, 'threadRowId', 'm')} FROM ${this.table('mailMessages')} m ` + `WHERE ${this.column(Messages, 'id', 'm')} IN (${people})`;
    return `(${like(this.column(Threads, 'subject'))} OR ${this.column(Threads, 'id')} IN (${threadsOfPeople}))`;
  }

  async list(query: ThreadListQuery): Promise<ThreadListPage> {
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize) || 50));
    const page = Math.max(1, Math.floor(query.page) || 1);
    const empty: ThreadListPage = { rows: [], count: 0, page, pageSize, hasMore: false };
    if (!query.accountIds.length || (query.folders && !query.folders.length)) return empty;

    const Threads = this.model('mailThreads');
    const conditions: WhereOptions[] = [{ accountId: { [Op.in]: query.accountIds } }];
    if (query.folders) conditions.push(Sequelize.literal(this.folderClause(query.folders)));
    const term = query.search?.trim();
    if (term) conditions.push(Sequelize.literal(this.searchClause(term, query.accountIds)));

    const lastAt = this.column(Threads, 'lastMessageAt');
    const { rows, count } = await Threads.findAndCountAll({
      where: { [Op.and]: conditions },
      attributes: ['id', 'accountId', 'subject', 'snippet', 'lastMessageAt', 'messageCount', 'unreadCount', 'starred', 'hasAttachments'],
      // Newest first on every dialect (PostgreSQL would put NULL dates first).
      order: [[Sequelize.literal(`CASE WHEN ${lastAt} IS NULL THEN 1 ELSE 0 END`), 'ASC'], ['lastMessageAt', 'DESC'], ['id', 'DESC']],
      limit: pageSize,
      offset: (page - 1) * pageSize,
      raw: true,
    });
    const threads = rows as unknown as Raw[];
    const senders = await this.sendersOf(threads.map((t) => String(t.id)));
    return {
      rows: threads.map((t) => toRow(t, senders.get(String(t.id)) ?? [])),
      count,
      page,
      pageSize,
      hasMore: page * pageSize < count,
    };
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
