/** `/me/messages/{id}/attachments`: list, get, `$value`, add (file attachments), delete. */
import type { Router } from '../../core';
import { GraphHttpError } from '../errors';
import { json } from '../http-util';
import type { StoredMessage } from '../mailbox';
import type { AttachmentContent } from '../mime';
import type { MicrosoftState } from '../state';
import { attachmentFromInput, type GraphAttachmentInput } from './compose';
import { type GraphContext, mailboxRoute, option, readJson } from './context';
import { ATTACHMENT_PROPERTIES, attachmentId, attachmentJson, parseSelect } from './message-json';
import { requireMessage } from './messages';

async function findAttachment(ctx: GraphContext, message: StoredMessage, id: string): Promise<{ attachment: AttachmentContent; index: number }> {
  const content = await ctx.mailbox.content(message);
  const index = content.attachments.findIndex((_, i) => attachmentId(message, i) === id);
  if (index < 0) throw new GraphHttpError(404, 'ErrorItemNotFound', 'The attachment was not found.');
  return { attachment: content.attachments[index], index };
}

export function registerAttachmentRoutes(router: Router, state: MicrosoftState): void {
  mailboxRoute(router, state, 'GET', '/messages/:id/attachments', 'readMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    const select = parseSelect(option(ctx.req, 'select'), ATTACHMENT_PROPERTIES, 'microsoft.graph.attachment');
    const content = await ctx.mailbox.content(message);
    return json(200, {
      '@odata.context': `${ctx.base}/v1.0/$metadata#users('${ctx.mailbox.user.id}')/messages('${message.id}')/attachments`,
      value: content.attachments.map((attachment, index) => attachmentJson(message, attachment, index, select)),
    });
  });
  mailboxRoute(router, state, 'GET', '/messages/:id/attachments/:attachmentId', 'readMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    const select = parseSelect(option(ctx.req, 'select'), ATTACHMENT_PROPERTIES, 'microsoft.graph.attachment');
    const { attachment, index } = await findAttachment(ctx, message, ctx.req.params.attachmentId);
    return json(200, attachmentJson(message, attachment, index, select));
  });
  mailboxRoute(router, state, 'GET', '/messages/:id/attachments/:attachmentId/$value', 'readMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    const { attachment } = await findAttachment(ctx, message, ctx.req.params.attachmentId);
    return { status: 200, headers: { 'Content-Type': attachment.contentType }, body: attachment.content };
  });
  mailboxRoute(router, state, 'POST', '/messages/:id/attachments', 'writeMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    const added = attachmentFromInput(readJson<GraphAttachmentInput>(ctx.req));
    const content = await ctx.mailbox.content(message);
    ctx.mailbox.setContent(message, { ...content, attachments: [...content.attachments, added] });
    ctx.mailbox.touch(message);
    return json(201, attachmentJson(message, added, content.attachments.length));
  });
  mailboxRoute(router, state, 'DELETE', '/messages/:id/attachments/:attachmentId', 'writeMail', async (ctx) => {
    const message = requireMessage(ctx, ctx.req.params.id);
    const { index } = await findAttachment(ctx, message, ctx.req.params.attachmentId);
    const content = await ctx.mailbox.content(message);
    ctx.mailbox.setContent(message, { ...content, attachments: content.attachments.filter((_, i) => i !== index) });
    ctx.mailbox.touch(message);
    return { status: 204 };
  });
}
