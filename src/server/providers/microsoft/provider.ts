/**
 * Outlook / Microsoft 365 as a MailProvider: msal-node for the identity platform,
 * the Graph client (our middleware chain) for the mailbox.
 */
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
  ScheduleFn,
  TokenSet,
} from '../types';
import { DEFAULT_TIMEOUT_MS } from './constants';
import { GraphApi } from './graph-client';
import { GraphMailbox } from './mailbox';
import { MicrosoftOAuth } from './oauth';

export interface MicrosoftProviderOptions {
  credentials: ProviderCredentials;
  endpoints: ProviderEndpoints;
  /** Per-request timeout for Graph and identity calls (default 30 s). */
  timeoutMs?: number;
  /** Default quota hook for every account; an AccountContext's own `schedule` wins. */
  schedule?: ScheduleFn;
}

/** AccountContext as the Microsoft adapter accepts it (the limiter hook is part of every AccountContext). */
export type MicrosoftAccountContext = AccountContext;

interface GraphUser {
  id?: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  proxyAddresses?: string[] | null;
}

/** Scopes without which the mailbox cannot work (users of some tenants can decline single permissions). */
const REQUIRED_SCOPES = ['mail.readwrite', 'mail.send'];

export function createMicrosoftProvider(options: MicrosoftProviderOptions): MailProvider {
  return new MicrosoftProvider(options);
}

class MicrosoftProvider implements MailProvider {
  readonly name = 'microsoft' as const;
  private readonly oauth: MicrosoftOAuth;
  private readonly timeoutMs: number;

  constructor(private readonly options: MicrosoftProviderOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.oauth = new MicrosoftOAuth({ credentials: options.credentials, endpoints: options.endpoints, timeoutMs: this.timeoutMs });
  }

  authorizationUrl(req: AuthorizationRequest): Promise<string> {
    return this.oauth.authorizationUrl(req);
  }

  async exchangeCode(code: string, verifier: string, redirectUri: string): Promise<ExchangeResult> {
    const { tokens, account } = await this.oauth.exchangeCode(code, verifier, redirectUri);
    assertMailScopes(tokens.scope);
    const api = this.graph(async () => tokens.accessToken, this.options.schedule);
    const profile = await loadProfile(api);
    return { tokens, profile: { ...profile, providerAccountId: account?.homeAccountId ?? profile.providerAccountId ?? null } };
  }

  refresh(tokens: TokenSet): Promise<TokenSet> {
    return this.oauth.refresh(tokens);
  }

  revoke(tokens: TokenSet): Promise<void> {
    return this.oauth.revoke(tokens);
  }

  forAccount(ctx: AccountContext): MailboxClient {
    const schedule = ctx.schedule ?? this.options.schedule;
    return new GraphMailbox(this.graph((force) => ctx.getAccessToken(force), schedule), ctx.address);
  }

  private graph(getToken: (force: boolean) => Promise<string>, schedule?: ScheduleFn): GraphApi {
    return new GraphApi({ graphUrl: this.options.endpoints.graphApiUrl, getToken, schedule, timeoutMs: this.timeoutMs });
  }
}

function assertMailScopes(scope: string | null | undefined): void {
  if (!scope) return; // some servers omit `scope`: the first Graph call tells
  const granted = new Set(scope.split(/\s+/).map((s) => s.replace(/^https:\/\/graph\.microsoft\.[a-z.]+\//i, '').toLowerCase()));
  const missing = REQUIRED_SCOPES.filter((s) => !granted.has(s));
  if (missing.length > 0) {
    throw new ProviderError('CONSENT_DENIED', 'Access to read and send mail was not granted. Connect again and accept all requested permissions.');
  }
}

async function loadProfile(api: GraphApi): Promise<AccountProfile> {
  let user: GraphUser;
  try {
    user = await api.get<GraphUser>('/me?$select=id,displayName,mail,userPrincipalName,proxyAddresses');
  } catch (e) {
    // proxyAddresses is not readable in every tenant / account type: aliases are a bonus.
    if (!(e instanceof ProviderError) || (e.status !== 400 && e.status !== 403)) throw e;
    user = await api.get<GraphUser>('/me?$select=id,displayName,mail,userPrincipalName');
  }
  const address = user.mail?.trim() || user.userPrincipalName?.trim();
  if (!address) throw new ProviderError('MAILBOX_NOT_ENABLED', 'Microsoft did not report a mail address for this account.');
  return {
    address,
    displayName: user.displayName?.trim() || null,
    aliases: aliasesFrom(user.proxyAddresses ?? [], address, user.displayName ?? undefined),
    providerAccountId: user.id ?? null,
  };
}

/** `smtp:` proxy addresses other than the primary one (`SMTP:`); x500/sip entries are not mail addresses. */
export function aliasesFrom(proxyAddresses: string[], address: string, name?: string): MailAddress[] {
  const seen = new Set([address.toLowerCase()]);
  const out: MailAddress[] = [];
  for (const entry of proxyAddresses) {
    const match = /^smtp:(.+)$/i.exec(entry.trim());
    const alias = match?.[1]?.trim();
    if (!alias || seen.has(alias.toLowerCase())) continue;
    seen.add(alias.toLowerCase());
    out.push(name ? { name, address: alias } : { address: alias });
  }
  return out;
}
