/**
 * Turns what can go wrong while linking into messages that say what to do.
 * Adapters already classify wire errors (ProviderError codes); this adds who
 * has to act and how.
 */
import { UserFacingError } from '../http/errors';
import { isProviderError } from '../providers/errors';
import type { ProviderName } from '../providers/types';
import { ProviderNotConfiguredError } from '../settings/settings-service';

const LABEL: Record<ProviderName, string> = { google: 'Google', microsoft: 'Microsoft' };
const CONSOLE: Record<ProviderName, string> = {
  google: 'Google Cloud Console → APIs & Services → Credentials',
  microsoft: 'Microsoft Entra admin center → App registrations',
};

export function linkError(e: unknown, provider: ProviderName, redirectUri: string): unknown {
  if (e instanceof UserFacingError) return e;
  if (e instanceof ProviderNotConfiguredError) return new UserFacingError(400, 'PROVIDER_NOT_CONFIGURED', e.message);
  if (!isProviderError(e)) return e;
  const p = LABEL[provider];
  switch (e.code) {
    case 'CONSENT_DENIED':
      return new UserFacingError(400, 'CONSENT_DENIED', `You declined access, so the ${p} account was not linked. Link it again and choose Allow / Accept to let Email manager read and send your mail.`);
    case 'INVALID_CLIENT':
      return new UserFacingError(
        400,
        'INVALID_CLIENT',
        `${p} rejected the app's Client ID or Client Secret. An administrator should copy both again from ${CONSOLE[provider]} into Settings → Email settings.`,
      );
    case 'REDIRECT_URI_MISMATCH':
      return new UserFacingError(
        400,
        'REDIRECT_URI_MISMATCH',
        `${p} does not accept this app's redirect URI. An administrator should add ${redirectUri} to the OAuth client's authorized redirect URIs in ${CONSOLE[provider]}.`,
      );
    case 'API_NOT_ENABLED':
    case 'MAILBOX_NOT_ENABLED':
      return new UserFacingError(400, e.code, e.message);
    case 'REAUTH_REQUIRED':
      return new UserFacingError(400, 'CODE_EXPIRED', `${p} did not accept the sign-in code (it expired or was already used). Start linking the account again.`);
    case 'UNREACHABLE':
    case 'TRANSIENT':
    case 'RATE_LIMITED':
      return new UserFacingError(
        502,
        'PROVIDER_UNREACHABLE',
        `${p} could not be reached or did not answer in time. Try again in a minute; if it keeps failing, an administrator should check that the server can reach ${p} (network, proxy, firewall).`,
      );
    default:
      return new UserFacingError(502, 'PROVIDER_ERROR', `${p} answered with an error: ${e.message}`);
  }
}

/** The `error` query parameter a provider puts on the redirect back to us. */
export function callbackError(provider: ProviderName, error: string, description: string | undefined, redirectUri: string): UserFacingError {
  const text = `${error} ${description ?? ''}`;
  if (/access_denied|consent_required|AADSTS65004/i.test(text)) {
    return new UserFacingError(400, 'CONSENT_DENIED', `You declined access, so the ${LABEL[provider]} account was not linked. Link it again and choose Allow / Accept to let Email manager read and send your mail.`);
  }
  if (/redirect_uri|AADSTS50011/i.test(text)) {
    return new UserFacingError(400, 'REDIRECT_URI_MISMATCH', `${LABEL[provider]} does not accept this app's redirect URI. An administrator should add ${redirectUri} to the OAuth client's authorized redirect URIs in ${CONSOLE[provider]}.`);
  }
  if (/invalid_client|unauthorized_client|AADSTS700016|AADSTS7000215/i.test(text)) {
    return new UserFacingError(400, 'INVALID_CLIENT', `${LABEL[provider]} rejected the app's Client ID. An administrator should copy it again from ${CONSOLE[provider]} into Settings → Email settings.`);
  }
  return new UserFacingError(400, 'PROVIDER_ERROR', `${LABEL[provider]} did not link the account: ${description || error}.`);
}
