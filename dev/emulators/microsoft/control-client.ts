/** Typed client of the Microsoft emulator's control API (the core's plus Microsoft extras). */
import { EmulatorControl } from '../core';
import type { MailboxSnapshot, MutationSpec, TokenLifetimeSettings } from './control';
import type { OAuthClient } from './state';

export class MicrosoftEmulatorControl extends EmulatorControl {
  /** Folders and messages of a mailbox (ids, folders, flags), for assertions. */
  mailbox(user: string): Promise<MailboxSnapshot> {
    return this.call<MailboxSnapshot>('GET', `/__control/mailbox?user=${encodeURIComponent(user)}`);
  }

  /** A change made "in Outlook": delete, move, mark read/unread, flag, categorize. Returns the message's id afterwards. */
  mutate(spec: MutationSpec): Promise<{ id: string | null }> {
    return this.call('POST', '/__control/mutate', spec);
  }

  setTokenLifetime(settings: TokenLifetimeSettings): Promise<Required<TokenLifetimeSettings>> {
    return this.call('POST', '/__control/token-lifetime', settings);
  }

  /** Revokes a user's refresh tokens (and access tokens when asked): the next refresh fails with AADSTS50173. */
  revokeTokens(user: string, options: { accessTokens?: boolean } = {}): Promise<{ revoked: number }> {
    return this.call('POST', '/__control/revoke', { user, ...options });
  }

  registerClient(client: Pick<OAuthClient, 'clientId' | 'clientSecret'> & Partial<OAuthClient>): Promise<OAuthClient> {
    return this.call('POST', '/__control/clients', client);
  }

  /** Invalidates every delta token issued so far (all mailboxes, or one): the next delta call gets 410. */
  expireDeltaTokens(user?: string): Promise<{ expired: string[] }> {
    return this.call('POST', '/__control/expire-delta', user ? { user } : {});
  }
}
