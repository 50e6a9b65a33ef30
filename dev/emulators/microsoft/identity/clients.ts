/** Client lookup and redirect URI checks shared by the authorize and token endpoints. */
import type { OAuthClient } from '../state';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function redirectAllowed(client: OAuthClient, redirectUri: string): boolean {
  if (client.redirectUris === 'loopback') {
    try {
      const url = new URL(redirectUri);
      return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
    } catch {
      return false;
    }
  }
  return client.redirectUris.includes(redirectUri);
}

/** Appends parameters to a redirect URI the way the identity platform does for `response_mode=query`. */
export function withParams(redirectUri: string, params: Record<string, string>, mode: 'query' | 'fragment'): string {
  const url = new URL(redirectUri);
  const encoded = new URLSearchParams(params).toString();
  if (mode === 'fragment') {
    url.hash = encoded;
    return url.toString();
  }
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
