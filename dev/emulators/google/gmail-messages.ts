import type { gmail_v1 } from '@googleapis/gmail';
import type { EmulatorRequest, EmulatorResponse } from '../core';
import { sendMessage } from './delivery';
import { invalidArgument, notFound } from './errors';
import type { GmailContext } from './gmail-auth';
import { headerValue } from './mime';
import { listParams, matchingMessages, messageKey, page } from './listing';
import type { Mailbox } from './mailbox';
import { isResponse, readMessageInput } from './message-input';
import { findAttachment, formatMessage, type MessageFormat, type StoredMessage } from './message';
import { UPLOAD_PATH, USER_PATH, type GmailRoutes } from './routes';
import type { GoogleState } from './state';

const FORMATS: MessageFormat[] = ['full', 'metadata', 'minimal', 'raw'];
const MAX_BATCH_IDS = 1000;

export const ok = (body: object): EmulatorResponse => ({ status: 200, body });
export const noContent = (): EmulatorResponse => ({ status: 204 });

export function readFormat(req: EmulatorRequest): MessageFormat | EmulatorResponse {
  const format = (req.query.get('format') ?? 'full').toLowerCase() as MessageFormat;
  return FORMATS.includes(format) ? format : invalidArgument(`Invalid value for "format": "${req.query.get('format')}"`);
}

/** The message an `:id` param names: 400 for ids Gmail could never have issued, 404 for unknown ones. */
export function lookupMessage(mailbox: Mailbox, id: string): StoredMessage | EmulatorResponse {
  if (!/^[0-9a-f]{1,24}$/i.test(id)) return invalidArgument('Invalid id value');
  return mailbox.messages.get(id.toLowerCase()) ?? notFound();
}

function isErr(value: StoredMessage | EmulatorResponse): value is EmulatorResponse {
  return 'status' in value;
}

/** Unknown label ids in a modify request, reported the way Gmail does. */
export function checkLabels(mailbox: Mailbox, ids: string[]): EmulatorResponse | null {
  const bad = ids.find((id) => !mailbox.isLabel(id));
  return bad ? invalidArgument(`Invalid label: ${bad}`) : null;
}

export function labelChange(req: EmulatorRequest): { add: string[]; remove: string[]; ids: string[] } {
  const body = req.json<{ addLabelIds?: string[]; removeLabelIds?: string[]; ids?: string[] }>();
  return { add: body.addLabelIds ?? [], remove: body.removeLabelIds ?? [], ids: body.ids ?? [] };
}

const shortMessage = (m: StoredMessage): gmail_v1.Schema$Message => ({ id: m.id, threadId: m.threadId, labelIds: [...m.labelIds] });

function internalDateFor(raw: StoredMessage | null, source: string | null, fallback: number): number {
  if (source !== 'dateHeader' || !raw) return fallback;
  const date = Date.parse(headerValue(raw.headers, 'date') ?? '');
  return Number.isFinite(date) ? date : fallback;
}

export function registerMessageRoutes(routes: GmailRoutes, state: GoogleState): void {
  const P = USER_PATH;

  routes.add('GET', `${P}/messages`, 5, 'read', ({ user }, req) => {
    const params = listParams(req);
    const all = matchingMessages(user.mailbox, params);
    const { items, nextPageToken } = page(all, params, messageKey);
    return ok({
      ...(items.length ? { messages: items.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      resultSizeEstimate: all.length,
    });
  });

  routes.add('GET', `${P}/messages/:id`, 5, 'read', ({ user }, req) => {
    const format = readFormat(req);
    if (typeof format !== 'string') return format;
    const message = lookupMessage(user.mailbox, req.params.id);
    if (isErr(message)) return message;
    return ok(formatMessage(message, format, req.query.getAll('metadataHeaders')));
  });

  routes.add('GET', `${P}/messages/:messageId/attachments/:id`, 5, 'read', ({ user }, req) => {
    const message = lookupMessage(user.mailbox, req.params.messageId);
    if (isErr(message)) return message;
    const data = findAttachment(message, req.params.id);
    if (!data) return invalidArgument('Invalid attachment token');
    return ok({ attachmentId: req.params.id, size: data.length, data: data.toString('base64').replace(/\+/g, '-').replace(/\//g, '_') });
  });

  const send = async ({ user }: GmailContext, req: EmulatorRequest): Promise<EmulatorResponse> => {
    const input = readMessageInput(req);
    if (isResponse(input)) return input;
    const { sent } = await sendMessage(state, user, input.raw, input.threadId);
    return ok(shortMessage(sent));
  };
  routes.add('POST', `${P}/messages/send`, 100, 'send', send);
  routes.add('POST', `${UPLOAD_PATH}/messages/send`, 100, 'send', send);

  // insert (IMAP APPEND-like, labels as given) and import (delivery-like, INBOX + UNREAD by default).
  const store = (kind: 'insert' | 'import') => ({ user }: GmailContext, req: EmulatorRequest): EmulatorResponse => {
    const input = readMessageInput(req);
    if (isResponse(input)) return input;
    const labels = input.labelIds ?? (kind === 'import' ? ['INBOX', 'UNREAD'] : []);
    const badLabel = checkLabels(user.mailbox, labels);
    if (badLabel) return badLabel;
    const stored = user.mailbox.addMessage(input.raw, { labelIds: labels, internalDate: Date.now(), threadId: input.threadId });
    const source = req.query.get('internalDateSource') ?? (kind === 'import' ? 'dateHeader' : 'receivedTime');
    stored.internalDate = internalDateFor(stored, source, stored.internalDate);
    return ok(shortMessage(stored));
  };
  routes.add('POST', `${P}/messages`, 25, 'insert', store('insert'));
  routes.add('POST', `${UPLOAD_PATH}/messages`, 25, 'insert', store('insert'));
  routes.add('POST', `${P}/messages/import`, 25, 'insert', store('import'));
  routes.add('POST', `${UPLOAD_PATH}/messages/import`, 25, 'insert', store('import'));

  routes.add('POST', `${P}/messages/batchModify`, 50, 'modify', ({ user }, req) => {
    const { add, remove, ids } = labelChange(req);
    if (ids.length === 0) return invalidArgument('No message ids specified');
    if (ids.length > MAX_BATCH_IDS) return invalidArgument(`Too many ids: at most ${MAX_BATCH_IDS} allowed`);
    const bad = checkLabels(user.mailbox, [...add, ...remove]);
    if (bad) return bad;
    for (const id of ids) user.mailbox.modifyLabels(id.toLowerCase(), add, remove);
    return noContent();
  });

  routes.add('POST', `${P}/messages/batchDelete`, 50, 'delete', ({ user }, req) => {
    const { ids } = labelChange(req);
    if (ids.length > MAX_BATCH_IDS) return invalidArgument(`Too many ids: at most ${MAX_BATCH_IDS} allowed`);
    for (const id of ids) user.mailbox.deleteMessage(id.toLowerCase());
    return noContent();
  });

  routes.add('POST', `${P}/messages/:id/modify`, 5, 'modify', ({ user }, req) => {
    const message = lookupMessage(user.mailbox, req.params.id);
    if (isErr(message)) return message;
    const { add, remove } = labelChange(req);
    const bad = checkLabels(user.mailbox, [...add, ...remove]);
    if (bad) return bad;
    return ok(shortMessage(user.mailbox.modifyLabels(message.id, add, remove) as StoredMessage));
  });

  routes.add('POST', `${P}/messages/:id/trash`, 5, 'modify', ({ user }, req) => {
    const message = lookupMessage(user.mailbox, req.params.id);
    if (isErr(message)) return message;
    return ok(shortMessage(user.mailbox.modifyLabels(message.id, ['TRASH'], []) as StoredMessage));
  });

  routes.add('POST', `${P}/messages/:id/untrash`, 5, 'modify', ({ user }, req) => {
    const message = lookupMessage(user.mailbox, req.params.id);
    if (isErr(message)) return message;
    return ok(shortMessage(user.mailbox.modifyLabels(message.id, [], ['TRASH']) as StoredMessage));
  });

  routes.add('DELETE', `${P}/messages/:id`, 10, 'delete', ({ user }, req) => {
    const message = lookupMessage(user.mailbox, req.params.id);
    if (isErr(message)) return message;
    user.mailbox.deleteMessage(message.id);
    return noContent();
  });
}

