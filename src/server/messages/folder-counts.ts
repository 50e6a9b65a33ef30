/**
 * Moves the stored per-folder totals and unread counts by what an action just
 * did (acting on mail, storing a sent copy), so the folder list is right at once.
 * They are the provider's figures: the next sync's reconcile sets its own numbers.
 */
import type { Database, Transaction } from '@nocobase/database';
import { Op } from 'sequelize';
import type { Raw } from './visibility';

/** Provider folder / label id → change of total and unread. */
export type FolderCountDeltas = Map<string, { total: number; unread: number }>;

export async function applyFolderCountDeltas(db: Database, accountId: string, deltas: FolderCountDeltas, transaction: Transaction): Promise<void> {
  if (!deltas.size) return;
  const Folders = db.getModel('mailFolders');
  const rows = (await Folders.findAll({
    where: { accountId, providerId: { [Op.in]: [...deltas.keys()] } },
    attributes: ['id', 'providerId', 'totalCount', 'unreadCount'],
    raw: true,
    transaction,
  })) as unknown as Raw[];
  for (const row of rows) {
    const d = deltas.get(String(row.providerId));
    if (!d) continue;
    await Folders.update(
      { totalCount: Math.max(0, Number(row.totalCount ?? 0) + d.total), unreadCount: Math.max(0, Number(row.unreadCount ?? 0) + d.unread) },
      { where: { id: row.id }, transaction },
    );
  }
}
