/**
 * Error bodies in the two shapes Microsoft uses: Graph's `{ error: { code, message, innerError } }`
 * and the identity platform's `{ error, error_description: "AADSTS…", error_codes, … }`,
 * plus the renderer that turns injected faults into one or the other.
 */
import type { ActiveFault, EmulatorRequest, EmulatorResponse } from '../core';
import { newGuid } from './ids';

function clientRequestId(req: EmulatorRequest | undefined): string {
  const header = req?.headers['client-request-id'];
  return typeof header === 'string' && header ? header : newGuid();
}

export function graphError(
  status: number,
  code: string,
  message: string,
  req?: EmulatorRequest,
  headers: Record<string, string> = {},
): EmulatorResponse {
  const requestId = newGuid();
  const clientId = clientRequestId(req);
  return {
    status,
    headers: { 'request-id': requestId, 'client-request-id': clientId, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': clientId },
      },
    },
  };
}

/** Thrown by Graph handlers to answer with a Graph error from deep inside. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function aadError(
  status: number,
  error: string,
  code: number,
  description: string,
  req?: EmulatorRequest,
  extra: Record<string, unknown> = {},
): EmulatorResponse {
  const traceId = newGuid();
  const correlationId = clientRequestId(req);
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': traceId, 'client-request-id': correlationId, 'Cache-Control': 'no-store, no-cache' },
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      ...extra,
    },
  };
}

/** Identity platform paths (`/{tenant}/oauth2/…`, `/{tenant}/v2.0/…`, `/{tenant}/discovery/…`) vs Graph (`/v1.0/…`). */
export function isIdentityPath(path: string): boolean {
  return /^\/[^/]+\/(oauth2|v2\.0|discovery)(\/|$)/i.test(path) && !/^\/(v1\.0|beta)\//i.test(path);
}

function isTokenRequest(req: EmulatorRequest): boolean {
  return req.method === 'POST' && /\/oauth2\/v2\.0\/token$/i.test(req.path);
}

function isDeltaContinuation(req: EmulatorRequest): boolean {
  return /\/delta$/i.test(req.path) && (req.query.has('$deltatoken') || req.query.has('$skiptoken'));
}

function withHeaders(response: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

/** Provider-shaped answer for an injected fault, or null when the fault does not concern this request. */
export function renderFault(fault: ActiveFault, req: EmulatorRequest): EmulatorResponse | null {
  const identity = isIdentityPath(req.path);
  const retryAfter = String(fault.retryAfterSeconds ?? 1);
  switch (fault.kind) {
    case 'rate_limit':
      return identity
        ? withHeaders(aadError(429, 'temporarily_unavailable', 50196, 'The server terminated an operation because it encountered a client request loop.', req), { 'Retry-After': retryAfter })
        : graphError(429, 'TooManyRequests', 'Too many requests. Please retry after the time given in the Retry-After header.', req, { 'Retry-After': retryAfter });
    case 'server_error':
      return identity
        ? aadError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.', req)
        : graphError(500, 'InternalServerError', 'An internal server error occurred. The operation failed.', req);
    case 'unavailable': {
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': retryAfter } : {};
      return identity
        ? withHeaders(aadError(503, 'temporarily_unavailable', 90033, 'The service is temporarily unavailable.', req), headers)
        : graphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.', req, headers);
    }
    case 'invalid_grant': {
      if (!isTokenRequest(req) || req.form().get('grant_type') !== 'refresh_token') return null;
      return aadError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
        req,
      );
    }
    case 'expire_cursor':
      return isDeltaContinuation(req) ? syncStateNotFound(req) : null;
    case 'mailbox_not_enabled':
      return identity
        ? null
        : graphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.', req);
    default:
      // `api_not_enabled` is a Google concept; hangup and slow are handled by the core.
      return null;
  }
}

export function syncStateNotFound(req: EmulatorRequest, code: 'syncStateNotFound' | 'resyncRequired' = 'syncStateNotFound'): EmulatorResponse {
  return graphError(
    410,
    code,
    code === 'resyncRequired'
      ? 'The delta token is no longer valid; a full resynchronization is required.'
      : 'The sync state generation is expired or no longer exists. Restart the synchronization from the beginning.',
    req,
  );
}
