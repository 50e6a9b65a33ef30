import { hashString } from '../generator';
import { randomToken } from './ids';
import { Mailbox } from './mailbox';

export const DEMO_GOOGLE_CLIENT_ID = 'demo-google-client-id';
export const DEMO_GOOGLE_CLIENT_SECRET = 'demo-google-client-secret';

export interface GoogleUser {
  address: string;
  name: string;
  /** Stable numeric Google account id. */
  sub: string;
  mailbox: Mailbox;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Accept any http(s) redirect on localhost / 127.0.0.1 (the demo client). */
  anyLocalhostRedirect?: boolean;
}

export interface PendingAuthorization {
  id: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  offline: boolean;
  loginHint: string | null;
  createdAt: number;
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  user: string;
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  offline: boolean;
  expiresAt: number;
  used: boolean;
  /** The PKCE verifier the code was redeemed with (tests check it never reaches a log). */
  redeemedVerifier?: string;
}

export interface Grant {
  refreshToken: string;
  clientId: string;
  user: string;
  scope: string;
  revoked: boolean;
}

export interface AccessTokenRecord {
  token: string;
  clientId: string;
  user: string;
  scope: string;
  expiresAt: number;
  refreshToken: string | null;
  revoked: boolean;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  scope: string;
  token_type: 'Bearer';
  refresh_token?: string;
  id_token?: string;
}

const CODE_LIFETIME_MS = 10 * 60_000;
const DEFAULT_ACCESS_TOKEN_SECONDS = 3600;

/** Everything the Google emulator remembers: accounts with mailboxes and the OAuth server's records. */
export class GoogleState {
  readonly users = new Map<string, GoogleUser>();
  readonly clients = new Map<string, OAuthClient>();
  readonly pending = new Map<string, PendingAuthorization>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly grants = new Map<string, Grant>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  accessTokenLifetimeSeconds = DEFAULT_ACCESS_TOKEN_SECONDS;
  /** Mail for addresses without an account here (e.g. handed to the Microsoft emulator). */
  externalDelivery: ((raw: Buffer, recipients: string[]) => void | Promise<unknown>) | null = null;
  /** Issuer put in id tokens. */
  issuer = 'https://accounts.google.com';

  constructor() {
    this.reset();
  }

  reset(): void {
    this.users.clear();
    this.clients.clear();
    this.pending.clear();
    this.codes.clear();
    this.grants.clear();
    this.accessTokens.clear();
    this.accessTokenLifetimeSeconds = DEFAULT_ACCESS_TOKEN_SECONDS;
    this.registerClient({
      clientId: DEMO_GOOGLE_CLIENT_ID,
      clientSecret: DEMO_GOOGLE_CLIENT_SECRET,
      redirectUris: [],
      anyLocalhostRedirect: true,
    });
  }

  registerClient(client: OAuthClient): void {
    this.clients.set(client.clientId, client);
  }

  redirectAllowed(client: OAuthClient, redirectUri: string): boolean {
    if (client.redirectUris.includes(redirectUri)) return true;
    if (!client.anyLocalhostRedirect) return false;
    try {
      const url = new URL(redirectUri);
      return (url.protocol === 'http:' || url.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    } catch {
      return false;
    }
  }

  user(address: string): GoogleUser | undefined {
    return this.users.get(address.trim().toLowerCase());
  }

  /** The account owning an address, its primary or an alias. */
  userByAnyAddress(address: string): GoogleUser | undefined {
    const lower = address.trim().toLowerCase();
    return this.user(lower) ?? [...this.users.values()].find((u) => u.mailbox.aliases.some((a) => a.toLowerCase() === lower));
  }

  addUser(address: string, name: string, aliases: string[] = []): GoogleUser {
    const key = address.trim().toLowerCase();
    const existing = this.users.get(key);
    if (existing) {
      existing.name = name;
      existing.mailbox.name = name;
      existing.mailbox.aliases = aliases;
      return existing;
    }
    const hash = hashString(key);
    const user: GoogleUser = {
      address: key,
      name,
      sub: `1${String(hash).padStart(10, '0')}${String(hashString(`${key}#`)).padStart(10, '0')}`,
      mailbox: new Mailbox(key, name, aliases, 1000 + (hash % 9000) * 10),
    };
    this.users.set(key, user);
    return user;
  }

  createCode(pending: PendingAuthorization, user: string): AuthorizationCode {
    const code: AuthorizationCode = {
      code: randomToken('4/0A', 36),
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      user,
      scope: pending.scope,
      codeChallenge: pending.codeChallenge,
      codeChallengeMethod: pending.codeChallengeMethod,
      offline: pending.offline,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
      used: false,
    };
    this.codes.set(code.code, code);
    return code;
  }

  /** Issues an access token (and, for offline access, a new refresh-token grant). */
  issueTokens(user: GoogleUser, clientId: string, scope: string, options: { offline: boolean; refreshToken?: string }): TokenResponse {
    let refreshToken = options.refreshToken ?? null;
    if (!refreshToken && options.offline) {
      refreshToken = randomToken('1//0g', 48);
      this.grants.set(refreshToken, { refreshToken, clientId, user: user.address, scope, revoked: false });
    }
    const token = randomToken('ya29.a0', 64);
    this.accessTokens.set(token, {
      token,
      clientId,
      user: user.address,
      scope,
      expiresAt: Date.now() + this.accessTokenLifetimeSeconds * 1000,
      refreshToken,
      revoked: false,
    });
    const response: TokenResponse = { access_token: token, expires_in: this.accessTokenLifetimeSeconds, scope, token_type: 'Bearer' };
    if (refreshToken && !options.refreshToken) response.refresh_token = refreshToken;
    const scopes = scope.split(/\s+/);
    if (scopes.some((s) => ['openid', 'email', 'profile'].includes(s) || s.endsWith('/userinfo.email') || s.endsWith('/userinfo.profile'))) {
      response.id_token = this.idToken(user, clientId);
    }
    return response;
  }

  /** An unsigned JWT (alg "none"): enough for clients that only read its claims. */
  idToken(user: GoogleUser, clientId: string): string {
    const now = Math.floor(Date.now() / 1000);
    const [given, ...family] = user.name.split(' ');
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      iss: this.issuer,
      azp: clientId,
      aud: clientId,
      sub: user.sub,
      email: user.address,
      email_verified: true,
      name: user.name,
      given_name: given,
      family_name: family.join(' '),
      iat: now,
      exp: now + 3600,
    })}.`;
  }

  /** The live access-token record, or null when unknown, expired or revoked. */
  validAccessToken(token: string | null): AccessTokenRecord | null {
    if (!token) return null;
    const record = this.accessTokens.get(token);
    if (!record || record.revoked || record.expiresAt <= Date.now()) return null;
    if (record.refreshToken && this.grants.get(record.refreshToken)?.revoked) return null;
    return record;
  }

  /** Revoking any token of a grant revokes the grant and every access token derived from it. */
  revoke(token: string): boolean {
    const grant = this.grants.get(token);
    const access = this.accessTokens.get(token);
    const refreshToken = grant?.refreshToken ?? access?.refreshToken ?? null;
    if (!grant && !access) return false;
    if (access) access.revoked = true;
    if (refreshToken) {
      const g = this.grants.get(refreshToken);
      if (g) g.revoked = true;
      for (const record of this.accessTokens.values()) if (record.refreshToken === refreshToken) record.revoked = true;
    }
    return true;
  }
}
