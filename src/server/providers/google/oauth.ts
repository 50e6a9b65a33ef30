/**
 * Google OAuth 2.0 with google-auth-library's OAuth2Client, pointed at the
 * configured endpoints. The library's own retries are switched off: the caller
 * (token vault / sync engine) owns retry policy.
 */
import { CodeChallengeMethod, OAuth2Client, type Credentials } from 'google-auth-library';
import type { AuthorizationRequest, ProviderCredentials, ProviderEndpoints, TokenSet } from '../types';

export const GMAIL_SCOPES = ['https://mail.google.com/', 'openid', 'email', 'profile'] as const;
export const GMAIL_FULL_SCOPE = 'https://mail.google.com/';

/** OAuth2Client exposing the refresh grant, which the library only offers as a protected method. */
class GoogleOAuthClient extends OAuth2Client {
  /** One refresh_token grant, returning exactly what the token endpoint answered. */
  async refreshGrant(refreshToken: string): Promise<Credentials> {
    const { tokens } = await this.refreshTokenNoCache(refreshToken);
    return tokens;
  }
}

export function createOAuthClient(
  credentials: ProviderCredentials,
  endpoints: ProviderEndpoints,
  timeoutMs: number,
): GoogleOAuthClient {
  const client = new GoogleOAuthClient({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    endpoints: {
      oauth2AuthBaseUrl: endpoints.googleAuthUrl,
      oauth2TokenUrl: endpoints.googleTokenUrl,
      oauth2RevokeUrl: endpoints.googleRevokeUrl,
    },
    transporterOptions: { timeout: timeoutMs },
  });
  // OAuth2Client forces `retry: true` on each token request; an interceptor runs after
  // that and before sending, so it is the one place to turn retries off.
  client.transporter.interceptors.request.add({
    resolved: async (options) => {
      options.retry = false;
      options.retryConfig = undefined;
      return options;
    },
  });
  return client;
}

export function buildAuthorizationUrl(client: OAuth2Client, req: AuthorizationRequest): string {
  return client.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: true,
    scope: [...GMAIL_SCOPES],
    state: req.state,
    redirect_uri: req.redirectUri,
    code_challenge: req.codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
    ...(req.loginHint ? { login_hint: req.loginHint } : {}),
  });
}

export function toTokenSet(credentials: Credentials, previous?: TokenSet): TokenSet {
  if (!credentials.access_token) throw new Error('The token endpoint answered without an access token.');
  return {
    accessToken: credentials.access_token,
    // Google usually omits refresh_token on refresh: the old one stays valid.
    refreshToken: credentials.refresh_token || previous?.refreshToken || null,
    expiresAt: credentials.expiry_date ?? null,
    scope: credentials.scope ?? previous?.scope ?? null,
    idToken: credentials.id_token ?? previous?.idToken ?? null,
  };
}

export interface IdTokenClaims {
  sub?: string;
  email?: string;
  name?: string;
}

/**
 * Reads the ID token's claims without verifying its signature: it came straight from
 * the token endpoint over TLS in answer to our own code exchange (OIDC Core 3.1.3.7).
 */
export function readIdToken(idToken: string | null | undefined): IdTokenClaims {
  if (!idToken) return {};
  const payload = idToken.split('.')[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return {
      sub: typeof claims.sub === 'string' ? claims.sub : undefined,
      email: typeof claims.email === 'string' ? claims.email : undefined,
      name: typeof claims.name === 'string' ? claims.name : undefined,
    };
  } catch {
    return {};
  }
}

/** True when the granted scopes include full mail access (Google lets users untick it). */
export function grantsMailAccess(scope: string | null | undefined): boolean {
  if (!scope) return true; // not reported: the API calls will tell
  return scope.split(/\s+/).includes(GMAIL_FULL_SCOPE);
}
