import React, { useState } from 'react';
import { Alert, Button, Form, Input, Select, Switch, Typography, message } from 'antd';
import { MailApiError, ProviderSettingsInput, ProviderSettingsView, useMailApi } from '../api';
import { useMailTranslation } from '../locale';

interface FormValues {
  enabled: boolean;
  clientId: string;
  clientSecret?: string;
  tenant?: string;
  cloud?: string;
}

const CONSOLE_HINT: Record<ProviderSettingsView['provider'], string> = {
  google: 'Create an OAuth client of type "Web application" in Google Cloud Console → APIs & Services → Credentials, enable the Gmail API, and add the redirect URI below.',
  microsoft:
    'Register an app in Microsoft Entra admin center → App registrations (platform "Web"), add the redirect URI below, and create a client secret under Certificates & secrets.',
};

/** The fields each provider's form shows: a server error about one of them is shown on it. */
const PROVIDER_FIELDS: Record<ProviderSettingsView['provider'], ReadonlyArray<keyof FormValues>> = {
  google: ['enabled', 'clientId', 'clientSecret'],
  microsoft: ['enabled', 'clientId', 'clientSecret', 'tenant', 'cloud'],
};

export function ProviderSettingsForm({ value, onSaved }: { value: ProviderSettingsView; onSaved: (v: ProviderSettingsView) => void }) {
  const { t } = useMailTranslation();
  const api = useMailApi();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const provider = value.provider;

  const submit = async (values: FormValues) => {
    setSaving(true);
    setError(null);
    try {
      const input: ProviderSettingsInput = {
        provider,
        enabled: values.enabled,
        clientId: values.clientId ?? '',
        ...(values.clientSecret ? { clientSecret: values.clientSecret } : {}),
        ...(provider === 'microsoft' ? { tenant: values.tenant, cloud: values.cloud } : {}),
      };
      const saved = await api.saveProvider(input);
      form.setFieldValue('clientSecret', '');
      onSaved(saved);
      message.success(t('Saved'));
    } catch (e) {
      const err = e instanceof MailApiError ? e : new MailApiError(String(e));
      // Once: next to the field it concerns, or above the button when it concerns no field shown here.
      const field = err.field as keyof FormValues | undefined;
      if (field && PROVIDER_FIELDS[provider].includes(field)) form.setFields([{ name: field, errors: [err.message] }]);
      else setError(err.message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      style={{ maxWidth: 640 }}
      data-testid={`mail-settings-form-${provider}`}
      initialValues={{ enabled: value.enabled || !value.clientId, clientId: value.clientId, clientSecret: '', tenant: value.tenant, cloud: value.cloud }}
      onFinish={submit}
    >
      <Typography.Paragraph type="secondary">{t(CONSOLE_HINT[provider])}</Typography.Paragraph>
      <Form.Item name="enabled" label={t('Enabled')} valuePropName="checked">
        <Switch data-testid={`mail-${provider}-enabled`} />
      </Form.Item>
      <Form.Item name="clientId" label={t('Client ID')} rules={[{ whitespace: true, message: t('Client ID must not be blank') }]}>
        <Input autoComplete="off" data-testid={`mail-${provider}-client-id`} />
      </Form.Item>
      <Form.Item
        name="clientSecret"
        label={t('Client Secret')}
        extra={value.clientSecretSet ? t('A secret is set. Leave blank to keep it; type a new one to replace it.') : t('Not set')}
      >
        <Input.Password
          autoComplete="new-password"
          placeholder={value.clientSecretSet ? t('Set (hidden)') : ''}
          data-testid={`mail-${provider}-client-secret`}
        />
      </Form.Item>
      {provider === 'microsoft' && (
        <>
          <Form.Item name="tenant" label={t('Tenant')} extra={t('"common" lets any work, school or personal account sign in; use your tenant ID or domain to restrict it.')}>
            <Input data-testid="mail-microsoft-tenant" />
          </Form.Item>
          <Form.Item name="cloud" label={t('Cloud')}>
            <Select
              data-testid="mail-microsoft-cloud"
              options={[
                { value: 'global', label: t('Global (login.microsoftonline.com)') },
                { value: 'usgov', label: t('US Government (login.microsoftonline.us)') },
                { value: 'china', label: t('China, operated by 21Vianet (login.chinacloudapi.cn)') },
              ]}
            />
          </Form.Item>
        </>
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid={`mail-${provider}-error`} />}
      <Button type="primary" htmlType="submit" loading={saving} data-testid={`mail-${provider}-save`}>
        {t('Save')}
      </Button>
    </Form>
  );
}
