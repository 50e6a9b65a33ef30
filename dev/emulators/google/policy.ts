import type { ActiveFault, EmulatorRequest, EmulatorResponse, QuotaPolicy } from '../core';
import { parseBatch, BATCH_PATHS } from './batch';
import {
  accessNotConfigured,
  backendError,
  mailServiceNotEnabled,
  notFound,
  oauthError,
  rateLimitExceeded,
  serviceUnavailable,
  userRateLimitExceeded,
} from './errors';
import { isRefreshGrant } from './oauth';
import type { GmailRoutes } from './routes';
import { USER_PATH } from './routes';

const isGmailPath = (path: string): boolean =>
  path.startsWith('/gmail/') || path.startsWith('/upload/gmail/') || BATCH_PATHS.some((p) => path === p);

/** Google-shaped answers for injected faults; null where a fault kind does not apply to the request. */
export function renderGoogleFault(fault: ActiveFault, req: EmulatorRequest): EmulatorResponse | null {
  switch (fault.kind) {
    case 'rate_limit':
      return rateLimitExceeded(fault.retryAfterSeconds ?? 1);
    case 'server_error':
      return backendError();
    case 'unavailable':
      return serviceUnavailable();
    case 'invalid_grant':
      return isRefreshGrant(req) ? oauthError(400, 'invalid_grant', 'Token has been expired or revoked.') : null;
    case 'expire_cursor':
      return req.route === `GET ${USER_PATH}/history` ? notFound() : null;
    case 'api_not_enabled':
      return isGmailPath(req.path) ? accessNotConfigured() : null;
    case 'mailbox_not_enabled':
      return isGmailPath(req.path) ? mailServiceNotEnabled() : null;
    default:
      return null;
  }
}

/** Gmail: 250 quota units per user per second (moving window). */
export const GMAIL_QUOTA_WINDOW = { name: 'perUserPerSecond', units: 250, windowMs: 1000 };

export function gmailQuotaPolicy(): QuotaPolicy {
  return {
    windows: [GMAIL_QUOTA_WINDOW],
    enabled: false,
    reject: (_req, rejection) => userRateLimitExceeded(rejection.retryAfterSeconds),
  };
}

/** Quota units of a request: the method's cost, or for a batch the sum of its parts. */
export function gmailCost(routes: GmailRoutes, router: { match(method: string, path: string): { route: string } | null }) {
  return (req: EmulatorRequest): number => {
    if (!BATCH_PATHS.some((p) => req.path === p)) return routes.costOf(req.route);
    const parts = parseBatch(req) ?? [];
    return parts.reduce((sum, part) => {
      const path = part.url.split('?')[0];
      return sum + routes.costOf(router.match(part.method, path)?.route ?? null);
    }, 0);
  };
}
