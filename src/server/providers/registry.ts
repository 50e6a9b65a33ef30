/**
 * Builds the provider adapter for an admin's settings: picks the endpoints
 * (production, sovereign cloud, or MAIL_* overrides) and the credentials.
 */
import type { MicrosoftCloud } from '../settings/validate';
import { DEFAULT_ENDPOINTS, resolveEndpoints } from './endpoints';
import { createGoogleProvider } from './google';
import { createMicrosoftProvider } from './microsoft';
import type { MailProvider, ProviderCredentials, ProviderEndpoints, ProviderName } from './types';

const MICROSOFT_CLOUDS: Record<MicrosoftCloud, { authority: string; graph: string }> = {
  global: { authority: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usgov: { authority: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  china: { authority: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
};

/** Explicit MAIL_* overrides win; otherwise the chosen Microsoft cloud decides its hosts. */
export function endpointsFor(cloud: MicrosoftCloud, env: NodeJS.ProcessEnv = process.env): ProviderEndpoints {
  const resolved = resolveEndpoints(env);
  const hosts = MICROSOFT_CLOUDS[cloud] ?? MICROSOFT_CLOUDS.global;
  return {
    ...resolved,
    microsoftAuthorityUrl: resolved.microsoftAuthorityUrl === DEFAULT_ENDPOINTS.microsoftAuthorityUrl ? hosts.authority : resolved.microsoftAuthorityUrl,
    graphApiUrl: resolved.graphApiUrl === DEFAULT_ENDPOINTS.graphApiUrl ? hosts.graph : resolved.graphApiUrl,
  };
}

export interface ProviderSettingsForRegistry extends ProviderCredentials {
  cloud: MicrosoftCloud;
}

export function createProvider(name: ProviderName, settings: ProviderSettingsForRegistry, env: NodeJS.ProcessEnv = process.env): MailProvider {
  const endpoints = endpointsFor(settings.cloud, env);
  const credentials: ProviderCredentials = { clientId: settings.clientId, clientSecret: settings.clientSecret, tenant: settings.tenant };
  return name === 'google' ? createGoogleProvider({ credentials, endpoints }) : createMicrosoftProvider({ credentials, endpoints });
}
