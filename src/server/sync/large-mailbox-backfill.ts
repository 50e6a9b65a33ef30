/**
 * Brings mail stored by earlier versions into the large-mailbox model: folder
 * membership rows for every conversation (from the thread rows' `folderIds`),
 * participants carrying their message's date and conversation, and no
 * conversation without a date. Idempotent: run again, it rewrites the same rows;
 * nothing is added to or taken from the mail itself.
 */
import type { Database } from '@nocobase/database';
import { Op } from 'sequelize';
import { UNDATED } from './rows';
import { withTransaction } from './transaction';
import { asDate, asStringArray } from './values';

type Row = Record<string, unknown>;

const BATCH = 1000;

export interface BackfillOutcome {
  threads: number;
  memberships: number;
  participants: number;
}

export async function backfillLargeMailboxModel(db: Database): Promise<BackfillOutcome> {
  const outcome: BackfillOutcome = { threads: 0, memberships: 0, participants: 0 };
  const Threads = db.getModel('mailThreads');
  const Members = db.getModel('mailThreadFolders');
  const Messages = db.getModel('mailMessages');
  const People = db.getModel('mailParticipants');

  await Threads.update({ lastMessageAt: UNDATED }, { where: { lastMessageAt: { [Op.is]: null } } });

  // Threads in id order, a batch per transaction, so a huge install never holds one long transaction.
  let after: unknown = null;
  for (;;) {
    const threads = (await Threads.findAll({
      where: after === null ? {} : { id: { [Op.gt]: after } },
      attributes: ['id', 'accountId', 'folderIds', 'lastMessageAt'],
      order: [['id', 'ASC']],
      limit: BATCH,
      raw: true,
    })) as unknown as Row[];
    if (!threads.length) break;
    after = threads[threads.length - 1].id;
    const rows = threads.flatMap((t) =>
      [...new Set(asStringArray(t.folderIds))].map((folderId) => ({ threadRowId: t.id, accountId: t.accountId, folderId, lastMessageAt: asDate(t.lastMessageAt) ?? UNDATED })),
    );
    await withTransaction(db, async (transaction) => {
      await Members.destroy({ where: { threadRowId: { [Op.in]: threads.map((t) => t.id) } }, transaction });
      if (rows.length) await Members.bulkCreate(rows, { transaction });
    });
    outcome.threads += threads.length;
    outcome.memberships += rows.length;
  }

  // Participants without their message's date and conversation, a batch of messages at a time
  // (in message order, so a message without a conversation cannot stall the loop).
  let afterMessage: unknown = null;
  for (;;) {
    const pending = (await People.findAll({
      where: { threadRowId: { [Op.is]: null }, messageRowId: afterMessage === null ? { [Op.ne]: null } : { [Op.gt]: afterMessage } },
      attributes: ['messageRowId'],
      group: ['messageRowId'],
      order: [['messageRowId', 'ASC']],
      limit: BATCH,
      raw: true,
    })) as unknown as Row[];
    const messageIds = pending.map((p) => p.messageRowId);
    if (!messageIds.length) break;
    afterMessage = messageIds[messageIds.length - 1];
    const messages = (await Messages.findAll({ where: { id: { [Op.in]: messageIds } }, attributes: ['id', 'threadRowId', 'date'], raw: true })) as unknown as Row[];
    const known = new Set(messages.map((m) => String(m.id)));
    await withTransaction(db, async (transaction) => {
      for (const m of messages) {
        const [count] = await People.update({ threadRowId: m.threadRowId, date: asDate(m.date) ?? UNDATED }, { where: { messageRowId: m.id }, transaction });
        outcome.participants += count;
      }
      // Rows of messages that no longer exist can never be shown: they go.
      const orphans = messageIds.filter((id) => !known.has(String(id)));
      if (orphans.length) await People.destroy({ where: { messageRowId: { [Op.in]: orphans } }, transaction });
    });
  }
  return outcome;
}
