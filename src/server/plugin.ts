/**
 * Server lifecycle of Email manager: wiring only. Collections load from
 * ./collections by the host; behaviour lives in the modules wired here.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from '@nocobase/actions';
import type { Transaction } from '@nocobase/database';
import { Plugin } from '@nocobase/server';
import { resolveStorageRoot } from '@nocobase/utils';
import { MailAccess } from './accounts/access';
import { keepIndexesAfterSync } from './db/indexes';
import { PLAIN_ROW_REFERENCES } from './db/row-references';
import { applySqliteWriteLocking } from './db/sqlite-locking';
import { AccountService } from './accounts/account-service';
import { mailAccountsActions, type SyncTrigger } from './actions/mail-accounts';
import { mailComposeActions } from './actions/mail-compose';
import { installMailRowScope, MAIL_COLLECTIONS, mailDataScope, outsideRequestScope } from './actions/mail-data-scope';
import { recordIdGuard } from './actions/params';
import { redactActionLog, scrubOAuthReferer } from './http/log-privacy';
import { mailMessagesActions } from './actions/mail-messages';
import { mailSettingsActions } from './actions/mail-settings';
import { isUserFacingError, renderUserFacingError } from './http/errors';
import { LinkFlow } from './oauth/link-flow';
import { SecretBox } from './oauth/secret-box';
import { OAuthStateStore } from './oauth/state-store';
import { TokenVault } from './oauth/token-vault';
import { createProvider } from './providers/registry';
import type { MailProvider, ProviderName } from './providers/types';
import { MailSettingsService } from './settings/settings-service';
import { createSyncEngine, type SyncEngine } from './sync';

interface Services {
  settings: MailSettingsService;
  vault: TokenVault;
  accounts: AccountService;
  access: MailAccess;
  linkFlow: LinkFlow;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class PluginEmailManagerServer extends Plugin {
  private services?: Services;
  /** Set once the sync engine is started; actions queue runs through it. */
  syncTrigger: SyncTrigger | null = null;
  syncEngine: SyncEngine | null = null;

  /** Built on first use: the app's AES encryptor exists only once the app is loading. */
  get mail(): Services {
    if (!this.services) this.services = this.buildServices();
    return this.services;
  }

  private buildServices(): Services {
    const encryptor = this.app.aesEncryptor;
    if (!encryptor) throw new Error('The app AES encryptor is not available yet.');
    const box = new SecretBox(encryptor);
    const settings = new MailSettingsService(this.db, box);
    const providerFor = async (name: ProviderName): Promise<MailProvider> => createProvider(name, { ...(await settings.credentials(name)) });
    const vault = new TokenVault(this.db, box, providerFor);
    const accounts = new AccountService(this.db, vault, providerFor);
    const access = new MailAccess(this.db, async () => (await settings.general()).supervisorRoles);
    const states = new OAuthStateStore(this.db, box);
    const linkFlow = new LinkFlow(states, accounts, providerFor, async () => {
      const days = (await settings.general()).defaultSyncWindowDays;
      return new Date(Date.now() - days * DAY_MS);
    });
    return { settings, vault, accounts, access, linkFlow };
  }

  override async beforeLoad() {
    // Before our collections are defined: SQLite drops their indexes on every sync; put them back each time.
    keepIndexesAfterSync(this.db, MAIL_COLLECTIONS, { plainReferences: PLAIN_ROW_REFERENCES, logger: this.app.logger });
  }

  override async load() {
    // Background sync writes while people use the app: make SQLite queue writers instead of failing them.
    applySqliteWriteLocking(this.db);
    this.registerErrorRenderer();
    this.app.use(scrubOAuthReferer(), { tag: 'mail-oauth-referer', before: 'logger' });
    const settingsActions = this.defineSettingsResources();
    this.defineAccountResources(settingsActions);
    // A start inside a request (enabling a plugin) must not tie the sync engine to that request's mail scope.
    this.app.on('afterStart', () => outsideRequestScope(() => this.startSync()));
    this.app.on('beforeStop', () => this.stopSync());
  }

  /**
   * Starts this process's sync engine (scheduler + runners). Every NocoBase node
   * runs one; leases in the database keep an account to one runner at a time.
   * MAIL_SYNC_AUTOSTART=0 leaves it off (tests start it themselves).
   */
  startSync(): SyncEngine {
    if (this.syncEngine) return this.syncEngine;
    const logger = this.app.logger;
    const engine = createSyncEngine({
      db: this.db,
      mailboxFor: (accountId, hooks) => this.mail.accounts.mailboxFor(accountId, hooks),
      // One limiter per account in this process, shared by sync runs and user actions.
      limiterFor: (accountId, provider) => this.mail.accounts.limiterFor(accountId, provider as ProviderName),
      logger: {
        info: (message, meta) => logger.info(message, { module: 'email-manager', ...meta }),
        warn: (message, meta) => logger.warn(message, { module: 'email-manager', ...meta }),
        error: (message, meta) => logger.error(message, { module: 'email-manager', ...meta }),
      },
    });
    this.syncEngine = engine;
    // Actions never wait for the queueing write; its failure is logged, not left to end the process.
    this.syncTrigger = { requestSync: (accountId, kind) => engine.scheduler.queueSync(accountId, kind) };
    // Saving a provider's client settings resumes the accounts its rejected client stopped (no reconnect).
    this.db.on('mailSettings.afterSave', async (row: { get(key: string): unknown }, options?: { transaction?: Transaction }) => {
      try {
        if (await this.mail.accounts.retryAfterClientChange(String(row.get('provider')), options?.transaction)) engine.scheduler.wake();
      } catch (e) {
        logger.error('could not resume accounts after the OAuth client settings changed', { module: 'email-manager', error: String(e) });
      }
    });
    if (process.env.MAIL_SYNC_AUTOSTART !== '0') engine.scheduler.start();
    return engine;
  }

  async stopSync() {
    await this.syncEngine?.scheduler.stop();
  }

  private defineSettingsResources() {
    const settings = mailSettingsActions(() => this.mail.settings);
    const settingsHandlers = {
      get: settings.get,
      set: settings.set,
      setGeneral: settings.setGeneral,
      providers: settings.providers,
      list: settings.closed,
      create: settings.closed,
      update: settings.closed,
      destroy: settings.closed,
    };
    const generalHandlers = { list: settings.closed, get: settings.closed, create: settings.closed, update: settings.closed, destroy: settings.closed };
    // Names first: the resourcer adds its default actions to the objects it is given.
    const own = [...Object.keys(settingsHandlers).map((a) => `mailSettings:${a}`), ...Object.keys(generalHandlers).map((a) => `mailGeneralSettings:${a}`)];
    this.app.resourceManager.define({ name: 'mailSettings', actions: settingsHandlers });
    this.app.resourceManager.define({ name: 'mailGeneralSettings', actions: generalHandlers });
    this.app.acl.registerSnippet({ name: 'pm.mail', actions: ['mailSettings:get', 'mailSettings:set', 'mailSettings:setGeneral'] });
    this.app.acl.allow('mailSettings', 'providers', 'loggedIn');
    return own;
  }

  private defineAccountResources(settingsActions: string[]) {
    // One key for the inline-image links both the message body and the compose form hand out.
    const linkSecret = process.env.APP_KEY || randomBytes(32).toString('hex');
    const mailDeps = {
      db: this.db,
      accounts: () => this.mail.accounts,
      access: () => this.mail.access,
      settings: () => this.mail.settings,
      storagePath: resolveStorageRoot(),
      linkSecret,
      requestSync: (accountId: string) => this.syncTrigger?.requestSync(accountId, 'sync'),
    };
    const messages = mailMessagesActions(mailDeps);
    const accounts = mailAccountsActions({
      accounts: () => this.mail.accounts,
      access: () => this.mail.access,
      linkFlow: () => this.mail.linkFlow,
      sync: () => this.syncTrigger,
      afterRemove: async (accountId) => {
        await messages.removeAccountFiles(accountId);
      },
    });
    const accountActions = ['list', 'get', 'authorize', 'callback', 'setSyncFrom', 'pause', 'resume', 'syncNow', 'destroy'] as const;
    const accountHandlers = {
      ...Object.fromEntries(accountActions.map((a) => [a, accounts[a]])),
      create: accounts.closed,
      update: accounts.closed,
    };
    const ownAccountActions = Object.keys(accountHandlers).map((a) => `mailAccounts:${a}`);
    this.app.resourceManager.define({ name: 'mailAccounts', actions: accountHandlers });
    // Every signed-in user manages their own mailboxes; handlers enforce ownership.
    this.app.acl.allow('mailAccounts', [...accountActions], 'loggedIn');

    const compose = mailComposeActions(mailDeps);
    this.app.resourceManager.registerActionHandlers(messages.handlers);
    this.app.resourceManager.registerActionHandlers(compose.handlers);
    for (const rule of [...messages.acl, ...compose.acl]) this.app.acl.allow(rule.resource, rule.actions, rule.role);
    for (const name of ['mailMessages', 'mailThreads', 'mailFolders', 'mailAttachments', 'mailParticipants', 'mailThreadFolders', 'mailSyncRuns', 'mailOutbox']) {
      this.app.acl.allow(name, ['list', 'get'], 'loggedIn');
    }
    // Mail is scoped to the caller on every route: rows in the database layer, writes and association sources here.
    installMailRowScope(this.db, () => this.mail.access);
    const ownActions = new Set([
      ...messages.actionNames,
      ...compose.actionNames,
      ...ownAccountActions,
      ...settingsActions,
    ]);
    // Malformed record ids get a 400 naming the field before the host (or a database) sees them.
    const guarded = new Set(['mailSettings', 'mailGeneralSettings', ...MAIL_COLLECTIONS]);
    // First of the plugin's middleware, so even refused requests log no secrets or mail (see http/log-privacy).
    const redact = redactActionLog(guarded);
    const guard = recordIdGuard(guarded);
    this.app.resourceManager.use((ctx, next) => redact(ctx as Context, next), { tag: 'mail-log-privacy', before: ['auth', 'validate-filter-params'] });
    this.app.resourceManager.use((ctx, next) => guard(ctx as Context, next), { tag: 'mail-record-ids', after: 'mail-log-privacy', before: 'validate-filter-params' });
    const scope = mailDataScope(this.db, ownActions);
    this.app.resourceManager.use((ctx, next) => scope(ctx as Context, next), { tag: 'mail-data-scope', after: 'acl' });
  }

  /** Lets the UI read `code` and `field` of our errors; the host's default renderer keeps status and message. */
  private registerErrorRenderer() {
    const errorHandler = this.pm.get('error-handler') as
      | { errorHandler?: { register(guard: (e: unknown) => boolean, render: typeof renderUserFacingError): void } }
      | undefined;
    errorHandler?.errorHandler?.register(isUserFacingError, renderUserFacingError);
  }
}

export default PluginEmailManagerServer;
