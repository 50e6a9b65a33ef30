import type { EmulatorResponse } from '../core';

/** Google API error bodies, in the shape googleapis/gaxios parse (`error.code/message/errors/status`). */

export interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
  extendedHelp?: string;
}

export function googleError(
  code: number,
  status: string,
  message: string,
  reason: string,
  options: { domain?: string; headers?: Record<string, string>; item?: Partial<GoogleErrorItem> } = {},
): EmulatorResponse {
  return {
    status: code,
    headers: { Vary: 'Origin, X-Origin, Referer', ...(options.headers ?? {}) },
    body: {
      error: {
        code,
        message,
        errors: [{ message, domain: options.domain ?? 'global', reason, ...(options.item ?? {}) }],
        status,
      },
    },
  };
}

export const notFound = (): EmulatorResponse =>
  googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound');

export const invalidArgument = (message: string): EmulatorResponse =>
  googleError(400, 'INVALID_ARGUMENT', message, 'invalidArgument');

export const failedPrecondition = (message: string): EmulatorResponse =>
  googleError(400, 'FAILED_PRECONDITION', message, 'failedPrecondition');

export const missingCredentials = (): EmulatorResponse =>
  googleError(
    401,
    'UNAUTHENTICATED',
    'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'required',
    { headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' }, item: { location: 'Authorization', locationType: 'header' } },
  );

export const invalidCredentials = (): EmulatorResponse =>
  googleError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    'authError',
    {
      headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      item: { location: 'Authorization', locationType: 'header' },
    },
  );

export const insufficientScopes = (): EmulatorResponse =>
  googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'insufficientPermissions', {
    headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"' },
  });

export const delegationDenied = (address: string): EmulatorResponse =>
  googleError(403, 'PERMISSION_DENIED', `Delegation denied for ${address}`, 'forbidden');

export const rateLimitExceeded = (retryAfterSeconds: number): EmulatorResponse =>
  googleError(429, 'RESOURCE_EXHAUSTED', 'Too many concurrent requests for user.', 'rateLimitExceeded', {
    domain: 'usageLimits',
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

export const userRateLimitExceeded = (retryAfterSeconds: number): EmulatorResponse => {
  const retryAt = new Date(Date.now() + retryAfterSeconds * 1000).toISOString();
  return googleError(429, 'RESOURCE_EXHAUSTED', `User-rate limit exceeded.  Retry after ${retryAt}`, 'userRateLimitExceeded', {
    domain: 'usageLimits',
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
};

export const backendError = (): EmulatorResponse => googleError(500, 'INTERNAL', 'Backend Error', 'backendError');

export const serviceUnavailable = (): EmulatorResponse =>
  googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'backendError');

export const PROJECT_NUMBER = '123456789012';

export const accessNotConfigured = (): EmulatorResponse =>
  googleError(
    403,
    'PERMISSION_DENIED',
    `Gmail API has not been used in project ${PROJECT_NUMBER} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/gmail.googleapis.com/overview?project=${PROJECT_NUMBER} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
    'accessNotConfigured',
    { domain: 'usageLimits', item: { extendedHelp: 'https://console.developers.google.com' } },
  );

export const mailServiceNotEnabled = (): EmulatorResponse => failedPrecondition('Mail service not enabled');

/** Errors of the OAuth endpoints use the flat RFC 6749 shape. */
export function oauthError(status: number, error: string, description: string): EmulatorResponse {
  return { status, body: { error, error_description: description } };
}
