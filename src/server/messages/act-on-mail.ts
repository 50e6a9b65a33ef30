/**
 * Acting on mail (read / star / archive / trash / restore / move) for the
 * mailbox owner: the plan from mail-acts is applied at the provider first,
 * through the account's limiter (user actions share the quota with sync), then
 * mirrored into the local rows at once with the sync store's own page writer,
 * so thread summaries and folder membership are recomputed exactly as a sync
 * would and the next incremental sync finds nothing to change.
 *
 * Only what the provider accepted is mirrored: a failure part-way leaves the
 * messages changed so far changed on both sides, and the rest untouched on both.
 *
 * A sync running at the same moment may have read a message before the change
 * and commit that older state after our mirror. Its cursor was taken before the
 * change too, so the provider reports the change again on the next incremental
 * run, which restores it; when the account's lease is held while we act, that
 * next run is requested right away so the stale state lasts one run at most.
 */
import type { Database } from '@nocobase/database';
import type { MailAccess, Viewer } from '../accounts/access';
import type { AccountService } from '../accounts/account-service';
import { UserFacingError } from '../http/errors';
import { isProviderError } from '../providers/errors';
import type { MailActResult } from '../../shared/wire-types';
import { MailStore } from '../sync/store';
import { asBool, asDate, asStringArray } from '../sync/values';
import { folderCountDeltas, isMailAction, MAIL_ACTIONS, planMailAct, type FolderFacts, type MailAction, type MessageFacts, type PlannedChange } from './mail-acts';
import { blockedNow, ownAccount, providerFailure, userSchedule, type OwnedAccount } from './provider-calls';
import { isRowId, MailVisibility, MESSAGE_NOT_FOUND, type Raw } from './visibility';
import { applyFolderCountDeltas } from './folder-counts';
import { findAllRaw, findRaw } from './raw-rows';

/** The conversation after the action (ids are row ids, as strings): shared with the client. */
export type { MailActResult };

export interface MailActInput {
  action: unknown;
  /** mailFolders row id, for moveTo. */
  folderId?: unknown;
}

export interface MailActorDeps {
  db: Database;
  accounts: () => AccountService;
  access: () => MailAccess;
  /** Queues a sync of the account soon (off the request path). */
  requestSync?: (accountId: string) => void;
  now?: () => number;
}

/** Messages changed at the provider at once: a conversation of 30 takes a few round trips, within Graph's 4 per mailbox. */
const PARALLEL_CHANGES = 4;

/** What planning needs of a message row (never its bodies). */
const MESSAGE_FACTS = ['id', 'accountId', 'threadRowId', 'providerId', 'date', 'read', 'starred', 'draft', 'folderIds'];

export const THREAD_NOT_FOUND = () => new UserFacingError(404, 'THREAD_NOT_FOUND', 'This conversation does not exist or was deleted.');

const SUPERVISOR_CANNOT_ACT = 'Mail supervisors can read this mailbox but not change it. Only its owner can mark, star, move or delete its mail.';

function messageFacts(row: Raw): MessageFacts {
  return {
    id: String(row.id),
    providerId: String(row.providerId),
    date: asDate(row.date),
    read: asBool(row.read),
    starred: asBool(row.starred),
    draft: asBool(row.draft),
    folderIds: asStringArray(row.folderIds),
  };
}

function folderFacts(row: Raw): FolderFacts {
  return {
    id: String(row.id),
    providerId: String(row.providerId),
    name: String(row.name ?? row.providerId),
    role: String(row.role ?? 'custom'),
    kind: row.kind ? String(row.kind) : null,
  };
}

export class MailActor {
  private readonly store: MailStore;
  private readonly visibility: MailVisibility;
  private readonly now: () => number;
  private readonly lanes = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: MailActorDeps) {
    this.store = new MailStore(deps.db);
    this.visibility = new MailVisibility(deps.db, deps.access);
    this.now = deps.now ?? (() => Date.now());
  }

  async onThread(viewer: Viewer, threadId: string, input: MailActInput): Promise<MailActResult> {
    const action = this.actionOf(input);
    const thread = isRowId(threadId) ? await findRaw(this.deps.db, 'mailThreads', { id: threadId }) : null;
    if (!thread) throw THREAD_NOT_FOUND();
    const account = await this.ownAccount(viewer, thread.accountId, THREAD_NOT_FOUND);
    const load = async () => (await findAllRaw(this.deps.db, 'mailMessages', { accountId: account.id, threadRowId: thread.id }, MESSAGE_FACTS)).map(messageFacts);
    return this.act(account, action, input, 'thread', load, String(thread.id));
  }

  async onMessage(viewer: Viewer, messageId: string, input: MailActInput): Promise<MailActResult> {
    const action = this.actionOf(input);
    const message = isRowId(messageId) ? await findRaw(this.deps.db, 'mailMessages', { id: messageId }, MESSAGE_FACTS) : null;
    if (!message) throw MESSAGE_NOT_FOUND();
    const account = await this.ownAccount(viewer, message.accountId, MESSAGE_NOT_FOUND);
    const load = async () => {
      const current = await findRaw(this.deps.db, 'mailMessages', { id: message.id }, MESSAGE_FACTS);
      return current ? [messageFacts(current)] : [];
    };
    return this.act(account, action, input, 'message', load, String(message.threadRowId));
  }

  private actionOf(input: MailActInput): MailAction {
    if (isMailAction(input.action)) return input.action;
    const given = typeof input.action === 'string' && input.action ? `"${input.action.slice(0, 40)}"` : 'no action';
    throw new UserFacingError(400, 'UNKNOWN_ACTION', `Cannot do ${given} on mail. Send one of: ${MAIL_ACTIONS.join(', ')}.`, 'action');
  }

  private ownAccount(viewer: Viewer, accountId: unknown, notFound: () => UserFacingError): Promise<OwnedAccount> {
    return ownAccount(this.deps.db, this.visibility, viewer, accountId, notFound, SUPERVISOR_CANNOT_ACT);
  }

  private act(
    account: OwnedAccount,
    action: MailAction,
    input: MailActInput,
    scope: 'thread' | 'message',
    loadMessages: () => Promise<MessageFacts[]>,
    threadRowId: string,
  ): Promise<MailActResult> {
    return this.inLane(account.id, async () => {
      const folders = (await findAllRaw(this.deps.db, 'mailFolders', { accountId: account.id })).map(folderFacts);
      const target = action === 'moveTo' ? this.targetFolder(input.folderId, folders, account) : null;
      const plan = planMailAct({ provider: account.provider, action, scope, messages: await loadMessages(), folders, target });
      if (plan.length) await this.apply(account, plan);
      return this.state(threadRowId, account.id, folders);
    });
  }

  /**
   * One action at a time per account in this process: a double click plans the
   * second action from the first one's result (nothing left to do) instead of
   * applying the same change, and the same folder-count delta, twice.
   */
  private inLane<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.lanes.get(accountId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    this.lanes.set(accountId, run);
    const forget = () => {
      if (this.lanes.get(accountId) === run) this.lanes.delete(accountId);
    };
    run.then(forget, forget);
    return run;
  }

  private targetFolder(folderId: unknown, folders: FolderFacts[], account: OwnedAccount): FolderFacts {
    const id = typeof folderId === 'number' ? String(folderId) : folderId;
    if (id === undefined || id === null || id === '') {
      throw new UserFacingError(400, 'FOLDER_REQUIRED', 'Choose the folder to move to (folderId).', 'folderId');
    }
    const folder = isRowId(id) ? folders.find((f) => f.id === id) : undefined;
    if (!folder) {
      throw new UserFacingError(400, 'FOLDER_NOT_FOUND', `That folder is not in ${account.address}. Choose one of this mailbox's folders.`, 'folderId');
    }
    return folder;
  }

  /** Provider first, message by message; then the local mirror of exactly what the provider accepted. */
  private async apply(account: OwnedAccount, plan: PlannedChange[]): Promise<void> {
    const limiter = this.deps.accounts().limiterFor(account.id, account.provider);
    // Before any provider call: a mailbox that needs reconnecting, or a long rate limit, would fail anyway.
    const blocked = blockedNow(account, limiter, this.now());
    if (blocked) throw this.failure(blocked, account, 0, plan.length);
    const schedule = userSchedule(limiter);

    const done: PlannedChange[] = [];
    // The first failure stops new changes; the ones already in flight finish and count.
    const stop: { failed: boolean; error?: unknown } = { failed: false };
    const fail = (error: unknown) => {
      if (stop.failed) return;
      stop.failed = true;
      stop.error = error;
    };
    try {
      const mailbox = await this.deps.accounts().mailboxFor(account.id, { schedule });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (!stop.failed && next < plan.length) {
          const item = plan[next++];
          try {
            await mailbox.modify(item.providerId, item.change);
            done.push(item);
          } catch (error) {
            fail(error);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_CHANGES, plan.length) }, worker));
    } catch (error) {
      fail(error);
    }

    if (done.length) await this.mirror(account.id, done);
    if (stop.failed) {
      // A message or folder gone at the provider: the next sync brings the mailbox up to date.
      if (isProviderError(stop.error) && stop.error.code === 'NOT_FOUND') this.deps.requestSync?.(account.id);
      throw this.failure(stop.error, account, done.length, plan.length);
    }
  }

  private async mirror(accountId: string, done: PlannedChange[]): Promise<void> {
    await this.store.applyPage(
      accountId,
      { updated: done.map((c) => ({ providerId: c.providerId, ...c.after })) },
      (transaction) => applyFolderCountDeltas(this.deps.db, accountId, folderCountDeltas(done), transaction),
    );
    if (await this.leaseHeld(accountId)) this.deps.requestSync?.(accountId);
  }

  /** Whether a sync runner holds the account now (its page may carry the state from before our change). */
  private async leaseHeld(accountId: string): Promise<boolean> {
    const row = await findRaw(this.deps.db, 'mailAccounts', { id: accountId }, ['leaseOwner', 'leaseExpiresAt']);
    const expires = asDate(row?.leaseExpiresAt);
    return Boolean(row?.leaseOwner) && (!expires || expires.getTime() > this.now());
  }

  /** Provider failures in words the mailbox owner can act on. */
  private failure(e: unknown, account: OwnedAccount, done: number, planned: number): unknown {
    const outcome = done ? ` ${done} of ${planned} messages were changed before it stopped.` : ' Nothing was changed.';
    const limiter = this.deps.accounts().limiterFor(account.id, account.provider);
    return providerFailure(e, account, limiter, this.now(), {
      outcome,
      refused: 'refused the change',
      notFound: (label) =>
        new UserFacingError(
          409,
          'MAILBOX_CHANGED',
          `This mail changed in ${label} since ${account.address} was last synced (a message or folder is gone there).${outcome} The mailbox is being synced; try again in a moment.`,
        ),
    });
  }

  /** The conversation as stored now; an empty one when its row is gone. */
  private async state(threadRowId: string, accountId: string, folders: FolderFacts[]): Promise<MailActResult> {
    const rowIdOf = new Map(folders.map((f) => [f.providerId, f.id]));
    const toRowIds = (ids: string[]) => ids.map((id) => rowIdOf.get(id)).filter((id): id is string => id !== undefined);
    const thread = isRowId(threadRowId) ? await findRaw(this.deps.db, 'mailThreads', { id: threadRowId, accountId }) : null;
    const messages = thread
      ? ((await this.deps.db.getModel('mailMessages').findAll({
          where: { accountId, threadRowId },
          attributes: ['id', 'read', 'starred', 'folderIds'],
          order: [['date', 'ASC'], ['id', 'ASC']],
          raw: true,
        })) as unknown as Raw[])
      : [];
    return {
      threadId: threadRowId,
      unreadCount: Number(thread?.unreadCount ?? 0),
      starred: asBool(thread?.starred),
      folderIds: toRowIds(asStringArray(thread?.folderIds)),
      messages: messages.map((m) => ({ id: String(m.id), read: asBool(m.read), starred: asBool(m.starred), folderIds: toRowIds(asStringArray(m.folderIds)) })),
    };
  }
}
