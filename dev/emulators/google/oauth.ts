import { createHash, timingSafeEqual } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Router } from '../core';
import { renderConsentPage, renderErrorPage } from './consent-page';
import { oauthError } from './errors';
import { randomToken } from './ids';
import type { GoogleState, GoogleUser, OAuthClient } from './state';

export const OAUTH_PATHS = {
  authorize: '/o/oauth2/v2/auth',
  consent: '/o/oauth2/v2/auth/consent',
  token: '/token',
  revoke: '/revoke',
} as const;

const PENDING_LIFETIME_MS = 30 * 60_000;

function redirect(target: string, params: Record<string, string | null>): EmulatorResponse {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return { status: 302, headers: { Location: url.toString(), 'Content-Type': 'text/html; charset=utf-8' }, body: '' };
}

/** Token endpoint bodies arrive form-encoded (the norm) or as JSON. */
function tokenParams(req: EmulatorRequest): URLSearchParams {
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    const body = req.json<Record<string, string>>();
    return new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
  }
  return req.form();
}

function clientCredentials(req: EmulatorRequest, params: URLSearchParams): { id: string | null; secret: string | null } {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    return { id: decodeURIComponent(decoded.slice(0, sep)), secret: decodeURIComponent(decoded.slice(sep + 1)) };
  }
  return { id: params.get('client_id'), secret: params.get('client_secret') };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function pkceMatches(verifier: string, challenge: string, method: string | null): boolean {
  if ((method ?? 'plain') === 'plain') return safeEqual(verifier, challenge);
  return safeEqual(createHash('sha256').update(verifier).digest('base64url'), challenge);
}

/** The refresh token or code a token request is about, for per-user faults and logs. */
export function identifyOAuthRequest(state: GoogleState, req: EmulatorRequest): string | null {
  if (req.path === OAUTH_PATHS.token && req.method === 'POST') {
    const params = tokenParams(req);
    const refresh = params.get('refresh_token');
    if (refresh) return state.grants.get(refresh)?.user ?? null;
    const code = params.get('code');
    if (code) return state.codes.get(code)?.user ?? null;
  }
  const bearer = req.bearer();
  return bearer ? (state.accessTokens.get(bearer)?.user ?? null) : null;
}

export function isRefreshGrant(req: EmulatorRequest): boolean {
  return req.path === OAUTH_PATHS.token && req.method === 'POST' && tokenParams(req).get('grant_type') === 'refresh_token';
}

export function registerOAuthRoutes(router: Router, state: GoogleState): void {
  router.get(OAUTH_PATHS.authorize, (req) => authorize(state, req));
  router.post(OAUTH_PATHS.consent, (req) => consent(state, req));
  router.post(OAUTH_PATHS.token, (req) => token(state, req));
  router.post(OAUTH_PATHS.revoke, (req) => revoke(state, req));
  router.get('/oauth2/v3/userinfo', (req) => userinfo(state, req, 'v3'));
  router.get('/oauth2/v2/userinfo', (req) => userinfo(state, req, 'v1'));
  router.get('/oauth2/v1/userinfo', (req) => userinfo(state, req, 'v1'));
  router.get('/tokeninfo', (req) => tokeninfo(state, req));
  router.post('/tokeninfo', (req) => tokeninfo(state, req));
}

function authorize(state: GoogleState, req: EmulatorRequest): EmulatorResponse {
  const q = req.query;
  const clientId = q.get('client_id');
  const client = clientId ? state.clients.get(clientId) : undefined;
  if (!client) return renderErrorPage(401, 'invalid_client', 'The OAuth client was not found.');
  const redirectUri = q.get('redirect_uri');
  if (!redirectUri) return renderErrorPage(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  if (!state.redirectAllowed(client, redirectUri)) {
    return renderErrorPage(
      400,
      'redirect_uri_mismatch',
      `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. If you're the app developer, register the redirect URI in the Google Cloud Console. Request details: redirect_uri=${redirectUri}`,
    );
  }
  const stateParam = q.get('state');
  const responseType = q.get('response_type');
  if (responseType !== 'code') return redirect(redirectUri, { error: 'unsupported_response_type', state: stateParam });
  const scope = (q.get('scope') ?? '').trim();
  if (!scope) return renderErrorPage(400, 'invalid_request', 'Missing required parameter: scope');
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method');
  if (method && !challenge) return renderErrorPage(400, 'invalid_request', 'Missing code_challenge for code_challenge_method.');
  if (challenge && method && method !== 'S256' && method !== 'plain') {
    return renderErrorPage(400, 'invalid_request', `Invalid code_challenge_method: ${method}`);
  }
  if (challenge && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) {
    return renderErrorPage(400, 'invalid_request', 'Invalid code_challenge.');
  }
  const pending = {
    id: randomToken('', 18),
    clientId: client.clientId,
    redirectUri,
    scope,
    state: stateParam,
    codeChallenge: challenge,
    codeChallengeMethod: challenge ? (method ?? 'plain') : null,
    offline: q.get('access_type') === 'offline',
    loginHint: q.get('login_hint'),
    createdAt: Date.now(),
  };
  state.pending.set(pending.id, pending);
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: renderConsentPage(pending, client, [...state.users.values()]),
  };
}

function consent(state: GoogleState, req: EmulatorRequest): EmulatorResponse {
  const form = req.form();
  const pending = state.pending.get(form.get('request_id') ?? '');
  if (!pending || pending.createdAt + PENDING_LIFETIME_MS < Date.now()) {
    return renderErrorPage(400, 'invalid_request', 'This sign-in request has expired. Start again from the application.');
  }
  state.pending.delete(pending.id);
  if (form.get('decision') !== 'allow') return redirect(pending.redirectUri, { error: 'access_denied', state: pending.state });
  const typed = (form.get('email') ?? '').trim().toLowerCase();
  const chosen = typed || (form.get('account') ?? '').trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(chosen)) return renderErrorPage(400, 'invalid_request', 'Choose an account or type an email address.');
  const user = state.user(chosen) ?? state.addUser(chosen, chosen.split('@')[0]);
  const code = state.createCode(pending, user.address);
  return redirect(pending.redirectUri, { state: pending.state, code: code.code, scope: pending.scope, authuser: '0', prompt: 'consent' });
}

function authenticateClient(state: GoogleState, req: EmulatorRequest, params: URLSearchParams): OAuthClient | EmulatorResponse {
  const { id, secret } = clientCredentials(req, params);
  const client = id ? state.clients.get(id) : undefined;
  if (!client) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (!secret || !safeEqual(secret, client.clientSecret)) return oauthError(401, 'invalid_client', 'Unauthorized');
  return client;
}

function token(state: GoogleState, req: EmulatorRequest): EmulatorResponse {
  const params = tokenParams(req);
  const grantType = params.get('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }
  const client = authenticateClient(state, req, params);
  if ('status' in client) return client;
  const noStore = { 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate', Pragma: 'no-cache' };

  if (grantType === 'refresh_token') {
    const grant = state.grants.get(params.get('refresh_token') ?? '');
    if (!grant || grant.revoked || grant.clientId !== client.clientId) {
      return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    }
    const user = state.user(grant.user);
    if (!user) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    const requested = params.get('scope');
    const scope = requested && requested.split(/\s+/).every((s) => grant.scope.split(/\s+/).includes(s)) ? requested : grant.scope;
    return { status: 200, headers: noStore, body: state.issueTokens(user, client.clientId, scope, { offline: true, refreshToken: grant.refreshToken }) };
  }

  const code = state.codes.get(params.get('code') ?? '');
  if (!code || code.clientId !== client.clientId) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
  if (code.used || code.expiresAt <= Date.now()) return oauthError(400, 'invalid_grant', 'Bad Request');
  if ((params.get('redirect_uri') ?? '') !== code.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
  if (code.codeChallenge) {
    const verifier = params.get('code_verifier');
    if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
    if (!pkceMatches(verifier, code.codeChallenge, code.codeChallengeMethod)) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
  }
  code.used = true;
  code.redeemedVerifier = params.get('code_verifier') ?? undefined;
  const user = state.user(code.user) as GoogleUser;
  return { status: 200, headers: noStore, body: state.issueTokens(user, client.clientId, code.scope, { offline: code.offline }) };
}

function revoke(state: GoogleState, req: EmulatorRequest): EmulatorResponse {
  const value = req.query.get('token') ?? tokenParams(req).get('token');
  if (!value || !state.revoke(value)) return oauthError(400, 'invalid_token', 'Token expired or revoked');
  return { status: 200, body: {} };
}

function userinfo(state: GoogleState, req: EmulatorRequest, shape: 'v1' | 'v3'): EmulatorResponse {
  const record = state.validAccessToken(req.bearer() ?? req.query.get('access_token'));
  const user = record ? state.user(record.user) : undefined;
  if (!record || !user) {
    return { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }, body: { error: 'invalid_request', error_description: 'Invalid Credentials' } };
  }
  const [given, ...family] = user.name.split(' ');
  if (shape === 'v3') {
    return { status: 200, body: { sub: user.sub, name: user.name, given_name: given, family_name: family.join(' '), email: user.address, email_verified: true } };
  }
  return { status: 200, body: { id: user.sub, email: user.address, verified_email: true, name: user.name, given_name: given, family_name: family.join(' ') } };
}

function tokeninfo(state: GoogleState, req: EmulatorRequest): EmulatorResponse {
  const value = req.query.get('access_token') ?? tokenParams(req).get('access_token');
  const record = state.validAccessToken(value);
  if (!record) return oauthError(400, 'invalid_token', 'Invalid Value');
  const user = state.user(record.user);
  return {
    status: 200,
    body: {
      azp: record.clientId,
      aud: record.clientId,
      sub: user?.sub,
      scope: record.scope,
      exp: String(Math.floor(record.expiresAt / 1000)),
      expires_in: String(Math.max(0, Math.floor((record.expiresAt - Date.now()) / 1000))),
      email: record.user,
      email_verified: 'true',
      access_type: record.refreshToken ? 'offline' : 'online',
    },
  };
}
