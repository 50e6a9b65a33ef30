import React, { useEffect, useRef } from 'react';
import { Button, Spin, Typography, theme } from 'antd';
import { PaperClipOutlined, StarFilled, StarOutlined } from '@ant-design/icons';
import { useMailTranslation } from '../locale';
import type { ThreadSummaryView } from '../mailbox-api';
import { fullDate, senderLine, shortDate } from './format';

interface Props {
  threads: ThreadSummaryView[];
  selectedId: string | null;
  onSelect(thread: ThreadSummaryView): void;
  /** The reader's own addresses, shown as "me". */
  ownAddresses: Set<string>;
  loading: boolean;
  hasMore: boolean;
  onLoadMore(): void;
  onToggleStar(thread: ThreadSummaryView): void;
  /** Shown instead of rows when there are none. */
  empty: React.ReactNode;
}

/** The row's own star button: toggles without opening the conversation. */
function StarToggle({ starred, onToggle }: { starred: boolean; onToggle(): void }) {
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  return (
    <button
      type="button"
      data-testid="mail-thread-star-toggle"
      aria-pressed={starred}
      aria-label={starred ? t('Unstar') : t('Star')}
      title={starred ? t('Unstar') : t('Star')}
      onClick={(e) => {
        e.stopPropagation();
        onToggle();
      }}
      // The row selects on Enter / Space; here they belong to the button.
      onKeyDown={(e) => e.stopPropagation()}
      style={{ border: 0, background: 'transparent', padding: 0, cursor: 'pointer', lineHeight: 1, color: starred ? token.colorWarning : token.colorTextQuaternary }}
    >
      {starred ? <StarFilled data-testid="mail-thread-star" /> : <StarOutlined />}
    </button>
  );
}

function ThreadRow({
  thread,
  selected,
  onSelect,
  onToggleStar,
  ownAddresses,
}: {
  thread: ThreadSummaryView;
  selected: boolean;
  onSelect(): void;
  onToggleStar(): void;
  ownAddresses: Set<string>;
}) {
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  const unread = thread.unreadCount > 0;
  const senders = senderLine(thread.senders, ownAddresses, t('me')) || t('(unknown sender)');
  return (
    <div
      role="option"
      aria-selected={selected}
      tabIndex={0}
      data-testid="mail-thread-row"
      data-thread-id={thread.id}
      data-unread={unread}
      onClick={onSelect}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect())}
      style={{
        padding: '8px 12px',
        borderBottom: `1px solid ${token.colorBorderSecondary}`,
        background: selected ? token.controlItemBgActive : unread ? token.colorBgContainer : token.colorFillQuaternary,
        cursor: 'pointer',
        fontWeight: unread ? 600 : 400,
      }}
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
        <span style={{ flex: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {senders}
          {thread.messageCount > 1 && <Typography.Text type="secondary" style={{ fontWeight: 400 }}>{` (${thread.messageCount})`}</Typography.Text>}
        </span>
        {thread.hasAttachments && <PaperClipOutlined aria-label={t('Has attachments')} data-testid="mail-thread-attachment-icon" />}
        <StarToggle starred={thread.starred} onToggle={onToggleStar} />
        <Typography.Text type={unread ? undefined : 'secondary'} style={{ fontSize: 12, fontWeight: 'inherit', whiteSpace: 'nowrap' }} title={fullDate(thread.lastMessageAt)}>
          {shortDate(thread.lastMessageAt)}
        </Typography.Text>
      </div>
      <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{thread.subject || t('(no subject)')}</div>
      <Typography.Text type="secondary" style={{ display: 'block', fontWeight: 400, fontSize: 12, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        {thread.snippet}
      </Typography.Text>
    </div>
  );
}

/** Middle pane: conversations, newest first, with more on request. */
export function ThreadList({ threads, selectedId, onSelect, ownAddresses, loading, hasMore, onLoadMore, onToggleStar, empty }: Props) {
  const { t } = useMailTranslation();
  const sentinel = useRef<HTMLDivElement>(null);
  const loadMore = useRef(onLoadMore);
  loadMore.current = onLoadMore;

  // Scrolling to the end loads the next page; the button stays for keyboards and old browsers.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || loading || typeof IntersectionObserver !== 'function') return undefined;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore.current());
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loading, threads.length]);

  if (!threads.length) {
    return loading ? (
      <div style={{ padding: 32, textAlign: 'center' }}>
        <Spin />
      </div>
    ) : (
      <>{empty}</>
    );
  }
  return (
    <div role="listbox" aria-label={t('Conversations')} data-testid="mail-thread-list">
      {threads.map((thread) => (
        <ThreadRow
          key={thread.id}
          thread={thread}
          selected={thread.id === selectedId}
          onSelect={() => onSelect(thread)}
          onToggleStar={() => onToggleStar(thread)}
          ownAddresses={ownAddresses}
        />
      ))}
      {hasMore && (
        <div ref={sentinel} style={{ padding: 12, textAlign: 'center' }}>
          <Button data-testid="mail-load-more" loading={loading} onClick={onLoadMore}>
            {t('Load more')}
          </Button>
        </div>
      )}
    </div>
  );
}
