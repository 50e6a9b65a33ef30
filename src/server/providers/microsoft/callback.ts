/**
 * Errors Microsoft puts on the redirect back to us (`?error=…&error_description=AADSTS…`),
 * e.g. the user declined consent (access_denied / AADSTS65004) or the redirect URI is not
 * registered (AADSTS50011). The OAuth callback handler turns them into ProviderError
 * with the same codes as token-endpoint failures.
 */
import type { ProviderError } from '../errors';
import { toProviderError } from './errors';

export function authorizationCallbackError(error: string, description?: string | null): ProviderError {
  return toProviderError({ errorCode: error, errorMessage: description ?? '', subError: '' }, 'exchange');
}
