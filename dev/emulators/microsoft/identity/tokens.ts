/** Issues the identity platform's token responses and remembers what they grant. */
import { GRAPH_RESOURCE, MICROSOFT_TENANT_ID } from '../constants';
import { opaqueToken, stableGuid } from '../ids';
import type { Mailbox } from '../mailbox';
import type { MicrosoftState } from '../state';
import { signJwt } from './jwt';
import { graphPermissions, splitScopes } from './scopes';

export interface IssueOptions {
  state: MicrosoftState;
  mailbox: Mailbox;
  clientId: string;
  scope: string;
  /** Public origin, for the `iss` claim. */
  base: string;
  nonce?: string | null;
  clientInfo: boolean;
}

export interface TokenResponse {
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

export function clientInfoOf(mailbox: Mailbox): string {
  return Buffer.from(JSON.stringify({ uid: mailbox.user.id, utid: MICROSOFT_TENANT_ID })).toString('base64url');
}

/** Forgets expired access tokens and spent codes now and then, so a long demo does not grow without bound. */
function prune(state: MicrosoftState): void {
  if (state.accessTokens.size < 2000) return;
  const now = Date.now();
  for (const [token, grant] of state.accessTokens) if (grant.expiresAt < now) state.accessTokens.delete(token);
  for (const [code, grant] of state.codes) if (grant.redeemed || grant.expiresAt < now) state.codes.delete(code);
}

export function issueTokens(options: IssueOptions): TokenResponse {
  const { state, mailbox, clientId, scope, base } = options;
  prune(state);
  const now = Math.floor(Date.now() / 1000);
  const scopes = splitScopes(scope);
  const lowered = new Set(scopes.map((s) => s.toLowerCase()));
  const permissions = graphPermissions(scopes);
  const lifetime = state.lifetimes.accessTokenSeconds;

  const accessToken = signJwt({
    aud: GRAPH_RESOURCE,
    iss: `https://sts.windows.net/${MICROSOFT_TENANT_ID}/`,
    iat: now,
    nbf: now,
    exp: now + lifetime,
    appid: clientId,
    name: mailbox.user.displayName,
    oid: mailbox.user.id,
    scp: [...permissions].join(' '),
    tid: MICROSOFT_TENANT_ID,
    unique_name: mailbox.user.address,
    upn: mailbox.user.address,
    uti: opaqueToken(16),
    ver: '1.0',
  });
  state.accessTokens.set(accessToken, {
    clientId,
    userId: mailbox.user.id,
    permissions,
    expiresAt: (now + lifetime) * 1000,
    revoked: false,
  });

  const response: TokenResponse = {
    token_type: 'Bearer',
    scope: scopes.join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  };
  if (lowered.has('offline_access')) {
    const refreshToken = `0.A${opaqueToken(48)}`;
    state.refreshTokens.set(refreshToken, {
      clientId,
      userId: mailbox.user.id,
      scope,
      expiresAt: Date.now() + state.lifetimes.refreshTokenSeconds * 1000,
      revoked: false,
    });
    response.refresh_token = refreshToken;
  }
  if (lowered.has('openid')) {
    response.id_token = signJwt({
      aud: clientId,
      iss: `${base}/${MICROSOFT_TENANT_ID}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: mailbox.user.displayName,
      oid: mailbox.user.id,
      preferred_username: mailbox.user.address,
      ...(lowered.has('email') ? { email: mailbox.user.address } : {}),
      // Pairwise subject: stable per user and application.
      sub: stableGuid(`${mailbox.user.id}:${clientId}`).replace(/-/g, ''),
      tid: MICROSOFT_TENANT_ID,
      uti: opaqueToken(16),
      ver: '2.0',
      ...(options.nonce ? { nonce: options.nonce } : {}),
    });
  }
  if (options.clientInfo) response.client_info = clientInfoOf(mailbox);
  return response;
}
