/**
 * Validation of what an admin types into Settings → Email settings. Pure, so
 * every message a user can meet is unit-tested.
 */
import type { MicrosoftCloudName } from '../../shared/wire-types';
import type { ProviderName } from '../providers/types';

export const PROVIDERS: readonly ProviderName[] = ['google', 'microsoft'] as const;
export const MICROSOFT_CLOUDS = ['global', 'usgov', 'china'] as const satisfies readonly MicrosoftCloudName[];
export type MicrosoftCloud = (typeof MICROSOFT_CLOUDS)[number];

/** As received: every field is checked here, whatever its type. */
export interface ProviderSettingsInput {
  provider: unknown;
  enabled?: boolean;
  clientId?: unknown;
  /** Omitted or empty: keep the stored secret. */
  clientSecret?: unknown;
  tenant?: unknown;
  cloud?: unknown;
}

export interface GeneralSettingsInput {
  syncIntervalMinutes?: unknown;
  defaultSyncWindowDays?: unknown;
  attachmentSizeLimitMb?: unknown;
  supervisorRoles?: unknown;
}

export class SettingsValidationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'SettingsValidationError';
    this.field = field;
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_ALIASES = ['common', 'organizations', 'consumers'];
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const LABELS: Record<string, string> = { clientId: 'Client ID', clientSecret: 'Client Secret', tenant: 'Tenant', cloud: 'Cloud' };

/** A text field of the form: absent is empty; anything but text, control characters or a huge value is refused. */
function textInput(field: keyof typeof LABELS, value: unknown, max = 1000): string {
  if (value === undefined || value === null) return '';
  const label = LABELS[field];
  if (typeof value !== 'string') throw new SettingsValidationError(field, `${label} must be text.`);
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value)) {
    throw new SettingsValidationError(field, `${label} contains invisible control characters. Copy it again from the provider console.`);
  }
  if (value.length > max) throw new SettingsValidationError(field, `${label} is longer than ${max} characters.`);
  return value.trim();
}

export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

export interface NormalizedProviderSettings {
  provider: ProviderName;
  enabled: boolean;
  clientId: string;
  clientSecret?: string;
  tenant: string;
  cloud: MicrosoftCloud;
}

/**
 * Checks and normalizes one provider's settings. `hasStoredSecret` lets an admin
 * change the client id without retyping the secret.
 */
export function validateProviderSettings(input: ProviderSettingsInput, hasStoredSecret: boolean): NormalizedProviderSettings {
  if (!isProviderName(input.provider)) {
    throw new SettingsValidationError('provider', `Unknown provider "${String(input.provider)}". Use "google" or "microsoft".`);
  }
  const provider = input.provider;
  const enabled = input.enabled !== false;
  const clientId = textInput('clientId', input.clientId);
  const clientSecret = textInput('clientSecret', input.clientSecret);
  const tenant = (textInput('tenant', input.tenant, 300) || 'common').toLowerCase();
  const cloud = (textInput('cloud', input.cloud, 40) || 'global') as MicrosoftCloud;

  if (enabled && !clientId) {
    throw new SettingsValidationError('clientId', 'Client ID is required to enable this provider.');
  }
  if (clientId && /\s/.test(clientId)) {
    throw new SettingsValidationError('clientId', 'Client ID must not contain spaces. Copy it again from the provider console.');
  }
  if (enabled && !clientSecret && !hasStoredSecret) {
    throw new SettingsValidationError('clientSecret', 'Client Secret is required to enable this provider.');
  }
  if (clientSecret && /\s/.test(clientSecret)) {
    throw new SettingsValidationError('clientSecret', 'Client Secret must not contain spaces. Copy the secret value (not its ID) again.');
  }
  if (provider === 'google' && clientId && clientId.length > 200) {
    throw new SettingsValidationError('clientId', 'This does not look like a Google OAuth client ID (it ends with .apps.googleusercontent.com).');
  }
  if (provider === 'microsoft') {
    if (clientId && !GUID.test(clientId)) {
      throw new SettingsValidationError(
        'clientId',
        'The Microsoft Application (client) ID is a GUID such as 1b2c3d4e-0000-1111-2222-333344445555. Copy it from the app registration overview.',
      );
    }
    if (!TENANT_ALIASES.includes(tenant) && !GUID.test(tenant) && !DOMAIN.test(tenant)) {
      throw new SettingsValidationError('tenant', 'Tenant must be "common", "organizations", "consumers", a tenant ID (GUID) or a domain such as contoso.onmicrosoft.com.');
    }
    if (!(MICROSOFT_CLOUDS as readonly string[]).includes(cloud)) {
      throw new SettingsValidationError('cloud', 'Cloud must be one of: global, usgov, china.');
    }
  }
  return {
    provider,
    enabled,
    clientId,
    ...(clientSecret ? { clientSecret } : {}),
    tenant: provider === 'microsoft' ? tenant : 'common',
    cloud: provider === 'microsoft' ? cloud : 'global',
  };
}

export interface NormalizedGeneralSettings {
  syncIntervalMinutes: number;
  defaultSyncWindowDays: number;
  attachmentSizeLimitMb: number;
  supervisorRoles: string[];
}

export const GENERAL_DEFAULTS: Readonly<NormalizedGeneralSettings> = Object.freeze({
  syncIntervalMinutes: 5,
  defaultSyncWindowDays: 30,
  attachmentSizeLimitMb: 25,
  supervisorRoles: [],
});

type NumericGeneralField = 'syncIntervalMinutes' | 'defaultSyncWindowDays' | 'attachmentSizeLimitMb';

function roleNames(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !v.trim())) {
    throw new SettingsValidationError('supervisorRoles', 'Supervisor roles must be a list of role names.');
  }
  return [...new Set(value.map((v: string) => v.trim()))];
}

/**
 * A whole number in range, never adjusted: 0, -5, 2.5, "1e2" or "0x10" are refused
 * with the allowed range rather than clamped, rounded or read some other way.
 * Left out (undefined): the default; sent empty (null, ""): refused.
 */
function wholeNumber(field: NumericGeneralField, value: unknown, min: number, max: number, label: string): number {
  if (value === undefined) return GENERAL_DEFAULTS[field];
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d{1,12}\s*$/.test(value) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new SettingsValidationError(field, `${label} must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

export function validateGeneralSettings(input: GeneralSettingsInput): NormalizedGeneralSettings {
  return {
    syncIntervalMinutes: wholeNumber('syncIntervalMinutes', input.syncIntervalMinutes, 1, 1440, 'Sync interval (minutes)'),
    defaultSyncWindowDays: wholeNumber('defaultSyncWindowDays', input.defaultSyncWindowDays, 1, 3650, 'Default sync window (days)'),
    attachmentSizeLimitMb: wholeNumber('attachmentSizeLimitMb', input.attachmentSizeLimitMb, 1, 150, 'Attachment size limit (MB)'),
    supervisorRoles: roleNames(input.supervisorRoles),
  };
}

/** The app page Google and Microsoft send the browser back to, with the one-time code and state in its query. */
export const OAUTH_CALLBACK_PATH = '/admin/settings/mail/oauth2';

/** The redirect URI an admin registers at Google and Microsoft. */
export function redirectUriFor(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, '')}${OAUTH_CALLBACK_PATH}`;
}
