/**
 * Synced mail is readable through the host's standard list/get actions (so
 * NocoBase blocks, filters and the API work as usual), but only within the
 * accounts the caller may see. Writes go through the plugin's own actions,
 * which act at the provider first; generic writes are refused.
 */
import type { Context, Next } from '@nocobase/actions';
import type { MailAccess } from '../accounts/access';
import { UserFacingError } from '../http/errors';
import { viewerOf } from './context';

/** Collections whose rows belong to a mail account, with the column that says which. */
export const MAIL_DATA_COLLECTIONS: Record<string, string> = {
  mailMessages: 'accountId',
  mailThreads: 'accountId',
  mailFolders: 'accountId',
  mailAttachments: 'accountId',
  mailParticipants: 'accountId',
  mailSyncRuns: 'accountId',
};

/** Collections whose rows only their owner reads (supervisors included): the column naming the owning user. */
export const OWNER_ONLY_COLLECTIONS: Record<string, string> = {
  mailOutbox: 'userId',
};

const READ_ACTIONS = new Set(['list', 'get']);

export function mailDataScope(access: () => MailAccess, customActions: Set<string>) {
  return async function mailDataScopeMiddleware(ctx: Context, next: Next) {
    const { resourceName, actionName } = ctx.action;
    const column = MAIL_DATA_COLLECTIONS[resourceName];
    const ownerColumn = OWNER_ONLY_COLLECTIONS[resourceName];
    // Custom actions check access themselves.
    if ((!column && !ownerColumn) || customActions.has(`${resourceName}:${actionName}`)) return next();
    if (!READ_ACTIONS.has(actionName)) {
      throw new UserFacingError(405, 'NOT_ALLOWED', 'Synced mail changes only through Email manager actions (they update the mailbox first).');
    }
    if (ownerColumn) {
      ctx.action.mergeParams({ filter: { [ownerColumn]: viewerOf(ctx).userId } });
      return next();
    }
    const scope = await access().scope(viewerOf(ctx));
    if (!scope.all) {
      // An impossible id keeps the filter valid for users with no accounts.
      ctx.action.mergeParams({ filter: { [column]: { $in: scope.accountIds.length ? scope.accountIds : ['-1'] } } });
    }
    return next();
  };
}
