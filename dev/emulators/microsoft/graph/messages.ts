/**
 * Message routes: list / get / `$value`, drafts (create, PATCH, send), PATCH flags,
 * move / copy / delete, sendMail, reply / replyAll / forward (direct and as drafts),
 * and per-folder listing and delta.
 */
import type { EmulatorResponse, Router } from '../../core';
import { GraphHttpError } from '../errors';
import { header, json } from '../http-util';
import type { FlagStatus, StoredMessage } from '../mailbox';
import type { MicrosoftState } from '../state';
import {
  applyMessageInput,
  emptyContent,
  parseSubmittedMime,
  responseContent,
  sendMessage,
  type GraphMessageInput,
  type ResponseKind,
  type SendDeps,
} from './compose';
import { type GraphContext, mailboxRoute, option, readJson } from './context';
import { folderDelta } from './delta';
import { requireFolder } from './folders';
import { listMessages } from './list';
import { messageJson, parseSelect, preferredBodyType } from './message-json';

export function requireMessage(ctx: GraphContext, id: string, folderId?: string): StoredMessage {
  const message = ctx.mailbox.messages.get(id);
  if (!message || (folderId !== undefined && message.folderId !== requireFolder(ctx.mailbox, folderId).id)) {
    throw new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  }
  return message;
}

/** `Prefer: IdType="ImmutableId"` keeps ids stable across moves. */
function immutableIds(ctx: GraphContext): boolean {
  return /IdType\s*=\s*"?ImmutableId"?/i.test(header(ctx.req, 'prefer') ?? '');
}

function view(ctx: GraphContext) {
  return {
    select: parseSelect(option(ctx.req, 'select')),
    bodyType: preferredBodyType(ctx.req.headers.prefer),
    expandAttachments: /attachments/i.test(option(ctx.req, 'expand') ?? ''),
  };
}

async function one(ctx: GraphContext, message: StoredMessage, status = 200): Promise<EmulatorResponse> {
  const body = await messageJson(ctx.mailbox, message, view(ctx));
  return json(status, { '@odata.context': `${ctx.base}/v1.0/$metadata#users('${ctx.mailbox.user.id}')/messages/$entity`, ...body });
}

function isMimeSubmission(ctx: GraphContext): boolean {
  return /^text\/plain/i.test(header(ctx.req, 'content-type') ?? '');
}

const FLAG_STATUSES: FlagStatus[] = ['notFlagged', 'flagged', 'complete'];
const DRAFT_ONLY = ['subject', 'body', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'from', 'sender', 'internetMessageHeaders', 'internetMessageId', 'attachments'] as const;

async function patchMessage(ctx: GraphContext, message: StoredMessage): Promise<void> {
  const input = readJson<GraphMessageInput & { inferenceClassification?: string }>(ctx.req);
  const authoring = DRAFT_ONLY.filter((key) => input[key] !== undefined);
  if (authoring.length && !message.isDraft) {
    throw new GraphHttpError(400, 'ErrorInvalidPropertyUpdateSentMessage', `Update operation is invalid for property of a sent message: ${authoring.join(', ')}.`);
  }
  if (input.isRead !== undefined) message.isRead = !!input.isRead;
  if (input.categories !== undefined) {
    if (!Array.isArray(input.categories)) throw new GraphHttpError(400, 'BadRequest', 'categories must be an array of strings.');
    message.categories = input.categories.map(String);
  }
  if (input.flag !== undefined) {
    const status = (input.flag?.flagStatus ?? 'notFlagged') as FlagStatus;
    if (!FLAG_STATUSES.includes(status)) throw new GraphHttpError(400, 'BadRequest', `Invalid flagStatus '${String(status)}'.`);
    message.flag = { ...(input.flag as object), flagStatus: status };
  }
  if (input.inferenceClassification === 'focused' || input.inferenceClassification === 'other') {
    message.inferenceClassification = input.inferenceClassification;
  }
  if (input.importance !== undefined && !authoring.length) {
    const importance = input.importance.toLowerCase();
    if (importance === 'low' || importance === 'normal' || importance === 'high') message.importance = importance;
  }
  if (authoring.length || (message.isDraft && input.importance !== undefined)) {
    const content = applyMessageInput(await ctx.mailbox.content(message), input);
    ctx.mailbox.setContent(message, content);
    message.importance = content.importance;
  }
  ctx.mailbox.touch(message);
}

async function createDraft(ctx: GraphContext, folderId: string): Promise<StoredMessage> {
  const now = new Date();
  const owner = { name: ctx.mailbox.user.displayName, address: ctx.mailbox.user.address };
  if (isMimeSubmission(ctx)) {
    const { raw, content } = await parseSubmittedMime(ctx.req.text());
    return ctx.mailbox.add({ folderId, raw, content: { ...content, from: content.from ?? owner }, isDraft: true, isRead: true, receivedDateTime: now, inReplyTo: content.inReplyTo, references: content.references });
  }
  const input = readJson<GraphMessageInput>(ctx.req);
  const content = applyMessageInput({ ...emptyContent(), from: owner, sender: owner }, input);
  return ctx.mailbox.add({
    folderId,
    content,
    isDraft: true,
    isRead: true,
    receivedDateTime: now,
    categories: input.categories,
    importance: content.importance,
  });
}

export function registerMessageRoutes(router: Router, state: MicrosoftState, deps: SendDeps): void {
  const route = (method: string, suffix: string, permission: Parameters<typeof mailboxRoute>[4], handler: Parameters<typeof mailboxRoute>[5]): void =>
    mailboxRoute(router, state, method, suffix, permission, handler);

  route('GET', '/messages', 'readMail', async (ctx) =>
    json(200, await listMessages(ctx, [...ctx.mailbox.messages.values()], `users('${ctx.mailbox.user.id}')/messages`)),
  );
  route('POST', '/messages', 'writeMail', async (ctx) => one(ctx, await createDraft(ctx, ctx.mailbox.wellKnownId('drafts')), 201));

  route('GET', '/mailFolders/:folderId/messages/delta', 'readMail', (ctx) => folderDelta(ctx, requireFolder(ctx.mailbox, ctx.req.params.folderId)));
  route('GET', '/mailFolders/:folderId/messages', 'readMail', async (ctx) => {
    const folder = requireFolder(ctx.mailbox, ctx.req.params.folderId);
    return json(200, await listMessages(ctx, ctx.mailbox.messagesIn(folder.id), `users('${ctx.mailbox.user.id}')/mailFolders('${folder.id}')/messages`));
  });
  route('POST', '/mailFolders/:folderId/messages', 'writeMail', async (ctx) =>
    one(ctx, await createDraft(ctx, requireFolder(ctx.mailbox, ctx.req.params.folderId).id), 201),
  );
  route('GET', '/mailFolders/:folderId/messages/:id', 'readMail', (ctx) => one(ctx, requireMessage(ctx, ctx.req.params.id, ctx.req.params.folderId)));

  route('GET', '/messages/:id', 'readMail', (ctx) => one(ctx, requireMessage(ctx, ctx.req.params.id)));
  route('GET', '/messages/:id/$value', 'readMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: await ctx.mailbox.mime(message) };
  });
  route('PATCH', '/messages/:id', 'writeMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    await patchMessage(ctx, message);
    return one(ctx, message);
  });
  const remove = (ctx: GraphContext): EmulatorResponse => {
    ctx.mailbox.remove(requireMessage(ctx, ctx.req.params.id));
    return { status: 204 };
  };
  route('DELETE', '/messages/:id', 'writeMail', remove);
  route('POST', '/messages/:id/permanentDelete', 'writeMail', remove);

  route('POST', '/messages/:id/move', 'writeMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    const { destinationId } = readJson<{ destinationId?: string }>(ctx.req);
    if (!destinationId) throw new GraphHttpError(400, 'ErrorInvalidRequest', 'destinationId is required.');
    const moved = ctx.mailbox.move(message, requireFolder(ctx.mailbox, destinationId).id, immutableIds(ctx));
    return one(ctx, moved, 201);
  });
  route('POST', '/messages/:id/copy', 'writeMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    const { destinationId } = readJson<{ destinationId?: string }>(ctx.req);
    if (!destinationId) throw new GraphHttpError(400, 'ErrorInvalidRequest', 'destinationId is required.');
    await ctx.mailbox.content(message);
    return one(ctx, ctx.mailbox.copy(message, requireFolder(ctx.mailbox, destinationId).id), 201);
  });

  route('POST', '/messages/:id/send', 'sendMail', async (ctx) => {
    const draft = requireMessage(ctx, ctx.req.params.id);
    if (!draft.isDraft) throw new GraphHttpError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
    const content = await ctx.mailbox.content(draft);
    await sendMessage(deps, ctx.mailbox, content, { saveToSentItems: true, draft, keepId: immutableIds(ctx), raw: draft.raw ?? undefined, conversationId: draft.conversationId });
    return { status: 202 };
  });

  route('POST', '/sendMail', 'sendMail', async (ctx) => {
    if (isMimeSubmission(ctx)) {
      const { raw, content } = await parseSubmittedMime(ctx.req.text());
      await sendMessage(deps, ctx.mailbox, content, { saveToSentItems: true, raw });
      return { status: 202 };
    }
    const body = readJson<{ message?: GraphMessageInput; saveToSentItems?: boolean | string }>(ctx.req);
    if (!body.message) throw new GraphHttpError(400, 'ErrorInvalidRequest', 'The message property is required.');
    const owner = { name: ctx.mailbox.user.displayName, address: ctx.mailbox.user.address };
    const content = applyMessageInput({ ...emptyContent(), from: owner, sender: owner }, body.message);
    const save = body.saveToSentItems === undefined ? true : String(body.saveToSentItems) !== 'false';
    await sendMessage(deps, ctx.mailbox, content, { saveToSentItems: save });
    return { status: 202 };
  });

  const responseDraft = async (ctx: GraphContext, kind: ResponseKind): Promise<StoredMessage> => {
    const original = requireMessage(ctx, ctx.req.params.id);
    const input = readJson<{ comment?: string; message?: GraphMessageInput; toRecipients?: GraphMessageInput['toRecipients'] }>(ctx.req);
    let content = responseContent(ctx.mailbox, await ctx.mailbox.content(original), original, kind, input.comment ?? '');
    if (input.toRecipients) content = applyMessageInput(content, { toRecipients: input.toRecipients });
    if (input.message) {
      const { body, ...rest } = input.message;
      content = applyMessageInput(content, rest);
      // A message body is placed above the quoted original, as Outlook does with comment.
      if (body?.content) content = { ...content, html: (content.html ?? '').replace('<div></div>', `<div>${body.content}</div>`) };
    }
    return ctx.mailbox.add({
      folderId: ctx.mailbox.wellKnownId('drafts'),
      content,
      isDraft: true,
      isRead: true,
      receivedDateTime: new Date(),
      inReplyTo: content.inReplyTo,
      references: content.references,
      conversationId: original.conversationId,
    });
  };

  const kinds: Array<[string, ResponseKind]> = [
    ['Reply', 'reply'],
    ['ReplyAll', 'replyAll'],
    ['Forward', 'forward'],
  ];
  for (const [suffix, kind] of kinds) {
    route('POST', `/messages/:id/create${suffix}`, 'writeMail', async (ctx) => one(ctx, await responseDraft(ctx, kind), 201));
    route('POST', `/messages/:id/${kind}`, 'sendMail', async (ctx) => {
      const draft = await responseDraft(ctx, kind);
      const content = await ctx.mailbox.content(draft);
      await sendMessage(deps, ctx.mailbox, content, { saveToSentItems: true, draft, conversationId: draft.conversationId });
      return { status: 202 };
    });
  }
}
