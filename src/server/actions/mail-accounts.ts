/**
 * `mailAccounts:*` — what any signed-in user does with their own mailboxes:
 * link (authorize + callback), list with status, choose how far back to sync,
 * pause / resume, sync now / resync, delete. Supervisors may view all.
 */
import type { Context, Next } from '@nocobase/actions';
import type { MailAccess, Viewer } from '../accounts/access';
import type { AccountService } from '../accounts/account-service';
import { toAccountView } from '../accounts/account-view';
import { appUrlOf, UserFacingError } from '../http/errors';
import type { LinkFlow } from '../oauth/link-flow';
import { redirectUriFor } from '../settings/validate';
import { paramOf, requiredTk, valuesOf, viewerOf } from './context';
import { oneOf, rowId, text } from './params';

export interface SyncTrigger {
  /** Queue a run off the request path; never awaited by an action. */
  requestSync(accountId: string, kind: 'sync' | 'resync'): void;
}

export interface MailAccountsDeps {
  accounts: () => AccountService;
  access: () => MailAccess;
  linkFlow: () => LinkFlow;
  sync: () => SyncTrigger | null;
  /** Cleans up what lives outside the database (cached attachment files) once an account is deleted. */
  afterRemove?: (accountId: string) => Promise<void>;
}

type Row = { get(key: string): unknown };

export function mailAccountsActions(deps: MailAccountsDeps) {
  /** The account if the viewer may act on it; a 404 otherwise, so other users' ids reveal nothing. */
  async function accessible(viewer: Viewer, accountId: string, ownerOnly = false): Promise<Row> {
    const row = await deps.accounts().find(accountId);
    const allowed = row && (String(row.get('userId')) === String(viewer.userId) || (!ownerOnly && (await deps.access().isSupervisor(viewer))));
    if (!row || !allowed) throw new UserFacingError(404, 'ACCOUNT_NOT_FOUND', 'This mail account does not exist or was deleted.');
    return row;
  }

  return {
    async list(ctx: Context, next: Next) {
      const viewer = viewerOf(ctx);
      const everyone = oneOf(paramOf(ctx, 'scope'), 'scope', ['mine', 'all'], 'mine') === 'all' && (await deps.access().isSupervisor(viewer));
      const rows = await deps.accounts().listForUser(everyone ? null : viewer.userId);
      ctx.body = rows.map(toAccountView);
      await next();
    },

    async get(ctx: Context, next: Next) {
      ctx.body = toAccountView(await accessible(viewerOf(ctx), requiredTk(ctx)));
      await next();
    },

    async authorize(ctx: Context, next: Next) {
      const viewer = viewerOf(ctx);
      const v = valuesOf(ctx);
      const reconnect = rowId(v.accountId, 'accountId', { label: 'mail account' });
      const provider = text(v.provider, 'provider', { max: 40 }) ?? '';
      const returnTo = text(v.returnTo, 'returnTo', { max: 2000 });
      if (reconnect) await accessible(viewer, reconnect, true);
      ctx.body = await deps.linkFlow().start({
        userId: viewer.userId,
        provider,
        redirectUri: redirectUriFor(appUrlOf(ctx)),
        reconnectAccountId: reconnect,
        returnTo,
      });
      await next();
    },

    async callback(ctx: Context, next: Next) {
      const viewer = viewerOf(ctx);
      const v = valuesOf(ctx);
      const state = text(v.state, 'state', { max: 500 });
      if (!state) throw new UserFacingError(400, 'STATE_MISSING', 'The answer from the sign-in page is incomplete. Start linking the account again.', 'state');
      const result = await deps.linkFlow().complete({
        userId: viewer.userId,
        state,
        code: text(v.code, 'code', { max: 4000 }),
        error: text(v.error, 'error', { max: 200 }),
        // Microsoft's descriptions carry line breaks (a trace id on its own line).
        errorDescription: text(v.error_description, 'error_description', { max: 4000, multiline: true }),
      });
      const id = String(result.account.get('id'));
      deps.sync()?.requestSync(id, 'sync');
      ctx.body = { account: toAccountView(result.account), isNew: result.isNew, returnTo: result.returnTo };
      await next();
    },

    async setSyncFrom(ctx: Context, next: Next) {
      const viewer = viewerOf(ctx);
      const id = requiredTk(ctx);
      await accessible(viewer, id, true);
      const raw = text(valuesOf(ctx).syncFrom, 'syncFrom', { max: 64 });
      const date = new Date(raw ?? '');
      if (!raw || Number.isNaN(date.getTime())) throw new UserFacingError(400, 'INVALID_DATE', 'Choose the date to sync mail from.', 'syncFrom');
      if (date.getTime() > Date.now()) throw new UserFacingError(400, 'INVALID_DATE', 'The sync start date cannot be in the future.', 'syncFrom');
      const { widened } = await deps.accounts().setSyncFrom(id, date);
      // An earlier start date means older mail to fetch: re-read the window.
      if (widened) deps.sync()?.requestSync(id, 'resync');
      ctx.body = toAccountView(await deps.accounts().mustFind(id));
      await next();
    },

    async pause(ctx: Context, next: Next) {
      const id = requiredTk(ctx);
      await accessible(viewerOf(ctx), id, true);
      await deps.accounts().pause(id);
      ctx.body = toAccountView(await deps.accounts().mustFind(id));
      await next();
    },

    async resume(ctx: Context, next: Next) {
      const id = requiredTk(ctx);
      await accessible(viewerOf(ctx), id, true);
      await deps.accounts().resume(id);
      deps.sync()?.requestSync(id, 'sync');
      ctx.body = toAccountView(await deps.accounts().mustFind(id));
      await next();
    },

    async syncNow(ctx: Context, next: Next) {
      const id = requiredTk(ctx);
      const kind = oneOf(paramOf(ctx, 'kind'), 'kind', ['sync', 'resync'], 'sync');
      const row = await accessible(viewerOf(ctx), id);
      if (row.get('status') === 'paused') throw new UserFacingError(409, 'ACCOUNT_PAUSED', 'This account is paused. Resume it to sync.');
      if (row.get('status') === 'reauth_required') {
        throw new UserFacingError(409, 'REAUTH_REQUIRED', 'Access to this mailbox has to be renewed. Reconnect the account first.');
      }
      deps.sync()?.requestSync(id, kind);
      ctx.body = { queued: true, kind };
      await next();
    },

    async destroy(ctx: Context, next: Next) {
      const id = requiredTk(ctx);
      await accessible(viewerOf(ctx), id, true);
      ctx.body = await deps.accounts().remove(id);
      await deps.afterRemove?.(id);
      await next();
    },

    /** Generic writes would bypass token sealing and validation. */
    async closed() {
      throw new UserFacingError(405, 'NOT_ALLOWED', 'Link accounts with mailAccounts:authorize and mailAccounts:callback.');
    },
  };
}
