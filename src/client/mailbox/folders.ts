/** The folder pane's entries: mailbox roles first (merged across accounts), then labels. */
import type { FolderChoice, FolderRole, MailFolderView } from '../mailbox-api';

export const ROLE_ORDER: FolderRole[] = ['inbox', 'sent', 'drafts', 'archive', 'spam', 'trash', 'starred', 'important'];

export const ROLE_LABELS: Record<FolderRole, string> = {
  inbox: 'Inbox',
  sent: 'Sent',
  drafts: 'Drafts',
  archive: 'Archive',
  spam: 'Spam',
  trash: 'Trash',
  starred: 'Starred',
  important: 'Important',
  custom: 'Label',
};

export interface FolderEntry {
  /** Stable key: `role:inbox`, `folder:<id>` or `all`. */
  key: string;
  choice: FolderChoice;
  label: string;
  role: FolderRole | null;
  unread: number;
  /** For labels when several accounts are shown: whose label it is. */
  accountId?: string;
}

/** Counts that matter to a reader: unread in Inbox-like places, nothing in Sent / Drafts / Trash / Spam. */
const ROLES_WITH_UNREAD = new Set<FolderRole>(['inbox', 'archive', 'starred', 'important', 'custom']);

export function folderEntries(folders: MailFolderView[]): { roles: FolderEntry[]; labels: FolderEntry[] } {
  const roles: FolderEntry[] = [];
  for (const role of ROLE_ORDER) {
    const matching = folders.filter((f) => f.role === role);
    if (!matching.length) continue;
    const unread = ROLES_WITH_UNREAD.has(role) ? matching.reduce((n, f) => n + (f.unreadCount || 0), 0) : 0;
    roles.push({ key: `role:${role}`, choice: { role }, label: ROLE_LABELS[role], role, unread });
  }
  roles.push({ key: 'all', choice: null, label: 'All mail', role: null, unread: 0 });
  // Gmail's category labels are tabs of the inbox, not folders a person files into.
  const labels = folders
    .filter((f) => f.role === 'custom' && f.kind !== 'system')
    .sort((x, y) => x.name.localeCompare(y.name))
    .map<FolderEntry>((f) => ({ key: `folder:${f.id}`, choice: { folderId: f.id }, label: f.name, role: 'custom', unread: f.unreadCount || 0, accountId: f.accountId }));
  return { roles, labels };
}

export const DEFAULT_FOLDER_KEY = 'role:inbox';

/** Views and marks rather than places a conversation can be filed into. */
const NOT_MOVE_TARGETS = new Set<FolderRole>(['sent', 'drafts', 'starred', 'important']);

/** Where a conversation of `accountId` can be moved: that account's folders and labels, mailbox roles first. */
export function moveTargets(folders: MailFolderView[], accountId: string): MailFolderView[] {
  const rank = (f: MailFolderView) => (f.role === 'custom' ? ROLE_ORDER.length : ROLE_ORDER.indexOf(f.role));
  return folders
    .filter((f) => f.accountId === accountId && !NOT_MOVE_TARGETS.has(f.role) && !(f.role === 'custom' && f.kind === 'system'))
    .sort((x, y) => rank(x) - rank(y) || x.name.localeCompare(y.name));
}
