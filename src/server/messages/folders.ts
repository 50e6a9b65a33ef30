/** Turns the mailbox view's folder choice into the provider folder ids to look for. */
import type { Database } from '@nocobase/database';
import { Op } from 'sequelize';
import type { FolderRef } from './thread-list';
import type { Raw } from './visibility';

export type FolderSelector = { role: string } | { folderId: string } | null;

/**
 * A role ("inbox") means that folder in every chosen account; a folder id means
 * that one folder, if it belongs to a chosen account. null: all mail.
 */
export async function resolveFolders(db: Database, accountIds: string[], selector: FolderSelector): Promise<FolderRef[] | null> {
  if (!selector) return null;
  if (!accountIds.length) return [];
  const where = 'role' in selector ? { accountId: { [Op.in]: accountIds }, role: selector.role } : { accountId: { [Op.in]: accountIds }, id: selector.folderId };
  const rows = (await db.getModel('mailFolders').findAll({ where, attributes: ['accountId', 'providerId'], raw: true })) as unknown as Raw[];
  return rows.map((r) => ({ accountId: String(r.accountId), providerId: String(r.providerId) }));
}
