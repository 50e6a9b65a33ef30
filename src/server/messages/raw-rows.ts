/** Plain-object reads of the mail collections (no model instances), for the mail actions. */
import type { Database } from '@nocobase/database';
import type { Raw } from './visibility';

export async function findRaw(db: Database, collection: string, where: Record<string, unknown>, attributes?: string[]): Promise<Raw | null> {
  const row = await db.getModel(collection).findOne({ where, ...(attributes ? { attributes } : {}), raw: true });
  return (row as unknown as Raw | null) ?? null;
}

export async function findAllRaw(db: Database, collection: string, where: Record<string, unknown>, attributes?: string[]): Promise<Raw[]> {
  return (await db.getModel(collection).findAll({ where, ...(attributes ? { attributes } : {}), raw: true })) as unknown as Raw[];
}
