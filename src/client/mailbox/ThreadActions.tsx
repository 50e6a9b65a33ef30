import React, { useEffect, useRef } from 'react';
import { Button, Dropdown, Space, Tooltip, theme } from 'antd';
import { ContainerOutlined, DeleteOutlined, EyeOutlined, FolderOpenOutlined, MailOutlined, StarFilled, StarOutlined, UndoOutlined } from '@ant-design/icons';
import { useMailTranslation } from '../locale';
import type { MailActRequest, MailFolderView } from '../mailbox-api';
import { ROLE_LABELS } from './folders';

/** Marks the element inside which the toolbar's single-key shortcuts work. */
export const SHORTCUT_SCOPE_ATTRIBUTE = 'data-mail-shortcuts';

interface Props {
  starred: boolean;
  unread: boolean;
  /** In the trash, Delete becomes Restore and Archive is not offered. */
  inTrash: boolean;
  /** Folders of the conversation's account it can be moved to. */
  moveTargets: MailFolderView[];
  onAct(request: MailActRequest): void;
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Gmail's keys: e archive, # delete, s star, u mark unread. */
function shortcutRequest(key: string, p: Pick<Props, 'starred' | 'inTrash'>): MailActRequest | null {
  if (key === 'e' && !p.inTrash) return { action: 'archive' };
  if (key === '#' && !p.inTrash) return { action: 'trash' };
  if (key === 's') return { action: p.starred ? 'unstar' : 'star' };
  if (key === 'u') return { action: 'markUnread' };
  return null;
}

function ActionButton({ label, icon, onClick, testId }: { label: string; icon: React.ReactNode; onClick(): void; testId: string }) {
  return (
    <Tooltip title={label}>
      <Button type="text" icon={icon} aria-label={label} data-testid={testId} onClick={onClick} />
    </Tooltip>
  );
}

/** The open conversation's toolbar: archive, delete or restore, read state, star, move. */
export function ThreadActions(props: Props) {
  const { starred, unread, inTrash, moveTargets, onAct } = props;
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  const bar = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;

  // Keys act on the open conversation while the reader is in the mailbox and not typing.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const scope = bar.current?.closest(`[${SHORTCUT_SCOPE_ATTRIBUTE}]`);
      if (!scope || !(e.target instanceof Node) || !(e.target === document.body || scope.contains(e.target))) return;
      const request = shortcutRequest(e.key, latest.current);
      if (!request) return;
      e.preventDefault();
      latest.current.onAct(request);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const folderName = (f: MailFolderView) => (f.role === 'custom' ? f.name : t(ROLE_LABELS[f.role]));
  const moveLabel = t('Move to…');
  return (
    <Space size={2} ref={bar} role="toolbar" aria-label={t('Conversation actions')} data-testid="mail-thread-actions">
      {!inTrash && <ActionButton label={t('Archive', { context: 'action' })} icon={<ContainerOutlined />} testId="mail-action-archive" onClick={() => onAct({ action: 'archive' })} />}
      {inTrash ? (
        <ActionButton label={t('Restore')} icon={<UndoOutlined />} testId="mail-action-restore" onClick={() => onAct({ action: 'restore' })} />
      ) : (
        <ActionButton label={t('Delete')} icon={<DeleteOutlined />} testId="mail-action-trash" onClick={() => onAct({ action: 'trash' })} />
      )}
      {unread ? (
        <ActionButton label={t('Mark as read')} icon={<EyeOutlined />} testId="mail-action-mark-read" onClick={() => onAct({ action: 'markRead' })} />
      ) : (
        <ActionButton label={t('Mark as unread')} icon={<MailOutlined />} testId="mail-action-mark-unread" onClick={() => onAct({ action: 'markUnread' })} />
      )}
      {starred ? (
        <ActionButton label={t('Unstar')} icon={<StarFilled style={{ color: token.colorWarning }} />} testId="mail-action-unstar" onClick={() => onAct({ action: 'unstar' })} />
      ) : (
        <ActionButton label={t('Star')} icon={<StarOutlined />} testId="mail-action-star" onClick={() => onAct({ action: 'star' })} />
      )}
      <Dropdown
        trigger={['click']}
        disabled={!moveTargets.length}
        menu={{
          items: moveTargets.map((f) => ({ key: f.id, label: folderName(f) })),
          onClick: ({ key }) => onAct({ action: 'moveTo', folderId: key }),
          style: { maxHeight: 360, overflowY: 'auto' },
        }}
      >
        <Tooltip title={moveLabel}>
          <Button type="text" icon={<FolderOpenOutlined />} aria-label={moveLabel} data-testid="mail-action-move" disabled={!moveTargets.length} />
        </Tooltip>
      </Dropdown>
    </Space>
  );
}
