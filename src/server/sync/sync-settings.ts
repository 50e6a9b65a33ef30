/**
 * The two general settings sync needs, read fresh each time (an admin's change
 * applies on the next tick without a restart).
 */
import type { Database } from '@nocobase/database';

export interface SyncSettings {
  syncIntervalMinutes: number;
  defaultSyncWindowDays: number;
}

export const SYNC_SETTING_DEFAULTS: SyncSettings = { syncIntervalMinutes: 5, defaultSyncWindowDays: 30 };

function positive(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export async function readSyncSettings(db: Database): Promise<SyncSettings> {
  const row = (await db.getModel('mailGeneralSettings').findOne({ raw: true })) as Record<string, unknown> | null;
  return {
    syncIntervalMinutes: positive(row?.syncIntervalMinutes, SYNC_SETTING_DEFAULTS.syncIntervalMinutes),
    defaultSyncWindowDays: positive(row?.defaultSyncWindowDays, SYNC_SETTING_DEFAULTS.defaultSyncWindowDays),
  };
}
