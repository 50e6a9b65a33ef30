/**
 * Microsoft wire errors → ProviderError. Three sources, all duck-typed so a second
 * copy of a library cannot break `instanceof`:
 * - msal-node (AuthError / ServerError / InteractionRequiredAuthError: errorCode, errorMessage with AADSTS codes),
 * - our own transport (TransportError: HTTP status, Retry-After, network error code),
 * - the Graph client (GraphError: statusCode, Graph error code, response headers).
 * Messages are written here from codes; provider texts are never copied wholesale,
 * so tokens, secrets and codes in URLs cannot leak into logs or the UI.
 */
import { CursorExpired, ProviderError, type ProviderErrorCode } from '../errors';

export const MAILBOX_NOT_ENABLED_MESSAGE =
  'This Microsoft account has no Exchange Online mailbox reachable through Microsoft Graph (MailboxNotEnabledForRESTAPI): ' +
  'the mailbox is unlicensed, inactive, soft-deleted or hosted on-premises. Ask your Microsoft 365 administrator to assign an ' +
  'Exchange Online licence (or migrate the mailbox), then connect again.';

/** Where the error happened: the identity platform (code exchange, refresh) or Graph. */
export type MicrosoftErrorStage = 'exchange' | 'refresh' | 'api';

/** Network error codes that mean "nobody answered there". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAI_FAIL']);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED/;

const REAUTH_AADSTS = new Set([
  50173, // grant revoked (password change, admin action)
  70008, // refresh token / code expired due to inactivity
  700082, // refresh token expired
  700084, // SPA refresh token expired
  50076, // MFA required
  50079, // MFA registration required
  50078, // presented MFA expired
  50058, // session not found
  50133, // session invalid after password change
  65001, // consent missing (admin removed it)
  135011, // device disabled
]);
const REAUTH_ERROR_CODES = new Set([
  'invalid_grant',
  'interaction_required',
  'consent_required',
  'login_required',
  'no_tokens_found',
  'native_account_unavailable',
  'refresh_token_expired',
  'bad_token',
  'no_account_in_silent_request',
]);
const INVALID_CLIENT_AADSTS = new Set([7000215, 7000222, 700016, 700027, 7000218, 90002, 900971]);
const REDIRECT_AADSTS = new Set([50011, 500113, 90023]);
const CONSENT_AADSTS = new Set([65004, 90094, 65005]);

/**
 * Thrown by our own HTTP layers (msal network module, Graph transport middleware)
 * to carry what the libraries would otherwise drop: status, Retry-After, socket error code.
 */
export interface TransportFailure {
  status?: number;
  retryAfterMs?: number;
  networkCode?: string;
  /** Graph `error.code` when the body was read. */
  graphCode?: string;
}

export function toProviderError(err: unknown, stage: MicrosoftErrorStage): ProviderError {
  if (err instanceof ProviderError) return err;
  const msal = readMsalError(err);
  if (msal) return fromMsal(msal, stage);
  const graph = readGraphError(err);
  if (graph) return fromHttp(graph, stage);
  const networkCode = readNetworkCode(err);
  return fromHttp({ networkCode }, stage);
}

/** HTTP-level failure (status and/or socket code) → ProviderError. */
export function fromHttp(wire: TransportFailure, stage: MicrosoftErrorStage): ProviderError {
  const who = stage === 'api' ? 'Microsoft Graph' : 'Microsoft sign-in';
  const make = (code: ProviderErrorCode, message: string): ProviderError =>
    new ProviderError(code, message, { status: wire.status, retryAfterMs: wire.retryAfterMs });
  const { status, networkCode, graphCode } = wire;

  if (status === undefined || status <= 0) {
    if (networkCode && UNREACHABLE_CODES.has(networkCode)) return make('UNREACHABLE', `${who} could not be reached (${networkCode}).`);
    if (networkCode && TLS_CODE.test(networkCode)) {
      return make('UNREACHABLE', `The TLS certificate of the ${who} endpoint was rejected (${networkCode}).`);
    }
    return make('TRANSIENT', `The connection to ${who} failed before an answer arrived${networkCode ? ` (${networkCode})` : ''}; it will be retried.`);
  }
  if (graphCode === 'MailboxNotEnabledForRESTAPI' || graphCode === 'MailboxNotSupportedForRESTAPI') {
    return make('MAILBOX_NOT_ENABLED', MAILBOX_NOT_ENABLED_MESSAGE);
  }
  if (status === 410) return new CursorExpired('The Outlook delta token expired; the sync window will be read again.');
  if (status === 429) return make('RATE_LIMITED', `${who} is throttling this mailbox; waiting before the next request.`);
  if (status === 503 || status === 502 || status === 504) {
    return make('TRANSIENT', `${who} is temporarily unavailable (HTTP ${status}); it will be retried.`);
  }
  if (status >= 500) return make('TRANSIENT', `${who} failed with HTTP ${status}${graphCode ? ` (${graphCode})` : ''}; it will be retried.`);
  if (status === 401) {
    return make('REAUTH_REQUIRED', 'Microsoft Graph rejected the access token even after a refresh; reconnect the mailbox.');
  }
  if (status === 404 || graphCode === 'ErrorItemNotFound') {
    return make('NOT_FOUND', `The item was not found in the mailbox${graphCode ? ` (${graphCode})` : ''}.`);
  }
  if (status === 403) {
    if (graphCode === 'ErrorAccessDenied' || graphCode === 'Authorization_RequestDenied') {
      return make('CONSENT_DENIED', 'Microsoft Graph denied access to the mailbox; connect again and grant the requested mail permissions.');
    }
  }
  return make('PROVIDER_ERROR', `${who} answered HTTP ${status}${graphCode ? ` (${graphCode})` : ''}.`);
}

// ── msal-node ────────────────────────────────────────────────────────────────

interface MsalErrorShape {
  errorCode: string;
  errorMessage: string;
  subError: string;
  errorNo?: string | number;
  transport?: TransportFailure;
}

function readMsalError(err: unknown): MsalErrorShape | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as Record<string, unknown>;
  if (typeof e.errorCode !== 'string') return null;
  return {
    errorCode: e.errorCode,
    errorMessage: typeof e.errorMessage === 'string' ? e.errorMessage : '',
    subError: typeof e.subError === 'string' ? e.subError : '',
    errorNo: typeof e.errorNo === 'string' || typeof e.errorNo === 'number' ? e.errorNo : undefined,
    transport: (e.transport as TransportFailure | undefined) ?? undefined,
  };
}

function aadstsCode(e: MsalErrorShape): number | null {
  if (e.errorNo !== undefined && Number.isFinite(Number(e.errorNo))) return Number(e.errorNo);
  const match = /AADSTS(\d+)/.exec(e.errorMessage);
  return match ? Number(match[1]) : null;
}

function fromMsal(e: MsalErrorShape, stage: MicrosoftErrorStage): ProviderError {
  if (e.transport) return fromHttp(e.transport, stage);
  const aad = aadstsCode(e);
  const tag = aad !== null ? ` (AADSTS${aad})` : ` (${e.errorCode})`;
  const make = (code: ProviderErrorCode, message: string) => new ProviderError(code, message + tag);

  if (aad !== null && INVALID_CLIENT_AADSTS.has(aad)) {
    return make('INVALID_CLIENT', 'Microsoft rejected the application (client) id or secret; check the Microsoft settings of the email manager');
  }
  if (e.errorCode === 'invalid_client' || e.errorCode === 'unauthorized_client') {
    return make('INVALID_CLIENT', 'Microsoft rejected the application (client) id or secret; check the Microsoft settings of the email manager');
  }
  if (aad !== null && REDIRECT_AADSTS.has(aad)) {
    return make('REDIRECT_URI_MISMATCH', 'The redirect URI is not registered for this app; add it under Authentication in the Azure app registration');
  }
  if (e.errorCode === 'access_denied' || (aad !== null && CONSENT_AADSTS.has(aad))) {
    return make('CONSENT_DENIED', 'Access to the mailbox was not granted; connect again and accept the requested permissions');
  }
  if ((aad !== null && REAUTH_AADSTS.has(aad)) || REAUTH_ERROR_CODES.has(e.errorCode) || REAUTH_ERROR_CODES.has(e.subError)) {
    const what = stage === 'exchange' ? 'The sign-in code was rejected' : 'Microsoft no longer accepts the stored sign-in';
    return make('REAUTH_REQUIRED', `${what}; connect the mailbox again`);
  }
  if (e.errorCode === 'temporarily_unavailable' || e.errorCode === 'server_error') {
    return make('TRANSIENT', 'Microsoft sign-in is temporarily unavailable; it will be retried');
  }
  if (e.errorCode === 'network_error') return make('TRANSIENT', 'The connection to Microsoft sign-in failed; it will be retried');
  if (e.errorCode === 'endpoints_resolution_error' || e.errorCode === 'openid_config_error' || e.errorCode === 'untrusted_authority') {
    return make('UNREACHABLE', 'The Microsoft sign-in authority could not be resolved; check the authority URL and tenant');
  }
  return make('PROVIDER_ERROR', 'Microsoft sign-in failed');
}

// ── Graph client ─────────────────────────────────────────────────────────────

function readGraphError(err: unknown): TransportFailure | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as Record<string, unknown>;
  // GraphClientError from our middleware carries the real failure in customError.
  if (e.customError !== undefined && e.customError !== null) {
    const inner = e.customError;
    if (inner instanceof ProviderError) return null;
    return readGraphError(inner) ?? { networkCode: readNetworkCode(inner) };
  }
  if (typeof e.statusCode !== 'number') return null;
  const headers = e.headers as { get?: (name: string) => string | null } | undefined;
  const graphCode = typeof e.code === 'string' ? e.code : undefined;
  const status = e.statusCode > 0 ? e.statusCode : undefined;
  return {
    status,
    graphCode,
    retryAfterMs: parseRetryAfter(headers?.get?.('retry-after') ?? null),
    networkCode: status === undefined ? graphCode : undefined,
  };
}

/** Unwraps a ProviderError our middleware smuggled through the Graph client. */
export function carriedProviderError(err: unknown): ProviderError | null {
  if (err instanceof ProviderError) return err;
  if (err && typeof err === 'object' && (err as { customError?: unknown }).customError instanceof ProviderError) {
    return (err as { customError: ProviderError }).customError;
  }
  return null;
}

/** First `code` on the error or its causes (undici nests the socket error in `cause`). */
export function readNetworkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && e.code) return e.code;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return e.name;
    if (typeof e.message === 'string') {
      const match = /\b(E[A-Z]{3,}|socket hang up)\b/.exec(e.message);
      if (match) return match[1] === 'socket hang up' ? 'ECONNRESET' : match[1];
    }
    current = e.cause;
  }
  return undefined;
}

/** Retry-After in seconds or as an HTTP date → milliseconds. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}
