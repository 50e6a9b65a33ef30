import { invalidArgument, notFound } from './errors';
import { checkLabels, labelChange, noContent, ok, readFormat } from './gmail-messages';
import { listParams, matchingMessages, page } from './listing';
import type { Mailbox } from './mailbox';
import { formatMessage, type StoredMessage } from './message';
import { USER_PATH, type GmailRoutes } from './routes';

function threadMessages(mailbox: Mailbox, threadId: string): StoredMessage[] {
  return [...mailbox.messages.values()].filter((m) => m.threadId === threadId).sort((a, b) => a.internalDate - b.internalDate);
}

export function registerThreadRoutes(routes: GmailRoutes): void {
  const P = USER_PATH;

  routes.add('GET', `${P}/threads`, 10, 'read', ({ user }, req) => {
    const params = listParams(req);
    const latest = new Map<string, StoredMessage>();
    for (const m of matchingMessages(user.mailbox, params)) if (!latest.has(m.threadId)) latest.set(m.threadId, m);
    const threads = [...latest.values()];
    const { items, nextPageToken } = page(threads, params, (m) => `${String(m.internalDate).padStart(15, '0')}:${m.threadId}`);
    return ok({
      ...(items.length
        ? {
            threads: items.map((m) => {
              const all = threadMessages(user.mailbox, m.threadId);
              return { id: m.threadId, snippet: m.snippet, historyId: String(Math.max(...all.map((x) => x.historyId))) };
            }),
          }
        : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      resultSizeEstimate: threads.length,
    });
  });

  routes.add('GET', `${P}/threads/:id`, 10, 'read', ({ user }, req) => {
    const format = readFormat(req);
    if (typeof format !== 'string') return format;
    if (format === 'raw') return invalidArgument('Invalid value for "format": "raw"');
    const messages = threadMessages(user.mailbox, req.params.id.toLowerCase());
    if (messages.length === 0) return notFound();
    return ok({
      id: req.params.id.toLowerCase(),
      historyId: String(Math.max(...messages.map((m) => m.historyId))),
      messages: messages.map((m) => formatMessage(m, format, req.query.getAll('metadataHeaders'))),
    });
  });

  const change = (add: string[], remove: string[], mailbox: Mailbox, threadId: string) => {
    const messages = threadMessages(mailbox, threadId);
    if (messages.length === 0) return notFound();
    for (const m of messages) mailbox.modifyLabels(m.id, add, remove);
    return ok({ id: threadId, messages: threadMessages(mailbox, threadId).map((m) => ({ id: m.id, threadId, labelIds: [...m.labelIds] })) });
  };

  routes.add('POST', `${P}/threads/:id/modify`, 10, 'modify', ({ user }, req) => {
    const { add, remove } = labelChange(req);
    const bad = checkLabels(user.mailbox, [...add, ...remove]);
    return bad ?? change(add, remove, user.mailbox, req.params.id.toLowerCase());
  });
  routes.add('POST', `${P}/threads/:id/trash`, 10, 'modify', ({ user }, req) => change(['TRASH'], [], user.mailbox, req.params.id.toLowerCase()));
  routes.add('POST', `${P}/threads/:id/untrash`, 10, 'modify', ({ user }, req) => change([], ['TRASH'], user.mailbox, req.params.id.toLowerCase()));
  routes.add('DELETE', `${P}/threads/:id`, 20, 'delete', ({ user }, req) => {
    const messages = threadMessages(user.mailbox, req.params.id.toLowerCase());
    if (messages.length === 0) return notFound();
    messages.forEach((m) => user.mailbox.deleteMessage(m.id));
    return noContent();
  });
}
