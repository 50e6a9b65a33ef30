/** Typed client of the Google emulator's control API (the core's plus Google extras). */
import { EmulatorControl } from '../core';
import type { GoogleMailboxSnapshot, GoogleMutationSpec, IssueTokensSpec } from './control';
import type { OAuthClient, TokenResponse } from './state';

export class GoogleEmulatorControl extends EmulatorControl {
  /** Labels, messages (ids, labels, Message-IDs) and history position of a mailbox, for assertions. */
  mailbox(user: string): Promise<GoogleMailboxSnapshot> {
    return this.call('GET', `/__control/mailbox?user=${encodeURIComponent(user)}`);
  }

  /** A change made "in Gmail" by someone else (writes history like a real change). */
  mutate(spec: GoogleMutationSpec): Promise<{ id: string; labelIds: string[]; historyId: string }> {
    return this.call('POST', '/__control/mutate', spec);
  }

  setTokenLifetime(settings: { accessTokenSeconds: number }): Promise<{ accessTokenSeconds: number }> {
    return this.call('POST', '/__control/token-lifetime', settings);
  }

  /** Revokes the user's grants (the next refresh gets invalid_grant) and access tokens. */
  revokeTokens(user: string, options: { accessTokensOnly?: boolean } = {}): Promise<{ revoked: number }> {
    return this.call('POST', '/__control/revoke', { user, ...options });
  }

  registerClient(client: Pick<OAuthClient, 'clientId' | 'clientSecret'> & Partial<OAuthClient>): Promise<OAuthClient> {
    return this.call('POST', '/__control/clients', client);
  }

  /** Drops retained history (one mailbox or all): older startHistoryIds then get 404. */
  expireHistory(user?: string): Promise<{ expired: string[] }> {
    return this.call('POST', '/__control/expire-history', user ? { user } : {});
  }

  /** Tokens for a user without the consent dance (offline: includes a refresh token). */
  issueTokens(spec: IssueTokensSpec): Promise<TokenResponse> {
    return this.call('POST', '/__control/tokens', spec);
  }
}
