import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Card, Spin, Tabs, Typography } from 'antd';
import { MailApiError, ProviderSettingsView, SettingsSnapshot, useMailApi } from '../api';
import { useMailTranslation } from '../locale';
import { GeneralSettingsForm } from './GeneralSettingsForm';
import { ProviderSettingsForm } from './ProviderSettingsForm';

const PROVIDER_TITLES: Record<ProviderSettingsView['provider'], string> = { google: 'Google', microsoft: 'Microsoft' };

/** Settings → Email settings: OAuth apps per provider, and how sync behaves. */
export function EmailSettingsPage() {
  const { t } = useMailTranslation();
  const api = useMailApi();
  const [snapshot, setSnapshot] = useState<SettingsSnapshot | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setSnapshot(await api.getSettings());
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof MailApiError ? e.message : String(e));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  if (loadError) {
    return <Alert type="error" showIcon message={t('Could not load email settings')} description={loadError} data-testid="mail-settings-load-error" />;
  }
  if (!snapshot) return <Spin />;

  const replaceProvider = (saved: ProviderSettingsView) =>
    setSnapshot((s) => (s ? { ...s, providers: s.providers.map((p) => (p.provider === saved.provider ? saved : p)) } : s));

  return (
    <Card variant="borderless" data-testid="mail-settings-page">
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 24 }}
        message={t('Redirect URI to register at Google and Microsoft')}
        description={
          <Typography.Text copyable={{ text: snapshot.redirectUri }} code data-testid="mail-redirect-uri">
            {snapshot.redirectUri}
          </Typography.Text>
        }
      />
      <Tabs
        items={[
          ...snapshot.providers.map((p) => ({
            key: p.provider,
            label: (
              <span data-testid={`mail-tab-${p.provider}`}>
                {PROVIDER_TITLES[p.provider]} {p.configured ? '✓' : ''}
              </span>
            ),
            children: <ProviderSettingsForm key={p.provider} value={p} onSaved={replaceProvider} />,
          })),
          {
            key: 'general',
            label: <span data-testid="mail-tab-general">{t('General')}</span>,
            children: <GeneralSettingsForm value={snapshot.general} onSaved={(general) => setSnapshot((s) => (s ? { ...s, general } : s))} />,
          },
        ]}
      />
    </Card>
  );
}
