/** `/me/mailFolders`: list (paged, default 10 like Graph), get by id or well-known name, child folders, create, rename, delete. */
import type { Router } from '../../core';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../constants';
import { GraphHttpError } from '../errors';
import { json } from '../http-util';
import type { Mailbox, MailFolder } from '../mailbox';
import type { MicrosoftState } from '../state';
import { type GraphContext, mailboxRoute, option, readJson } from './context';
import { parseSelect } from './message-json';

const FOLDER_PROPERTIES = new Set(['id', 'displayName', 'parentFolderId', 'childFolderCount', 'unreadItemCount', 'totalItemCount', 'sizeInBytes', 'isHidden']);

export function folderJson(mailbox: Mailbox, folder: MailFolder, select: string[] | null = null): Record<string, unknown> {
  const counts = mailbox.counts(folder.id);
  const full: Record<string, unknown> = {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId,
    childFolderCount: mailbox.childFolders(folder.id).length,
    unreadItemCount: counts.unread,
    totalItemCount: counts.total,
    sizeInBytes: 0,
    isHidden: false,
  };
  if (!select) return full;
  const picked: Record<string, unknown> = { id: folder.id };
  for (const name of select) picked[name] = full[name];
  return picked;
}

export function requireFolder(mailbox: Mailbox, idOrName: string): MailFolder {
  const folder = mailbox.folder(idOrName);
  if (!folder) throw new GraphHttpError(404, 'ErrorItemNotFound', 'The specified folder could not be found in the store.');
  return folder;
}

function listFolders(ctx: GraphContext, folders: MailFolder[], contextPath: string): Record<string, unknown> {
  const select = parseSelect(option(ctx.req, 'select'), FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
  const top = Math.min(Number(option(ctx.req, 'top') ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const skip = Number(option(ctx.req, 'skip') ?? 0) || 0;
  const page = folders.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.base}/v1.0/$metadata#${contextPath}`,
    value: page.map((folder) => folderJson(ctx.mailbox, folder, select)),
  };
  if (/^true$/i.test(option(ctx.req, 'count') ?? '')) body['@odata.count'] = folders.length;
  if (skip + top < folders.length) {
    const next = new URLSearchParams(ctx.req.query);
    next.delete('$skip');
    next.delete('skip');
    next.set('$skip', String(skip + top));
    body['@odata.nextLink'] = `${ctx.base}${ctx.req.path}?${next.toString().replace(/%24/g, '$')}`;
  }
  return body;
}

function createFolder(ctx: GraphContext, parent: MailFolder): MailFolder {
  const { displayName } = readJson<{ displayName?: string }>(ctx.req);
  if (!displayName || typeof displayName !== 'string') throw new GraphHttpError(400, 'ErrorInvalidRequest', 'The displayName property is required.');
  const clash = ctx.mailbox.childFolders(parent.id).some((f) => f.displayName.toLowerCase() === displayName.toLowerCase());
  if (clash) throw new GraphHttpError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  return ctx.mailbox.createFolder(parent.id, displayName);
}

export function registerFolderRoutes(router: Router, state: MicrosoftState): void {
  mailboxRoute(router, state, 'GET', '/mailFolders', 'readMail', (ctx) => {
    // No emulated folder is hidden, so `includeHiddenFolders` changes nothing.
    const folders = ctx.mailbox.childFolders(ctx.mailbox.rootId);
    return json(200, listFolders(ctx, folders, `users('${ctx.mailbox.user.id}')/mailFolders`));
  });
  mailboxRoute(router, state, 'POST', '/mailFolders', 'writeMail', (ctx) => {
    const folder = createFolder(ctx, requireFolder(ctx.mailbox, 'msgfolderroot'));
    return json(201, folderJson(ctx.mailbox, folder));
  });
  mailboxRoute(router, state, 'GET', '/mailFolders/:folderId', 'readMail', (ctx) => {
    const select = parseSelect(option(ctx.req, 'select'), FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
    return json(200, folderJson(ctx.mailbox, requireFolder(ctx.mailbox, ctx.req.params.folderId), select));
  });
  mailboxRoute(router, state, 'PATCH', '/mailFolders/:folderId', 'writeMail', (ctx) => {
    const folder = requireFolder(ctx.mailbox, ctx.req.params.folderId);
    const { displayName } = readJson<{ displayName?: string }>(ctx.req);
    if (displayName) {
      if (folder.wellKnownName) throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied: well-known folders cannot be renamed.');
      folder.displayName = displayName;
    }
    return json(200, folderJson(ctx.mailbox, folder));
  });
  mailboxRoute(router, state, 'DELETE', '/mailFolders/:folderId', 'writeMail', (ctx) => {
    const folder = requireFolder(ctx.mailbox, ctx.req.params.folderId);
    if (folder.wellKnownName) throw new GraphHttpError(403, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
    const doomed = [folder.id];
    for (let i = 0; i < doomed.length; i++) doomed.push(...ctx.mailbox.childFolders(doomed[i]).map((f) => f.id));
    for (const id of doomed) {
      for (const message of ctx.mailbox.messagesIn(id)) ctx.mailbox.remove(message);
      ctx.mailbox.folders.delete(id);
    }
    return { status: 204 };
  });
  mailboxRoute(router, state, 'GET', '/mailFolders/:folderId/childFolders', 'readMail', (ctx) => {
    const parent = requireFolder(ctx.mailbox, ctx.req.params.folderId);
    return json(200, listFolders(ctx, ctx.mailbox.childFolders(parent.id), `users('${ctx.mailbox.user.id}')/mailFolders('${parent.id}')/childFolders`));
  });
  mailboxRoute(router, state, 'POST', '/mailFolders/:folderId/childFolders', 'writeMail', (ctx) => {
    const folder = createFolder(ctx, requireFolder(ctx.mailbox, ctx.req.params.folderId));
    return json(201, folderJson(ctx.mailbox, folder));
  });
}
