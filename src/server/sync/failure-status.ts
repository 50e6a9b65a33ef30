/**
 * What a failed run means for the account, in words the mailbox owner can act
 * on: reconnect, wait for the provider, ask an admin, or nothing (retried on
 * the next tick). Pure, so every branch is tested without a provider.
 */
import { isProviderError, ProviderError } from '../providers/errors';
import type { ProviderName } from '../providers/types';

export type AccountStatus = 'connecting' | 'syncing' | 'active' | 'error' | 'rate_limited' | 'reauth_required' | 'paused';

export interface FailureStatus {
  status: AccountStatus;
  statusCode: string;
  statusMessage: string;
  rateLimitedUntil: Date | null;
}

/** A rate limit without Retry-After still pauses the account this long. */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;

const PROVIDER_LABEL: Record<ProviderName, string> = { google: 'Gmail', microsoft: 'Outlook' };

export function providerLabel(provider: string | null | undefined): string {
  return PROVIDER_LABEL[provider as ProviderName] ?? 'The mail provider';
}

export function failureStatus(error: unknown, provider: string | null | undefined, now: Date, waitingUntil?: number): FailureStatus {
  const label = providerLabel(provider);
  if (!isProviderError(error) && (error as { code?: unknown } | null)?.code === 'REAUTH_REQUIRED') {
    // The token vault's own "reconnect" error is not a ProviderError but means the same.
    return failureStatus(new ProviderError('REAUTH_REQUIRED', String((error as Error).message)), provider, now, waitingUntil);
  }
  if (!isProviderError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 'error',
      statusCode: 'INTERNAL',
      statusMessage: `Syncing stopped on an unexpected error: ${message}. It is retried on the next sync.`,
      rateLimitedUntil: null,
    };
  }
  switch (error.code) {
    case 'REAUTH_REQUIRED':
      return {
        status: 'reauth_required',
        statusCode: error.code,
        statusMessage: `${label} no longer accepts this account's sign-in (access was revoked, the password changed or the grant expired). Reconnect the account to resume syncing.`,
        rateLimitedUntil: null,
      };
    case 'INVALID_CLIENT':
      // The one rule for a rejected app client (sync and token vault alike): an admin fixes it in the
      // settings, the refresh token is kept, and syncing resumes after that without a reconnect.
      return {
        status: 'error',
        statusCode: error.code,
        statusMessage: `${label} rejected the app's OAuth client. An administrator must fix the client secret (and client id) in Settings → Email settings; syncing then resumes by itself, no reconnect needed.`,
        rateLimitedUntil: null,
      };
    case 'RATE_LIMITED': {
      const until = new Date(
        Math.max(now.getTime() + (error.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS), waitingUntil ?? 0),
      );
      return {
        status: 'rate_limited',
        statusCode: error.code,
        statusMessage: `${label} is limiting requests for this mailbox. Syncing resumes automatically once the provider's wait is over.`,
        rateLimitedUntil: until,
      };
    }
    case 'TRANSIENT':
    case 'UNREACHABLE':
      return {
        status: 'error',
        statusCode: error.code,
        statusMessage: `${label} could not be reached reliably: ${error.message} Nothing was lost; the next sync continues where this one stopped.`,
        rateLimitedUntil: null,
      };
    case 'API_NOT_ENABLED':
    case 'MAILBOX_NOT_ENABLED':
      // The adapters' messages already say who must do what.
      return { status: 'error', statusCode: error.code, statusMessage: error.message, rateLimitedUntil: null };
    default:
      return {
        status: 'error',
        statusCode: error.code,
        statusMessage: `${label} answered with an error: ${error.message}`,
        rateLimitedUntil: null,
      };
  }
}
