/**
 * Local Microsoft identity platform v2 + Graph v1.0 mail emulator (dev/test only).
 *
 * Point the real libraries at it:
 * - msal-node: `authority: ${authorityUrl}/common` (or a tenant), `knownAuthorities: [new URL(authorityUrl).host]`;
 *   msal then fetches `${authorityUrl}/common/v2.0/.well-known/openid-configuration` from the emulator.
 * - Graph client: `baseUrl: graphUrl` (it appends `/v1.0`), `customHosts: new Set(['localhost'])`.
 * - Plugin env: MAIL_MICROSOFT_AUTHORITY_URL = authorityUrl, MAIL_GRAPH_API_URL = graphUrl
 *   (both `https://localhost:PORT`, no trailing slash, no tenant, no version).
 * The process must trust the dev CA (NODE_EXTRA_CA_CERTS = ensureDevCertificate().caPath).
 */
import { createEmulatorServer, Router, type DeliverResult, type EmulatorRequest, type EmulatorServer, type QuotaRejection } from '../core';
import { ensureDevCertificate } from '../tls';
import { registerControlRoutes } from './control';
import { MicrosoftEmulatorControl } from './control-client';
import { graphError, isIdentityPath, renderFault } from './errors';
import { registerAttachmentRoutes } from './graph/attachments';
import { registerBatchRoute, type SubRequestFault } from './graph/batch';
import type { ExternalDelivery } from './graph/compose';
import { identifyGraphUser } from './graph/context';
import { registerFolderRoutes } from './graph/folders';
import { registerMeRoutes } from './graph/me';
import { registerMessageRoutes } from './graph/messages';
import { registerSubscriptionRoutes } from './graph/subscriptions';
import { registerIdentityRoutes } from './identity/routes';
import { deliverRawMicrosoft } from './seed';
import { MicrosoftState } from './state';

export { MICROSOFT_DEMO_CLIENT_ID, MICROSOFT_DEMO_CLIENT_SECRET, MICROSOFT_TENANT_ID } from './constants';
export { MicrosoftEmulatorControl } from './control-client';
export type { MailboxSnapshot, MutationSpec, MutationAction, TokenLifetimeSettings } from './control';
export { seedMicrosoft, seedMicrosoftMailbox, deliverMicrosoft, deliverRawMicrosoft } from './seed';
export { MicrosoftState, type OAuthClient } from './state';
export type { ExternalDelivery } from './graph/compose';

export interface MicrosoftEmulatorOptions {
  /** Port to listen on (default 0: a free one). */
  port?: number;
  /** TLS key + certificate (default: the dev certificate from ensureDevCertificate()). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Mail sent to addresses without a mailbox here (e.g. Gmail users of the Google emulator). */
  externalDelivery?: ExternalDelivery;
  /**
   * Also serve the sign-in (authorize) pages over plain HTTP on this port (0: a free one), so a
   * browser that does not trust the dev CA reaches them without a certificate warning. Tokens and
   * Graph stay on HTTPS. Default: off.
   */
  browserPort?: number;
}

export interface MicrosoftEmulator {
  /** `https://localhost:PORT` */
  url: string;
  /** Identity authority host without tenant: MAIL_MICROSOFT_AUTHORITY_URL. */
  authorityUrl: string;
  /** Graph root without version: MAIL_GRAPH_API_URL and the Graph client's baseUrl. */
  graphUrl: string;
  /** `http://localhost:PORT` serving only the sign-in pages (MAIL_MICROSOFT_AUTHORIZE_URL), when browserPort was given. */
  browserUrl: string | null;
  control: MicrosoftEmulatorControl;
  state: MicrosoftState;
  server: EmulatorServer;
  /** Hands mail from outside (e.g. the Google emulator) to local recipients' Inboxes. */
  deliverRaw(raw: Buffer, recipients: string[]): Promise<DeliverResult['delivered']>;
  close(): Promise<void>;
}

/** Graph throttling for Outlook resources: 4 concurrent requests and 10,000 requests per 10 minutes per mailbox. */
const QUOTA_WINDOWS = [{ name: 'perMailboxPer10Minutes', units: 10_000, windowMs: 10 * 60 * 1000 }];

function rejectOverQuota(req: EmulatorRequest, rejection: QuotaRejection) {
  const message =
    rejection.limit === 'concurrency'
      ? 'Application is over its MailboxConcurrency limit.'
      : 'Application is over its resource limit (10,000 requests per 10 minutes per mailbox).';
  return graphError(429, 'ApplicationThrottled', message, req, { 'Retry-After': String(rejection.retryAfterSeconds) });
}

/** The mailbox a request concerns: the token's owner for Graph, the grant's user at the token endpoint. */
function identify(state: MicrosoftState, req: EmulatorRequest): string | null {
  if (!isIdentityPath(req.path)) return identifyGraphUser(state, req);
  if (req.method !== 'POST' || !/\/token$/i.test(req.path)) return null;
  const form = req.form();
  const grant = state.refreshTokens.get(form.get('refresh_token') ?? '') ?? state.codes.get(form.get('code') ?? '');
  return grant ? (state.mailboxesById.get(grant.userId)?.user.address ?? null) : null;
}

/** Quota units: sign-in traffic is free, a batch costs one unit per request inside it. */
function cost(req: EmulatorRequest): number {
  if (isIdentityPath(req.path)) return 0;
  if (/^\/v1\.0\/\$batch$/i.test(req.path)) {
    try {
      const requests = req.json<{ requests?: unknown[] }>().requests;
      return Array.isArray(requests) ? Math.max(1, requests.length) : 1;
    } catch {
      return 1;
    }
  }
  return 1;
}

/** What a browser visits during sign-in: the account picker / consent page and its form post. */
const SIGN_IN_PAGE = /^\/[^/]+\/oauth2\/v2\.0\/(authorize|logout)$/i;

export function createMicrosoftEmulator(options: Omit<MicrosoftEmulatorOptions, 'port'> = {}): { server: EmulatorServer; state: MicrosoftState } {
  const state = new MicrosoftState();
  const router = new Router({ caseInsensitive: true });
  let subRequestFault: SubRequestFault | null = null;

  registerMeRoutes(router, state);
  registerFolderRoutes(router, state);
  registerMessageRoutes(router, state, { state, externalDelivery: options.externalDelivery });
  registerAttachmentRoutes(router, state);
  registerSubscriptionRoutes(router, state);
  registerBatchRoute(router, state, () => subRequestFault);
  registerIdentityRoutes(router, state);

  const tls = options.tls ?? ensureDevCertificate();
  const server = createEmulatorServer({
    name: 'microsoft',
    router,
    tls,
    identify: (req) => identify(state, req),
    renderFault,
    cost,
    quota: { windows: QUOTA_WINDOWS, maxConcurrent: 4, enabled: false, reject: rejectOverQuota },
    browserPages: (method, path) => SIGN_IN_PAGE.test(path) && (method === 'GET' || method === 'POST'),
    notFound: (req) =>
      isIdentityPath(req.path)
        ? { status: 404, body: { error: 'not_found', error_description: `No emulated endpoint ${req.method} ${req.path}` } }
        : graphError(400, 'BadRequest', `Resource not found for the segment '${req.path.split('/').pop() ?? ''}'.`, req),
    counters: () => ({
      mailboxes: state.mailboxes.size,
      messages: [...state.mailboxes.values()].reduce((sum, m) => sum + m.messages.size, 0),
      accessTokens: state.accessTokens.size,
      refreshTokens: state.refreshTokens.size,
      subscriptions: state.subscriptions.size,
    }),
  });
  // Faults may also hit single requests inside a $batch (hangups and delays only apply to whole requests).
  subRequestFault = (sub) => {
    const action = server.faults.take(sub, renderFault);
    return action?.type === 'respond' ? action.response : null;
  };
  registerControlRoutes(server.controls, state);
  return { server, state };
}

export async function startMicrosoftEmulator(options: MicrosoftEmulatorOptions = {}): Promise<MicrosoftEmulator> {
  const { server, state } = createMicrosoftEmulator(options);
  const url = await server.listen(options.port ?? 0);
  const browserUrl = options.browserPort === undefined ? null : await server.listenBrowser(options.browserPort);
  return {
    url,
    authorityUrl: url,
    graphUrl: url,
    browserUrl,
    control: new MicrosoftEmulatorControl(url),
    state,
    server,
    deliverRaw: (raw, recipients) => deliverRawMicrosoft(state, raw, recipients),
    close: () => server.close(),
  };
}
