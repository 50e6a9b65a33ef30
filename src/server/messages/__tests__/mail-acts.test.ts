import type { UserFacingError } from '../../http/errors';
import { folderCountDeltas, isMailAction, planMailAct, type ActPlanInput, type FolderFacts, type MessageFacts } from '../mail-acts';

let seq = 0;
function msg(overrides: Partial<Omit<MessageFacts, 'date'>> & { date: string }): MessageFacts {
  seq += 1;
  const { date, ...rest } = overrides;
  return { id: String(seq), providerId: `p${seq}`, read: true, starred: false, draft: false, folderIds: ['INBOX'], ...rest, date: new Date(date) };
}

const gmailFolders: FolderFacts[] = [
  { id: '1', providerId: 'INBOX', name: 'Inbox', role: 'inbox', kind: 'system' },
  { id: '2', providerId: 'TRASH', name: 'Trash', role: 'trash', kind: 'system' },
  { id: '3', providerId: 'SPAM', name: 'Spam', role: 'spam', kind: 'system' },
  { id: '4', providerId: 'SENT', name: 'Sent', role: 'sent', kind: 'system' },
  { id: '5', providerId: 'Label_1', name: 'Clients', role: 'custom', kind: 'user' },
  { id: '6', providerId: 'CATEGORY_SOCIAL', name: 'Social', role: 'custom', kind: 'system' },
  { id: '7', providerId: 'STARRED', name: 'Starred', role: 'starred', kind: 'system' },
];

const graphFolders: FolderFacts[] = [
  { id: '11', providerId: 'f-inbox', name: 'Inbox', role: 'inbox', kind: 'folder' },
  { id: '12', providerId: 'f-deleted', name: 'Deleted Items', role: 'trash', kind: 'folder' },
  { id: '13', providerId: 'f-archive', name: 'Archive', role: 'archive', kind: 'folder' },
  { id: '14', providerId: 'f-sent', name: 'Sent Items', role: 'sent', kind: 'folder' },
  { id: '15', providerId: 'f-junk', name: 'Junk Email', role: 'spam', kind: 'folder' },
  { id: '16', providerId: 'f-projects', name: 'Projects', role: 'custom', kind: 'folder' },
  { id: '17', providerId: 'f-drafts', name: 'Drafts', role: 'drafts', kind: 'folder' },
];

const gmail = (input: Omit<ActPlanInput, 'provider' | 'folders'>) => planMailAct({ provider: 'google', folders: gmailFolders, ...input });
const graph = (input: Omit<ActPlanInput, 'provider' | 'folders'>) => planMailAct({ provider: 'microsoft', folders: graphFolders, ...input });
const folder = (folders: FolderFacts[], providerId: string) => folders.find((f) => f.providerId === providerId)!;

function refusal(fn: () => unknown): UserFacingError {
  try {
    fn();
  } catch (e) {
    return e as UserFacingError;
  }
  throw new Error('expected a refusal');
}

describe('planning mail actions on a conversation', () => {
  it('marks every unread message read, and only those', () => {
    const a = msg({ date: '2026-01-01', read: false });
    const b = msg({ date: '2026-01-02', read: true });
    const c = msg({ date: '2026-01-03', read: false });
    const plan = gmail({ action: 'markRead', scope: 'thread', messages: [a, b, c] });
    expect(plan.map((p) => p.messageId)).toEqual([a.id, c.id]);
    expect(plan.every((p) => p.change.read === true && p.after.read)).toBe(true);
  });

  it('marks only the latest message unread, skipping drafts and trashed replies', () => {
    const first = msg({ date: '2026-01-01' });
    const latest = msg({ date: '2026-01-05' });
    const draft = msg({ date: '2026-01-06', draft: true, folderIds: ['DRAFT'] });
    const trashed = msg({ date: '2026-01-07', folderIds: ['TRASH'] });
    const plan = gmail({ action: 'markUnread', scope: 'thread', messages: [trashed, first, draft, latest] });
    expect(plan).toEqual([
      { messageId: latest.id, providerId: latest.providerId, change: { read: false }, before: { read: true, starred: false, folderIds: ['INBOX'] }, after: { read: false, starred: false, folderIds: ['INBOX'] } },
    ]);
    expect(gmail({ action: 'markUnread', scope: 'thread', messages: [{ ...latest, read: false }, first] })).toEqual([]);
  });

  it('unreads the newest message of a conversation that is all in the trash', () => {
    const older = msg({ date: '2026-01-01', folderIds: ['TRASH'] });
    const newer = msg({ date: '2026-01-02', folderIds: ['TRASH'] });
    expect(gmail({ action: 'markUnread', scope: 'thread', messages: [newer, older] }).map((p) => p.messageId)).toEqual([newer.id]);
  });

  it('stars the latest message (a Gmail label, an Outlook flag) and unstars every starred one', () => {
    const a = msg({ date: '2026-01-01', starred: true, folderIds: ['INBOX', 'STARRED'] });
    const b = msg({ date: '2026-01-02' });
    const starred = gmail({ action: 'star', scope: 'thread', messages: [a, b] });
    expect(starred).toHaveLength(1);
    expect(starred[0]).toMatchObject({ messageId: b.id, change: { starred: true }, after: { starred: true, folderIds: ['INBOX', 'STARRED'] } });

    const both = [a, { ...b, starred: true, folderIds: ['INBOX', 'STARRED'] }];
    const unstarred = gmail({ action: 'unstar', scope: 'thread', messages: both });
    expect(unstarred.map((p) => p.after)).toEqual([
      { read: true, starred: false, folderIds: ['INBOX'] },
      { read: true, starred: false, folderIds: ['INBOX'] },
    ]);

    const outlook = graph({ action: 'star', scope: 'thread', messages: [msg({ date: '2026-01-01', folderIds: ['f-inbox'] })] });
    expect(outlook[0]).toMatchObject({ change: { starred: true }, after: { starred: true, folderIds: ['f-inbox'] } });
  });

  it('does nothing when the latest message is already starred', () => {
    const a = msg({ date: '2026-01-02', starred: true, folderIds: ['INBOX', 'STARRED'] });
    expect(gmail({ action: 'star', scope: 'thread', messages: [a, msg({ date: '2026-01-01' })] })).toEqual([]);
  });

  it('archives on Gmail by removing INBOX from the messages that have it', () => {
    const inbox = msg({ date: '2026-01-01', folderIds: ['INBOX', 'Label_1'] });
    const sent = msg({ date: '2026-01-02', folderIds: ['SENT'] });
    const plan = gmail({ action: 'archive', scope: 'thread', messages: [inbox, sent] });
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatchObject({ messageId: inbox.id, change: { removeFolderIds: ['INBOX'] }, after: { folderIds: ['Label_1'] } });
  });

  it('archives on Outlook by moving the inbox messages to the Archive folder', () => {
    const inbox = msg({ date: '2026-01-01', folderIds: ['f-inbox'] });
    const sent = msg({ date: '2026-01-02', folderIds: ['f-sent'] });
    const plan = graph({ action: 'archive', scope: 'thread', messages: [inbox, sent] });
    expect(plan).toEqual([expect.objectContaining({ messageId: inbox.id, change: { moveTo: 'f-archive' }, after: { read: true, starred: false, folderIds: ['f-archive'] } })]);
  });

  it('says what to do when an Outlook mailbox has no Archive folder', () => {
    const folders = graphFolders.filter((f) => f.role !== 'archive');
    const error = refusal(() => planMailAct({ provider: 'microsoft', folders, action: 'archive', scope: 'thread', messages: [msg({ date: '2026-01-01', folderIds: ['f-inbox'] })] }));
    expect(error).toMatchObject({ status: 409, code: 'FOLDER_MISSING' });
    expect(error.message).toMatch(/no Archive folder.*Sync the account/);
  });

  it('trashes every message not in the trash yet, and restores the trashed ones', () => {
    const inTrash = msg({ date: '2026-01-01', folderIds: ['TRASH', 'Label_1'] });
    const inbox = msg({ date: '2026-01-02', folderIds: ['INBOX'] });
    const trash = gmail({ action: 'trash', scope: 'thread', messages: [inTrash, inbox] });
    expect(trash).toEqual([expect.objectContaining({ messageId: inbox.id, change: { trash: true }, after: { read: true, starred: false, folderIds: ['INBOX', 'TRASH'] } })]);
    const restore = gmail({ action: 'restore', scope: 'thread', messages: [inTrash, inbox] });
    expect(restore).toEqual([expect.objectContaining({ messageId: inTrash.id, change: { untrash: true }, after: { read: true, starred: false, folderIds: ['Label_1'] } })]);

    const outlook = [msg({ date: '2026-01-01', folderIds: ['f-inbox'] }), msg({ date: '2026-01-02', folderIds: ['f-sent'] }), msg({ date: '2026-01-03', folderIds: ['f-deleted'] })];
    expect(graph({ action: 'trash', scope: 'thread', messages: outlook }).map((p) => [p.change, p.after.folderIds])).toEqual([
      [{ trash: true }, ['f-deleted']],
      [{ trash: true }, ['f-deleted']],
    ]);
    expect(graph({ action: 'restore', scope: 'thread', messages: outlook }).map((p) => [p.messageId, p.change, p.after.folderIds])).toEqual([
      [outlook[2].id, { untrash: true }, ['f-inbox']],
    ]);
  });

  it('moves a Gmail conversation to a label: adds the label, leaves the inbox, keeps Sent', () => {
    const received = msg({ date: '2026-01-01', folderIds: ['INBOX', 'CATEGORY_SOCIAL'] });
    const sent = msg({ date: '2026-01-02', folderIds: ['SENT'] });
    const labelled = msg({ date: '2026-01-03', folderIds: ['Label_1'] });
    const plan = gmail({ action: 'moveTo', scope: 'thread', messages: [received, sent, labelled], target: folder(gmailFolders, 'Label_1') });
    expect(plan.map((p) => [p.messageId, p.change, p.after.folderIds])).toEqual([
      [received.id, { moveTo: 'Label_1' }, ['CATEGORY_SOCIAL', 'Label_1']],
      [sent.id, { moveTo: 'Label_1' }, ['SENT', 'Label_1']],
    ]);
  });

  it('moves a Gmail conversation out of the trash when it is moved to the inbox from there', () => {
    const trashed = msg({ date: '2026-01-01', folderIds: ['TRASH'] });
    const plan = gmail({ action: 'moveTo', scope: 'thread', messages: [trashed], target: folder(gmailFolders, 'INBOX') });
    expect(plan[0]).toMatchObject({ change: { moveTo: 'INBOX', untrash: true }, after: { folderIds: ['INBOX'] } });
  });

  it('moves only the messages shown in the folder; trashed replies stay in the trash', () => {
    const shown = msg({ date: '2026-01-01', folderIds: ['f-inbox'] });
    const trashed = msg({ date: '2026-01-02', folderIds: ['f-deleted'] });
    const sent = msg({ date: '2026-01-03', folderIds: ['f-sent'] });
    const plan = graph({ action: 'moveTo', scope: 'thread', messages: [shown, trashed, sent], target: folder(graphFolders, 'f-projects') });
    expect(plan.map((p) => [p.messageId, p.change, p.after.folderIds])).toEqual([[shown.id, { moveTo: 'f-projects' }, ['f-projects']]]);
    // Moving to the trash is trashing.
    const toTrash = graph({ action: 'moveTo', scope: 'thread', messages: [shown], target: folder(graphFolders, 'f-deleted') });
    expect(toTrash[0].change).toEqual({ trash: true });
  });

  it('refuses to move mail into Sent, Drafts or a Gmail system label', () => {
    for (const [provider, folders, providerId] of [
      ['google', gmailFolders, 'SENT'],
      ['google', gmailFolders, 'CATEGORY_SOCIAL'],
      ['google', gmailFolders, 'STARRED'],
      ['microsoft', graphFolders, 'f-sent'],
      ['microsoft', graphFolders, 'f-drafts'],
    ] as const) {
      const error = refusal(() => planMailAct({ provider, folders, action: 'moveTo', scope: 'thread', messages: [msg({ date: '2026-01-01' })], target: folder(folders, providerId) }));
      expect(error, providerId).toMatchObject({ status: 400, code: 'FOLDER_NOT_ALLOWED', field: 'folderId' });
    }
  });

  it('asks for the folder when moveTo comes without one', () => {
    expect(refusal(() => gmail({ action: 'moveTo', scope: 'thread', messages: [msg({ date: '2026-01-01' })] }))).toMatchObject({ status: 400, code: 'FOLDER_REQUIRED' });
  });
});

describe('planning mail actions on one message', () => {
  it('acts on that message only, even when it is not the latest', () => {
    const older = msg({ date: '2026-01-01' });
    expect(gmail({ action: 'markUnread', scope: 'message', messages: [older] }).map((p) => p.messageId)).toEqual([older.id]);
    expect(gmail({ action: 'star', scope: 'message', messages: [older] })[0].after.folderIds).toEqual(['INBOX', 'STARRED']);
  });

  it('moves a trashed message when asked, since the reader opened it there', () => {
    const trashed = msg({ date: '2026-01-01', folderIds: ['f-deleted'] });
    const plan = graph({ action: 'moveTo', scope: 'message', messages: [trashed], target: folder(graphFolders, 'f-projects') });
    expect(plan[0]).toMatchObject({ change: { moveTo: 'f-projects' }, after: { folderIds: ['f-projects'] } });
  });

  it('plans nothing when the message is already as asked', () => {
    const m = msg({ date: '2026-01-01', folderIds: ['f-projects'] });
    for (const action of ['markRead', 'unstar', 'archive', 'restore'] as const) expect(graph({ action, scope: 'message', messages: [m] }), action).toEqual([]);
    expect(graph({ action: 'moveTo', scope: 'message', messages: [m], target: folder(graphFolders, 'f-projects') })).toEqual([]);
  });
});

describe('folder counts after a change', () => {
  it('moves totals and unread counts from the folders a message left to the ones it joined', () => {
    const deltas = folderCountDeltas([
      { before: { read: false, starred: false, folderIds: ['INBOX', 'Label_1'] }, after: { read: false, starred: false, folderIds: ['Label_1', 'TRASH'] } },
      { before: { read: false, starred: false, folderIds: ['INBOX'] }, after: { read: true, starred: false, folderIds: ['INBOX'] } },
    ]);
    expect(Object.fromEntries(deltas)).toEqual({ INBOX: { total: -1, unread: -2 }, TRASH: { total: 1, unread: 1 } });
  });
});

it('knows the eight actions and nothing else', () => {
  expect(['markRead', 'markUnread', 'star', 'unstar', 'archive', 'trash', 'restore', 'moveTo'].every(isMailAction)).toBe(true);
  for (const other of ['delete', 'MARKREAD', '', null, 3, 'toString']) expect(isMailAction(other), String(other)).toBe(false);
});
