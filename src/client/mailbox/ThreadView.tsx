import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Empty, Skeleton, Space, Typography } from 'antd';
import { MailApiError } from '../api';
import { canReplyAll } from '../compose/respond';
import { useMailTranslation } from '../locale';
import { MailActRequest, MailFolderView, MailMessageView, ThreadSummaryView, useMailboxApi } from '../mailbox-api';
import { moveTargets } from './folders';
import { AnswerMode, MessageCard } from './MessageCard';
import { ThreadActions } from './ThreadActions';
import { inTrash, messagesChange, withFlags } from './thread-actions';
import type { ActOnThread } from './useThreadActions';

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
  /** The conversation's row in the list: its star and unread state are the ones the reader sees there. */
  thread?: ThreadSummaryView;
  /** The folders of the accounts shown, for Move to and for knowing the trash. */
  folders: MailFolderView[];
  /** The listed folder is a trash. */
  viewingTrash: boolean;
  act: ActOnThread;
  /** The reader's own addresses, to tell whether Reply all reaches anyone more than Reply. */
  ownAddresses: ReadonlySet<string>;
  onAnswer?(mode: AnswerMode, message: MailMessageView): void;
}

/** The reading pane: a conversation's toolbar and messages, oldest first. */
export function ThreadView({ threadId, refreshKey, thread, folders, viewingTrash, act, ownAddresses, onAnswer }: Props) {
  const { t } = useMailTranslation();
  const api = useMailboxApi();
  const [messages, setMessages] = useState<MailMessageView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  /** What is on screen, to tell a refresh (keep what the reader opened) from another conversation. */
  const shown = useRef<{ threadId: string; ids: Set<string> } | null>(null);

  /** Shows the change on the messages at once; the server's flags (or the old ones, if it refused) replace it. */
  const perform = useCallback(
    async (id: string, current: MailMessageView[], request: MailActRequest) => {
      const accountId = current[0]?.accountId;
      if (!accountId) return;
      setMessages((list) => list && messagesChange(request, list));
      const state = await act({ id, accountId }, request);
      setMessages((list) => list && withFlags(list, state ? state.messages : current));
    },
    [act],
  );

  useEffect(() => {
    let live = true;
    if (shown.current?.threadId !== threadId) setMessages(null);
    api.threadMessages(threadId).then(
      (list) => {
        if (!live) return;
        const previous = shown.current;
        const opened = previous?.threadId !== threadId;
        if (opened) {
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
        // Opening an unread conversation reads it, as in Gmail and Outlook; only on
        // opening, so "Mark as unread" sticks while it stays open.
        if (opened && list.some((m) => !m.read)) {
          void perform(threadId, list, { action: 'markRead' });
        }
      },
      (e: unknown) => live && setError(e instanceof MailApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, threadId, refreshKey, perform]);

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

  const accountId = thread?.accountId ?? messages[0].accountId;
  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }} data-testid="mail-thread-view">
      <ThreadActions
        starred={thread ? thread.starred : messages.some((m) => m.starred)}
        unread={thread ? thread.unreadCount > 0 : messages.some((m) => !m.read)}
        inTrash={viewingTrash || inTrash(folders, accountId, messages)}
        moveTargets={moveTargets(folders, accountId)}
        onAct={(request) => void perform(threadId, messages, request)}
      />
      <Typography.Title level={4} style={{ margin: '0 0 4px' }}>
        {messages[0].subject || t('(no subject)')}
      </Typography.Title>
      {messages.map((m) => (
        <MessageCard
          key={m.id}
          message={m}
          expanded={expanded.has(m.id)}
          onToggle={() => toggle(m.id)}
          onAnswer={onAnswer && ((mode) => onAnswer(mode, m))}
          canReplyAll={canReplyAll(m, ownAddresses)}
        />
      ))}
    </Space>
  );
}
