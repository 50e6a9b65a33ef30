/**
 * Local Google OAuth 2.0 + Gmail v1 emulator (dev/test only), plain HTTP.
 *
 * Point the real libraries at it:
 * - google-auth-library OAuth2Client: `endpoints: { oauth2AuthBaseUrl: authUrl, oauth2TokenUrl: tokenUrl, oauth2RevokeUrl: revokeUrl }`
 * - @googleapis/gmail: `gmail({ version: 'v1', auth, rootUrl: apiUrl })`
 * - Plugin env: MAIL_GOOGLE_AUTH_URL / MAIL_GOOGLE_TOKEN_URL / MAIL_GOOGLE_REVOKE_URL / MAIL_GOOGLE_API_URL.
 */
import { createEmulatorServer, Router, type DeliverResult, type EmulatorServer } from '../core';
import { registerBatchRoutes } from './batch';
import { registerGoogleControlRoutes } from './control';
import { GoogleEmulatorControl } from './control-client';
import { deliverLocally } from './delivery';
import { googleError } from './errors';
import { registerDraftRoutes } from './gmail-drafts';
import { registerHistoryRoutes } from './gmail-history';
import { registerLabelRoutes } from './gmail-labels';
import { registerMessageRoutes } from './gmail-messages';
import { registerSettingsRoutes } from './gmail-settings';
import { registerThreadRoutes } from './gmail-threads';
import { identifyOAuthRequest, OAUTH_PATHS, registerOAuthRoutes } from './oauth';
import { gmailCost, gmailQuotaPolicy, renderGoogleFault } from './policy';
import { GmailRoutes } from './routes';
import { GoogleState } from './state';

export { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, GoogleState, type OAuthClient, type TokenResponse } from './state';
export { GoogleEmulatorControl } from './control-client';
export type { GoogleMailboxSnapshot, GoogleMutationSpec, GoogleMutationAction, IssueTokensSpec } from './control';
export { seedGoogle, seedGoogleUser, deliverGoogle } from './seed';
export { GMAIL_QUOTA_WINDOW } from './policy';

export interface GoogleEmulatorOptions {
  /** Port to listen on (default 0: a free one). */
  port?: number;
  /** Mail sent to addresses without an account here (e.g. Outlook users of the Microsoft emulator). */
  externalDelivery?: (raw: Buffer, recipients: string[]) => void | Promise<unknown>;
}

export interface GoogleEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  authUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** googleapis rootUrl (with trailing slash). */
  apiUrl: string;
  control: GoogleEmulatorControl;
  state: GoogleState;
  server: EmulatorServer;
  /** Hands mail from outside (e.g. the Microsoft emulator) to local recipients' inboxes. */
  deliverRaw(raw: Buffer, recipients: string[]): Promise<DeliverResult['delivered']>;
  close(): Promise<void>;
}

export function createGoogleEmulator(options: Omit<GoogleEmulatorOptions, 'port'> = {}): { server: EmulatorServer; state: GoogleState } {
  const state = new GoogleState();
  state.externalDelivery = options.externalDelivery ?? null;
  const router = new Router();
  registerOAuthRoutes(router, state);
  const routes = new GmailRoutes(router, state);
  registerSettingsRoutes(routes);
  registerLabelRoutes(routes);
  registerMessageRoutes(routes, state);
  registerThreadRoutes(routes);
  registerHistoryRoutes(routes);
  registerDraftRoutes(routes, state);
  registerBatchRoutes(router);

  const server = createEmulatorServer({
    name: 'google',
    router,
    identify: (req) => {
      const known = identifyOAuthRequest(state, req);
      if (known) return known;
      const userId = /^\/(?:upload\/)?gmail\/v1\/users\/([^/]+)/.exec(req.path)?.[1];
      return userId && userId !== 'me' ? decodeURIComponent(userId).toLowerCase() : null;
    },
    renderFault: renderGoogleFault,
    cost: gmailCost(routes, router),
    quota: gmailQuotaPolicy(),
    notFound: (req) =>
      req.path.startsWith('/gmail/') || req.path.startsWith('/upload/')
        ? googleError(404, 'NOT_FOUND', `Method not found: ${req.method} ${req.path}`, 'notFound')
        : { status: 404, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><title>Error 404 (Not Found)</title><p>404. That’s an error.</p>' },
    counters: () => ({
      users: state.users.size,
      messages: [...state.users.values()].reduce((sum, u) => sum + u.mailbox.messages.size, 0),
      accessTokens: state.accessTokens.size,
      refreshTokens: state.grants.size,
    }),
  });
  registerGoogleControlRoutes(server.controls, state);
  return { server, state };
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const { server, state } = createGoogleEmulator(options);
  const url = await server.listen(options.port ?? 0);
  state.issuer = url;
  return {
    url,
    authUrl: `${url}${OAUTH_PATHS.authorize}`,
    tokenUrl: `${url}${OAUTH_PATHS.token}`,
    revokeUrl: `${url}${OAUTH_PATHS.revoke}`,
    apiUrl: `${url}/`,
    control: new GoogleEmulatorControl(url),
    state,
    server,
    deliverRaw: async (raw, recipients) =>
      deliverLocally(state, raw, recipients, null).map((d) => ({ mailbox: d.mailbox, id: d.message.id, threadId: d.message.threadId })),
    close: () => server.close(),
  };
}
