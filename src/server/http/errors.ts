/**
 * One way to answer an action with an error people can act on: the client shows
 * `message`; `code` lets the UI pick a fix-it hint. Never put secrets in either.
 */
import type { Context } from '@nocobase/actions';

export class UserFacingError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UserFacingError';
    // Read by the host's default error renderer when ours is not registered.
    (this as { statusCode?: number }).statusCode = status;
    // A user's mistake or a provider's refusal is not a server fault: the host logs it as a warning.
    (this as { logLevel?: string }).logLevel = status >= 500 ? 'error' : 'warn';
  }
}

/** Renders a UserFacingError as NocoBase's `{ errors: [...] }`, keeping `code` and `field` for the UI. */
export function renderUserFacingError(err: UserFacingError, ctx: Context): void {
  ctx.status = err.status;
  ctx.body = { errors: [{ code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }] };
}

export function isUserFacingError(err: unknown): err is UserFacingError {
  return err instanceof UserFacingError;
}

/** The base URL users reach the app at, for redirect URIs: MAIL_APP_URL wins, else the request's own origin. */
export function appUrlOf(ctx: Context): string {
  const configured = process.env.MAIL_APP_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const proto = String(ctx.get('x-forwarded-proto') || ctx.protocol || 'http').split(',')[0].trim();
  const host = String(ctx.get('x-forwarded-host') || ctx.get('host')).split(',')[0].trim();
  const publicPath = (process.env.APP_PUBLIC_PATH || '/').replace(/\/+$/, '');
  return `${proto}://${host}${publicPath}`;
}
