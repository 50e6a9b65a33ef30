/**
 * Messages the adapter could not fetch or parse ("poison"): each failure is
 * counted in mailSkippedMessages; the run retries them, and after
 * MAX_ATTEMPTS the message is marked skipped with its reason, so one broken
 * message is visible to the user but never blocks the account.
 */
import { Op, type Database } from '@nocobase/database';
import type { AccountKey } from './rows';
import { LIMITS, clip } from './rows';
import { chunk } from './values';

export const MAX_ATTEMPTS = 3;

export interface Failure {
  providerId: string;
  reason: string;
}

export interface FailureVerdict {
  providerId: string;
  reason: string;
  attempts: number;
  /** True when this failure used up the last attempt. */
  skippedNow: boolean;
}

type Row = Record<string, unknown>;

export class PoisonLedger {
  constructor(private readonly db: Database) {}

  private model() {
    return this.db.getModel('mailSkippedMessages');
  }

  /** Counts one more failed attempt per message; marks the ones out of attempts as skipped. */
  async record(accountId: AccountKey, failures: Failure[]): Promise<FailureVerdict[]> {
    const latest = new Map<string, string>();
    for (const f of failures) latest.set(f.providerId, f.reason || 'unknown reason');
    if (!latest.size) return [];
    const Skipped = this.model();
    const existing = new Map<string, Row>();
    for (const ids of chunk([...latest.keys()], 200)) {
      const rows = (await Skipped.findAll({ where: { accountId, providerId: { [Op.in]: ids } }, raw: true })) as unknown as Row[];
      for (const r of rows) existing.set(String(r.providerId), r);
    }
    const verdicts: FailureVerdict[] = [];
    for (const [providerId, reason] of latest) {
      const row = existing.get(providerId);
      const attempts = Number(row?.attempts ?? 0) + 1;
      const alreadySkipped = row ? row.skipped === true || row.skipped === 1 : false;
      const skipped = alreadySkipped || attempts >= MAX_ATTEMPTS;
      const values = { attempts, reason: clip(reason, 4000), skipped };
      if (row) await Skipped.update(values, { where: { id: row.id } });
      else await Skipped.create({ accountId, providerId: clip(providerId, LIMITS.string), ...values });
      verdicts.push({ providerId, reason, attempts, skippedNow: skipped && !alreadySkipped });
    }
    return verdicts;
  }

  /** Failed messages that still have attempts left, oldest first. */
  async pending(accountId: AccountKey, limit = 100): Promise<string[]> {
    const rows = (await this.model().findAll({
      where: { accountId, skipped: false },
      attributes: ['providerId'],
      order: [['id', 'ASC']],
      limit,
      raw: true,
    })) as unknown as Row[];
    return rows.map((r) => String(r.providerId));
  }

  /** A message that arrived after all (or was deleted at the provider) is no longer a failure. */
  async resolve(accountId: AccountKey, providerIds: string[]): Promise<void> {
    for (const ids of chunk([...new Set(providerIds)], 200)) {
      await this.model().destroy({ where: { accountId, providerId: { [Op.in]: ids } } });
    }
  }
}
