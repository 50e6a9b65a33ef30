/** `/v1.0/subscriptions` CRUD. Change notifications are not sent; subscriptions are only stored. */
import type { Router } from '../../core';
import { MICROSOFT_DEMO_CLIENT_ID } from '../constants';
import { GraphHttpError } from '../errors';
import { json } from '../http-util';
import { randomGraphId } from '../ids';
import type { MicrosoftState, Subscription } from '../state';
import { readJson, wrap } from './context';

type SubscriptionInput = Partial<Omit<Subscription, 'id' | 'userId' | 'applicationId' | 'creatorId'>>;

function subscriptionJson(sub: Subscription): Record<string, unknown> {
  const { userId: _userId, ...rest } = sub;
  return { ...rest, notificationQueryOptions: null, encryptionCertificate: null, encryptionCertificateId: null, includeResourceData: null };
}

export function registerSubscriptionRoutes(router: Router, state: MicrosoftState): void {
  const owned = (userId: string, id: string): Subscription => {
    const sub = state.subscriptions.get(id);
    if (!sub || sub.userId !== userId) throw new GraphHttpError(404, 'ResourceNotFound', `The object was not found: subscription ${id}.`);
    return sub;
  };

  router.post('/v1.0/subscriptions', wrap(state, 'subscribe', (ctx) => {
    const input = readJson<SubscriptionInput>(ctx.req);
    for (const field of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime'] as const) {
      if (!input[field]) throw new GraphHttpError(400, 'InvalidRequest', `${field} is required.`);
    }
    if (!/^https:\/\//i.test(String(input.notificationUrl))) throw new GraphHttpError(400, 'InvalidRequest', 'The notification URL must use https.');
    const sub: Subscription = {
      id: randomGraphId('').slice(0, 36),
      userId: ctx.mailbox.user.id,
      resource: String(input.resource),
      changeType: String(input.changeType),
      notificationUrl: String(input.notificationUrl),
      expirationDateTime: String(input.expirationDateTime),
      clientState: input.clientState ?? null,
      lifecycleNotificationUrl: input.lifecycleNotificationUrl ?? null,
      applicationId: ctx.grant.clientId || MICROSOFT_DEMO_CLIENT_ID,
      creatorId: ctx.mailbox.user.id,
      latestSupportedTlsVersion: input.latestSupportedTlsVersion ?? 'v1_2',
    };
    state.subscriptions.set(sub.id, sub);
    return json(201, { '@odata.context': `${ctx.base}/v1.0/$metadata#subscriptions/$entity`, ...subscriptionJson(sub) });
  }));
  router.get('/v1.0/subscriptions', wrap(state, 'subscribe', (ctx) =>
    json(200, {
      '@odata.context': `${ctx.base}/v1.0/$metadata#subscriptions`,
      value: [...state.subscriptions.values()].filter((s) => s.userId === ctx.mailbox.user.id).map(subscriptionJson),
    }),
  ));
  router.get('/v1.0/subscriptions/:subscriptionId', wrap(state, 'subscribe', (ctx) =>
    json(200, subscriptionJson(owned(ctx.mailbox.user.id, ctx.req.params.subscriptionId))),
  ));
  router.add('PATCH', '/v1.0/subscriptions/:subscriptionId', wrap(state, 'subscribe', (ctx) => {
    const sub = owned(ctx.mailbox.user.id, ctx.req.params.subscriptionId);
    const input = readJson<SubscriptionInput>(ctx.req);
    if (input.expirationDateTime) sub.expirationDateTime = String(input.expirationDateTime);
    if (input.notificationUrl) sub.notificationUrl = String(input.notificationUrl);
    return json(200, subscriptionJson(sub));
  }));
  router.add('DELETE', '/v1.0/subscriptions/:subscriptionId', wrap(state, 'subscribe', (ctx) => {
    owned(ctx.mailbox.user.id, ctx.req.params.subscriptionId);
    state.subscriptions.delete(ctx.req.params.subscriptionId);
    return { status: 204 };
  }));
}
