import React, { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Empty, Popconfirm, Space, Table, Typography, message } from 'antd';
import { MailAccountView, MailApiError, useAccountsApi } from '../api';
import { useMailTranslation } from '../locale';
import { AccountStatusTag, formatDateTime } from './AccountStatusTag';
import { LinkAccountButton, PROVIDER_LABELS, startLinking } from './LinkAccountButton';

/** Refresh often while something is moving, rarely otherwise. */
function pollDelay(accounts: MailAccountView[]): number {
  return accounts.some((a) => a.status === 'syncing' || a.status === 'connecting') ? 2000 : 15000;
}

export function AccountsPanel() {
  const { t } = useMailTranslation();
  const api = useAccountsApi();
  const [accounts, setAccounts] = useState<MailAccountView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setAccounts(await api.listAccounts());
      setError(null);
    } catch (e) {
      setError(e instanceof MailApiError ? e.message : String(e));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (!accounts) return undefined;
    const timer = setTimeout(() => void load(), pollDelay(accounts));
    return () => clearTimeout(timer);
  }, [accounts, load]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
      await load();
    } catch (e) {
      message.error(e instanceof MailApiError ? e.message : String(e));
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="mail-accounts-panel">
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('Mail accounts')}
        </Typography.Title>
        <LinkAccountButton />
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      <Table<MailAccountView>
        rowKey="id"
        loading={accounts === null && !error}
        dataSource={accounts ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('No mail account linked yet. Use "Link account" to connect Gmail or Outlook.')} /> }}
        columns={[
          {
            title: t('Account'),
            key: 'address',
            render: (_, a) => (
              <Space direction="vertical" size={0} data-testid={`mail-account-row-${a.address}`}>
                <Typography.Text strong>{a.displayName || a.address}</Typography.Text>
                <Typography.Text type="secondary">
                  {a.address} · {PROVIDER_LABELS[a.provider]}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('Status'),
            key: 'status',
            render: (_, a) => (
              <Space direction="vertical" size={0}>
                <AccountStatusTag account={a} />
                {a.statusMessage && (a.status === 'error' || a.status === 'reauth_required') && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }}>
                    {a.statusMessage}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t('Last sync'), key: 'lastSyncAt', render: (_, a) => formatDateTime(a.lastSyncAt) || t('Not yet') },
          { title: t('Synced since'), key: 'syncFrom', render: (_, a) => (a.syncFrom ? new Date(a.syncFrom).toLocaleDateString() : '') },
          {
            title: t('Actions'),
            key: 'actions',
            render: (_, a) => (
              <Space wrap>
                {a.status === 'reauth_required' || a.status === 'error' ? (
                  <Button size="small" type="primary" onClick={() => void startLinking(api, { provider: a.provider, accountId: a.id }).catch((e) => message.error(String(e.message ?? e)))}>
                    {t('Reconnect')}
                  </Button>
                ) : null}
                {a.status === 'paused' ? (
                  <Button size="small" onClick={() => void act(() => api.resume(a.id), t('Resumed'))}>
                    {t('Resume')}
                  </Button>
                ) : (
                  <Button size="small" onClick={() => void act(() => api.pause(a.id), t('Paused'))}>
                    {t('Pause')}
                  </Button>
                )}
                <Button size="small" disabled={a.status === 'paused' || a.status === 'reauth_required'} onClick={() => void act(() => api.syncNow(a.id), t('Sync started'))}>
                  {t('Sync now')}
                </Button>
                <Popconfirm
                  title={t('Delete this account?')}
                  description={t('Its synced mail is removed from NocoBase and access is revoked at the provider. Mail in the mailbox itself is not touched.')}
                  okText={t('Delete')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => act(() => api.remove(a.id), t('Account deleted'))}
                >
                  <Button size="small" danger>
                    {t('Delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}
