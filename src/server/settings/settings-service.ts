/**
 * Reads and writes the admin's provider and general settings. The client
 * secret is sealed before it is stored and only ever leaves this service as
 * "set / not set"; `credentials()` is for server-side use only.
 */
import { UserFacingError } from '../http/errors';
import type { Database } from '@nocobase/database';
import type { SecretBox } from '../oauth/secret-box';
import type { ProviderSettingsView } from '../../shared/wire-types';
import type { ProviderName } from '../providers/types';
import {
  GENERAL_DEFAULTS,
  NormalizedGeneralSettings,
  PROVIDERS,
  ProviderSettingsInput,
  GeneralSettingsInput,
  MicrosoftCloud,
  validateGeneralSettings,
  validateProviderSettings,
} from './validate';

export type { ProviderSettingsView };

export interface ProviderCredentialsRecord {
  clientId: string;
  clientSecret: string;
  tenant: string;
  cloud: MicrosoftCloud;
}

/** A user-facing 400 wherever it surfaces (linking, sending, acting on mail): an admin has to act. */
export class ProviderNotConfiguredError extends UserFacingError {
  constructor(readonly provider: ProviderName) {
    super(
      400,
      'PROVIDER_NOT_CONFIGURED',
      `${provider === 'google' ? 'Google' : 'Microsoft'} is not configured yet. Ask an administrator to enter its Client ID and Client Secret under Settings → Email settings.`,
    );
    this.name = 'ProviderNotConfiguredError';
  }
}

type Row = { get(key: string): unknown };

export class MailSettingsService {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  private repo() {
    return this.db.getRepository('mailSettings');
  }

  private async row(provider: ProviderName): Promise<Row | null> {
    return (await this.repo().findOne({ filter: { provider } })) as Row | null;
  }

  private view(provider: ProviderName, row: Row | null): ProviderSettingsView {
    const clientId = String(row?.get('clientId') ?? '');
    const clientSecretSet = Boolean(row?.get('clientSecret'));
    const enabled = row ? row.get('enabled') !== false : false;
    return {
      provider,
      enabled,
      clientId,
      clientSecretSet,
      tenant: String(row?.get('tenant') || 'common'),
      cloud: (row?.get('cloud') as MicrosoftCloud) || 'global',
      configured: enabled && Boolean(clientId) && clientSecretSet,
    };
  }

  async list(): Promise<ProviderSettingsView[]> {
    return Promise.all(PROVIDERS.map(async (p) => this.view(p, await this.row(p))));
  }

  async save(input: ProviderSettingsInput): Promise<ProviderSettingsView> {
    const existing = typeof input.provider === 'string' && (PROVIDERS as readonly string[]).includes(input.provider)
      ? await this.row(input.provider as ProviderName)
      : null;
    const valid = validateProviderSettings(input, Boolean(existing?.get('clientSecret')));
    const values: Record<string, unknown> = {
      provider: valid.provider,
      enabled: valid.enabled,
      clientId: valid.clientId,
      tenant: valid.tenant,
      cloud: valid.cloud,
    };
    if (valid.clientSecret) values.clientSecret = await this.box.seal(valid.clientSecret);
    if (existing) {
      await this.repo().update({ filter: { provider: valid.provider }, values });
    } else {
      await this.repo().create({ values });
    }
    return this.view(valid.provider, await this.row(valid.provider));
  }

  /** Decrypted credentials for the OAuth flow; throws a user-facing error when missing. */
  async credentials(provider: ProviderName): Promise<ProviderCredentialsRecord> {
    const row = await this.row(provider);
    const view = this.view(provider, row);
    if (!row || !view.configured) throw new ProviderNotConfiguredError(provider);
    const clientSecret = await this.box.open(row.get('clientSecret') as string);
    if (!clientSecret) throw new ProviderNotConfiguredError(provider);
    return { clientId: view.clientId, clientSecret, tenant: view.tenant, cloud: view.cloud };
  }

  async general(): Promise<NormalizedGeneralSettings> {
    const row = (await this.db.getRepository('mailGeneralSettings').findOne({})) as Row | null;
    if (!row) return { ...GENERAL_DEFAULTS, supervisorRoles: [] };
    return {
      syncIntervalMinutes: Number(row.get('syncIntervalMinutes') ?? GENERAL_DEFAULTS.syncIntervalMinutes),
      defaultSyncWindowDays: Number(row.get('defaultSyncWindowDays') ?? GENERAL_DEFAULTS.defaultSyncWindowDays),
      attachmentSizeLimitMb: Number(row.get('attachmentSizeLimitMb') ?? GENERAL_DEFAULTS.attachmentSizeLimitMb),
      supervisorRoles: (row.get('supervisorRoles') as string[] | null) ?? [],
    };
  }

  async saveGeneral(input: GeneralSettingsInput): Promise<NormalizedGeneralSettings> {
    // Fields left out of a save keep their stored values.
    const values = validateGeneralSettings({ ...(await this.general()), ...input });
    const repo = this.db.getRepository('mailGeneralSettings');
    const row = (await repo.findOne({})) as (Row & { get(key: 'id'): number }) | null;
    if (row) {
      await repo.update({ filterByTk: row.get('id') as number, values });
    } else {
      await repo.create({ values });
    }
    return this.general();
  }
}
