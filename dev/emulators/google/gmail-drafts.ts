import type { EmulatorRequest, EmulatorResponse } from '../core';
import { sendDraftMessage } from './delivery';
import { invalidArgument, notFound } from './errors';
import type { GmailContext } from './gmail-auth';
import { noContent, ok, readFormat } from './gmail-messages';
import { page } from './listing';
import type { Draft } from './mailbox';
import { isResponse, readMessageInput, type MessageResource } from './message-input';
import { formatMessage } from './message';
import { completeOutgoing } from './outgoing';
import { UPLOAD_PATH, USER_PATH, type GmailRoutes } from './routes';
import type { GoogleState } from './state';

const inMessage = (json: Record<string, unknown>): MessageResource | undefined => json.message as MessageResource | undefined;

function draftView(ctx: GmailContext, draft: Draft): object {
  const message = ctx.user.mailbox.messages.get(draft.messageId);
  return { id: draft.id, message: message ? { id: message.id, threadId: message.threadId, labelIds: [...message.labelIds] } : {} };
}

function storeDraft(ctx: GmailContext, req: EmulatorRequest, replacing?: Draft): EmulatorResponse {
  const input = readMessageInput(req, inMessage);
  if (isResponse(input)) return input;
  const mailbox = ctx.user.mailbox;
  const raw = completeOutgoing(input.raw, ctx.user);
  if (replacing) mailbox.deleteMessage(replacing.messageId);
  const message = mailbox.addMessage(raw, { labelIds: ['DRAFT'], internalDate: Date.now(), threadId: input.threadId });
  const draft: Draft = { id: replacing?.id ?? mailbox.nextDraftId(), messageId: message.id };
  mailbox.drafts.set(draft.id, draft);
  return ok(draftView(ctx, draft));
}

export function registerDraftRoutes(routes: GmailRoutes, state: GoogleState): void {
  const P = USER_PATH;
  const find = (ctx: GmailContext, id: string): Draft | undefined => ctx.user.mailbox.drafts.get(id);

  routes.add('GET', `${P}/drafts`, 5, 'read', (ctx, req) => {
    const max = Math.min(500, Math.max(1, Number(req.query.get('maxResults') ?? 100) || 100));
    const drafts = [...ctx.user.mailbox.drafts.values()]
      .map((d) => ({ d, m: ctx.user.mailbox.messages.get(d.messageId) }))
      .filter((x) => x.m)
      .sort((a, b) => (b.m?.internalDate ?? 0) - (a.m?.internalDate ?? 0));
    const { items, nextPageToken } = page(drafts, { maxResults: max, pageToken: req.query.get('pageToken') }, (x) => `${String(x.m?.internalDate).padStart(15, '0')}:${x.d.id}`);
    return ok({
      ...(items.length ? { drafts: items.map((x) => ({ id: x.d.id, message: { id: x.m?.id, threadId: x.m?.threadId } })) } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      resultSizeEstimate: drafts.length,
    });
  });

  routes.add('GET', `${P}/drafts/:id`, 5, 'read', (ctx, req) => {
    const format = readFormat(req);
    if (typeof format !== 'string') return format;
    const draft = find(ctx, req.params.id);
    const message = draft && ctx.user.mailbox.messages.get(draft.messageId);
    if (!draft || !message) return notFound();
    return ok({ id: draft.id, message: formatMessage(message, format) });
  });

  routes.add('POST', `${P}/drafts`, 10, 'compose', (ctx, req) => storeDraft(ctx, req));
  routes.add('POST', `${UPLOAD_PATH}/drafts`, 10, 'compose', (ctx, req) => storeDraft(ctx, req));

  const update = (ctx: GmailContext, req: EmulatorRequest): EmulatorResponse => {
    const draft = find(ctx, req.params.id);
    return draft ? storeDraft(ctx, req, draft) : notFound();
  };
  routes.add('PUT', `${P}/drafts/:id`, 15, 'compose', update);
  routes.add('PUT', `${UPLOAD_PATH}/drafts/:id`, 15, 'compose', update);

  routes.add('DELETE', `${P}/drafts/:id`, 10, 'compose', (ctx, req) => {
    const draft = find(ctx, req.params.id);
    if (!draft) return notFound();
    ctx.user.mailbox.drafts.delete(draft.id);
    ctx.user.mailbox.deleteMessage(draft.messageId);
    return noContent();
  });

  // drafts.send takes an existing draft id, or a message (JSON or upload) that is stored as the draft first.
  const send = async (ctx: GmailContext, req: EmulatorRequest): Promise<EmulatorResponse> => {
    const upload = req.path.startsWith('/upload/');
    const body = upload ? {} : req.json<{ id?: string; message?: MessageResource }>();
    let draft = body.id ? find(ctx, body.id) : undefined;
    if (body.id && !draft) return notFound();
    if (upload || body.message?.raw) {
      const stored = storeDraft(ctx, req, draft);
      if (stored.status !== 200) return stored;
      draft = ctx.user.mailbox.drafts.get((stored.body as { id: string }).id);
    }
    if (!draft) return invalidArgument('Draft id or message required');
    const message = ctx.user.mailbox.messages.get(draft.messageId);
    if (!message) return notFound();
    ctx.user.mailbox.drafts.delete(draft.id);
    const { sent } = await sendDraftMessage(state, ctx.user, message);
    return ok({ id: sent.id, threadId: sent.threadId, labelIds: [...sent.labelIds] });
  };
  routes.add('POST', `${P}/drafts/send`, 100, 'send', send);
  routes.add('POST', `${UPLOAD_PATH}/drafts/send`, 100, 'send', send);
}
