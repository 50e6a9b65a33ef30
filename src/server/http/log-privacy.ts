/**
 * Keeping secrets and mail out of the host's request log.
 *
 * NocoBase's request logger (@nocobase/logger, request-logger) writes, per API
 * request, `storage/logs/<app>/request_<date>.log` with:
 * - at the start: the URL and a whitelist of headers, `referer` among them;
 * - at the end: `ctx.action.toJSON()` minus a fixed list of password fields,
 *   i.e. every parameter including the whole request body (`params.values`).
 * It has no per-action setting, so the plugin shapes what those two read:
 * - its resources' actions answer `toJSON()` with a summary (resource, action,
 *   ids and the names of the body's fields, never their values): no client
 *   secret, OAuth code or state, message or attachment reaches the log;
 * - requests made from the OAuth callback page, whose address carries the
 *   one-time code and state until the page removes them, lose that query from
 *   their Referer before the logger reads it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Context } from '@nocobase/actions';
import { OAUTH_CALLBACK_PATH } from '../settings/validate';

type Next = () => Promise<void>;
type Middleware = (ctx: Context, next: Next) => Promise<void>;

/** Query parameters that say which record or view, never content or credentials (a signed link's signature is left out). */
const LOGGED_PARAMS = [
  'filterByTk',
  'associatedName',
  'associatedIndex',
  'page',
  'pageSize',
  'sort',
  'accountId',
  'folderId',
  'folderRole',
  'mode',
  'kind',
  'scope',
  'inline',
  'allowRemoteImages',
] as const;

interface LoggableAction {
  resourceName?: string;
  actionName?: string;
  sourceId?: unknown;
  params?: Record<string, unknown>;
  toJSON?: () => unknown;
}

/** What the request log may show of one of the plugin's actions. */
export function loggableAction(action: LoggableAction): Record<string, unknown> {
  const params = action.params ?? {};
  const kept: Record<string, unknown> = {};
  for (const name of LOGGED_PARAMS) {
    const value = params[name];
    if (value === undefined) continue;
    // Ids and short words only: anything else is summarised by its type.
    kept[name] = typeof value === 'number' || (typeof value === 'string' && /^[\w.:-]{0,40}$/.test(value)) ? value : `[${Array.isArray(value) ? 'list' : typeof value}]`;
  }
  const values = params.values;
  if (values && typeof values === 'object' && !Array.isArray(values)) kept.valueFields = Object.keys(values).slice(0, 50);
  return { actionName: action.actionName, resourceName: action.resourceName, sourceId: action.sourceId, params: kept };
}

/** Resource middleware: the plugin's actions (plain and association routes) log their summary instead of their parameters. */
export function redactActionLog(resources: ReadonlySet<string>): Middleware {
  return async function mailLogPrivacy(ctx, next) {
    const action = ctx.action as LoggableAction | undefined;
    const [owner] = String(action?.resourceName ?? '').split('.');
    const associated = String(action?.params?.associatedName ?? '');
    if (action && (resources.has(owner) || resources.has(associated))) {
      action.toJSON = () => loggableAction(action);
    }
    return next();
  };
}

/** App middleware, before the request logger: a Referer pointing at the OAuth callback page keeps its path only. */
export function scrubOAuthReferer(): (ctx: { request: { headers: IncomingHttpHeaders } }, next: Next) => Promise<void> {
  return async function mailOAuthReferer(ctx, next) {
    const headers = ctx.request.headers;
    const referer = headers.referer;
    if (typeof referer === 'string' && referer.includes('?') && referer.includes(OAUTH_CALLBACK_PATH)) {
      try {
        const url = new URL(referer);
        if (url.pathname.endsWith(OAUTH_CALLBACK_PATH)) headers.referer = `${url.origin}${url.pathname}`;
      } catch {
        // Not a URL: nothing the logger could show of a code.
      }
    }
    return next();
  };
}
