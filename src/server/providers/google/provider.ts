/**
 * Gmail as a MailProvider: OAuth (authorization URL with PKCE, code exchange with
 * the mailbox profile, refresh, revoke) and per-account mailbox clients.
 */
import type { gmail_v1 } from '@googleapis/gmail';
import { ProviderError } from '../errors';
import type {
  AccountContext,
  AccountProfile,
  AuthorizationRequest,
  ExchangeResult,
  MailAddress,
  MailProvider,
  MailboxClient,
  ProviderCredentials,
  ProviderEndpoints,
  TokenSet,
} from '../types';
import { toProviderError } from './errors';
import { GmailMailbox } from './mailbox';
import { buildAuthorizationUrl, createOAuthClient, grantsMailAccess, readIdToken, toTokenSet } from './oauth';
import {
  createGmailApi,
  DEFAULT_TIMEOUT_MS,
  sessionFor,
  sessionWithToken,
  type GmailSession,
  type ScheduleFn,
} from './session';

export interface GoogleProviderOptions {
  credentials: ProviderCredentials;
  endpoints: ProviderEndpoints;
  /** Per-request timeout for API and token calls (default 30 s). */
  timeoutMs?: number;
  /** Default quota hook for every account; an AccountContext's own `schedule` wins. */
  schedule?: ScheduleFn;
  /** Message gets in flight per listing page (default 8). */
  fetchConcurrency?: number;
}

export function createGoogleProvider(options: GoogleProviderOptions): MailProvider {
  return new GoogleProvider(options);
}

class GoogleProvider implements MailProvider {
  readonly name = 'google' as const;
  private readonly timeoutMs: number;
  private readonly api: gmail_v1.Gmail;
  private readonly rootUrl: string;

  constructor(private readonly options: GoogleProviderOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.rootUrl = options.endpoints.googleApiUrl;
    this.api = createGmailApi(this.rootUrl, this.timeoutMs);
  }

  async authorizationUrl(req: AuthorizationRequest): Promise<string> {
    return buildAuthorizationUrl(this.oauthClient(), req);
  }

  async exchangeCode(code: string, verifier: string, redirectUri: string): Promise<ExchangeResult> {
    let tokens: TokenSet;
    try {
      const res = await this.oauthClient().getToken({ code, codeVerifier: verifier, redirect_uri: redirectUri });
      tokens = toTokenSet(res.tokens);
    } catch (e) {
      throw toProviderError(e, 'exchange');
    }
    if (!grantsMailAccess(tokens.scope)) {
      throw new ProviderError('CONSENT_DENIED', 'Access to Gmail was not granted. Connect again and allow the email manager to read, send and organize mail.');
    }
    const profile = await this.loadProfile(sessionWithToken(this.api, this.rootUrl, tokens.accessToken, this.options.schedule), tokens);
    return { tokens, profile };
  }

  async refresh(tokens: TokenSet): Promise<TokenSet> {
    if (!tokens.refreshToken) {
      throw new ProviderError('REAUTH_REQUIRED', 'No refresh token is stored for this account; reconnect it.');
    }
    try {
      const fresh = await this.oauthClient().refreshGrant(tokens.refreshToken);
      return toTokenSet(fresh, tokens);
    } catch (e) {
      throw toProviderError(e, 'refresh');
    }
  }

  async revoke(tokens: TokenSet): Promise<void> {
    // Revoking the refresh token ends the whole grant; the access token alone only ends itself.
    const token = tokens.refreshToken || tokens.accessToken;
    if (!token) return;
    try {
      await this.oauthClient().revokeToken(token);
    } catch (e) {
      const err = toProviderError(e, 'revoke');
      // Already revoked or expired: the goal is reached.
      if (err.code === 'REAUTH_REQUIRED') return;
      throw err;
    }
  }

  forAccount(ctx: AccountContext): MailboxClient {
    const session = sessionFor(this.api, this.rootUrl, ctx, this.options.schedule);
    return new GmailMailbox(session, { fetchConcurrency: this.options.fetchConcurrency });
  }

  /** A fresh client per call: OAuth2Client caches credentials, and accounts must never share them. */
  private oauthClient() {
    return createOAuthClient(this.options.credentials, this.options.endpoints, this.timeoutMs);
  }

  private async loadProfile(session: GmailSession, tokens: TokenSet): Promise<AccountProfile> {
    const claims = readIdToken(tokens.idToken);
    const gmailProfile = await session.call('users.getProfile', (o) => session.api.users.getProfile({ userId: 'me' }, o));
    const address = gmailProfile.emailAddress ?? claims.email;
    if (!address) throw new ProviderError('PROVIDER_ERROR', 'Google did not report the mailbox address.');
    const sendAs = await session.call('settings.sendAs.list', (o) => session.api.users.settings.sendAs.list({ userId: 'me' }, o));
    const entries = sendAs.sendAs ?? [];
    const primary = entries.find((s) => s.isPrimary) ?? entries.find((s) => sameAddress(s.sendAsEmail, address));
    return {
      address,
      displayName: primary?.displayName || claims.name || null,
      aliases: aliasesFrom(entries, address),
      providerAccountId: claims.sub ?? null,
    };
  }
}

/** Verified send-as addresses other than the mailbox itself. */
function aliasesFrom(entries: gmail_v1.Schema$SendAs[], address: string): MailAddress[] {
  const out: MailAddress[] = [];
  const seen = new Set([address.toLowerCase()]);
  for (const s of entries) {
    const email = s.sendAsEmail;
    if (!email || seen.has(email.toLowerCase())) continue;
    if (s.verificationStatus && s.verificationStatus !== 'accepted') continue;
    seen.add(email.toLowerCase());
    out.push(s.displayName ? { name: s.displayName, address: email } : { address: email });
  }
  return out;
}

function sameAddress(a: string | null | undefined, b: string): boolean {
  return !!a && a.toLowerCase() === b.toLowerCase();
}
