import React, { useState } from 'react';
import { Alert, Button, Form, InputNumber, message } from 'antd';
import { GeneralSettings, MailApiError, useMailApi } from '../api';
import { useMailTranslation } from '../locale';

const GENERAL_FIELDS = ['syncIntervalMinutes', 'defaultSyncWindowDays', 'attachmentSizeLimitMb'] as const;

export function GeneralSettingsForm({ value, onSaved }: { value: GeneralSettings; onSaved: (v: GeneralSettings) => void }) {
  const { t } = useMailTranslation();
  const api = useMailApi();
  const [form] = Form.useForm<GeneralSettings>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: GeneralSettings) => {
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.saveGeneral(values));
      message.success(t('Saved'));
    } catch (e) {
      const err = e instanceof MailApiError ? e : new MailApiError(String(e));
      // Once: next to the field it concerns, or above the button when it concerns no field here.
      if (err.field && GENERAL_FIELDS.includes(err.field as (typeof GENERAL_FIELDS)[number])) {
        form.setFields([{ name: err.field as (typeof GENERAL_FIELDS)[number], errors: [err.message] }]);
      } else {
        setError(err.message);
      }
    } finally {
      setSaving(false);
    }
  };

  // The inputs do not clamp or round (0 would silently become 1): the rules refuse what is out of range, with a message.
  return (
    <Form<GeneralSettings> form={form} layout="vertical" style={{ maxWidth: 640 }} initialValues={value} onFinish={submit} data-testid="mail-settings-form-general">
      <Form.Item name="syncIntervalMinutes" label={t('Sync interval (minutes)')} rules={[{ required: true, type: 'integer', min: 1, max: 1440, message: t('Enter a whole number from 1 to 1440') }]}>
        <InputNumber data-testid="mail-general-interval" />
      </Form.Item>
      <Form.Item
        name="defaultSyncWindowDays"
        label={t('Default sync window (days)')}
        extra={t('How far back new accounts sync unless the user picks another start date.')}
        rules={[{ required: true, type: 'integer', min: 1, max: 3650, message: t('Enter a whole number from 1 to 3650') }]}
      >
        <InputNumber data-testid="mail-general-window" />
      </Form.Item>
      <Form.Item name="attachmentSizeLimitMb" label={t('Attachment size limit (MB)')} rules={[{ required: true, type: 'integer', min: 1, max: 150, message: t('Enter a whole number from 1 to 150') }]}>
        <InputNumber data-testid="mail-general-attachment-limit" />
      </Form.Item>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" loading={saving} data-testid="mail-general-save">
        {t('Save')}
      </Button>
    </Form>
  );
}
