/**
 * Everything one Microsoft emulator instance remembers: mailboxes, registered OAuth
 * clients, issued codes and tokens, subscriptions and tunable lifetimes.
 */
import {
  DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
  DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS,
  MICROSOFT_DEMO_CLIENT_ID,
  MICROSOFT_DEMO_CLIENT_SECRET,
} from './constants';
import { stableGuid } from './ids';
import { Mailbox } from './mailbox';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Allowed redirect URIs; `loopback` accepts any http(s) URI on localhost / 127.0.0.1 / [::1]. */
  redirectUris: string[] | 'loopback';
  name: string;
}

export interface AuthCodeGrant {
  clientId: string;
  redirectUri: string;
  scope: string;
  userId: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  nonce: string | null;
  clientInfo: boolean;
  expiresAt: number;
  redeemed: boolean;
  /** The PKCE verifier the code was redeemed with (tests check it never reaches a log). */
  redeemedVerifier?: string;
}

export interface RefreshGrant {
  clientId: string;
  userId: string;
  scope: string;
  expiresAt: number;
  revoked: boolean;
}

export interface AccessGrant {
  clientId: string;
  userId: string;
  /** Graph permission names (`Mail.ReadWrite`), lower-cased. */
  permissions: Set<string>;
  expiresAt: number;
  revoked: boolean;
}

export interface Subscription {
  id: string;
  userId: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  expirationDateTime: string;
  clientState: string | null;
  lifecycleNotificationUrl: string | null;
  applicationId: string;
  creatorId: string;
  latestSupportedTlsVersion: string;
}

export interface TokenLifetimes {
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
}

export const demoClient = (): OAuthClient => ({
  clientId: MICROSOFT_DEMO_CLIENT_ID,
  clientSecret: MICROSOFT_DEMO_CLIENT_SECRET,
  redirectUris: 'loopback',
  name: 'Nocomail demo (emulated)',
});

export class MicrosoftState {
  readonly mailboxes = new Map<string, Mailbox>();
  readonly mailboxesById = new Map<string, Mailbox>();
  readonly clients = new Map<string, OAuthClient>();
  readonly codes = new Map<string, AuthCodeGrant>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  readonly accessTokens = new Map<string, AccessGrant>();
  readonly subscriptions = new Map<string, Subscription>();
  lifetimes: TokenLifetimes = {
    accessTokenSeconds: DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
    refreshTokenSeconds: DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS,
  };

  constructor() {
    this.reset();
  }

  reset(): void {
    this.mailboxes.clear();
    this.mailboxesById.clear();
    this.clients.clear();
    this.codes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.subscriptions.clear();
    this.lifetimes = {
      accessTokenSeconds: DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
      refreshTokenSeconds: DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS,
    };
    const demo = demoClient();
    this.clients.set(demo.clientId, demo);
  }

  mailbox(address: string): Mailbox | undefined {
    return this.mailboxes.get(address.toLowerCase());
  }

  /** Finds a mailbox by primary address or alias. */
  mailboxForAddress(address: string): Mailbox | undefined {
    const lower = address.toLowerCase();
    const direct = this.mailboxes.get(lower);
    if (direct) return direct;
    for (const mailbox of this.mailboxes.values()) {
      if (mailbox.user.aliases.some((alias) => alias.toLowerCase() === lower)) return mailbox;
    }
    return undefined;
  }

  /** Creates (or replaces) a user's empty mailbox. The object id is stable per address. */
  createMailbox(address: string, displayName: string, aliases: string[] = []): Mailbox {
    const existing = this.mailbox(address);
    if (existing) this.mailboxesById.delete(existing.user.id);
    const mailbox = new Mailbox({ id: stableGuid(`user:${address.toLowerCase()}`), address, displayName, aliases });
    this.mailboxes.set(address.toLowerCase(), mailbox);
    this.mailboxesById.set(mailbox.user.id, mailbox);
    return mailbox;
  }

  /** A mailbox by address, created empty when unknown (accounts typed on the consent page). */
  ensureMailbox(address: string, displayName?: string): Mailbox {
    return this.mailboxForAddress(address) ?? this.createMailbox(address, displayName ?? address.split('@')[0]);
  }

  registerClient(client: OAuthClient): void {
    this.clients.set(client.clientId, client);
  }
}
