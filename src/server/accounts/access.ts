/**
 * Who may see which mailbox: a user sees their own accounts; users holding a
 * role listed as "mail supervisor" in Email settings see every account.
 */
import type { Database } from '@nocobase/database';

export interface Viewer {
  userId: string | number;
  roleNames: string[];
}

export type AccountScope = { all: true } | { all: false; accountIds: string[] };

export class MailAccess {
  constructor(
    private readonly db: Database,
    private readonly supervisorRoles: () => Promise<string[]>,
  ) {}

  async isSupervisor(viewer: Viewer): Promise<boolean> {
    const roles = await this.supervisorRoles();
    return viewer.roleNames.some((r) => roles.includes(r));
  }

  async scope(viewer: Viewer): Promise<AccountScope> {
    if (await this.isSupervisor(viewer)) return { all: true };
    const rows = (await this.db.getRepository('mailAccounts').find({ filter: { userId: viewer.userId }, fields: ['id'] })) as Array<{
      get(k: string): unknown;
    }>;
    return { all: false, accountIds: rows.map((r) => String(r.get('id'))) };
  }

  async canAccessAccount(viewer: Viewer, account: { get(k: string): unknown }): Promise<boolean> {
    return String(account.get('userId')) === String(viewer.userId) || (await this.isSupervisor(viewer));
  }
}
