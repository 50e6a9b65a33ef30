/**
 * Gmail labels → provider-neutral folders. Gmail has one flat label space where
 * system labels play the mailbox roles; user labels are plain custom folders.
 */
import type { FolderRole, ProviderFolder } from '../types';
import type { gmail_v1 } from '@googleapis/gmail';

const SYSTEM_ROLES: Record<string, FolderRole> = {
  INBOX: 'inbox',
  SENT: 'sent',
  DRAFT: 'drafts',
  TRASH: 'trash',
  SPAM: 'spam',
  STARRED: 'starred',
  IMPORTANT: 'important',
};

/** Names Gmail's own UI shows for system labels (the API spells them in capitals). Categories have no mailbox role. */
const SYSTEM_NAMES: Record<string, string> = {
  INBOX: 'Inbox',
  SENT: 'Sent',
  DRAFT: 'Drafts',
  TRASH: 'Trash',
  SPAM: 'Spam',
  STARRED: 'Starred',
  IMPORTANT: 'Important',
  CATEGORY_PERSONAL: 'Primary',
  CATEGORY_SOCIAL: 'Social',
  CATEGORY_PROMOTIONS: 'Promotions',
  CATEGORY_UPDATES: 'Updates',
  CATEGORY_FORUMS: 'Forums',
};

/**
 * Labels that are not folders: UNREAD is the read flag (carried by `read`), CHAT
 * holds Hangouts history that is not mail. They are left out of folders and of
 * messages' folderIds alike so the two always agree.
 */
export const HIDDEN_LABEL_IDS: ReadonlySet<string> = new Set(['UNREAD', 'CHAT']);

export const LABEL = {
  INBOX: 'INBOX',
  UNREAD: 'UNREAD',
  STARRED: 'STARRED',
  TRASH: 'TRASH',
  SPAM: 'SPAM',
  DRAFT: 'DRAFT',
  SENT: 'SENT',
} as const;

export function isHiddenLabel(id: string): boolean {
  return HIDDEN_LABEL_IDS.has(id);
}

/** The message's labels as folder ids (hidden labels dropped). */
export function folderIdsFromLabels(labelIds: readonly string[] | null | undefined): string[] {
  return (labelIds ?? []).filter((id) => !isHiddenLabel(id));
}

export function labelToFolder(label: gmail_v1.Schema$Label): ProviderFolder | null {
  const id = label.id;
  if (!id || isHiddenLabel(id)) return null;
  const isSystem = label.type === 'system';
  const role: FolderRole = (isSystem && SYSTEM_ROLES[id]) || 'custom';
  // Nested user labels are written "Parent/Child"; the parent is another label with that name.
  const name = isSystem ? SYSTEM_NAMES[id] ?? systemName(id, label.name) : label.name ?? id;
  return {
    id,
    name,
    role,
    parentId: null,
    kind: isSystem ? 'system' : 'user',
    totalCount: label.messagesTotal ?? undefined,
    unreadCount: label.messagesUnread ?? undefined,
    color: label.color?.backgroundColor ?? null,
  };
}

/** Gmail names system labels in capitals ("INBOX"); show them the way Gmail's UI does. */
function systemName(id: string, name: string | null | undefined): string {
  const source = name && name !== id ? name : id;
  if (source !== source.toUpperCase()) return source;
  return source.charAt(0) + source.slice(1).toLowerCase();
}

/** Resolves "Parent/Child" user labels to their parent's id, so the UI can nest them. */
export function linkParents(folders: ProviderFolder[]): ProviderFolder[] {
  const byName = new Map(folders.filter((f) => f.kind === 'user').map((f) => [f.name, f.id]));
  return folders.map((f) => {
    if (f.kind !== 'user') return f;
    const slash = f.name.lastIndexOf('/');
    if (slash <= 0) return f;
    return { ...f, parentId: byName.get(f.name.slice(0, slash)) ?? null };
  });
}
