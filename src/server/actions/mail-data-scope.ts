/**
 * Synced mail is readable through the host's standard actions (so NocoBase
 * blocks, filters and the API work as usual), but only within the accounts the
 * caller may see, whatever route reached it and whatever the caller's role says
 * (root and admin roles included; only roles listed as mail supervisors read
 * every account). Writes go through the plugin's own actions, which act at the
 * provider first; generic writes are refused.
 *
 * Two layers, because one alone does not hold everywhere:
 * - Rows are scoped in the database layer: every find and count on a mail
 *   collection (or that includes one) made while a resource action runs gets
 *   the caller's account filter. That covers plain routes, association routes
 *   (`mailThreads/1/messages:list`), `appends`, the host's `query` action and
 *   any other plugin's action that reads through a repository, without knowing
 *   their names. A resourcer middleware alone only sees resource names, which
 *   is how association routes leaked.
 * - The resourcer middleware refuses any action other than a read on a route
 *   whose source or target is a mail collection, and answers 404 when the
 *   source record of an association route is not the caller's.
 * Queries outside a resource action (the sync engine, migrations) and inside
 * the plugin's own actions (which check access themselves) are not scoped.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, Next } from '@nocobase/actions';
import type { Database } from '@nocobase/database';
import { Op, type WhereOptions } from 'sequelize';
import type { AccountScope, MailAccess, Viewer } from '../accounts/access';
import { UserFacingError } from '../http/errors';
import { viewerOf } from './context';

/**
 * Who may read each of the plugin's collections. Every collection in
 * src/server/collections must be listed (a test checks it); one that is not is
 * read by nobody through data routes.
 * - account: rows belong to the mail account whose id is in `column`
 * - owner: rows only the user in `column` reads (supervisors included)
 * - config: admin configuration, read only through Email settings actions
 */
export type MailCollectionRule = { kind: 'account'; column: string } | { kind: 'owner'; column: string } | { kind: 'config' };

export const MAIL_COLLECTION_RULES: Record<string, MailCollectionRule> = {
  mailAccounts: { kind: 'account', column: 'id' },
  mailMessages: { kind: 'account', column: 'accountId' },
  mailThreads: { kind: 'account', column: 'accountId' },
  mailFolders: { kind: 'account', column: 'accountId' },
  mailAttachments: { kind: 'account', column: 'accountId' },
  mailParticipants: { kind: 'account', column: 'accountId' },
  mailThreadFolders: { kind: 'account', column: 'accountId' },
  mailSyncRuns: { kind: 'account', column: 'accountId' },
  mailSkippedMessages: { kind: 'account', column: 'accountId' },
  mailOutbox: { kind: 'owner', column: 'userId' },
  mailOAuthStates: { kind: 'owner', column: 'userId' },
  mailSettings: { kind: 'config' },
  mailGeneralSettings: { kind: 'config' },
};

export const MAIL_COLLECTIONS: ReadonlySet<string> = new Set(Object.keys(MAIL_COLLECTION_RULES));

/** Actions that only read; anything else on a mail route must be one of the plugin's own. */
const READ_ACTIONS = new Set(['list', 'get', 'query']);

/** The plugin manager's own routes sync and migrate the whole database; they are administration, not data access. */
const SYSTEM_RESOURCES = new Set(['pm', 'applicationPlugins', 'app']);

interface RequestScope {
  ctx: Context;
  /** The plugin's own action: it checks access itself. */
  trusted: boolean;
  /** Cleared when the action returns, so work it left running is not scoped by a finished request. */
  active: boolean;
  accounts?: Promise<AccountScope>;
}

const requestScope = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` as background work, outside any request's scope (e.g. the sync engine started by a request). */
export function outsideRequestScope<T>(fn: () => T): T {
  return requestScope.exit(fn);
}

/** The collection an action reads or writes: the association's target on `source.assoc` routes. */
export function routeCollections(db: Database, resourceName: string): { source?: string; target?: string } {
  const [first, association] = resourceName.split('.');
  if (!association) return { target: first };
  const field = db.getCollection(first)?.getField(association) as { target?: string; options?: { target?: string } } | undefined;
  return { source: first, target: field?.target ?? field?.options?.target };
}

interface ModelLike {
  name: string;
  primaryKeyAttribute: string;
  rawAttributes: Record<string, { field?: string }>;
}

function columnOf(model: ModelLike, attribute: string): string {
  return model.rawAttributes[attribute]?.field ?? attribute;
}

function viewerOrNull(ctx: Context): Viewer | null {
  try {
    return viewerOf(ctx);
  } catch {
    return null;
  }
}

/** The filter a caller's reads of `model` get, or null when they may read all of it. */
async function rowFilter(model: ModelLike, scope: RequestScope, access: () => MailAccess): Promise<WhereOptions | null> {
  const rule = MAIL_COLLECTION_RULES[model.name];
  if (!rule || scope.trusted || !scope.active) return null;
  const nothing = { [columnOf(model, model.primaryKeyAttribute)]: { [Op.is]: null } };
  const viewer = viewerOrNull(scope.ctx);
  if (!viewer || rule.kind === 'config') return nothing;
  if (rule.kind === 'owner') return { [columnOf(model, rule.column)]: viewer.userId };
  // Reading the caller's accounts must not be scoped itself.
  scope.accounts ??= outsideRequestScope(() => access().scope(viewer));
  const accounts = await scope.accounts;
  if (accounts.all) return null;
  return accounts.accountIds.length ? { [columnOf(model, rule.column)]: { [Op.in]: accounts.accountIds } } : nothing;
}

function and(where: unknown, extra: WhereOptions): WhereOptions {
  return where ? ({ [Op.and]: [where, extra] } as WhereOptions) : extra;
}

interface IncludeLike {
  model?: ModelLike;
  where?: unknown;
  include?: IncludeLike[];
}

const installed = new WeakSet<object>();

/**
 * Adds the caller's filter to every find and count on a mail collection, and to
 * every mail collection another find includes (so a non-mail record's
 * association shows no foreign mail), while a resource action runs.
 */
export function installMailRowScope(db: Database, access: () => MailAccess): void {
  const sequelize = db.sequelize;
  if (installed.has(sequelize)) return;
  installed.add(sequelize);
  const scopeRoot = async function (this: ModelLike, options: { where?: unknown }) {
    const scope = requestScope.getStore();
    if (!scope || !MAIL_COLLECTIONS.has(this.name)) return;
    const filter = await rowFilter(this, scope, access);
    if (filter) options.where = and(options.where, filter);
  };
  const scopeIncludes = async (includes: IncludeLike[] | undefined, scope: RequestScope): Promise<void> => {
    for (const include of includes ?? []) {
      if (include.model && MAIL_COLLECTIONS.has(include.model.name)) {
        const filter = await rowFilter(include.model, scope, access);
        if (filter) include.where = and(include.where, filter);
      }
      await scopeIncludes(include.include, scope);
    }
  };
  sequelize.addHook('beforeFind', 'email-manager-mail-scope', scopeRoot);
  sequelize.addHook('beforeCount', 'email-manager-mail-scope', scopeRoot);
  // Includes are resolved to models only after the options are conformed.
  sequelize.addHook('beforeFindAfterOptions', 'email-manager-mail-scope-includes', async (options) => {
    const scope = requestScope.getStore();
    if (scope) await scopeIncludes(options.include as IncludeLike[] | undefined, scope);
  });
}

/**
 * Resourcer middleware: opens the request scope for every action, refuses
 * writes on routes that reach mail, and 404s association routes whose source
 * record the caller may not see. `ownActions` are `resource:action` names the
 * plugin handles itself.
 */
export function mailDataScope(db: Database, ownActions: ReadonlySet<string>) {
  return async function mailDataScopeMiddleware(ctx: Context, next: Next) {
    const { resourceName, actionName, sourceId } = ctx.action as { resourceName: string; actionName: string; sourceId?: unknown };
    if (SYSTEM_RESOURCES.has(resourceName)) return next();
    const scope: RequestScope = { ctx, trusted: ownActions.has(`${resourceName}:${actionName}`), active: true };
    return requestScope.run(scope, async () => {
      try {
        const { source, target } = routeCollections(db, resourceName);
        const touchesMail = (source && MAIL_COLLECTIONS.has(source)) || (target && MAIL_COLLECTIONS.has(target));
        if (touchesMail && !scope.trusted) {
          if (!READ_ACTIONS.has(actionName)) {
            throw new UserFacingError(405, 'NOT_ALLOWED', 'Synced mail changes only through Email manager actions (they update the mailbox first).');
          }
          if (source && MAIL_COLLECTIONS.has(source)) {
            const visible = await db.getRepository(source).findOne({ filterByTk: sourceId as string });
            if (!visible) throw new UserFacingError(404, 'NOT_FOUND', 'No such record.');
          }
        }
        return await next();
      } finally {
        scope.active = false;
      }
    });
  };
}
