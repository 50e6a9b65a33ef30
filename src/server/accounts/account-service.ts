/**
 * The account lifecycle: link (or reconnect) after OAuth, list, pause / resume,
 * delete (revoking at the provider where possible and removing the synced
 * mail), and building an authenticated, rate-limited mailbox client.
 */
import { Op, type Database, type Transaction } from '@nocobase/database';
import { UserFacingError } from '../http/errors';
import type { TokenVault } from '../oauth/token-vault';
import type { AccountContext, ExchangeResult, MailboxClient, MailProvider, ProviderName, ScheduleFn } from '../providers/types';
import { createAccountLimiter, type AccountLimiter } from '../sync/limits/account-limiter';


type Row = { get(key: string): unknown };

/** Everything the account's mail lives in, deleted with the account. */
const DEPENDENT_COLLECTIONS = [
  'mailParticipants',
  'mailAttachments',
  'mailThreadFolders',
  'mailMessages',
  'mailThreads',
  'mailFolders',
  'mailSyncRuns',
  'mailSkippedMessages',
  'mailOutbox',
] as const;

export interface LinkInput {
  userId: string | number;
  provider: ProviderName;
  result: ExchangeResult;
  /** Reconnecting a known account: the signed-in mailbox must be the same one. */
  reconnectAccountId?: string | null;
  syncFrom: Date;
}

export class AccountService {
  private readonly limiters = new Map<string, AccountLimiter>();

  constructor(
    private readonly db: Database,
    private readonly vault: TokenVault,
    private readonly providerFor: (name: ProviderName) => Promise<MailProvider>,
  ) {}

  private repo() {
    return this.db.getRepository('mailAccounts');
  }

  async find(accountId: string | number): Promise<Row | null> {
    return (await this.repo().findOne({ filterByTk: accountId })) as Row | null;
  }

  async mustFind(accountId: string | number): Promise<Row> {
    const row = await this.find(accountId);
    if (!row) throw new UserFacingError(404, 'ACCOUNT_NOT_FOUND', 'This mail account does not exist or was deleted.');
    return row;
  }

  /** Creates the account, or reconnects the existing one for the same address (same mail, same cursor). */
  async link(input: LinkInput): Promise<{ account: Row; isNew: boolean }> {
    const address = input.result.profile.address.trim().toLowerCase();
    if (input.reconnectAccountId) {
      const target = await this.mustFind(input.reconnectAccountId);
      if (String(target.get('address')) !== address || String(target.get('provider')) !== input.provider) {
        throw new UserFacingError(
          400,
          'WRONG_MAILBOX',
          `You signed in as ${address}, but this account is ${String(target.get('address'))}. Reconnect with ${String(target.get('address'))}, or link ${address} as a new account.`,
        );
      }
    }
    const existing = (await this.repo().findOne({ filter: { userId: input.userId, provider: input.provider, address } })) as Row | null;
    const profileValues = {
      displayName: input.result.profile.displayName ?? null,
      aliases: input.result.profile.aliases ?? [],
      providerAccountId: input.result.profile.providerAccountId ?? null,
    };
    if (existing) {
      const id = existing.get('id') as string | number;
      const hasCursor = Boolean(existing.get('cursor'));
      await this.repo().update({
        filterByTk: id,
        values: { ...profileValues, status: hasCursor ? 'active' : 'syncing', statusCode: null, statusMessage: null, syncRequested: true },
      });
      await this.vault.save(id, input.result.tokens);
      return { account: await this.mustFind(id), isNew: false };
    }
    const created = (await this.repo().create({
      values: {
        userId: input.userId,
        provider: input.provider,
        address,
        ...profileValues,
        status: 'syncing',
        syncFrom: input.syncFrom,
        syncRequested: true,
      },
    })) as Row;
    await this.vault.save(created.get('id') as string | number, input.result.tokens);
    return { account: await this.mustFind(created.get('id') as string | number), isNew: true };
  }

  async listForUser(userId: string | number | null): Promise<Row[]> {
    return (await this.repo().find({ filter: userId === null ? {} : { userId }, sort: ['createdAt'] })) as Row[];
  }

  async setSyncFrom(accountId: string | number, syncFrom: Date): Promise<{ widened: boolean }> {
    const row = await this.mustFind(accountId);
    const previous = row.get('syncFrom') ? new Date(row.get('syncFrom') as string) : null;
    await this.repo().update({ filterByTk: accountId, values: { syncFrom } });
    return { widened: !previous || syncFrom.getTime() < previous.getTime() };
  }

  async setStatus(accountId: string | number, values: Record<string, unknown>): Promise<void> {
    await this.repo().update({ filterByTk: accountId, values });
  }

  /**
   * A provider's OAuth client settings were saved: accounts that provider's
   * client rejection stopped (INVALID_CLIENT) are asked to sync again now.
   * Their refresh tokens were kept, so nobody reconnects.
   */
  async retryAfterClientChange(provider: string, transaction?: Transaction): Promise<number> {
    const [changed] = await this.db
      .getModel('mailAccounts')
      .update({ syncRequested: true }, { where: { provider, statusCode: 'INVALID_CLIENT', status: { [Op.ne]: 'paused' } }, transaction });
    return changed;
  }

  async pause(accountId: string | number): Promise<void> {
    await this.setStatus(accountId, { status: 'paused', statusCode: null, statusMessage: null, syncRequested: false });
  }

  async resume(accountId: string | number): Promise<void> {
    await this.setStatus(accountId, { status: 'active', statusCode: null, statusMessage: null, syncRequested: true });
  }

  /** Revokes at the provider (best effort: deletion never fails because the provider is down), then removes everything. */
  async remove(accountId: string | number): Promise<{ revoked: boolean }> {
    const row = await this.mustFind(accountId);
    let revoked = false;
    try {
      const { tokens } = await this.vault.load(accountId);
      if (tokens) {
        const provider = await this.providerFor(row.get('provider') as ProviderName);
        await provider.revoke(tokens);
        revoked = true;
      }
    } catch {
      revoked = false;
    }
    await this.db.sequelize.transaction(async (transaction) => {
      for (const name of DEPENDENT_COLLECTIONS) {
        await this.db.getModel(name).destroy({ where: { accountId }, transaction });
      }
      await this.db.getModel('mailAccounts').destroy({ where: { id: accountId }, transaction });
    });
    this.limiters.delete(String(accountId));
    return { revoked };
  }

  limiterFor(accountId: string | number, provider: ProviderName): AccountLimiter {
    const key = String(accountId);
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = createAccountLimiter(provider);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  /**
   * An authenticated, quota-aware client for one account's mailbox. The sync
   * engine passes its own per-account limiter in `hooks`; user actions use ours.
   */
  async mailboxFor(accountId: string | number, hooks?: { schedule?: ScheduleFn }): Promise<MailboxClient> {
    const row = await this.mustFind(accountId);
    const providerName = row.get('provider') as ProviderName;
    const provider = await this.providerFor(providerName);
    const limiter = this.limiterFor(accountId, providerName);
    const context: AccountContext = {
      accountId,
      address: String(row.get('address')),
      getAccessToken: (force?: boolean) => this.vault.getAccessToken(accountId, force),
      schedule: hooks?.schedule ?? ((method, fn, call) => limiter.schedule(method, fn, call)),
    };
    return provider.forAccount(context);
  }
}
