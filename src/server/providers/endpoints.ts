/**
 * Where the providers live. Production defaults; every URL can be overridden by
 * environment so the same adapters reach the local emulators (tests, demo) or a
 * sovereign cloud without any code path that knows about them.
 */
import type { ProviderEndpoints } from './types';

export const DEFAULT_ENDPOINTS: Readonly<ProviderEndpoints> = Object.freeze({
  googleAuthUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  googleTokenUrl: 'https://oauth2.googleapis.com/token',
  googleRevokeUrl: 'https://oauth2.googleapis.com/revoke',
  googleApiUrl: 'https://gmail.googleapis.com/',
  microsoftAuthorityUrl: 'https://login.microsoftonline.com',
  graphApiUrl: 'https://graph.microsoft.com',
});

const ENV_NAMES: Record<keyof ProviderEndpoints, string> = {
  googleAuthUrl: 'MAIL_GOOGLE_AUTH_URL',
  googleTokenUrl: 'MAIL_GOOGLE_TOKEN_URL',
  googleRevokeUrl: 'MAIL_GOOGLE_REVOKE_URL',
  googleApiUrl: 'MAIL_GOOGLE_API_URL',
  microsoftAuthorityUrl: 'MAIL_MICROSOFT_AUTHORITY_URL',
  microsoftAuthorizeUrl: 'MAIL_MICROSOFT_AUTHORIZE_URL',
  graphApiUrl: 'MAIL_GRAPH_API_URL',
};

/** Reads the MAIL_* overrides; throws on a value that is not an http(s) URL so a typo fails at boot, not mid-sync. */
export function resolveEndpoints(env: NodeJS.ProcessEnv = process.env): ProviderEndpoints {
  const resolved = { ...DEFAULT_ENDPOINTS };
  for (const key of Object.keys(ENV_NAMES) as Array<keyof ProviderEndpoints>) {
    const name = ENV_NAMES[key];
    const raw = env[name]?.trim();
    if (!raw) continue;
    resolved[key] = validUrl(name, raw);
  }
  return resolved;
}

function validUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute URL, got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${name} must be an http(s) URL, got "${value}".`);
  }
  return value;
}
