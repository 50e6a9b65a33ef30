import React from 'react';
import { Card, Space, Typography, theme } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import { useMailTranslation } from '../locale';
import type { MailAddressView, MailMessageView } from '../mailbox-api';
import { AttachmentList } from './AttachmentList';
import { displayAddress, fullDate, shortDate } from './format';
import { MessageBodyFrame } from './MessageBodyFrame';

function AddressLine({ label, list }: { label: string; list: MailAddressView[] }) {
  if (!list.length) return null;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
      {label}: {list.map(displayAddress).join(', ')}
    </Typography.Text>
  );
}

interface Props {
  message: MailMessageView;
  expanded: boolean;
  onToggle(): void;
}

/** One message of a conversation: a one-line summary when collapsed, headers, files and body when open. */
export function MessageCard({ message: m, expanded, onToggle }: Props) {
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  const from = m.fromName || m.fromAddress || t('(unknown sender)');
  const header = (
    <div
      role="button"
      tabIndex={0}
      aria-expanded={expanded}
      onClick={onToggle}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onToggle())}
      style={{ display: 'flex', gap: 12, alignItems: 'baseline', cursor: 'pointer' }}
    >
      <Typography.Text strong={!m.read} style={{ flex: 'none', maxWidth: '40%' }} ellipsis>
        {from}
      </Typography.Text>
      {expanded ? (
        <Typography.Text type="secondary" style={{ flex: 1, fontSize: 12 }} ellipsis>
          {m.fromAddress && m.fromName ? `<${m.fromAddress}>` : ''}
        </Typography.Text>
      ) : (
        <Typography.Text type="secondary" style={{ flex: 1 }} ellipsis>
          {m.snippet}
        </Typography.Text>
      )}
      {m.hasAttachments && <PaperClipOutlined style={{ color: token.colorTextSecondary }} aria-label={t('Has attachments')} />}
      <Typography.Text type="secondary" style={{ flex: 'none', fontSize: 12 }} title={fullDate(m.date)}>
        {expanded ? fullDate(m.date) : shortDate(m.date)}
      </Typography.Text>
    </div>
  );

  return (
    <Card size="small" data-testid="mail-message" data-message-id={m.id} data-expanded={expanded} styles={{ body: { padding: '10px 14px' } }}>
      {header}
      {expanded && (
        <Space direction="vertical" size={0} style={{ width: '100%', marginTop: 4 }}>
          <AddressLine label={t('To')} list={m.to} />
          <AddressLine label={t('Cc')} list={m.cc} />
          <AttachmentList attachments={m.attachments} />
          <div style={{ marginTop: 8 }}>
            <MessageBodyFrame messageId={m.id} />
          </div>
        </Space>
      )}
    </Card>
  );
}
