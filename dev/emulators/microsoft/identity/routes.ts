/**
 * Identity platform v2 endpoints: OpenID discovery, keys, instance discovery, the
 * authorize (sign-in + consent) page, the token endpoint and logout.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, Router } from '../../core';
import { AUTH_CODE_LIFETIME_SECONDS, MICROSOFT_TENANT_ID, TENANT_ALIASES } from '../constants';
import { aadError } from '../errors';
import { escapeHtml, html, json as graphJson, publicBase, redirect } from '../http-util';
import { opaqueToken } from '../ids';
import type { MicrosoftState, OAuthClient } from '../state';
import { consentPage, errorPage } from './consent-page';
import { redirectAllowed, withParams } from './clients';
import { jwks } from './jwt';
import { OIDC_SCOPES, splitScopes } from './scopes';
import { issueTokens } from './tokens';

/** Identity endpoints answer plain JSON (Graph's OData content type is for /v1.0 only). */
function json(status: number, body: object, headers: Record<string, string> = {}): EmulatorResponse {
  return graphJson(status, body, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

function knownTenant(tenant: string): boolean {
  const lower = tenant.toLowerCase();
  return TENANT_ALIASES.includes(lower) || lower === MICROSOFT_TENANT_ID || lower.includes('.');
}

function unknownTenant(req: EmulatorRequest, tenant: string): EmulatorResponse {
  return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, req);
}

export function openIdConfiguration(base: string, tenant: string): Record<string, unknown> {
  const issuerTenant = TENANT_ALIASES.includes(tenant.toLowerCase()) ? '{tenantid}' : MICROSOFT_TENANT_ID;
  const host = new URL(base).host;
  return {
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/${tenant}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: host,
    rbac_url: 'https://pas.windows.net',
  };
}

/** Parameters of an authorize request that decide where and how to answer. */
interface AuthorizeRequest {
  params: URLSearchParams;
  client: OAuthClient;
  redirectUri: string;
  responseMode: 'query' | 'fragment' | 'form_post';
}

type Checked = { ok: true; value: AuthorizeRequest } | { ok: false; response: EmulatorResponse };

function checkAuthorize(state: MicrosoftState, params: URLSearchParams): Checked {
  const clientId = params.get('client_id') ?? '';
  const client = state.clients.get(clientId);
  if (!client) {
    return { ok: false, response: html(400, errorPage(700016, `Application with identifier '${clientId}' was not found in the directory 'Emulated Tenant'.`)) };
  }
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!redirectAllowed(client, redirectUri)) {
    return {
      ok: false,
      response: html(400, errorPage(50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`)),
    };
  }
  const mode = (params.get('response_mode') ?? 'query').toLowerCase();
  const responseMode = mode === 'fragment' || mode === 'form_post' ? mode : 'query';
  return { ok: true, value: { params, client, redirectUri, responseMode } };
}

function answer(request: AuthorizeRequest, values: Record<string, string>): EmulatorResponse {
  const state = request.params.get('state');
  const all = { ...values, ...(state ? { state } : {}) };
  if (request.responseMode === 'form_post') {
    const inputs = Object.entries(all)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    return html(200, `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(request.redirectUri)}">${inputs}<noscript><button>Continue</button></noscript></form></body></html>`);
  }
  return redirect(withParams(request.redirectUri, all, request.responseMode));
}

function redirectError(request: AuthorizeRequest, error: string, code: number, description: string): EmulatorResponse {
  return answer(request, { error, error_description: `AADSTS${code}: ${description}`, error_uri: `https://login.microsoftonline.com/error?code=${code}` });
}

function verifyPkce(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  const computed = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Client credentials from the form (client_secret_post) or the Authorization header (client_secret_basic). */
function clientCredentials(req: EmulatorRequest, form: URLSearchParams): { clientId: string; secret: string | null } {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^Basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  return { clientId: form.get('client_id') ?? '', secret: form.get('client_secret') };
}

export function registerIdentityRoutes(router: Router, state: MicrosoftState): void {
  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req) => {
    if (!knownTenant(req.params.tenant)) return unknownTenant(req, req.params.tenant);
    return json(200, openIdConfiguration(publicBase(req), req.params.tenant));
  });

  router.get('/:tenant/discovery/v2.0/keys', () => json(200, jwks()));

  // Instance discovery, for clients configured without knownAuthorities pointing here.
  router.get('/:tenant/discovery/instance', (req) => {
    const host = new URL(publicBase(req)).host;
    return json(200, {
      tenant_discovery_endpoint: `${publicBase(req)}/${req.params.tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });

  router.get('/:tenant/oauth2/v2.0/authorize', (req) => {
    if (!knownTenant(req.params.tenant)) return html(400, errorPage(90002, `Tenant '${req.params.tenant}' not found.`));
    const checked = checkAuthorize(state, req.query);
    if (!checked.ok) return checked.response;
    const request = checked.value;
    if (req.query.get('response_type') !== 'code') {
      return redirectError(request, 'unsupported_response_type', 70005, "The application requested an unsupported response type: only 'code' is emulated.");
    }
    const method = req.query.get('code_challenge_method');
    if (req.query.get('code_challenge') && method && method !== 'S256' && method !== 'plain') {
      return redirectError(request, 'invalid_request', 501491, `Invalid code_challenge_method '${method}'.`);
    }
    return html(
      200,
      consentPage({
        request: req.query.toString(),
        clientName: request.client.name,
        scopes: splitScopes(req.query.get('scope')),
        accounts: [...state.mailboxes.values()],
        loginHint: req.query.get('login_hint'),
        action: req.path,
      }),
    );
  });

  router.post('/:tenant/oauth2/v2.0/authorize', (req) => {
    const form = req.form();
    const params = new URLSearchParams(form.get('request') ?? '');
    const checked = checkAuthorize(state, params);
    if (!checked.ok) return checked.response;
    const request = checked.value;
    if (form.get('decision') !== 'accept') {
      return redirectError(request, 'access_denied', 65004, 'User declined to consent to access the app.');
    }
    const typed = (form.get('login') ?? '').trim();
    const address = typed || (form.get('account') ?? '').trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) {
      return html(400, errorPage(50034, 'The user account does not exist in the directory. Pick an account or type an address.'));
    }
    const mailbox = state.ensureMailbox(address, (form.get('displayName') ?? '').trim() || undefined);
    const code = `1.A${opaqueToken(40)}`;
    const challenge = params.get('code_challenge');
    state.codes.set(code, {
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      scope: params.get('scope') ?? '',
      userId: mailbox.user.id,
      codeChallenge: challenge,
      codeChallengeMethod: challenge ? (params.get('code_challenge_method') === 'S256' ? 'S256' : 'plain') : null,
      nonce: params.get('nonce'),
      clientInfo: params.get('client_info') === '1',
      expiresAt: Date.now() + AUTH_CODE_LIFETIME_SECONDS * 1000,
      redeemed: false,
    });
    return answer(request, { code, session_state: opaqueToken(16) });
  });

  router.get('/:tenant/oauth2/v2.0/logout', (req) => {
    const target = req.query.get('post_logout_redirect_uri');
    if (target) return redirect(target);
    return html(200, '<!doctype html><html><body><p>You signed out of your account (emulated).</p></body></html>');
  });

  router.post('/:tenant/oauth2/v2.0/token', (req) => tokenEndpoint(req, state));
}

function tokenEndpoint(req: EmulatorRequest, state: MicrosoftState): EmulatorResponse {
  if (!knownTenant(req.params.tenant)) return unknownTenant(req, req.params.tenant);
  const form = req.form();
  const { clientId, secret } = clientCredentials(req, form);
  const client = state.clients.get(clientId);
  if (!client) {
    return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory 'Emulated Tenant'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`, req);
  }
  if (!secret) {
    return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", req);
  }
  if (secret !== client.clientSecret) {
    return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.', req);
  }
  const base = publicBase(req);
  const clientInfo = form.get('client_info') === '1';
  const grantType = form.get('grant_type');

  if (grantType === 'authorization_code') {
    const code = form.get('code') ?? '';
    const grant = state.codes.get(code);
    if (!grant || grant.clientId !== clientId) {
      return aadError(400, 'invalid_grant', 9002313, "Invalid request. Request is malformed or invalid. The provided value for the 'code' parameter is not valid.", req);
    }
    if (grant.redeemed) {
      return aadError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.', req);
    }
    if (grant.expiresAt < Date.now()) {
      return aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.', req);
    }
    if ((form.get('redirect_uri') ?? '') !== grant.redirectUri) {
      return aadError(400, 'invalid_grant', 50011, `The redirect URI '${form.get('redirect_uri') ?? ''}' specified in the request does not match the redirect URI used to obtain the authorization code.`, req);
    }
    if (grant.codeChallenge && grant.codeChallengeMethod) {
      const verifier = form.get('code_verifier');
      if (!verifier || !verifyPkce(verifier, grant.codeChallenge, grant.codeChallengeMethod)) {
        return aadError(400, 'invalid_grant', 50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.', req);
      }
    }
    const mailbox = state.mailboxesById.get(grant.userId);
    if (!mailbox) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.', req);
    grant.redeemed = true;
    grant.redeemedVerifier = form.get('code_verifier') ?? undefined;
    const scope = form.get('scope') || grant.scope;
    return json(200, issueTokens({ state, mailbox, clientId, scope, base, nonce: grant.nonce, clientInfo: clientInfo || grant.clientInfo }), { 'Cache-Control': 'no-store, no-cache' });
  }

  if (grantType === 'refresh_token') {
    const grant = state.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!grant || grant.clientId !== clientId) {
      return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid. The refresh token is not valid.', req);
    }
    if (grant.revoked) {
      return aadError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.', req, { suberror: 'bad_token' });
    }
    if (grant.expiresAt < Date.now()) {
      return aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.', req);
    }
    const mailbox = state.mailboxesById.get(grant.userId);
    if (!mailbox) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.', req);
    const requested = splitScopes(form.get('scope'));
    const granted = new Set(splitScopes(grant.scope).map((s) => s.toLowerCase()));
    const missing = requested.filter((s) => !granted.has(s.toLowerCase()) && !OIDC_SCOPES.has(s.toLowerCase()));
    if (missing.length) {
      return aadError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource.`, req, { suberror: 'consent_required' });
    }
    // A new refresh token is issued each time (rotation); like the real service, the old one stays valid until it expires.
    const scope = requested.length ? [...new Set([...requested, 'offline_access'])].join(' ') : grant.scope;
    return json(200, issueTokens({ state, mailbox, clientId, scope, base, clientInfo }), { 'Cache-Control': 'no-store, no-cache' });
  }

  return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`, req);
}
