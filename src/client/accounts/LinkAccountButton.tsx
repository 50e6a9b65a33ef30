import React, { useEffect, useState } from 'react';
import { Button, Dropdown, message } from 'antd';
import { MailApiError, ProviderName, useAccountsApi } from '../api';
import { useMailTranslation } from '../locale';

export const PROVIDER_LABELS: Record<ProviderName, string> = { google: 'Google (Gmail)', microsoft: 'Microsoft (Outlook)' };

/** Sends the browser to the provider's consent page; it comes back to the OAuth callback route. */
export async function startLinking(
  api: ReturnType<typeof useAccountsApi>,
  input: { provider: ProviderName; accountId?: string },
  navigate: (url: string) => void = (url) => window.location.assign(url),
) {
  const returnTo = `${window.location.pathname}${window.location.search}`;
  const { url } = await api.authorize({ ...input, returnTo });
  navigate(url);
}

export function LinkAccountButton() {
  const { t } = useMailTranslation();
  const api = useAccountsApi();
  // null while loading: a provider is only called "not configured" once the server said so.
  const [providers, setProviders] = useState<Array<{ provider: ProviderName; configured: boolean }> | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.providers().then(setProviders, () => setProviders([]));
  }, [api]);

  const link = async (provider: ProviderName) => {
    setBusy(true);
    try {
      await startLinking(api, { provider });
    } catch (e) {
      message.error(e instanceof MailApiError ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        onClick: ({ key }) => void link(key as ProviderName),
        items: (['google', 'microsoft'] as ProviderName[]).map((p) => {
          const configured = providers?.find((x) => x.provider === p)?.configured ?? false;
          const note = providers === null ? ' …' : configured ? '' : ` — ${t('not configured: ask an administrator to set it up in Email settings')}`;
          return {
            key: p,
            disabled: !configured,
            label: (
              <span data-testid={`mail-link-${p}`}>
                {PROVIDER_LABELS[p]}
                {note}
              </span>
            ),
          };
        }),
      }}
    >
      <Button type="primary" loading={busy} data-testid="mail-link-account">
        {t('Link account')}
      </Button>
    </Dropdown>
  );
}
