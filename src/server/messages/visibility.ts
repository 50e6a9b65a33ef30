/**
 * Which synced mail a caller may read, for the plugin's own read actions: the
 * same rule as MailAccess (own accounts; every account for mail supervisors).
 * Anything else is "not found", so ids of other people's mail reveal nothing.
 */
import type { Database } from '@nocobase/database';
import { Op } from 'sequelize';
import type { MailAccess, Viewer } from '../accounts/access';
import { UserFacingError } from '../http/errors';

export type Raw = Record<string, unknown>;

/** Row ids are integers (auto-increment or snowflake); anything else cannot name a row. */
export function isRowId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,20}$/.test(value);
}

export const MESSAGE_NOT_FOUND = () => new UserFacingError(404, 'MESSAGE_NOT_FOUND', 'This message does not exist or was deleted.');
export const ATTACHMENT_NOT_FOUND = () => new UserFacingError(404, 'ATTACHMENT_NOT_FOUND', 'This attachment does not exist or was deleted.');

export class MailVisibility {
  constructor(
    private readonly db: Database,
    private readonly access: () => MailAccess,
  ) {}

  private async findRaw(collection: string, id: string, attributes?: string[]): Promise<Raw | null> {
    if (!isRowId(id)) return null;
    const model = this.db.getModel(collection);
    return ((await model.findOne({ where: { id }, ...(attributes ? { attributes } : {}), raw: true })) as unknown as Raw | null) ?? null;
  }

  async canRead(viewer: Viewer, accountId: unknown): Promise<boolean> {
    if (accountId === null || accountId === undefined) return false;
    const account = (await this.db.getRepository('mailAccounts').findOne({ filterByTk: accountId as string })) as { get(k: string): unknown } | null;
    return Boolean(account) && (await this.access().canAccessAccount(viewer, account as { get(k: string): unknown }));
  }

  /** The message row (with its bodies) if the viewer may read it. */
  async message(viewer: Viewer, id: string): Promise<Raw> {
    const row = await this.findRaw('mailMessages', id);
    if (!row || !(await this.canRead(viewer, row.accountId))) throw MESSAGE_NOT_FOUND();
    return row;
  }

  /** The attachment row (cache path included) if the viewer may read its message. */
  async attachment(viewer: Viewer, id: string): Promise<Raw> {
    const row = await this.findRaw('mailAttachments', id);
    if (!row || !(await this.canRead(viewer, row.accountId))) throw ATTACHMENT_NOT_FOUND();
    return row;
  }

  /** For signed links, which already carry the access decision. */
  async attachmentUnchecked(id: string): Promise<Raw | null> {
    return this.findRaw('mailAttachments', id);
  }

  /**
   * Accounts a mailbox view reads. Asked for specific ids: those the viewer may
   * see. Asked for nothing: the viewer's own accounts ("all my mail"), even for
   * supervisors, who open other people's accounts one at a time.
   */
  async accountIds(viewer: Viewer, requested: string[]): Promise<string[]> {
    const Accounts = this.db.getModel('mailAccounts');
    if (!requested.length) {
      const own = (await Accounts.findAll({ where: { userId: viewer.userId }, attributes: ['id'], raw: true })) as unknown as Raw[];
      return own.map((r) => String(r.id));
    }
    const scope = await this.access().scope(viewer);
    const wanted = requested.filter(isRowId);
    if (scope.all) {
      const rows = (await Accounts.findAll({ where: { id: { [Op.in]: wanted } }, attributes: ['id'], raw: true })) as unknown as Raw[];
      return rows.map((r) => String(r.id));
    }
    return wanted.filter((id) => scope.accountIds.includes(id));
  }
}
