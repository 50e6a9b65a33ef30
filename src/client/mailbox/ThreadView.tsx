import React, { useEffect, useRef, useState } from 'react';
import { Alert, Empty, Skeleton, Space, Typography } from 'antd';
import { MailApiError } from '../api';
import { useMailTranslation } from '../locale';
import { MailMessageView, useMailboxApi } from '../mailbox-api';
import { MessageCard } from './MessageCard';

/** Open the newest message and any unread ones; older read ones stay one line each. */
export function initiallyExpanded(messages: MailMessageView[]): Set<string> {
  const open = new Set(messages.filter((m) => !m.read).map((m) => m.id));
  const last = messages[messages.length - 1];
  if (last) open.add(last.id);
  return open;
}

interface Props {
  threadId: string;
  /** Changes when the mailbox refreshes, so new replies show up. */
  refreshKey: number;
}

/** The reading pane: a conversation's messages, oldest first. */
export function ThreadView({ threadId, refreshKey }: Props) {
  const { t } = useMailTranslation();
  const api = useMailboxApi();
  const [messages, setMessages] = useState<MailMessageView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  /** What is on screen, to tell a refresh (keep what the reader opened) from another conversation. */
  const shown = useRef<{ threadId: string; ids: Set<string> } | null>(null);

  useEffect(() => {
    let live = true;
    if (shown.current?.threadId !== threadId) setMessages(null);
    api.threadMessages(threadId).then(
      (list) => {
        if (!live) return;
        const previous = shown.current;
        if (previous?.threadId !== threadId) {
          setExpanded(initiallyExpanded(list));
        } else {
          // Replies that just arrived open like unread mail does.
          const last = list[list.length - 1];
          const arrived = list.filter((m) => !previous.ids.has(m.id) && (!m.read || m === last));
          if (arrived.length) setExpanded((open) => new Set([...open, ...arrived.map((m) => m.id)]));
        }
        shown.current = { threadId, ids: new Set(list.map((m) => m.id)) };
        setMessages(list);
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof MailApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, threadId, refreshKey]);

  if (error && !messages) return <Alert type="error" showIcon message={t('The conversation could not be loaded.')} description={error} />;
  if (!messages) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (!messages.length) return <Empty description={t('This conversation has no messages any more.')} />;

  const toggle = (id: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }} data-testid="mail-thread-view">
      <Typography.Title level={4} style={{ margin: '0 0 4px' }}>
        {messages[0].subject || t('(no subject)')}
      </Typography.Title>
      {messages.map((m) => (
        <MessageCard key={m.id} message={m} expanded={expanded.has(m.id)} onToggle={() => toggle(m.id)} />
      ))}
    </Space>
  );
}
