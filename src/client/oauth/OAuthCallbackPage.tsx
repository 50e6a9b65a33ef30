import React, { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, DatePicker, Result, Space, Spin, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { CallbackResult, MailApiError, useAccountsApi } from '../api';
import { useMailTranslation } from '../locale';
import { MAIL_CENTER_PATH } from '../constants';
import { safeReturnPath } from '../../shared/return-path';

type Phase = { kind: 'exchanging' } | { kind: 'choose'; result: CallbackResult } | { kind: 'failed'; message: string; code?: string };

function readParams(search: string) {
  const q = new URLSearchParams(search);
  return {
    state: q.get('state') ?? '',
    code: q.get('code') ?? undefined,
    error: q.get('error') ?? undefined,
    error_description: q.get('error_description') ?? undefined,
  };
}

/**
 * Where Google and Microsoft send the browser back. Any signed-in user lands
 * here: the page hands code and state to the server, then asks how far back to
 * sync and returns the user to where they started.
 */
export function OAuthCallbackPage({ search = window.location.search, navigate = (to: string) => window.location.assign(to) }: { search?: string; navigate?: (to: string) => void }) {
  const { t } = useMailTranslation();
  const api = useAccountsApi();
  const [phase, setPhase] = useState<Phase>({ kind: 'exchanging' });
  const [syncFrom, setSyncFrom] = useState<Dayjs | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  // The code is single-use: never send it twice, even if React mounts the page twice.
  const sent = useRef(false);

  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const params = readParams(search);
    // Remove code and state from the address bar and history.
    window.history.replaceState(null, '', window.location.pathname);
    api.callback(params).then(
      (result) => {
        setSyncFrom(result.account.syncFrom ? dayjs(result.account.syncFrom) : dayjs().subtract(1, 'month'));
        setPhase({ kind: 'choose', result });
      },
      (e) => setPhase({ kind: 'failed', message: e instanceof MailApiError ? e.message : String(e), code: e instanceof MailApiError ? e.code : undefined }),
    );
  }, [api, search]);

  const finish = async (result: CallbackResult) => {
    if (!syncFrom) return;
    setSaving(true);
    setSaveError(null);
    try {
      await api.setSyncFrom(result.account.id, syncFrom.startOf('day').toISOString());
      // Checked again here: whatever the server sends, the page never leaves the app.
      navigate(safeReturnPath(result.returnTo) ?? MAIL_CENTER_PATH);
    } catch (e) {
      setSaveError(e instanceof MailApiError ? e.message : String(e));
      setSaving(false);
    }
  };

  return (
    <div style={{ display: 'flex', justifyContent: 'center', padding: 48 }} data-testid="mail-oauth-callback">
      <Card style={{ maxWidth: 560, width: '100%' }}>
        {phase.kind === 'exchanging' && (
          <Space direction="vertical" align="center" style={{ width: '100%' }}>
            <Spin />
            <Typography.Text>{t('Linking your mailbox…')}</Typography.Text>
          </Space>
        )}
        {phase.kind === 'failed' && (
          <Result
            status="error"
            title={t('The account was not linked')}
            subTitle={<span data-testid="mail-oauth-error">{phase.message}</span>}
            extra={[
              <Button key="back" onClick={() => navigate(MAIL_CENTER_PATH)}>
                {t('Back to mail accounts')}
              </Button>,
            ]}
          />
        )}
        {phase.kind === 'choose' && (
          <Space direction="vertical" style={{ width: '100%' }} size="large" data-testid="mail-oauth-success">
            <Result
              status="success"
              style={{ padding: 0 }}
              title={phase.result.isNew ? t('Account linked') : t('Account reconnected')}
              subTitle={<span data-testid="mail-oauth-address">{phase.result.account.address}</span>}
            />
            <div>
              <Typography.Paragraph>{t('Sync mail received since')}</Typography.Paragraph>
              <DatePicker
                value={syncFrom}
                onChange={setSyncFrom}
                allowClear={false}
                disabledDate={(d) => d.isAfter(dayjs())}
                presets={[
                  { label: t('1 week'), value: dayjs().subtract(1, 'week') },
                  { label: t('1 month'), value: dayjs().subtract(1, 'month') },
                  { label: t('3 months'), value: dayjs().subtract(3, 'month') },
                  { label: t('1 year'), value: dayjs().subtract(1, 'year') },
                ]}
                data-testid="mail-sync-from"
              />
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {t('Recent mail shows up first while older mail keeps arriving in the background.')}
              </Typography.Paragraph>
            </div>
            {saveError && <Alert type="error" showIcon message={saveError} />}
            <Button type="primary" loading={saving} onClick={() => void finish(phase.result)} data-testid="mail-sync-start">
              {t('Start syncing')}
            </Button>
          </Space>
        )}
      </Card>
    </div>
  );
}

