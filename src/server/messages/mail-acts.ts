/**
 * Acting on mail, planned: which messages of a conversation (or the one
 * message) an action touches, the MessageChange each one needs at the provider,
 * and the state its local row has afterwards. Pure: no database, no provider,
 * so every rule is tested on its own.
 *
 * The rules follow the providers' own clients:
 * - read: "mark read" reads every unread message; "mark unread" unreads only the latest.
 * - star: stars the latest message (Gmail star / Outlook flag); unstar clears every one.
 * - archive: Gmail drops INBOX from the messages that have it; Outlook moves the
 *   inbox messages to its Archive folder.
 * - trash / restore: every message in / out of the trash (Gmail trash / untrash;
 *   Outlook Deleted Items / back to the Inbox).
 * - moveTo: Gmail adds the label and leaves Inbox / Spam (and the trash); Outlook moves.
 * Messages already in the wanted state are left out, so they cost no provider call.
 *
 * The predicted row state is what the adapters' next listing reports for the
 * message (Gmail: its labels minus UNREAD; Outlook: its one parent folder), so a
 * following incremental sync finds nothing to change.
 */
import { UserFacingError } from '../http/errors';
import { LABEL } from '../providers/google/labels';
import type { MessageChange, ProviderName } from '../providers/types';
import type { MailActionName } from '../../shared/wire-types';
import type { FolderCountDeltas } from './folder-counts';

export const MAIL_ACTIONS = ['markRead', 'markUnread', 'star', 'unstar', 'archive', 'trash', 'restore', 'moveTo'] as const satisfies readonly MailActionName[];
export type MailAction = (typeof MAIL_ACTIONS)[number];

export function isMailAction(value: unknown): value is MailAction {
  return typeof value === 'string' && (MAIL_ACTIONS as readonly string[]).includes(value);
}

/** The flags a message row mirrors. */
export interface MessageFlags {
  read: boolean;
  starred: boolean;
  /** Gmail label ids (without UNREAD) / the Outlook parent folder id. */
  folderIds: string[];
}

/** A message as its local row has it. */
export interface MessageFacts extends MessageFlags {
  /** Row id. */
  id: string;
  providerId: string;
  date: Date | null;
  draft: boolean;
}

/** A mailFolders row of the account. */
export interface FolderFacts {
  /** Row id. */
  id: string;
  providerId: string;
  name: string;
  role: string;
  /** Gmail: 'system' | 'user'; Outlook: 'folder'. */
  kind: string | null;
}

export interface ActPlanInput {
  provider: ProviderName;
  action: MailAction;
  /** 'thread': the whole conversation (`messages` is all of it); 'message': only `messages[0]`. */
  scope: 'thread' | 'message';
  messages: MessageFacts[];
  /** The account's folders: Outlook's well-known folders are found by role. */
  folders: FolderFacts[];
  /** moveTo only: the destination, already checked to be a folder of the same account. */
  target?: FolderFacts | null;
}

export interface PlannedChange {
  messageId: string;
  providerId: string;
  change: MessageChange;
  before: MessageFlags;
  after: MessageFlags;
}

type Step = { change: MessageChange; after: MessageFlags } | null;

/** What differs between Gmail labels and Outlook folders; everything else is shared. */
interface ProviderRules {
  inTrash(m: MessageFlags): boolean;
  inSpam(m: MessageFlags): boolean;
  /** Shown when the conversation is opened from a mail folder: moveTo acts on these. */
  inView(m: MessageFlags): boolean;
  star(m: MessageFlags, on: boolean): Step;
  archive(m: MessageFlags): Step;
  trash(m: MessageFlags): Step;
  restore(m: MessageFlags): Step;
  moveTo(m: MessageFlags, target: FolderFacts): Step;
  /** Throws a 400 when mail cannot be moved into this folder. */
  checkTarget(target: FolderFacts): void;
}

function without(list: string[], ...remove: string[]): string[] {
  return list.filter((f) => !remove.includes(f));
}

function withOne(list: string[], add: string): string[] {
  return list.includes(add) ? list : [...list, add];
}

/** Roles no client moves mail into: the provider keeps those folders itself. */
const NOT_A_DESTINATION = new Set(['sent', 'drafts', 'starred', 'important']);

function refuseTarget(target: FolderFacts): never {
  throw new UserFacingError(400, 'FOLDER_NOT_ALLOWED', `Mail cannot be moved to "${target.name}". Choose another folder or label.`, 'folderId');
}

function gmailRules(): ProviderRules {
  const has = (m: MessageFlags, label: string) => m.folderIds.includes(label);
  const rules: ProviderRules = {
    inTrash: (m) => has(m, LABEL.TRASH),
    inSpam: (m) => has(m, LABEL.SPAM),
    inView: (m) => !has(m, LABEL.TRASH) && !has(m, LABEL.SPAM),
    // STARRED is a label: the message's folder list changes with the star.
    star: (m, on) => ({
      change: { starred: on },
      after: { ...m, starred: on, folderIds: on ? withOne(m.folderIds, LABEL.STARRED) : without(m.folderIds, LABEL.STARRED) },
    }),
    archive: (m) =>
      has(m, LABEL.INBOX) ? { change: { removeFolderIds: [LABEL.INBOX] }, after: { ...m, folderIds: without(m.folderIds, LABEL.INBOX) } } : null,
    // Gmail trash adds TRASH and keeps the other labels; untrash removes it again.
    trash: (m) => (has(m, LABEL.TRASH) ? null : { change: { trash: true }, after: { ...m, folderIds: withOne(m.folderIds, LABEL.TRASH) } }),
    restore: (m) => (has(m, LABEL.TRASH) ? { change: { untrash: true }, after: { ...m, folderIds: without(m.folderIds, LABEL.TRASH) } } : null),
    moveTo(m, target) {
      const label = target.providerId;
      if (label === LABEL.TRASH) return rules.trash(m);
      // The adapter adds the label and removes the mailbox labels (Inbox, Spam) other than it.
      const leaving = without([LABEL.INBOX, LABEL.SPAM], label).filter((l) => has(m, l));
      const untrash = has(m, LABEL.TRASH);
      if (has(m, label) && !leaving.length && !untrash) return null;
      return {
        change: { moveTo: label, ...(untrash ? { untrash: true } : {}) },
        after: { ...m, folderIds: withOne(without(m.folderIds, ...leaving, LABEL.TRASH), label) },
      };
    },
    checkTarget(target) {
      // Users' own labels, or the three system labels that act as mailboxes.
      const mailbox = ([LABEL.INBOX, LABEL.SPAM, LABEL.TRASH] as string[]).includes(target.providerId);
      if (!mailbox && (target.kind !== 'user' || NOT_A_DESTINATION.has(target.role))) refuseTarget(target);
    },
  };
  return rules;
}

function graphRules(folders: FolderFacts[]): ProviderRules {
  const byRole = (role: string) => folders.find((f) => f.role === role)?.providerId;
  const inbox = byRole('inbox');
  const trash = byRole('trash');
  const spam = byRole('spam');
  const archiveFolder = byRole('archive');
  const outOfView = new Set([trash, spam, byRole('sent'), byRole('drafts')].filter((id): id is string => !!id));
  const isIn = (m: MessageFlags, id: string | undefined) => !!id && m.folderIds.includes(id);
  /** A message lives in exactly one Outlook folder: a move replaces it. */
  const moved = (m: MessageFlags, change: MessageChange, folderId: string): Step => ({ change, after: { ...m, folderIds: [folderId] } });
  const missing = (what: string): never => {
    throw new UserFacingError(409, 'FOLDER_MISSING', `This Outlook mailbox has no ${what} folder that Email manager knows of. Sync the account, then try again.`);
  };
  const rules: ProviderRules = {
    inTrash: (m) => isIn(m, trash),
    inSpam: (m) => isIn(m, spam),
    inView: (m) => !m.folderIds.some((f) => outOfView.has(f)),
    // The flag is not a folder on Outlook.
    star: (m, on) => ({ change: { starred: on }, after: { ...m, starred: on } }),
    archive(m) {
      if (!isIn(m, inbox)) return null;
      const to = archiveFolder ?? missing('Archive');
      return moved(m, { moveTo: to }, to);
    },
    // `trash` / `untrash` are the adapter's moves to Deleted Items / the Inbox.
    trash: (m) => (isIn(m, trash) ? null : moved(m, { trash: true }, trash ?? missing('Deleted Items'))),
    restore: (m) => (isIn(m, trash) ? moved(m, { untrash: true }, inbox ?? missing('Inbox')) : null),
    moveTo(m, target) {
      if (target.providerId === trash) return rules.trash(m);
      if (m.folderIds.length === 1 && m.folderIds[0] === target.providerId) return null;
      return moved(m, { moveTo: target.providerId }, target.providerId);
    },
    checkTarget(target) {
      if (NOT_A_DESTINATION.has(target.role)) refuseTarget(target);
    },
  };
  return rules;
}

function rulesFor(provider: ProviderName, folders: FolderFacts[]): ProviderRules {
  return provider === 'google' ? gmailRules() : graphRules(folders);
}

/** Newest first; equal dates by row id, larger (stored later) first. */
function newestFirst(a: MessageFacts, b: MessageFacts): number {
  const byDate = (b.date?.getTime() ?? 0) - (a.date?.getTime() ?? 0);
  if (byDate) return byDate;
  return b.id.length - a.id.length || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
}

/**
 * The message "the conversation" means for star / mark unread: the newest one
 * the reader sees (not a draft, not binned), else the newest of any kind.
 */
export function latestMessage(messages: MessageFacts[], rules: Pick<ProviderRules, 'inTrash' | 'inSpam'>): MessageFacts | undefined {
  const sorted = [...messages].sort(newestFirst);
  return (
    sorted.find((m) => !m.draft && !rules.inTrash(m) && !rules.inSpam(m)) ?? sorted.find((m) => !m.draft) ?? sorted[0]
  );
}

function flagsOf(m: MessageFlags): MessageFlags {
  return { read: m.read, starred: m.starred, folderIds: [...m.folderIds] };
}

/** The provider changes an action needs, message by message; empty when everything is already so. */
export function planMailAct(input: ActPlanInput): PlannedChange[] {
  const rules = rulesFor(input.provider, input.folders);
  const all = input.scope === 'thread' ? input.messages : input.messages.slice(0, 1);
  const latest = () => {
    const m = input.scope === 'thread' ? latestMessage(all, rules) : all[0];
    return m ? [m] : [];
  };

  let targets: MessageFacts[];
  let step: (m: MessageFacts) => Step;
  switch (input.action) {
    case 'markRead':
      targets = all;
      step = (m) => (m.read ? null : { change: { read: true }, after: { ...m, read: true } });
      break;
    case 'markUnread':
      targets = latest();
      step = (m) => (m.read ? { change: { read: false }, after: { ...m, read: false } } : null);
      break;
    case 'star':
      targets = latest();
      step = (m) => (m.starred ? null : rules.star(m, true));
      break;
    case 'unstar':
      targets = all;
      step = (m) => (m.starred ? rules.star(m, false) : null);
      break;
    case 'archive':
      targets = all;
      step = (m) => rules.archive(m);
      break;
    case 'trash':
      targets = all;
      step = (m) => rules.trash(m);
      break;
    case 'restore':
      targets = all;
      step = (m) => rules.restore(m);
      break;
    case 'moveTo': {
      const target = input.target;
      if (!target) throw new UserFacingError(400, 'FOLDER_REQUIRED', 'Choose the folder to move to (folderId).', 'folderId');
      rules.checkTarget(target);
      // A conversation opened from a folder moves the messages shown there; one opened
      // from the trash or spam (nothing else to show) moves out of it.
      const shown = all.filter((m) => rules.inView(m));
      targets = input.scope === 'thread' && shown.length ? shown : all;
      step = (m) => rules.moveTo(m, target);
      break;
    }
  }

  const plan: PlannedChange[] = [];
  for (const m of targets) {
    const next = step(m);
    if (next) plan.push({ messageId: m.id, providerId: m.providerId, change: next.change, before: flagsOf(m), after: flagsOf(next.after) });
  }
  return plan;
}

/**
 * How the changes move the provider's per-folder totals and unread counts
 * (a message counts in every folder / label it is in).
 */
export function folderCountDeltas(changes: Array<{ before: MessageFlags; after: MessageFlags }>): FolderCountDeltas {
  const deltas: FolderCountDeltas = new Map();
  const add = (folderId: string, total: number, unread: number) => {
    const d = deltas.get(folderId) ?? { total: 0, unread: 0 };
    d.total += total;
    d.unread += unread;
    deltas.set(folderId, d);
  };
  for (const { before, after } of changes) {
    for (const f of before.folderIds) add(f, -1, before.read ? 0 : -1);
    for (const f of after.folderIds) add(f, 1, after.read ? 0 : 1);
  }
  for (const [folderId, d] of deltas) if (!d.total && !d.unread) deltas.delete(folderId);
  return deltas;
}
