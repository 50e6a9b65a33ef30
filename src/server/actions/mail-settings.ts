/**
 * Admin actions behind Settings → Email settings (ACL snippet `pm.mail`), plus
 * `mailSettings:providers`, which any signed-in user may call to learn which
 * providers can be linked. No response ever carries a client secret.
 */
import type { Context, Next } from '@nocobase/actions';
import { appUrlOf, UserFacingError } from '../http/errors';
import type { MailSettingsService } from '../settings/settings-service';
import { redirectUriFor, SettingsValidationError } from '../settings/validate';
import { valuesOf } from './context';
import { flag } from './params';


function asUserError(e: unknown): unknown {
  return e instanceof SettingsValidationError ? new UserFacingError(400, 'INVALID_SETTINGS', e.message, e.field) : e;
}

export function mailSettingsActions(service: () => MailSettingsService) {
  return {
    async get(ctx: Context, next: Next) {
      const [providers, general] = await Promise.all([service().list(), service().general()]);
      ctx.body = { providers, general, redirectUri: redirectUriFor(appUrlOf(ctx)) };
      await next();
    },

    async set(ctx: Context, next: Next) {
      try {
        const v = valuesOf(ctx);
        // Types and text are checked by validateProviderSettings, which names the field.
        ctx.body = await service().save({
          provider: v.provider,
          enabled: v.enabled === undefined || v.enabled === null ? undefined : flag(v.enabled, 'enabled'),
          clientId: v.clientId,
          clientSecret: v.clientSecret,
          tenant: v.tenant,
          cloud: v.cloud,
        });
      } catch (e) {
        throw asUserError(e);
      }
      await next();
    },

    async setGeneral(ctx: Context, next: Next) {
      try {
        ctx.body = await service().saveGeneral(valuesOf(ctx));
      } catch (e) {
        throw asUserError(e);
      }
      await next();
    },

    /** For every signed-in user: which providers can be linked right now. */
    async providers(ctx: Context, next: Next) {
      const list = await service().list();
      ctx.body = list.map((p) => ({ provider: p.provider, configured: p.configured }));
      await next();
    },

    /** The generic CRUD actions would bypass validation and encryption, so they are closed. */
    async closed() {
      throw new UserFacingError(405, 'NOT_ALLOWED', 'Use mailSettings:get and mailSettings:set.');
    },
  };
}
