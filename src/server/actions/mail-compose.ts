/**
 * Writing and sending mail (mailbox owner only):
 *
 * - `GET mailMessages:compose?accountId=…&mode=new`, or
 *   `…?filterByTk=<message id>&mode=reply|replyAll|forward` → ComposeDraft.
 * - `POST mailMessages:send` with a SendRequest → SendResult (the sent copy, stored locally).
 *
 * Outbox rows (`mailOutbox`) are read through the host's list / get, scoped to
 * their owner by mail-data-scope.
 */
import type { Context, Next } from '@nocobase/actions';
import type { Database } from '@nocobase/database';
import type { Handlers } from '@nocobase/resourcer';
import type { MailAccess } from '../accounts/access';
import type { AccountService } from '../accounts/account-service';
import { AttachmentCache } from '../messages/attachment-cache';
import { AttachmentDelivery } from '../messages/attachment-delivery';
import { InlineImageLinks } from '../messages/inline-links';
import { MailSender } from '../messages/send-mail';
import type { MailSettingsService } from '../settings/settings-service';
import { apiBaseOf, type AclRule } from './mail-messages';
import { paramOf, valuesOf, viewerOf } from './context';
import { flag, rowId, text } from './params';

export interface MailComposeDeps {
  db: Database;
  accounts: () => AccountService;
  access: () => MailAccess;
  settings: () => MailSettingsService;
  /** The app's storage directory: forwarded files come through the attachment cache under it. */
  storagePath: string;
  requestSync?: (accountId: string) => void;
  /** Signs the quote's inline-image links; defaults to APP_KEY, as mailMessages:body does (same key, same links). */
  linkSecret?: string;
}

type Handler = (ctx: Context, next: Next) => Promise<void>;

export const MAIL_COMPOSE_ACTIONS = ['mailMessages:compose', 'mailMessages:send'] as const;
export type MailComposeActionName = (typeof MAIL_COMPOSE_ACTIONS)[number];

export const MAIL_COMPOSE_ACL: AclRule[] = [{ resource: 'mailMessages', actions: ['compose', 'send'], role: 'loggedIn' }];

export function mailComposeActions(deps: MailComposeDeps) {
  const limitMb = async () => (await deps.settings().general()).attachmentSizeLimitMb;
  const delivery = new AttachmentDelivery(deps.db, new AttachmentCache(deps.storagePath), deps.accounts, limitMb);
  const links = new InlineImageLinks(deps.linkSecret ?? process.env.APP_KEY);
  const sender = new MailSender({ db: deps.db, accounts: deps.accounts, access: deps.access, attachmentLimitMb: limitMb, delivery, requestSync: deps.requestSync });

  const handlers: Record<MailComposeActionName, Handler> = {
    async 'mailMessages:compose'(ctx, next) {
      const base = apiBaseOf(ctx);
      ctx.body = await sender.draft(
        viewerOf(ctx),
        {
          accountId: rowId(paramOf(ctx, 'accountId'), 'accountId', { label: 'mail account' }),
          messageId: rowId(paramOf(ctx, 'filterByTk'), 'filterByTk', { label: 'message' }),
          mode: text(paramOf(ctx, 'mode'), 'mode', { max: 20 }) ?? undefined,
          // The quote's remote images, when the writer chose "Show images" for it.
          allowRemoteImages: flag(paramOf(ctx, 'allowRemoteImages'), 'allowRemoteImages'),
        },
        (attachmentId) => links.url(base, attachmentId),
      );
      await next();
    },

    async 'mailMessages:send'(ctx, next) {
      ctx.body = await sender.send(viewerOf(ctx), valuesOf(ctx));
      await next();
    },
  };

  return {
    /** For `app.resourceManager.registerActionHandlers`. */
    handlers: handlers as unknown as Handlers,
    /** Give these to mailDataScope as custom actions: they check access themselves. */
    actionNames: [...MAIL_COMPOSE_ACTIONS] as string[],
    acl: MAIL_COMPOSE_ACL,
  };
}
