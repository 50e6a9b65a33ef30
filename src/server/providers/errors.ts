/**
 * Typed provider errors. Adapters translate wire errors into these so the sync
 * engine, the OAuth flow and the UI can react without knowing the provider.
 */

export type ProviderErrorCode =
  /** Refresh token rejected (invalid_grant, consent revoked, unauthorized_client): user must reconnect. */
  | 'REAUTH_REQUIRED'
  /** Wrong client id / secret. */
  | 'INVALID_CLIENT'
  | 'REDIRECT_URI_MISMATCH'
  | 'CONSENT_DENIED'
  /** Gmail API disabled in the Google Cloud project (403 accessNotConfigured). */
  | 'API_NOT_ENABLED'
  /** Mailbox has no Exchange Online / REST access (MailboxNotEnabledForRESTAPI). */
  | 'MAILBOX_NOT_ENABLED'
  /** Gmail history id too old (404) or Graph delta token expired (410). */
  | 'CURSOR_EXPIRED'
  /** 429 / quota exceeded; `retryAfterMs` tells how long to wait. */
  | 'RATE_LIMITED'
  /** 5xx, socket hang-up, timeout: retry with backoff. The provider may have acted on the request. */
  | 'TRANSIENT'
  | 'NOT_FOUND'
  /** No connection was made (refused, DNS, unroutable, TLS rejected): the request never reached the provider. */
  | 'UNREACHABLE'
  | 'PROVIDER_ERROR';

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(code: ProviderErrorCode, message: string, opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message);
    this.name = 'ProviderError';
    this.code = code;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    if (opts.cause !== undefined) {
      (this as { cause?: unknown }).cause = opts.cause;
    }
  }

  get retryable(): boolean {
    return this.code === 'RATE_LIMITED' || this.code === 'TRANSIENT' || this.code === 'UNREACHABLE';
  }
}

/** A provider error re-labelled so the limiter gives up at once, whatever its code would say. */
export class FinalProviderError extends ProviderError {
  constructor(code: ProviderErrorCode, cause: ProviderError, name: string) {
    super(code, cause.message, { status: cause.status, retryAfterMs: cause.retryAfterMs, cause });
    this.name = name;
  }

  override get retryable(): boolean {
    return false;
  }
}

/**
 * A send whose outcome is unknown: the request was written and then the answer
 * was lost (timeout, reset, 5xx). The provider may have accepted the message,
 * so it must not be sent again before Sent has been searched for it.
 */
export class SendOutcomeUnknown extends FinalProviderError {
  constructor(cause: ProviderError) {
    super('TRANSIENT', cause, 'SendOutcomeUnknown');
  }
}

export function isSendOutcomeUnknown(e: unknown): e is SendOutcomeUnknown {
  return e instanceof SendOutcomeUnknown;
}

/**
 * The one retry-safety rule. An idempotent call is repeated after any
 * retryable failure. One that is not (a send, a POST that creates) is repeated
 * only where the provider certainly did nothing with it: it refused for quota
 * (429 / rate limit, answered before acting) or no connection was made.
 * A timeout, a reset or a 5xx after the request was written may have acted.
 */
export function mayRepeat(error: unknown, call: { idempotent?: boolean } = {}): boolean {
  if (!isProviderError(error) || !error.retryable) return false;
  if (call.idempotent !== false) return true;
  return error.code === 'RATE_LIMITED' || error.code === 'UNREACHABLE';
}

export class CursorExpired extends ProviderError {
  constructor(message = 'The sync cursor expired at the provider; the sync window will be re-read.') {
    super('CURSOR_EXPIRED', message);
    this.name = 'CursorExpired';
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}
