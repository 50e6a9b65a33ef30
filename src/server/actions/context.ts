/** Reading who is calling and what they sent, the same way in every action. */
import type { Context } from '@nocobase/actions';
import type { Viewer } from '../accounts/access';
import { UserFacingError } from '../http/errors';

export function viewerOf(ctx: Context): Viewer {
  const user = (ctx.auth as { user?: { id?: number | string } } | undefined)?.user;
  if (!user?.id) throw new UserFacingError(401, 'SIGN_IN_REQUIRED', 'Sign in to use Email manager.');
  const state = ctx.state as { currentRoles?: string[]; currentRole?: string };
  const roleNames = state.currentRoles?.length ? state.currentRoles : state.currentRole ? [state.currentRole] : [];
  return { userId: user.id, roleNames };
}

export function valuesOf(ctx: Context): Record<string, unknown> {
  const params = ctx.action.params as { values?: Record<string, unknown> };
  return params.values && typeof params.values === 'object' ? params.values : {};
}

export function paramOf(ctx: Context, name: string): unknown {
  const params = ctx.action.params as Record<string, unknown>;
  return params[name] ?? valuesOf(ctx)[name];
}

export function requiredTk(ctx: Context): string {
  const tk = paramOf(ctx, 'filterByTk') ?? valuesOf(ctx).id;
  if (tk === undefined || tk === null || tk === '') throw new UserFacingError(400, 'ACCOUNT_REQUIRED', 'Say which mail account (filterByTk).');
  return String(tk);
}
