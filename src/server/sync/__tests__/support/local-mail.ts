/** Reads back what the sync stored, for assertions. */
import type { Database } from '@nocobase/database';
import { asBool, asJson, asStringArray } from '../../values';

export interface LocalMessage {
  id: number;
  providerId: string;
  providerThreadId: string;
  internetMessageId: string | null;
  subject: string;
  fromAddress: string | null;
  read: boolean;
  starred: boolean;
  hasAttachments: boolean;
  folderIds: string[];
  categories: string[];
  date: Date | null;
}

export async function localMessages(db: Database, accountId: number | string): Promise<LocalMessage[]> {
  const rows = (await db.getModel('mailMessages').findAll({
    where: { accountId },
    attributes: ['id', 'providerId', 'providerThreadId', 'internetMessageId', 'subject', 'fromAddress', 'read', 'starred', 'hasAttachments', 'folderIds', 'categories', 'date'],
    raw: true,
  })) as unknown as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: Number(r.id),
    providerId: String(r.providerId),
    providerThreadId: String(r.providerThreadId),
    internetMessageId: r.internetMessageId ? String(r.internetMessageId) : null,
    subject: String(r.subject ?? ''),
    fromAddress: r.fromAddress ? String(r.fromAddress) : null,
    read: asBool(r.read),
    starred: asBool(r.starred),
    hasAttachments: asBool(r.hasAttachments),
    folderIds: asStringArray(r.folderIds),
    categories: asStringArray(r.categories),
    date: r.date ? new Date(r.date as string) : null,
  }));
}

export async function countRows(db: Database, collection: string, where: Record<string, unknown>): Promise<number> {
  return db.getModel(collection).count({ where });
}

/** Provider ids that occur more than once (must always be empty). */
export function duplicates(messages: Array<{ providerId: string }>): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const m of messages) (seen.has(m.providerId) ? dup : seen).add(m.providerId);
  return [...dup];
}

/** The comparable state of a mailbox: one line per message, sorted. */
export function fingerprint(messages: LocalMessage[]): string[] {
  return messages
    .map((m) => [m.providerId, m.providerThreadId, m.internetMessageId, m.subject, m.read, m.starred, [...m.folderIds].sort().join(','), m.hasAttachments].join('|'))
    .sort();
}

const ACCOUNT_BOOLEANS = ['syncRequested', 'resyncRequested'];
const ACCOUNT_JSON = ['cursor', 'syncState', 'aliases'];

/** The account row with every column (hidden ones too), values normalized across dialects. */
export async function accountRow(db: Database, accountId: number | string): Promise<Record<string, unknown>> {
  const row = (await db.getModel('mailAccounts').findOne({ where: { id: accountId }, raw: true })) as Record<string, unknown>;
  for (const key of ACCOUNT_BOOLEANS) row[key] = asBool(row[key]);
  for (const key of ACCOUNT_JSON) row[key] = asJson(row[key], null);
  return row;
}
