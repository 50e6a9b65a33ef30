/**
 * What acting on a conversation does to what the reader sees: the guess shown
 * at once, and how the server's answer settles it. Pure functions.
 */
import type { FolderChoice, MailActRequest, MailFolderView, MailMessageView, MessageFlags, ThreadSummaryView } from '../mailbox-api';

/** Requests name a folder by its row id, messages by the provider's id (`INBOX`); accept either. */
export function isIn(folder: MailFolderView, folderIds: readonly string[]): boolean {
  return folderIds.includes(folder.id) || folderIds.includes(folder.providerId);
}

/** The role of the folder being shown; null for all mail. */
export function roleOfView(view: FolderChoice, folders: MailFolderView[]): string | null {
  if (!view) return null;
  return 'role' in view ? view.role : (folders.find((f) => f.id === view.folderId)?.role ?? 'custom');
}

/** Before the server answers: does the action take the conversation out of the folder being shown? */
export function leavesView(request: MailActRequest, view: FolderChoice, folders: MailFolderView[]): boolean {
  const role = roleOfView(view, folders);
  if (!view || !role) return false;
  switch (request.action) {
    case 'archive':
      return role === 'inbox';
    case 'trash':
      return role !== 'trash';
    case 'restore':
      return role === 'trash';
    case 'unstar':
      return role === 'starred';
    case 'moveTo': {
      // Starred and Important are marks, not places: moving keeps them.
      if (role === 'starred' || role === 'important') return false;
      const target = folders.find((f) => f.id === String(request.folderId));
      return 'folderId' in view ? target?.id !== view.folderId : target?.role !== view.role;
    }
    default:
      return false;
  }
}

/**
 * After the server answered: does the conversation still belong to the folder
 * being shown? It does when one of its messages is there. A message in the trash
 * or spam counts only there: Gmail keeps its other labels (INBOX too), but its
 * clients, and the mailbox list, show it only in the bin. null when the folder
 * being shown is not known here.
 */
export function staysInView(view: FolderChoice, folders: MailFolderView[], accountId: string, messages: MessageFlags[]): boolean | null {
  if (!view) return true; // all mail
  const shown = 'role' in view ? folders.filter((f) => f.accountId === accountId && f.role === view.role) : folders.filter((f) => f.id === view.folderId);
  if (!shown.length) return null;
  const bins = folders.filter((f) => f.accountId === accountId && (f.role === 'trash' || f.role === 'spam'));
  return messages.some((m) => {
    const bin = bins.find((f) => isIn(f, m.folderIds));
    return shown.some((f) => (bin ? f.id === bin.id : isIn(f, m.folderIds)));
  });
}

/** Is the whole conversation in its account's trash? */
export function inTrash(folders: MailFolderView[], accountId: string, messages: Array<Pick<MessageFlags, 'folderIds'>>): boolean {
  const trash = folders.filter((f) => f.accountId === accountId && f.role === 'trash');
  return trash.length > 0 && messages.length > 0 && messages.every((m) => trash.some((f) => isIn(f, m.folderIds)));
}

/** The list row as it should look at once. */
export function rowChange(request: MailActRequest, row: ThreadSummaryView): Partial<ThreadSummaryView> {
  switch (request.action) {
    case 'markRead':
      return { unreadCount: 0 };
    case 'markUnread':
      return { unreadCount: Math.max(1, row.unreadCount) };
    case 'star':
      return { starred: true };
    case 'unstar':
      return { starred: false };
    default:
      return {};
  }
}

/** The open conversation's messages as they should look at once. */
export function messagesChange(request: MailActRequest, messages: MailMessageView[]): MailMessageView[] {
  if (request.action === 'markRead') return messages.map((m) => (m.read ? m : { ...m, read: true }));
  // A conversation reads as unread from its newest message; the server says exactly which.
  if (request.action === 'markUnread') return messages.map((m, i) => (i === messages.length - 1 ? { ...m, read: false } : m));
  return messages;
}

/** Messages with the flags of `flags` (by id) laid over them; others unchanged. */
export function withFlags(messages: MailMessageView[], flags: MessageFlags[]): MailMessageView[] {
  const byId = new Map(flags.map((f) => [f.id, f]));
  return messages.map((m) => {
    const f = byId.get(m.id);
    return f ? { ...m, read: f.read, starred: f.starred, folderIds: f.folderIds } : m;
  });
}
