/**
 * The sync-related columns of a mailAccounts row, read as typed values and
 * written in the few shapes the runner needs. `syncState` holds the resumable
 * position of a window listing (initial sync or resync).
 */
import type { Database, Transaction } from '@nocobase/database';
import type { SyncCursor } from '../providers/types';
import type { AccountKey } from './rows';
import { asBool, asDate, asJson } from './values';

export interface ListingState {
  phase: 'initial' | 'resync';
  /** Taken before the listing started: incremental sync continues from here. */
  pendingCursor: SyncCursor;
  since: string;
  pageToken: string | null;
  done: number;
  total: number | null;
}

export interface SyncState {
  listing?: ListingState;
}

export interface AccountSyncView {
  id: AccountKey;
  provider: string;
  address: string;
  status: string;
  statusMessage: string | null;
  cursor: SyncCursor | null;
  syncState: SyncState;
  syncFrom: Date | null;
  syncRequested: boolean;
  resyncRequested: boolean;
  lastSyncAt: Date | null;
  rateLimitedUntil: Date | null;
}

export async function readAccount(db: Database, accountId: AccountKey, transaction?: Transaction): Promise<AccountSyncView | null> {
  const row = (await db.getModel('mailAccounts').findOne({ where: { id: accountId }, raw: true, transaction })) as Record<string, unknown> | null;
  if (!row) return null;
  const cursor = asJson<SyncCursor | null>(row.cursor, null);
  return {
    id: row.id as AccountKey,
    provider: String(row.provider),
    address: String(row.address),
    status: String(row.status ?? ''),
    statusMessage: row.statusMessage ? String(row.statusMessage) : null,
    cursor: cursor && typeof cursor === 'object' && Object.keys(cursor).length ? cursor : null,
    syncState: asJson<SyncState>(row.syncState, {}) ?? {},
    syncFrom: asDate(row.syncFrom),
    syncRequested: asBool(row.syncRequested),
    resyncRequested: asBool(row.resyncRequested),
    lastSyncAt: asDate(row.lastSyncAt),
    rateLimitedUntil: asDate(row.rateLimitedUntil),
  };
}

export async function updateAccount(db: Database, accountId: AccountKey, values: Record<string, unknown>, transaction?: Transaction): Promise<void> {
  await db.getModel('mailAccounts').update(values, { where: { id: accountId }, transaction });
}
