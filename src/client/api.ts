/**
 * Typed calls to the plugin's server actions. Components depend on `MailApi`,
 * never on the host's HTTP client directly, so they are testable without a host.
 */
import { createContext, useContext } from 'react';
import type { APIClient } from '@nocobase/client';

import type { MailAccountView, ProviderName, ProviderSettingsView } from '../shared/wire-types';

export type { ProviderName };

export type { ProviderSettingsView };

export interface GeneralSettings {
  syncIntervalMinutes: number;
  defaultSyncWindowDays: number;
  attachmentSizeLimitMb: number;
}

export interface SettingsSnapshot {
  providers: ProviderSettingsView[];
  general: GeneralSettings;
  redirectUri: string;
}

export interface ProviderSettingsInput {
  provider: ProviderName;
  enabled: boolean;
  clientId: string;
  clientSecret?: string;
  tenant?: string;
  cloud?: string;
}

/** An error the server explained: show `message`, highlight `field` when present. */
export class MailApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly field?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MailApiError';
  }
}

export interface MailApi {
  getSettings(): Promise<SettingsSnapshot>;
  saveProvider(input: ProviderSettingsInput): Promise<ProviderSettingsView>;
  saveGeneral(input: GeneralSettings): Promise<GeneralSettings>;
}

interface ErrorBody {
  errors?: Array<{ message?: string; code?: string; field?: string }>;
}

function toMailApiError(e: unknown): MailApiError {
  const response = (e as { response?: { status?: number; data?: ErrorBody } }).response;
  const first = response?.data?.errors?.[0];
  if (first?.message) return new MailApiError(first.message, first.code, first.field, response?.status);
  if (response?.status) return new MailApiError(`The server answered ${response.status}.`, undefined, undefined, response.status);
  return new MailApiError('The server could not be reached. Check your connection and try again.');
}

/** NocoBase wraps action results in `{ data: ... }`. */
async function call<T>(client: APIClient, url: string, data?: unknown): Promise<T> {
  try {
    const res = await client.request<{ data: T }>({ url, method: data === undefined ? 'get' : 'post', data, skipNotify: true });
    return res.data.data;
  } catch (e) {
    throw toMailApiError(e);
  }
}

export function createMailApi(client: APIClient): MailApi {
  return {
    getSettings: () => call<SettingsSnapshot>(client, 'mailSettings:get'),
    saveProvider: (input) => call<ProviderSettingsView>(client, 'mailSettings:set', input),
    saveGeneral: (input) => call<GeneralSettings>(client, 'mailSettings:setGeneral', input),
  };
}

export const MailApiContext = createContext<MailApi | null>(null);

export function useMailApi(): MailApi {
  const api = useContext(MailApiContext);
  if (!api) throw new Error('MailApiContext is missing: render inside <MailApiProvider>.');
  return api;
}

// ---- accounts -------------------------------------------------------------

export type { AccountStatus, MailAccountView } from '../shared/wire-types';

export interface CallbackParams {
  state: string;
  code?: string;
  error?: string;
  error_description?: string;
}

export interface CallbackResult {
  account: MailAccountView;
  isNew: boolean;
  returnTo: string | null;
}

export interface AccountsApi {
  providers(): Promise<Array<{ provider: ProviderName; configured: boolean }>>;
  listAccounts(): Promise<MailAccountView[]>;
  authorize(input: { provider: ProviderName; accountId?: string; returnTo?: string }): Promise<{ url: string }>;
  callback(params: CallbackParams): Promise<CallbackResult>;
  setSyncFrom(accountId: string, syncFrom: string): Promise<MailAccountView>;
  pause(accountId: string): Promise<MailAccountView>;
  resume(accountId: string): Promise<MailAccountView>;
  syncNow(accountId: string, kind?: 'sync' | 'resync'): Promise<{ queued: boolean }>;
  remove(accountId: string): Promise<{ revoked: boolean }>;
}

export function createAccountsApi(client: APIClient): AccountsApi {
  const tk = (id: string) => `filterByTk=${encodeURIComponent(id)}`;
  return {
    providers: () => call(client, 'mailSettings:providers'),
    listAccounts: () => call(client, 'mailAccounts:list'),
    authorize: (input) => call(client, 'mailAccounts:authorize', input),
    callback: (params) => call(client, 'mailAccounts:callback', params),
    setSyncFrom: (id, syncFrom) => call(client, `mailAccounts:setSyncFrom?${tk(id)}`, { syncFrom }),
    pause: (id) => call(client, `mailAccounts:pause?${tk(id)}`, {}),
    resume: (id) => call(client, `mailAccounts:resume?${tk(id)}`, {}),
    syncNow: (id, kind = 'sync') => call(client, `mailAccounts:syncNow?${tk(id)}&kind=${kind}`, {}),
    remove: (id) => call(client, `mailAccounts:destroy?${tk(id)}`, {}),
  };
}

export const AccountsApiContext = createContext<AccountsApi | null>(null);

export function useAccountsApi(): AccountsApi {
  const api = useContext(AccountsApiContext);
  if (!api) throw new Error('AccountsApiContext is missing: render inside <MailApiProvider>.');
  return api;
}

// ---- shared with the mailbox API (src/client/mailbox-api.ts) ----------------
export { call as callMailAction, toMailApiError };
