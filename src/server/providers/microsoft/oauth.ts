/**
 * Microsoft identity platform through msal-node: authorization URL (PKCE S256),
 * code exchange, refresh and "revoke".
 *
 * Token storage choice: msal does not hand out refresh tokens, so each account keeps
 * its own serialized msal cache (`TokenSet.providerCache`). Every operation builds a
 * fresh ConfidentialClientApplication, loads that one account's cache, and refreshes
 * with `acquireTokenSilent({ account, forceRefresh: true })`, which is msal's supported
 * path and keeps family/app refresh-token handling inside msal. Accounts never share
 * an in-memory cache. The refresh token is also copied from the cache into
 * `TokenSet.refreshToken` so an account whose cache blob is lost can still be refreshed
 * through `acquireTokenByRefreshToken` (msal's migration API).
 */
import {
  ConfidentialClientApplication,
  LogLevel,
  type AccountInfo,
  type AuthenticationResult,
} from '@azure/msal-node';
import { ProviderError } from '../errors';
import type { AuthorizationRequest, ProviderCredentials, ProviderEndpoints, TokenSet } from '../types';
import { DEFAULT_AUTHORITY_HOST, DEFAULT_TENANT, GRAPH_SCOPES } from './constants';
import { toProviderError } from './errors';
import { FetchNetworkModule } from './msal-network';

const SCOPES = [...GRAPH_SCOPES];

export interface MsalSettings {
  credentials: ProviderCredentials;
  endpoints: ProviderEndpoints;
  timeoutMs: number;
}

export interface ExchangedTokens {
  tokens: TokenSet;
  account: AccountInfo | null;
}

/** `<authority host>/<tenant>`, e.g. https://login.microsoftonline.com/common. */
export function authorityFor(endpoints: ProviderEndpoints, tenant: string | undefined): string {
  const base = new URL(endpoints.microsoftAuthorityUrl);
  const path = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${path}/${encodeURIComponent(tenant?.trim() || DEFAULT_TENANT)}`;
}

/**
 * msal trusts login.microsoftonline.com (and its aliases) from built-in metadata and
 * asks that host's instance discovery about any other host. The emulator or a
 * sovereign-cloud authority is declared in `knownAuthorities` instead, so msal reads
 * its OpenID configuration from `<authority>/v2.0/.well-known/openid-configuration`
 * without calling Microsoft's discovery service.
 */
export function knownAuthoritiesFor(endpoints: ProviderEndpoints): string[] {
  const url = new URL(endpoints.microsoftAuthorityUrl);
  return url.hostname.toLowerCase() === DEFAULT_AUTHORITY_HOST ? [] : [url.host];
}

/**
 * The sign-in URL handed to the browser. msal builds it on the authority (which must be
 * https and is where tokens are fetched); MAIL_MICROSOFT_AUTHORIZE_URL moves only this
 * browser-facing leg to another host, keeping tenant, path and query. Unset: unchanged.
 */
export function browserSignInUrl(url: string, endpoints: ProviderEndpoints): string {
  if (!endpoints.microsoftAuthorizeUrl) return url;
  const built = new URL(url);
  const authority = new URL(endpoints.microsoftAuthorityUrl);
  // msal read the endpoint from the authority's metadata: move it only if it is on the authority.
  if (built.origin !== authority.origin) return url;
  const authorityPath = authority.pathname.replace(/\/+$/, '');
  const rest = built.pathname.startsWith(`${authorityPath}/`) ? built.pathname.slice(authorityPath.length) : built.pathname;
  const target = new URL(endpoints.microsoftAuthorizeUrl);
  return `${target.origin}${target.pathname.replace(/\/+$/, '')}${rest}${built.search}`;
}

export function createMsalApp(settings: MsalSettings): ConfidentialClientApplication {
  const { credentials, endpoints, timeoutMs } = settings;
  return new ConfidentialClientApplication({
    auth: {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      authority: authorityFor(endpoints, credentials.tenant),
      knownAuthorities: knownAuthoritiesFor(endpoints),
    },
    system: {
      networkClient: new FetchNetworkModule(timeoutMs),
      // msal logs request details at Info; keep tokens and addresses out of the host's logs.
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  });
}

export class MicrosoftOAuth {
  constructor(private readonly settings: MsalSettings) {}

  async authorizationUrl(req: AuthorizationRequest): Promise<string> {
    try {
      const url = await createMsalApp(this.settings).getAuthCodeUrl({
        scopes: SCOPES,
        redirectUri: req.redirectUri,
        codeChallenge: req.codeChallenge,
        codeChallengeMethod: 'S256',
        state: req.state,
        // The identity platform rejects an account hint together with prompt=select_account
        // (msal drops the hint then): reconnecting a known mailbox goes straight to that
        // account, adding one shows the account picker.
        ...(req.loginHint ? { loginHint: req.loginHint } : { prompt: 'select_account' }),
        responseMode: 'query',
      });
      return browserSignInUrl(url, this.settings.endpoints);
    } catch (e) {
      throw toProviderError(e, 'exchange');
    }
  }

  async exchangeCode(code: string, verifier: string, redirectUri: string): Promise<ExchangedTokens> {
    const app = createMsalApp(this.settings);
    let result: AuthenticationResult;
    try {
      result = await app.acquireTokenByCode({ code, codeVerifier: verifier, redirectUri, scopes: SCOPES });
    } catch (e) {
      throw toProviderError(e, 'exchange');
    }
    return { tokens: tokenSetFrom(app, result), account: result.account };
  }

  async refresh(tokens: TokenSet): Promise<TokenSet> {
    const app = createMsalApp(this.settings);
    let result: AuthenticationResult | null = null;
    try {
      const account = tokens.providerCache ? await loadAccount(app, tokens.providerCache) : null;
      if (account) {
        result = await app.acquireTokenSilent({ account, scopes: SCOPES, forceRefresh: true });
      } else if (tokens.refreshToken) {
        result = await app.acquireTokenByRefreshToken({ refreshToken: tokens.refreshToken, scopes: SCOPES, forceCache: true });
      }
    } catch (e) {
      throw toProviderError(e, 'refresh');
    }
    if (!result) {
      throw new ProviderError('REAUTH_REQUIRED', 'No Microsoft sign-in is stored for this account; connect the mailbox again.');
    }
    return tokenSetFrom(app, result, tokens);
  }

  /**
   * Microsoft has no endpoint to revoke one app's delegated refresh token (Graph's
   * revokeSignInSessions signs the user out of every app, far beyond our grant). The
   * best available step is forgetting the grant: drop the account from the msal cache
   * the caller is about to delete anyway. Users (or admins) remove the consent itself
   * at https://myapplications.microsoft.com (work/school) or https://account.live.com/consent/Manage
   * (personal accounts). Never throws: account deletion must not depend on it.
   */
  async revoke(tokens: TokenSet): Promise<void> {
    if (!tokens.providerCache) return;
    try {
      const cache = createMsalApp(this.settings).getTokenCache();
      cache.deserialize(tokens.providerCache);
      for (const account of await cache.getAllAccounts()) await cache.removeAccount(account);
    } catch {
      // Nothing to undo at Microsoft: the stored tokens are deleted by the caller either way.
    }
  }
}

async function loadAccount(app: ConfidentialClientApplication, providerCache: string): Promise<AccountInfo | null> {
  const cache = app.getTokenCache();
  try {
    cache.deserialize(providerCache);
  } catch {
    return null; // unreadable blob: fall back to the stored refresh token
  }
  const accounts = await cache.getAllAccounts();
  return accounts[0] ?? null;
}

/** The vault's TokenSet from an msal result and the app's (single-account) cache. */
function tokenSetFrom(app: ConfidentialClientApplication, result: AuthenticationResult, previous?: TokenSet): TokenSet {
  const providerCache = app.getTokenCache().serialize();
  return {
    accessToken: result.accessToken,
    expiresAt: result.expiresOn ? result.expiresOn.getTime() : null,
    scope: result.scopes.join(' '),
    idToken: result.idToken || previous?.idToken || null,
    refreshToken: refreshTokenIn(providerCache, result.account?.homeAccountId) ?? previous?.refreshToken ?? null,
    providerCache,
  };
}

interface SerializedRefreshToken {
  home_account_id?: string;
  secret?: string;
}

/** Reads the refresh token msal stored for the account out of its serialized cache. */
export function refreshTokenIn(serializedCache: string, homeAccountId: string | undefined): string | null {
  try {
    const parsed = JSON.parse(serializedCache) as { RefreshToken?: Record<string, SerializedRefreshToken> };
    const entries = Object.values(parsed.RefreshToken ?? {});
    const match = entries.find((t) => !homeAccountId || t.home_account_id === homeAccountId) ?? entries[0];
    return match?.secret ?? null;
  } catch {
    return null;
  }
}
