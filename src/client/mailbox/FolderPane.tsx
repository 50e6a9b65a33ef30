import React from 'react';
import { Badge, Select, Typography, theme } from 'antd';
import {
  DeleteOutlined,
  EditOutlined,
  ExclamationCircleOutlined,
  FolderOutlined,
  InboxOutlined,
  MailOutlined,
  SendOutlined,
  StarOutlined,
  StopOutlined,
  TagOutlined,
  ContainerOutlined,
} from '@ant-design/icons';
import type { MailAccountView } from '../api';
import { useMailTranslation } from '../locale';
import type { FolderRole } from '../mailbox-api';
import type { FolderEntry } from './folders';

export const ALL_ACCOUNTS = 'all';

const ROLE_ICONS: Partial<Record<FolderRole, React.ReactNode>> = {
  inbox: <InboxOutlined />,
  sent: <SendOutlined />,
  drafts: <EditOutlined />,
  archive: <ContainerOutlined />,
  spam: <StopOutlined />,
  trash: <DeleteOutlined />,
  starred: <StarOutlined />,
  important: <ExclamationCircleOutlined />,
  custom: <TagOutlined />,
};

interface Props {
  accounts: MailAccountView[];
  accountChoice: string;
  onAccountChange(choice: string): void;
  roles: FolderEntry[];
  labels: FolderEntry[];
  selectedKey: string;
  onSelect(entry: FolderEntry): void;
}

function FolderButton({ entry, selected, onSelect, suffix }: { entry: FolderEntry; selected: boolean; onSelect(): void; suffix?: string }) {
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  const testId = entry.role && entry.role !== 'custom' ? `mail-folder-${entry.role}` : entry.key === 'all' ? 'mail-folder-all' : `mail-folder-label-${entry.key.slice('folder:'.length)}`;
  const icon = entry.role ? ROLE_ICONS[entry.role] : entry.key === 'all' ? <MailOutlined /> : <FolderOutlined />;
  return (
    <button
      type="button"
      data-testid={testId}
      aria-current={selected ? 'true' : undefined}
      onClick={onSelect}
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        width: '100%',
        padding: '5px 10px',
        border: 0,
        borderRadius: token.borderRadius,
        background: selected ? token.controlItemBgActive : 'transparent',
        color: selected ? token.colorPrimary : token.colorText,
        fontWeight: entry.unread > 0 ? 600 : 400,
        cursor: 'pointer',
        textAlign: 'left',
      }}
    >
      {icon}
      <span style={{ flex: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        {entry.role === 'custom' ? entry.label : t(entry.label)}
        {suffix && <Typography.Text type="secondary" style={{ fontSize: 11, fontWeight: 400 }}>{` · ${suffix}`}</Typography.Text>}
      </span>
      {entry.unread > 0 && <Badge count={entry.unread} overflowCount={9999} color={token.colorPrimary} data-testid={`${testId}-unread`} />}
    </button>
  );
}

/** Left pane: which mailbox (all of mine or one) and which folder. */
export function FolderPane({ accounts, accountChoice, onAccountChange, roles, labels, selectedKey, onSelect }: Props) {
  const { t } = useMailTranslation();
  const addressOf = new Map(accounts.map((a) => [a.id, a.address]));
  const several = accountChoice === ALL_ACCOUNTS && accounts.length > 1;
  return (
    <nav aria-label={t('Folders')} style={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Select
        data-testid="mail-account-select"
        value={accountChoice}
        onChange={onAccountChange}
        style={{ width: '100%', marginBottom: 8 }}
        options={[
          { value: ALL_ACCOUNTS, label: t('All accounts') },
          ...accounts.map((a) => ({ value: a.id, label: a.address })),
        ]}
      />
      {roles.map((entry) => (
        <FolderButton key={entry.key} entry={entry} selected={entry.key === selectedKey} onSelect={() => onSelect(entry)} />
      ))}
      {labels.length > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12, margin: '12px 10px 4px' }}>
          {t('Labels and folders')}
        </Typography.Text>
      )}
      {labels.map((entry) => (
        <FolderButton
          key={entry.key}
          entry={entry}
          selected={entry.key === selectedKey}
          onSelect={() => onSelect(entry)}
          suffix={several && entry.accountId ? addressOf.get(entry.accountId) : undefined}
        />
      ))}
    </nav>
  );
}
