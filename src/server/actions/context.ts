/** Reading who is calling and what they sent, the same way in every action. */
import type { Context } from '@nocobase/actions';
import type { Viewer } from '../accounts/access';
import { UserFacingError } from '../http/errors';
import { paramsOf, rowId } from './params';

export function viewerOf(ctx: Context): Viewer {
  const user = (ctx.auth as { user?: { id?: number | string } } | undefined)?.user;
  if (!user?.id) throw new UserFacingError(401, 'SIGN_IN_REQUIRED', 'Sign in to use Email manager.');
  const state = ctx.state as { currentRoles?: string[]; currentRole?: string };
  const roleNames = state.currentRoles?.length ? state.currentRoles : state.currentRole ? [state.currentRole] : [];
  return { userId: user.id, roleNames };
}

/** The JSON body; a 400 when it is not an object (see params.ts). */
export function valuesOf(ctx: Context): Record<string, unknown> {
  return paramsOf(ctx).values;
}

/** A parameter from the query, else the body, unchecked: read it through a rule of params.ts. */
export function paramOf(ctx: Context, name: string): unknown {
  return paramsOf(ctx).get(name);
}

/** The mail account an action is about (`filterByTk`), checked to be a record id. */
export function requiredTk(ctx: Context): string {
  const params = paramsOf(ctx);
  return rowId(params.get('filterByTk') ?? params.values.id, 'filterByTk', { required: true, label: 'mail account' });
}
