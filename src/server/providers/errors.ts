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
  /** 5xx, socket hang-up, timeout: retry with backoff. */
  | 'TRANSIENT'
  | 'NOT_FOUND'
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

export class CursorExpired extends ProviderError {
  constructor(message = 'The sync cursor expired at the provider; the sync window will be re-read.') {
    super('CURSOR_EXPIRED', message);
    this.name = 'CursorExpired';
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError;
}
