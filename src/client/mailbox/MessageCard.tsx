import React from 'react';
import { Button, Card, Space, Typography, theme } from 'antd';
import { ArrowRightOutlined, PaperClipOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMailTranslation } from '../locale';
import type { ComposeMode, MailAddressView, MailMessageView } from '../mailbox-api';
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

export type AnswerMode = Exclude<ComposeMode, 'new'>;

interface Props {
  message: MailMessageView;
  expanded: boolean;
  onToggle(): void;
  /** Reply, reply all or forward this message; no buttons without it. */
  onAnswer?(mode: AnswerMode): void;
  /** Answering everyone reaches more people than the sender. */
  canReplyAll?: boolean;
}

function AnswerButtons({ onAnswer, canReplyAll }: { onAnswer(mode: AnswerMode): void; canReplyAll: boolean }) {
  const { t } = useMailTranslation();
  return (
    <Space size={8} wrap style={{ marginTop: 12 }} data-testid="mail-message-answer">
      <Button size="small" icon={<RollbackOutlined />} onClick={() => onAnswer('reply')} data-testid="mail-reply">
        {t('Reply')}
      </Button>
      {canReplyAll && (
        <Button size="small" icon={<RollbackOutlined />} onClick={() => onAnswer('replyAll')} data-testid="mail-reply-all">
          {t('Reply all')}
        </Button>
      )}
      <Button size="small" icon={<ArrowRightOutlined />} onClick={() => onAnswer('forward')} data-testid="mail-forward">
        {t('Forward')}
      </Button>
    </Space>
  );
}

/** One message of a conversation: a one-line summary when collapsed, headers, files and body when open. */
export function MessageCard({ message: m, expanded, onToggle, onAnswer, canReplyAll = false }: Props) {
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
          {onAnswer && !m.draft && <AnswerButtons onAnswer={onAnswer} canReplyAll={canReplyAll} />}
        </Space>
      )}
    </Card>
  );
}
