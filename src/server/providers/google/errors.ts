/**
 * Gmail / Google OAuth wire errors → ProviderError. The libraries throw GaxiosError
 * (possibly from more than one copy of gaxios), so everything here is duck-typed.
 * Messages are written by us from status, reason and Google's own description;
 * request URLs and library messages are never copied (the revoke URL carries the
 * token in its query string).
 */
import { ProviderError, type ProviderErrorCode } from '../errors';

/** Where the error happened: the same OAuth error means different things per step. */
export type GoogleErrorStage = 'api' | 'exchange' | 'refresh' | 'revoke';

interface WireError {
  status?: number;
  /** Network error code from the error or its causes (ECONNRESET, ...). */
  networkCode?: string;
  /** Google API error reasons (legacy `errors[].reason` and AIP-193 ErrorInfo reasons). */
  reasons: string[];
  /** OAuth token endpoint `error` field. */
  oauthError?: string;
  description?: string;
  retryAfterMs?: number;
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
  'AbortError',
]);
/** errno-style codes of socket failures (ECONNRESET, EPIPE, ...), as opposed to Node's ERR_* programming errors. */
const SYSTEM_ERRNO = /^E[A-Z]+$/;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED/;

const REAUTH_OAUTH_ERRORS = new Set(['invalid_grant', 'unauthorized_client', 'invalid_token', 'access_denied']);
const RATE_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'dailyLimitExceeded',
  'RATE_LIMIT_EXCEEDED',
  'RESOURCE_EXHAUSTED',
]);
const API_DISABLED_REASONS = new Set(['accessNotConfigured', 'SERVICE_DISABLED']);
const SCOPE_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT']);

export const API_NOT_ENABLED_MESSAGE =
  'The Gmail API is not enabled for this OAuth client. An administrator must enable the Gmail API in the Google Cloud project ' +
  'that owns the client id (APIs & Services → Library → Gmail API → Enable), wait a few minutes, then sync again.';

export function toProviderError(err: unknown, stage: GoogleErrorStage): ProviderError {
  if (err instanceof ProviderError) return err;
  const wire = readWireError(err);
  const make = (code: ProviderErrorCode, message: string): ProviderError =>
    new ProviderError(code, message, { status: wire.status, retryAfterMs: wire.retryAfterMs, cause: causeSummary(wire) });

  if (wire.status === undefined) {
    const code = wire.networkCode;
    if (code && UNREACHABLE_CODES.has(code)) return make('UNREACHABLE', `Google could not be reached (${code}).`);
    if (code && TLS_CODE.test(code)) return make('UNREACHABLE', `The TLS certificate of the Google endpoint was rejected (${code}).`);
    if (code && (TRANSIENT_CODES.has(code) || SYSTEM_ERRNO.test(code))) {
      return make('TRANSIENT', `The connection to Google failed (${code}); it will be retried.`);
    }
    // No HTTP answer and no network failure (e.g. ERR_INVALID_URL): a fault retrying cannot fix.
    return make('PROVIDER_ERROR', 'The request to Google could not be made.');
  }

  const oauth = wire.oauthError;
  if (oauth === 'invalid_client') {
    return make('INVALID_CLIENT', 'Google rejected the OAuth client id or secret; check the Google settings of the email manager.');
  }
  if (oauth === 'redirect_uri_mismatch') {
    return make(
      'REDIRECT_URI_MISMATCH',
      'The redirect URI is not registered for this OAuth client; add it to the client in the Google Cloud console.',
    );
  }
  if (oauth && stage === 'exchange') {
    if (oauth === 'access_denied') return make('CONSENT_DENIED', 'Access to the mailbox was not granted.');
    if (oauth === 'invalid_grant') {
      return make('PROVIDER_ERROR', 'The authorization code was rejected (expired or already used); connect the account again.');
    }
  }
  if (oauth && REAUTH_OAUTH_ERRORS.has(oauth) && (stage === 'refresh' || stage === 'revoke')) {
    return make('REAUTH_REQUIRED', `Google no longer accepts this account's authorization (${oauth}); reconnect the account.`);
  }

  const reasons = new Set(wire.reasons);
  const has = (set: Set<string>): boolean => [...reasons].some((r) => set.has(r));
  if (wire.status === 403 && has(API_DISABLED_REASONS)) return make('API_NOT_ENABLED', API_NOT_ENABLED_MESSAGE);
  if (wire.status === 429 || (wire.status === 403 && has(RATE_REASONS))) {
    return make('RATE_LIMITED', `Google's rate limit was reached${reasonText(wire)}; waiting before the next request.`);
  }
  if (wire.status === 403 && has(SCOPE_REASONS)) {
    return make('REAUTH_REQUIRED', 'The account was connected without access to mail; reconnect it and grant all requested permissions.');
  }
  if (wire.status === 400 && reasons.has('failedPrecondition') && /mail service not enabled/i.test(wire.description ?? '')) {
    return make('MAILBOX_NOT_ENABLED', 'This Google account has no Gmail mailbox (Gmail is not enabled for it in Google Workspace).');
  }
  if (wire.status >= 500 || wire.status === 408) {
    return make('TRANSIENT', `Google answered HTTP ${wire.status}${reasonText(wire)}; it will be retried.`);
  }
  if (wire.status === 404) return make('NOT_FOUND', `Google answered 404 Not Found${describe(wire)}.`);
  if (wire.status === 401) {
    return make('PROVIDER_ERROR', `Google rejected the access token (HTTP 401)${describe(wire)}.`);
  }
  return make('PROVIDER_ERROR', `Google answered HTTP ${wire.status}${reasonText(wire)}${describe(wire)}.`);
}

/** True for errors that came off the wire (an HTTP answer or a network failure), as opposed to local bugs. */
export function isWireError(err: unknown): boolean {
  const wire = readWireError(err);
  return wire.status !== undefined || wire.networkCode !== undefined;
}

function readWireError(err: unknown): WireError {
  const wire: WireError = { reasons: [] };
  if (!isObject(err)) return wire;
  const response = isObject(err.response) ? err.response : undefined;
  if (response && typeof response.status === 'number') wire.status = response.status;
  else if (typeof err.status === 'number') wire.status = err.status;
  wire.networkCode = findNetworkCode(err);
  if (response) {
    const data = parseBody(response.data);
    readBody(data, wire);
    wire.retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'));
  }
  return wire;
}

function readBody(data: unknown, wire: WireError): void {
  if (!isObject(data)) return;
  if (typeof data.error === 'string') {
    // OAuth token endpoint: { error, error_description }
    wire.oauthError = data.error;
    if (typeof data.error_description === 'string') wire.description = data.error_description;
    return;
  }
  const error = isObject(data.error) ? data.error : undefined;
  if (!error) return;
  if (typeof error.message === 'string') wire.description = error.message;
  if (Array.isArray(error.errors)) {
    for (const e of error.errors) if (isObject(e) && typeof e.reason === 'string') wire.reasons.push(e.reason);
  }
  if (Array.isArray(error.details)) {
    for (const d of error.details) if (isObject(d) && typeof d.reason === 'string') wire.reasons.push(d.reason);
  }
  if (typeof error.status === 'string') wire.reasons.push(error.status);
}

function findNetworkCode(err: Record<string, unknown>): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && isObject(current); depth++) {
    const code = current.code;
    if (typeof code === 'string' && code) return code;
    if (current.name === 'AbortError' || current.name === 'TimeoutError') return current.name;
    if (typeof current.message === 'string' && /socket hang up/i.test(current.message)) return 'ECONNRESET';
    current = current.cause ?? current.error;
  }
  return undefined;
}

function parseBody(data: unknown): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  return data;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  if (isObject(headers)) {
    const v = headers[name] ?? headers[name.toLowerCase()];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  }
  return undefined;
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function reasonText(wire: WireError): string {
  const reason = wire.reasons.find((r) => /^[a-z]/.test(r)) ?? wire.reasons[0];
  return reason ? ` (${reason})` : '';
}

function describe(wire: WireError): string {
  const text = wire.description ? redact(wire.description).slice(0, 300) : '';
  return text ? `: ${text}` : '';
}

/** Google's descriptions do not carry credentials, but never trust that blindly. */
function redact(text: string): string {
  return text
    .replace(/Bearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\bya29\.[\w.~+/=-]+/g, '[redacted]')
    .replace(/\b1\/\/[\w.~+/=-]+/g, '[redacted]')
    .replace(/(token|code|secret)=([^&\s]+)/gi, '$1=[redacted]');
}

/** A small, secret-free cause for logs (never the library error with its request config). */
function causeSummary(wire: WireError): Record<string, unknown> {
  return {
    status: wire.status,
    networkCode: wire.networkCode,
    reasons: wire.reasons,
    oauthError: wire.oauthError,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
