import React from 'react';
import { Progress, Space, Tag, Tooltip } from 'antd';
import type { MailAccountView } from '../api';
import { useMailTranslation } from '../locale';

const COLORS: Record<MailAccountView['status'], string> = {
  connecting: 'default',
  syncing: 'processing',
  active: 'success',
  paused: 'default',
  reauth_required: 'warning',
  error: 'error',
  rate_limited: 'gold',
};

const LABELS: Record<MailAccountView['status'], string> = {
  connecting: 'Connecting',
  syncing: 'Syncing',
  active: 'Active',
  paused: 'Paused',
  reauth_required: 'Reconnect required',
  error: 'Error',
  rate_limited: 'Rate-limited',
};

export function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

/** Status as a person reads it: what is happening, and why when it is not fine. */
export function AccountStatusTag({ account }: { account: MailAccountView }) {
  const { t } = useMailTranslation();
  const label = t(LABELS[account.status] ?? account.status);
  const until = account.status === 'rate_limited' && account.rateLimitedUntil ? ` ${t('until')} ${formatDateTime(account.rateLimitedUntil)}` : '';
  const tag = (
    <Tag color={COLORS[account.status] ?? 'default'} data-testid={`mail-account-status-${account.id}`} data-status={account.status}>
      {label}
      {until}
    </Tag>
  );
  const progress =
    account.status === 'syncing' && account.progressTotal ? (
      <Progress
        size="small"
        style={{ width: 120, margin: 0 }}
        percent={Math.min(100, Math.round((account.progressDone / Math.max(1, account.progressTotal)) * 100))}
        format={() => `${account.progressDone}/${account.progressTotal}`}
      />
    ) : null;
  return (
    <Space size={4}>
      {account.statusMessage ? <Tooltip title={account.statusMessage}>{tag}</Tooltip> : tag}
      {progress}
    </Space>
  );
}
