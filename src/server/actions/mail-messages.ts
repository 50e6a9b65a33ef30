/**
 * Reading mail inside NocoBase: a mailbox page of conversations, a message's
 * body made safe to display, and its attachments.
 *
 * - `mailThreads:browse`: conversations of a folder (or all mail), newest first, with search;
 *   `address` / `domain` narrow them to conversations with those people (CRM records).
 * - `mailMessages:body`: sanitized HTML (remote images blocked unless asked), inline images linked;
 *   a body too large to display answers `tooLarge` instead.
 * - `mailMessages:downloadBody`: the stored HTML (or text) part as a file, for bodies too large to display.
 * - `mailAttachments:download`: the file, with headers that keep it from running in the app.
 * - `mailAttachments:inline`: an inline image through a short-lived signed link (the
 *   sandboxed message frame sends no credentials), raster images only.
 * - `mailThreads:act` / `mailMessages:act`: mark read / unread, star, archive, trash,
 *   restore or move a conversation or one message, at the provider and then locally
 *   (owner only; answers with the conversation's state afterwards).
 *
 * Messages of a conversation, folders and attachment lists come from the host's
 * standard `list` / `get`, scoped by mail-data-scope.
 */
import type { Context, Next } from '@nocobase/actions';
import type { Database } from '@nocobase/database';
import type { Handlers } from '@nocobase/resourcer';
import { Op } from 'sequelize';
import type { MailAccess } from '../accounts/access';
import type { AccountService } from '../accounts/account-service';
import { UserFacingError } from '../http/errors';
import { MailActor, type MailActInput } from '../messages/act-on-mail';
import { AttachmentCache } from '../messages/attachment-cache';
import { AttachmentDelivery, type Delivery } from '../messages/attachment-delivery';
import { MessageBodies } from '../messages/body';
import { downloadHeaders, isRasterImage } from '../messages/download-headers';
import { resolveFolders, type FolderSelector } from '../messages/folders';
import { InlineImageLinks } from '../messages/inline-links';
import { ThreadLister, type PeopleFilter } from '../messages/thread-list';
import { normalizeAddress, normalizeDomain } from '../sync/participants';
import { ATTACHMENT_NOT_FOUND, MailVisibility, type Raw } from '../messages/visibility';
import type { MailSettingsService } from '../settings/settings-service';
import { paramOf, viewerOf } from './context';
import { flag, InvalidParameterError, rowId, rowIdList, text, wholeNumber } from './params';

export interface MailMessagesDeps {
  db: Database;
  accounts: () => AccountService;
  access: () => MailAccess;
  settings: () => MailSettingsService;
  /** The app's storage directory; attachments are cached under `<storagePath>/mail-attachments`. */
  storagePath: string;
  /** Signs inline-image links; defaults to APP_KEY (the same on every node of a cluster). */
  linkSecret?: string;
  /** Queues a sync of an account soon (after acting on mail while a sync runs, or on a mailbox that changed). */
  requestSync?: (accountId: string) => void;
}

type Handler = (ctx: Context, next: Next) => Promise<void>;

export const MAIL_MESSAGE_ACTIONS = [
  'mailThreads:browse',
  'mailThreads:act',
  'mailMessages:body',
  'mailMessages:downloadBody',
  'mailMessages:act',
  'mailAttachments:download',
  'mailAttachments:inline',
] as const;
export type MailMessageActionName = (typeof MAIL_MESSAGE_ACTIONS)[number];

export interface AclRule {
  resource: string;
  actions: string[];
  /** 'loggedIn': handlers check account access; 'public': the signed link is the access check. */
  role: 'loggedIn' | 'public';
}

export const MAIL_MESSAGE_ACL: AclRule[] = [
  { resource: 'mailThreads', actions: ['browse', 'act'], role: 'loggedIn' },
  { resource: 'mailMessages', actions: ['body', 'downloadBody', 'act'], role: 'loggedIn' },
  { resource: 'mailAttachments', actions: ['download'], role: 'loggedIn' },
  { resource: 'mailAttachments', actions: ['inline'], role: 'public' },
];

const FOLDER_ROLE = /^[a-z_]{1,32}$/;

const MAX_PEOPLE = 50;

/** Comma-separated text or a list of texts, each trimmed and normalized; null when the parameter is absent. */
function normalizedList(value: unknown, field: string, what: string, normalize: (v: string) => string | null): string[] | null {
  if (value === undefined || value === null) return null;
  const items = (Array.isArray(value) ? value : [value]).flatMap((item) => (text(item, field, { max: 5000 }) ?? '').split(','));
  const out = new Set<string>();
  for (const item of items.map((v) => v.trim()).filter(Boolean)) {
    const normalized = normalize(item);
    if (!normalized) throw new InvalidParameterError(field, `${field} must be ${what}, not "${item.slice(0, 100)}".`);
    out.add(normalized);
  }
  if (out.size > MAX_PEOPLE) throw new InvalidParameterError(field, `${field} may name at most ${MAX_PEOPLE} values.`);
  return [...out];
}

/**
 * `address` / `domain`: only conversations with these people (a record's email
 * fields, a customer's domains), matched case-insensitively. Given but empty (a
 * record without an email) matches nothing rather than everything.
 */
function peopleParam(addressValue: unknown, domainValue: unknown): PeopleFilter | null {
  const addresses = normalizedList(addressValue, 'address', 'an email address', (v) => normalizeAddress(v));
  const domains = normalizedList(domainValue, 'domain', 'a domain such as example.com', (v) => normalizeDomain(v.replace(/^@/, '')));
  if (addresses === null && domains === null) return null;
  return { addresses: addresses ?? [], domains: domains ?? [] };
}

/** The record an action is about: a malformed id is a 400 naming filterByTk, a missing record the action's 404. */
function idParam(ctx: Context, label: string): string {
  return rowId(paramOf(ctx, 'filterByTk'), 'filterByTk', { required: true, label });
}

function actInput(ctx: Context): MailActInput {
  return { action: text(paramOf(ctx, 'action'), 'action', { max: 40 }), folderId: rowId(paramOf(ctx, 'folderId'), 'folderId', { label: 'folder' }) };
}

/** `/api/` (or `/<public path>/api/`): inline links are relative to the API the page already talks to. */
export function apiBaseOf(ctx: Context): string {
  const path = ctx.path || '/api/';
  return path.slice(0, path.lastIndexOf('/') + 1) || '/api/';
}

function send(ctx: Context, delivery: Delivery): void {
  ctx.body = delivery.body;
  ctx.set(delivery.headers);
}

export function mailMessagesActions(deps: MailMessagesDeps) {
  const visibility = new MailVisibility(deps.db, deps.access);
  const cache = new AttachmentCache(deps.storagePath);
  const links = new InlineImageLinks(deps.linkSecret ?? process.env.APP_KEY);
  const lister = new ThreadLister(deps.db);
  const delivery = new AttachmentDelivery(deps.db, cache, deps.accounts, async () => (await deps.settings().general()).attachmentSizeLimitMb);
  // Rendered bodies are kept for every reader of this process: opening a message again costs nothing.
  const bodies = new MessageBodies(deps.db);
  const actor = new MailActor({ db: deps.db, accounts: deps.accounts, access: deps.access, requestSync: deps.requestSync });

  /** contentId → signed link, for the message's inline raster images. */
  async function inlineImages(ctx: Context, messageId: string): Promise<Record<string, string>> {
    const rows = (await deps.db.getModel('mailAttachments').findAll({
      where: { messageRowId: messageId, contentId: { [Op.ne]: null } },
      attributes: ['id', 'contentId', 'contentType'],
      raw: true,
    })) as unknown as Raw[];
    const base = apiBaseOf(ctx);
    const map: Record<string, string> = {};
    for (const r of rows) {
      if (r.contentId && isRasterImage(r.contentType as string)) map[String(r.contentId).replace(/^<|>$/g, '')] = links.url(base, String(r.id));
    }
    return map;
  }

  const handlers: Record<MailMessageActionName, Handler> = {
    async 'mailThreads:browse'(ctx, next) {
      const viewer = viewerOf(ctx);
      const accountIds = await visibility.accountIds(viewer, rowIdList(paramOf(ctx, 'accountId'), 'accountId'));
      const role = text(paramOf(ctx, 'folderRole'), 'folderRole', { max: 32 });
      const folderId = rowId(paramOf(ctx, 'folderId'), 'folderId', { label: 'folder' });
      let selector: FolderSelector = null;
      if (role) {
        if (!FOLDER_ROLE.test(role)) throw new UserFacingError(400, 'INVALID_FOLDER', 'Unknown folder.', 'folderRole');
        selector = { role };
      } else if (folderId) {
        selector = { folderId };
      }
      const folders = await resolveFolders(deps.db, accountIds, selector);
      const search = text(paramOf(ctx, 'q'), 'q', { max: 1000 });
      ctx.body = await lister.list({
        accountIds,
        folders,
        search: search ? search.slice(0, 200) : null,
        people: peopleParam(paramOf(ctx, 'address'), paramOf(ctx, 'domain')),
        page: wholeNumber(paramOf(ctx, 'page'), 'page', { min: 1, max: 1_000_000 }, 1),
        pageSize: wholeNumber(paramOf(ctx, 'pageSize'), 'pageSize', { min: 1, max: 500 }, 50),
      });
      await next();
    },

    async 'mailThreads:act'(ctx, next) {
      ctx.body = await actor.onThread(viewerOf(ctx), idParam(ctx, 'conversation'), actInput(ctx));
      await next();
    },

    async 'mailMessages:act'(ctx, next) {
      ctx.body = await actor.onMessage(viewerOf(ctx), idParam(ctx, 'message'), actInput(ctx));
      await next();
    },

    async 'mailMessages:body'(ctx, next) {
      const viewer = viewerOf(ctx);
      const allowRemoteImages = flag(paramOf(ctx, 'allowRemoteImages'), 'allowRemoteImages');
      ctx.body = await bodies.render(idParam(ctx, 'message'), {
        canRead: (accountId) => visibility.canRead(viewer, accountId),
        cidMap: (messageId) => inlineImages(ctx, messageId),
        allowRemoteImages,
      });
      await next();
    },

    async 'mailMessages:downloadBody'(ctx, next) {
      // The way to read a body too large to display: the stored HTML (or text) part as a file, never rendered by the app.
      const message = await visibility.message(viewerOf(ctx), idParam(ctx, 'message'));
      const html = typeof message.html === 'string' && message.html.trim() ? message.html : null;
      const bytes = Buffer.from(html ?? String(message.text ?? ''), 'utf8');
      const name = `${String(message.subject ?? '').trim() || 'message'}.${html ? 'html' : 'txt'}`;
      ctx.body = bytes;
      ctx.set(downloadHeaders({ filename: name, contentType: html ? 'text/html' : 'text/plain', wantInline: false, size: bytes.length }));
      await next();
    },

    async 'mailAttachments:download'(ctx, next) {
      const viewer = viewerOf(ctx);
      const wantInline = flag(paramOf(ctx, 'inline'), 'inline');
      const attachment = await visibility.attachment(viewer, idParam(ctx, 'attachment'));
      send(ctx, await delivery.deliver(attachment, { wantInline }));
      await next();
    },

    async 'mailAttachments:inline'(ctx, next) {
      const id = idParam(ctx, 'attachment');
      const expires = text(paramOf(ctx, 'expires'), 'expires', { max: 20 });
      const signature = text(paramOf(ctx, 'signature'), 'signature', { max: 200 });
      if (!links.verify({ attachmentId: id, expires, signature })) throw ATTACHMENT_NOT_FOUND();
      const attachment = await visibility.attachmentUnchecked(id);
      if (!attachment || !isRasterImage(attachment.contentType as string)) throw ATTACHMENT_NOT_FOUND();
      send(ctx, await delivery.deliver(attachment, { wantInline: true, maxAgeSeconds: Math.min(3600, links.secondsLeft(Number(expires))) }));
      await next();
    },
  };

  return {
    /** For `app.resourceManager.registerActionHandlers`; the host calls them with its full action Context. */
    handlers: handlers as unknown as Handlers,
    /** Give these to mailDataScope as its custom actions: they check access themselves. */
    actionNames: [...MAIL_MESSAGE_ACTIONS] as string[],
    acl: MAIL_MESSAGE_ACL,
    /** Call with the account id when an account is deleted, to drop its cached files. */
    removeAccountFiles: (accountId: string | number) => cache.removeAccount(accountId),
  };
}
