/**
 * Keeps each account's OAuth tokens sealed in the database and hands out valid
 * access tokens: refreshed shortly before expiry or when the provider says 401,
 * one refresh at a time per account however many requests ask at once. A
 * refresh token the provider no longer accepts marks the account
 * "reauthorization required" (the user reconnects). A rejected app client
 * (wrong client secret or id) is the administrator's to fix: the account shows
 * that, keeps its refresh token, and resumes once the settings are corrected.
 */
import { Op, type Database } from '@nocobase/database';
import { isProviderError, ProviderError } from '../providers/errors';
import type { MailProvider, ProviderName, TokenSet } from '../providers/types';
import { failureStatus } from '../sync/failure-status';
import type { SecretBox } from './secret-box';

/** Refresh this long before the provider's expiry so no request races the deadline. */
export const REFRESH_SKEW_MS = 2 * 60 * 1000;

/** A ProviderError, so adapters and the limiter treat it as final instead of retrying the refresh. */
export class ReauthorizationRequiredError extends ProviderError {
  constructor(message: string) {
    super('REAUTH_REQUIRED', message);
    this.name = 'ReauthorizationRequiredError';
  }
}

type Row = { get(key: string): unknown };

export class TokenVault {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly providerFor: (name: ProviderName) => Promise<MailProvider>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private repo() {
    return this.db.getRepository('mailAccounts');
  }

  async save(accountId: string | number, tokens: TokenSet): Promise<void> {
    await this.repo().update({ filterByTk: accountId, values: { tokens: await this.box.sealJson(tokens) } });
  }

  async load(accountId: string | number): Promise<{ provider: ProviderName; tokens: TokenSet | null }> {
    const row = (await this.repo().findOne({ filterByTk: accountId })) as Row | null;
    if (!row) throw new Error(`Mail account ${accountId} no longer exists.`);
    return { provider: row.get('provider') as ProviderName, tokens: await this.box.openJson<TokenSet>(row.get('tokens') as string | null) };
  }

  /** A valid access token; `force` after a 401 skips the cached one. */
  getAccessToken(accountId: string | number, force = false): Promise<string> {
    const key = String(accountId);
    const running = this.inflight.get(key);
    if (running) return running;
    const task = this.obtain(accountId, force).finally(() => this.inflight.delete(key));
    this.inflight.set(key, task);
    return task;
  }

  private async obtain(accountId: string | number, force: boolean): Promise<string> {
    const { provider: providerName, tokens } = await this.load(accountId);
    if (!tokens) throw await this.requireReauth(accountId, 'This account has no stored authorization. Reconnect it.');
    const fresh = tokens.expiresAt ? tokens.expiresAt - this.now() > REFRESH_SKEW_MS : false;
    if (!force && fresh && tokens.accessToken) return tokens.accessToken;
    const provider = await this.providerFor(providerName);
    try {
      const refreshed = await provider.refresh(tokens);
      await this.save(accountId, refreshed);
      return refreshed.accessToken;
    } catch (e) {
      if (isProviderError(e) && e.code === 'REAUTH_REQUIRED') {
        throw await this.requireReauth(accountId, 'Access to this mailbox was revoked or has expired. Reconnect the account to resume syncing.');
      }
      if (isProviderError(e) && e.code === 'INVALID_CLIENT') {
        await this.clientRejected(accountId, providerName, e);
      }
      throw e;
    }
  }

  /** Shown on the account in the sync's own words; tokens stay, a paused account stays paused. */
  private async clientRejected(accountId: string | number, provider: ProviderName, error: ProviderError): Promise<void> {
    const { status, statusCode, statusMessage } = failureStatus(error, provider, new Date(this.now()));
    await this.db
      .getModel('mailAccounts')
      .update({ status, statusCode, statusMessage }, { where: { id: accountId, status: { [Op.notIn]: ['paused', 'reauth_required'] } } });
  }

  private async requireReauth(accountId: string | number, message: string): Promise<ReauthorizationRequiredError> {
    await this.repo().update({ filterByTk: accountId, values: { status: 'reauth_required', statusCode: 'REAUTH_REQUIRED', statusMessage: message } });
    return new ReauthorizationRequiredError(message);
  }
}
