/**
 * Writes provider pages into the mail collections, idempotently: a page applied
 * twice (a crash between commit and cursor, a resync, two overlapping listings)
 * leaves exactly the rows one application leaves. Each page is one transaction,
 * into which the caller can fold its own position commit (cursor / page token),
 * so data and position never disagree.
 *
 * Messages are immutable at the providers except their flags, labels, folder
 * and (for drafts) content, so an existing row is only rewritten when one of
 * those differs: re-reading a whole window costs reads, not writes.
 */
import { Op, type Database, type Model, type ModelStatic, type Transaction } from '@nocobase/database';
import type { ChangePage, NormalizedMessage, ProviderFolder } from '../providers/types';
import { attachmentRows, clip, flagValues, LIMITS, messageRow, participantRows, UNDATED, type AccountKey, type FlagValues, type MessageKeys } from './rows';

export { UNDATED };
import { summarizeThread, type ThreadMessageFacts } from './thread-summary';
import { withTransaction } from './transaction';
import { asBool, asDate, asJson, asStringArray, chunk, idKey, sameSet } from './values';
import type { MailAddress } from '../providers/types';

export interface PageChanges {
  added?: NormalizedMessage[];
  updated?: ChangePage['updated'];
  deleted?: string[];
}

export interface PageOutcome {
  /** New message rows. */
  inserted: number;
  /** Existing rows whose flags, labels or draft content changed. */
  updated: number;
  /** Rows already exactly as the provider reports them. */
  unchanged: number;
  deleted: number;
  /** Flag updates for messages we do not have (outside the window): ignored. */
  unknown: number;
}

export type CommitHook = (transaction: Transaction) => Promise<void>;

type Row = Record<string, unknown>;

// Keeps IN (...) lists well under every dialect's bound-parameter limit.
const IN_CHUNK = 200;

const THREAD_SUMMARY_FIELDS = ['subject', 'snippet', 'lastMessageAt', 'messageCount', 'unreadCount', 'starred', 'hasAttachments', 'participants', 'folderIds', 'updatedAt'];

const THREAD_FACT_ATTRIBUTES = ['threadRowId', 'date', 'subject', 'snippet', 'read', 'starred', 'hasAttachments', 'folderIds', 'fromAddress', 'fromName', 'to', 'cc'];

export class MailStore {
  constructor(private readonly db: Database) {}

  private model(name: string): ModelStatic<Model> {
    return this.db.getModel(name);
  }

  /**
   * Applies one page atomically: added messages are upserted, flag updates
   * applied, deletions removed, touched threads recomputed; `commit` runs in
   * the same transaction (it may throw to roll the page back).
   * Within one page an id both added and deleted stays: the adapter could
   * still fetch it, so it exists (Graph reports a move as remove + add).
   */
  async applyPage(accountId: AccountKey, changes: PageChanges, commit?: CommitHook): Promise<PageOutcome> {
    const outcome: PageOutcome = { inserted: 0, updated: 0, unchanged: 0, deleted: 0, unknown: 0 };
    const added = dedupeById(changes.added ?? []);
    const addedIds = new Set(added.map((m) => m.providerId));
    const updates = (changes.updated ?? []).filter((u) => !addedIds.has(u.providerId));
    const deleted = [...new Set(changes.deleted ?? [])].filter((id) => !addedIds.has(id));

    await withTransaction(this.db, async (transaction) => {
      const touched = new Set<string>();
      await this.upsertMessages(accountId, added, transaction, touched, outcome);
      await this.applyFlags(accountId, updates, transaction, touched, outcome);
      outcome.deleted += await this.removeMessages(accountId, deleted, transaction, touched);
      await this.refreshThreads(accountId, [...touched], transaction);
      if (commit) await commit(transaction);
    });
    return outcome;
  }

  /** Deletes messages by provider id (and their attachments, participants, emptied threads). */
  async deleteMessages(accountId: AccountKey, providerIds: string[], commit?: CommitHook): Promise<number> {
    if (!providerIds.length && !commit) return 0;
    return withTransaction(this.db, async (transaction) => {
      const touched = new Set<string>();
      const count = await this.removeMessages(accountId, [...new Set(providerIds)], transaction, touched);
      await this.refreshThreads(accountId, [...touched], transaction);
      if (commit) await commit(transaction);
      return count;
    });
  }

  /** Provider ids of the local messages dated at or after `since`: the resync's candidates for removal. */
  async providerIdsSince(accountId: AccountKey, since: Date): Promise<string[]> {
    const rows = (await this.model('mailMessages').findAll({
      where: { accountId, date: { [Op.gte]: since } },
      attributes: ['providerId'],
      raw: true,
    })) as unknown as Row[];
    return rows.map((r) => String(r.providerId));
  }

  async messageCount(accountId: AccountKey): Promise<number> {
    return this.model('mailMessages').count({ where: { accountId } });
  }

  /** Local message and unread counts per folder / label id. */
  async localFolderCounts(accountId: AccountKey): Promise<Map<string, { total: number; unread: number }>> {
    const counts = new Map<string, { total: number; unread: number }>();
    const rows = (await this.model('mailMessages').findAll({
      where: { accountId },
      attributes: ['folderIds', 'read'],
      raw: true,
    })) as unknown as Row[];
    for (const row of rows) {
      const read = asBool(row.read);
      for (const folderId of asStringArray(row.folderIds)) {
        const c = counts.get(folderId) ?? { total: 0, unread: 0 };
        c.total += 1;
        if (!read) c.unread += 1;
        counts.set(folderId, c);
      }
    }
    return counts;
  }

  /** Mirrors the provider's folder list: upserts every folder with its counts, removes the ones gone. */
  async syncFolders(accountId: AccountKey, folders: ProviderFolder[]): Promise<void> {
    const Folders = this.model('mailFolders');
    await withTransaction(this.db, async (transaction) => {
      const existing = (await Folders.findAll({ where: { accountId }, raw: true, transaction })) as unknown as Row[];
      const byProviderId = new Map(existing.map((r) => [String(r.providerId), r]));
      const seen = new Set<string>();
      const create: Row[] = [];
      for (const f of folders) {
        const providerId = clip(f.id, LIMITS.string) ?? f.id;
        if (seen.has(providerId)) continue;
        seen.add(providerId);
        const values: Row = {
          name: clip(f.name, LIMITS.string),
          role: f.role,
          kind: f.kind,
          parentProviderId: clip(f.parentId ?? null, LIMITS.string),
          color: clip(f.color ?? null, LIMITS.string),
        };
        if (typeof f.totalCount === 'number') values.totalCount = f.totalCount;
        if (typeof f.unreadCount === 'number') values.unreadCount = f.unreadCount;
        const current = byProviderId.get(providerId);
        if (!current) {
          create.push({ accountId, providerId, totalCount: 0, unreadCount: 0, ...values });
        } else if (Object.entries(values).some(([k, v]) => (current[k] ?? null) !== (v ?? null))) {
          await Folders.update(values, { where: { id: current.id }, transaction });
        }
      }
      if (create.length) await Folders.bulkCreate(create, { transaction });
      const gone = existing.filter((r) => !seen.has(String(r.providerId))).map((r) => r.id);
      if (gone.length) await Folders.destroy({ where: { id: { [Op.in]: gone } }, transaction });
    });
  }

  /** Stores the provider's per-folder totals (reconcile step). */
  async setFolderCounts(accountId: AccountKey, counts: Array<{ folderId: string; total: number; unread: number }>): Promise<void> {
    const Folders = this.model('mailFolders');
    await withTransaction(this.db, async (transaction) => {
      for (const c of counts) {
        await Folders.update(
          { totalCount: c.total, unreadCount: c.unread },
          { where: { accountId, providerId: c.folderId }, transaction },
        );
      }
    });
  }

  // ---- inside a page transaction ----

  private async upsertMessages(
    accountId: AccountKey,
    messages: NormalizedMessage[],
    transaction: Transaction,
    touched: Set<string>,
    outcome: PageOutcome,
  ): Promise<void> {
    if (!messages.length) return;
    const Messages = this.model('mailMessages');
    const existing = await this.findMessages(accountId, messages.map((m) => m.providerId), transaction, [
      'id',
      'providerId',
      'threadRowId',
      'providerThreadId',
      'folderIds',
      'categories',
      'read',
      'starred',
      'draft',
    ]);
    const threadIds = await this.ensureThreads(accountId, messages, transaction);

    const fresh: NormalizedMessage[] = [];
    for (const m of messages) {
      const current = existing.get(m.providerId);
      const threadRowId = threadIds.get(m.threadId || m.providerId) as AccountKey;
      if (!current) {
        fresh.push(m);
        touched.add(idKey(threadRowId));
        continue;
      }
      const row = messageRow(accountId, threadRowId, m);
      const contentMayChange = row.draft || asBool(current.draft);
      const moved = idKey(current.threadRowId) !== idKey(threadRowId);
      const flagsDiffer =
        asBool(current.read) !== row.read ||
        asBool(current.starred) !== row.starred ||
        !sameSet(asStringArray(current.folderIds), row.folderIds) ||
        !sameSet(asStringArray(current.categories), row.categories);
      if (!contentMayChange && !moved && !flagsDiffer) {
        outcome.unchanged += 1;
        continue;
      }
      if (contentMayChange) {
        // Drafts are edited in place at the provider: replace content and dependents.
        const { accountId: _a, providerId: _p, ...values } = row;
        await Messages.update(values, { where: { id: current.id }, transaction });
        await this.replaceDependents({ accountId, messageRowId: current.id as AccountKey, threadRowId }, m, transaction);
      } else {
        await Messages.update(
          { read: row.read, starred: row.starred, folderIds: row.folderIds, categories: row.categories, threadRowId, providerThreadId: row.providerThreadId },
          { where: { id: current.id }, transaction },
        );
        if (moved) await this.model('mailParticipants').update({ threadRowId }, { where: { messageRowId: current.id }, transaction });
      }
      outcome.updated += 1;
      touched.add(idKey(threadRowId));
      if (moved) touched.add(idKey(current.threadRowId));
    }

    if (!fresh.length) return;
    await Messages.bulkCreate(
      fresh.map((m) => messageRow(accountId, threadIds.get(m.threadId || m.providerId) as AccountKey, m)),
      { transaction },
    );
    outcome.inserted += fresh.length;
    // bulkCreate does not report ids on every dialect; read them back by the unique key.
    const created = await this.findMessages(accountId, fresh.map((m) => m.providerId), transaction, ['id', 'providerId']);
    const attachments = [];
    const participants = [];
    for (const m of fresh) {
      const id = created.get(m.providerId)?.id as AccountKey;
      const threadRowId = threadIds.get(m.threadId || m.providerId) as AccountKey;
      attachments.push(...attachmentRows(accountId, id, m.attachments));
      participants.push(...participantRows({ accountId, messageRowId: id, threadRowId }, m));
    }
    for (const part of chunk(attachments, 500)) await this.model('mailAttachments').bulkCreate(part, { transaction });
    for (const part of chunk(participants, 500)) await this.model('mailParticipants').bulkCreate(part, { transaction });
  }

  private async replaceDependents(keys: MessageKeys, m: NormalizedMessage, transaction: Transaction): Promise<void> {
    const { messageRowId } = keys;
    await this.model('mailAttachments').destroy({ where: { messageRowId }, transaction });
    await this.model('mailParticipants').destroy({ where: { messageRowId }, transaction });
    const attachments = attachmentRows(keys.accountId, messageRowId, m.attachments);
    const participants = participantRows(keys, m);
    if (attachments.length) await this.model('mailAttachments').bulkCreate(attachments, { transaction });
    if (participants.length) await this.model('mailParticipants').bulkCreate(participants, { transaction });
  }

  private async applyFlags(
    accountId: AccountKey,
    updates: NonNullable<PageChanges['updated']>,
    transaction: Transaction,
    touched: Set<string>,
    outcome: PageOutcome,
  ): Promise<void> {
    if (!updates.length) return;
    // The last update for an id wins.
    const latest = new Map<string, FlagValues>();
    for (const u of updates) latest.set(u.providerId, { ...latest.get(u.providerId), ...flagValues(u) });
    const existing = await this.findMessages(accountId, [...latest.keys()], transaction, [
      'id',
      'providerId',
      'threadRowId',
      'folderIds',
      'categories',
      'read',
      'starred',
    ]);
    const Messages = this.model('mailMessages');
    for (const [providerId, flags] of latest) {
      const current = existing.get(providerId);
      if (!current) {
        outcome.unknown += 1;
        continue;
      }
      const values: Row = {};
      if (flags.read !== undefined && flags.read !== asBool(current.read)) values.read = flags.read;
      if (flags.starred !== undefined && flags.starred !== asBool(current.starred)) values.starred = flags.starred;
      if (flags.folderIds && !sameSet(flags.folderIds, asStringArray(current.folderIds))) values.folderIds = flags.folderIds;
      if (flags.categories && !sameSet(flags.categories, asStringArray(current.categories))) values.categories = flags.categories;
      if (!Object.keys(values).length) {
        outcome.unchanged += 1;
        continue;
      }
      await Messages.update(values, { where: { id: current.id }, transaction });
      outcome.updated += 1;
      touched.add(idKey(current.threadRowId));
    }
  }

  private async removeMessages(accountId: AccountKey, providerIds: string[], transaction: Transaction, touched: Set<string>): Promise<number> {
    if (!providerIds.length) return 0;
    const existing = await this.findMessages(accountId, providerIds, transaction, ['id', 'providerId', 'threadRowId']);
    if (!existing.size) return 0;
    const rows = [...existing.values()];
    for (const r of rows) if (r.threadRowId !== null && r.threadRowId !== undefined) touched.add(idKey(r.threadRowId));
    for (const ids of chunk(rows.map((r) => r.id), IN_CHUNK)) {
      // The host does not create database-level cascades; dependents go explicitly.
      await this.model('mailAttachments').destroy({ where: { messageRowId: { [Op.in]: ids } }, transaction });
      await this.model('mailParticipants').destroy({ where: { messageRowId: { [Op.in]: ids } }, transaction });
      await this.model('mailMessages').destroy({ where: { id: { [Op.in]: ids } }, transaction });
    }
    return rows.length;
  }

  /** Thread rows for the page's conversations, created when new; map provider thread id → row id. */
  private async ensureThreads(accountId: AccountKey, messages: NormalizedMessage[], transaction: Transaction): Promise<Map<string, unknown>> {
    const Threads = this.model('mailThreads');
    const wanted = new Map<string, NormalizedMessage>();
    for (const m of messages) {
      const key = clip(m.threadId || m.providerId, LIMITS.string) as string;
      if (!wanted.has(key)) wanted.set(key, m);
    }
    const ids = new Map<string, unknown>();
    const load = async (keys: string[]): Promise<void> => {
      for (const part of chunk(keys, IN_CHUNK)) {
        const rows = (await Threads.findAll({
          where: { accountId, providerThreadId: { [Op.in]: part } },
          attributes: ['id', 'providerThreadId'],
          raw: true,
          transaction,
        })) as unknown as Row[];
        for (const r of rows) ids.set(String(r.providerThreadId), r.id);
      }
    };
    await load([...wanted.keys()]);
    const missing = [...wanted.entries()].filter(([key]) => !ids.has(key));
    if (missing.length) {
      await Threads.bulkCreate(
        missing.map(([key, m]) => ({ accountId, providerThreadId: key, subject: clip(m.subject, LIMITS.subject) ?? '', messageCount: 0 })),
        { transaction },
      );
      await load(missing.map(([key]) => key));
    }
    // Keys as given by the adapter (before clipping) resolve too.
    for (const m of messages) {
      const given = m.threadId || m.providerId;
      const key = clip(given, LIMITS.string) as string;
      if (given !== key) ids.set(given, ids.get(key));
    }
    return ids;
  }

  /** Recomputes the denormalized thread rows from their messages; removes threads left empty. */
  private async refreshThreads(accountId: AccountKey, threadRowIds: string[], transaction: Transaction): Promise<void> {
    if (!threadRowIds.length) return;
    const Threads = this.model('mailThreads');
    const Messages = this.model('mailMessages');
    for (const ids of chunk(threadRowIds, IN_CHUNK)) {
      const rows = (await Messages.findAll({
        where: { accountId, threadRowId: { [Op.in]: ids } },
        attributes: THREAD_FACT_ATTRIBUTES,
        raw: true,
        transaction,
      })) as unknown as Row[];
      const byThread = new Map<string, ThreadMessageFacts[]>();
      for (const r of rows) {
        const key = idKey(r.threadRowId);
        const list = byThread.get(key) ?? [];
        list.push(threadFacts(r));
        byThread.set(key, list);
      }
      const empty = ids.filter((id) => !byThread.has(id));
      if (empty.length) await Threads.destroy({ where: { accountId, id: { [Op.in]: empty } }, transaction });
      const memberships: Row[] = [];
      const summaries: Row[] = [];
      // The columns the upsert needs besides the summary (it inserts nothing: every id exists).
      const keys = (await Threads.findAll({
        where: { id: { [Op.in]: [...byThread.keys()] } },
        attributes: ['id', 'accountId', 'providerThreadId'],
        raw: true,
        transaction,
      })) as unknown as Row[];
      for (const key of keys) {
        const facts = byThread.get(idKey(key.id));
        if (!facts) continue;
        const s = summarizeThread(facts);
        const lastMessageAt = s.lastMessageAt ?? UNDATED;
        for (const folderId of s.folderIds) memberships.push({ threadRowId: key.id, accountId, folderId, lastMessageAt });
        summaries.push({
          ...key,
          subject: clip(s.subject, LIMITS.subject) ?? '',
          snippet: s.snippet,
          lastMessageAt,
          messageCount: s.messageCount,
          unreadCount: s.unreadCount,
          starred: s.starred,
          hasAttachments: s.hasAttachments,
          participants: s.participants,
          folderIds: s.folderIds,
        });
      }
      // One statement for the chunk's threads instead of an UPDATE each: an upsert on the primary key.
      if (summaries.length) await Threads.bulkCreate(summaries, { updateOnDuplicate: THREAD_SUMMARY_FIELDS, conflictAttributes: ['id'], transaction });
      await this.syncMemberships(ids, memberships, transaction);
    }
  }

  /**
   * Makes the touched threads' folder membership rows equal `wanted`. Reads
   * first, then deletes by primary key and inserts only the difference: a
   * DELETE by threadRowId range would take gap locks on MariaDB / MySQL, and two
   * accounts syncing at once then deadlock on each other's inserts.
   */
  private async syncMemberships(threadRowIds: string[], wanted: Row[], transaction: Transaction): Promise<void> {
    const Members = this.model('mailThreadFolders');
    const key = (r: Row) => `${idKey(r.threadRowId)}|${String(r.folderId)}|${asDate(r.lastMessageAt)?.getTime() ?? ''}`;
    const existing = (await Members.findAll({
      where: { threadRowId: { [Op.in]: threadRowIds } },
      attributes: ['id', 'threadRowId', 'folderId', 'lastMessageAt'],
      raw: true,
      transaction,
    })) as unknown as Row[];
    const wantedKeys = new Set(wanted.map(key));
    const kept = new Set<string>();
    const stale: unknown[] = [];
    for (const row of existing) {
      const k = key(row);
      if (wantedKeys.has(k) && !kept.has(k)) kept.add(k);
      else stale.push(row.id);
    }
    for (const part of chunk(stale, IN_CHUNK)) await Members.destroy({ where: { id: { [Op.in]: part } }, transaction });
    const fresh = wanted.filter((r) => !kept.has(key(r)));
    if (fresh.length) await Members.bulkCreate(fresh, { transaction });
  }

  private async findMessages(accountId: AccountKey, providerIds: string[], transaction: Transaction, attributes: string[]): Promise<Map<string, Row>> {
    const found = new Map<string, Row>();
    for (const part of chunk([...new Set(providerIds)], IN_CHUNK)) {
      const rows = (await this.model('mailMessages').findAll({
        where: { accountId, providerId: { [Op.in]: part } },
        attributes,
        raw: true,
        transaction,
      })) as unknown as Row[];
      for (const r of rows) found.set(String(r.providerId), r);
    }
    return found;
  }
}

function dedupeById(messages: NormalizedMessage[]): NormalizedMessage[] {
  const byId = new Map<string, NormalizedMessage>();
  for (const m of messages) byId.set(m.providerId, m);
  return [...byId.values()];
}

function threadFacts(r: Row): ThreadMessageFacts {
  const from = r.fromAddress ? ({ address: String(r.fromAddress), ...(r.fromName ? { name: String(r.fromName) } : {}) } as MailAddress) : null;
  return {
    date: asDate(r.date),
    subject: String(r.subject ?? ''),
    snippet: String(r.snippet ?? ''),
    read: asBool(r.read),
    starred: asBool(r.starred),
    hasAttachments: asBool(r.hasAttachments),
    folderIds: asStringArray(r.folderIds),
    from,
    to: asJson<MailAddress[]>(r.to, []),
    cc: asJson<MailAddress[]>(r.cc, []),
  };
}
