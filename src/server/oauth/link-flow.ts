/**
 * Linking a mailbox: start (authorization URL with state + PKCE) and complete
 * (check state, exchange the code, read the profile, store the account).
 */
import type { AccountService } from '../accounts/account-service';
import { UserFacingError } from '../http/errors';
import type { MailProvider, ProviderName } from '../providers/types';
import { safeReturnPath } from '../../shared/return-path';
import { isProviderName } from '../settings/validate';
import { callbackError, linkError } from './link-errors';
import type { OAuthStateStore } from './state-store';

export interface StartLinkInput {
  userId: string | number;
  provider: string;
  redirectUri: string;
  reconnectAccountId?: string | null;
  returnTo?: string | null;
  loginHint?: string | null;
}

export interface CompleteLinkInput {
  userId: string | number;
  state: string;
  code?: string | null;
  error?: string | null;
  errorDescription?: string | null;
}

export class LinkFlow {
  constructor(
    private readonly states: OAuthStateStore,
    private readonly accounts: AccountService,
    private readonly providerFor: (name: ProviderName) => Promise<MailProvider>,
    private readonly defaultSyncFrom: () => Promise<Date>,
  ) {}

  async start(input: StartLinkInput): Promise<{ url: string }> {
    if (!isProviderName(input.provider)) {
      throw new UserFacingError(400, 'UNKNOWN_PROVIDER', 'Choose Google or Microsoft.', 'provider');
    }
    const provider = input.provider;
    // Refused rather than dropped: a caller sending another site's address should learn it is not accepted.
    const returnTo = input.returnTo ? safeReturnPath(input.returnTo) : null;
    if (input.returnTo && !returnTo) {
      throw new UserFacingError(400, 'INVALID_RETURN_PATH', 'returnTo must be a path inside this app, such as /admin/mail.', 'returnTo');
    }
    try {
      let loginHint = input.loginHint ?? undefined;
      if (input.reconnectAccountId) {
        const account = await this.accounts.mustFind(input.reconnectAccountId);
        if (String(account.get('userId')) !== String(input.userId)) {
          throw new UserFacingError(404, 'ACCOUNT_NOT_FOUND', 'This mail account does not exist or was deleted.');
        }
        loginHint = String(account.get('address'));
      }
      const adapter = await this.providerFor(provider);
      const { state, codeChallenge } = await this.states.issue({
        userId: input.userId,
        provider,
        redirectUri: input.redirectUri,
        accountId: input.reconnectAccountId ?? null,
        returnTo,
      });
      return { url: await adapter.authorizationUrl({ state, codeChallenge, redirectUri: input.redirectUri, loginHint }) };
    } catch (e) {
      throw linkError(e, provider, input.redirectUri);
    }
  }

  async complete(input: CompleteLinkInput) {
    const pending = await this.states.consume(input.state, input.userId);
    if (input.error) throw callbackError(pending.provider, input.error, input.errorDescription ?? undefined, pending.redirectUri);
    if (!input.code) throw new UserFacingError(400, 'CODE_MISSING', 'The provider did not send an authorization code. Start linking the account again.');
    try {
      const adapter = await this.providerFor(pending.provider);
      const result = await adapter.exchangeCode(input.code, pending.verifier, pending.redirectUri);
      const { account, isNew } = await this.accounts.link({
        userId: input.userId,
        provider: pending.provider,
        result,
        reconnectAccountId: pending.accountId,
        syncFrom: await this.defaultSyncFrom(),
      });
      return { account, isNew, returnTo: pending.returnTo };
    } catch (e) {
      throw linkError(e, pending.provider, pending.redirectUri);
    }
  }
}
