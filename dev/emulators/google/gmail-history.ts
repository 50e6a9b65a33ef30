import type { gmail_v1 } from '@googleapis/gmail';
import { invalidArgument, notFound } from './errors';
import { ok } from './gmail-messages';
import type { HistoryEntry, HistoryType } from './mailbox';
import { USER_PATH, type GmailRoutes } from './routes';

const TYPES: HistoryType[] = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'];

function toRecord(entry: HistoryEntry): gmail_v1.Schema$History {
  const message = { ...entry.message, labelIds: [...entry.message.labelIds] };
  const record: gmail_v1.Schema$History = { id: String(entry.id), messages: [{ id: message.id, threadId: message.threadId }] };
  switch (entry.type) {
    case 'messageAdded':
      record.messagesAdded = [{ message }];
      break;
    case 'messageDeleted':
      record.messagesDeleted = [{ message: { id: message.id, threadId: message.threadId } }];
      break;
    case 'labelAdded':
      record.labelsAdded = [{ message, labelIds: entry.labelIds ?? [] }];
      break;
    case 'labelRemoved':
      record.labelsRemoved = [{ message, labelIds: entry.labelIds ?? [] }];
      break;
  }
  return record;
}

export function registerHistoryRoutes(routes: GmailRoutes): void {
  routes.add('GET', `${USER_PATH}/history`, 2, 'read', ({ user }, req) => {
    const mailbox = user.mailbox;
    const startParam = req.query.get('startHistoryId');
    if (!startParam) return invalidArgument('Missing required parameter: startHistoryId');
    if (!/^\d+$/.test(startParam)) return invalidArgument(`Invalid value for "startHistoryId": "${startParam}"`);
    const start = Number(startParam);
    // Gmail keeps a limited window of history; older start ids answer 404 and the client must full-sync.
    if (start < mailbox.minRetainedHistoryId) return notFound();
    const types = req.query.getAll('historyTypes');
    const badType = types.find((t) => !TYPES.includes(t as HistoryType));
    if (badType) return invalidArgument(`Invalid value for "historyTypes": "${badType}"`);
    const labelId = req.query.get('labelId');
    const max = Math.min(500, Math.max(1, Number(req.query.get('maxResults') ?? 100) || 100));
    const pageToken = req.query.get('pageToken');
    const after = pageToken ? Number(Buffer.from(pageToken, 'base64url').toString('utf8')) : start;
    if (!Number.isFinite(after)) return invalidArgument('Invalid pageToken');
    const entries = mailbox
      .historySince(Math.max(start, after))
      .filter((e) => types.length === 0 || types.includes(e.type))
      .filter((e) => !labelId || e.message.labelIds.includes(labelId) || (e.labelIds ?? []).includes(labelId));
    const slice = entries.slice(0, max);
    const more = entries.length > max;
    return ok({
      ...(slice.length ? { history: slice.map(toRecord) } : {}),
      ...(more ? { nextPageToken: Buffer.from(String(slice[slice.length - 1].id)).toString('base64url') } : {}),
      historyId: String(mailbox.historyId),
    });
  });
}
