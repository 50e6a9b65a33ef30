/**
 * Graph request plumbing: bearer-token authentication, permission checks, `/me` and
 * `/users/{id|upn}` aliases, and mapping thrown GraphHttpErrors to Graph error bodies.
 */
import type { EmulatorRequest, EmulatorResponse, Router } from '../../core';
import { GraphHttpError, graphError } from '../errors';
import { publicBase } from '../http-util';
import { allows } from '../identity/scopes';
import type { Mailbox } from '../mailbox';
import type { AccessGrant, MicrosoftState } from '../state';

export interface GraphContext {
  req: EmulatorRequest;
  state: MicrosoftState;
  mailbox: Mailbox;
  grant: AccessGrant;
  /** `https://localhost:PORT`, for @odata links. */
  base: string;
}

export type GraphHandler = (ctx: GraphContext) => EmulatorResponse | Promise<EmulatorResponse>;

/** Which delegated permissions an operation needs (any one of them). */
export const PERMISSIONS = {
  user: ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All'],
  readMail: ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic'],
  writeMail: ['Mail.ReadWrite'],
  sendMail: ['Mail.Send'],
  subscribe: ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic'],
} as const;

export type Permission = keyof typeof PERMISSIONS;

export function authenticate(state: MicrosoftState, req: EmulatorRequest): { mailbox: Mailbox; grant: AccessGrant } | EmulatorResponse {
  const token = req.bearer();
  if (!token) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', req);
  const grant = state.accessTokens.get(token);
  if (!grant || grant.revoked) {
    return graphError(401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.). The token needs to be in JWS or JWE Compact Serialization Format.', req);
  }
  if (grant.expiresAt <= Date.now()) {
    return graphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', req);
  }
  const mailbox = state.mailboxesById.get(grant.userId);
  if (!mailbox) return graphError(404, 'ErrorInvalidUser', 'The requested user is invalid.', req);
  return { mailbox, grant };
}

/** The mailbox owner of a Graph request (for per-mailbox faults, quota and logs). */
export function identifyGraphUser(state: MicrosoftState, req: EmulatorRequest): string | null {
  const token = req.bearer();
  const grant = token ? state.accessTokens.get(token) : undefined;
  return grant ? (state.mailboxesById.get(grant.userId)?.user.address ?? null) : null;
}

export function wrap(state: MicrosoftState, permission: Permission, handler: GraphHandler) {
  return async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const auth = authenticate(state, req);
    if ('status' in auth) return auth;
    const target = req.params.userId;
    if (target !== undefined) {
      const lower = target.toLowerCase();
      const user = auth.mailbox.user;
      if (lower !== user.id && lower !== user.address.toLowerCase() && !user.aliases.some((a) => a.toLowerCase() === lower)) {
        return graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.', req);
      }
    }
    if (!allows(auth.grant.permissions, [...PERMISSIONS[permission]])) {
      return graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.', req);
    }
    try {
      return await handler({ req, state, mailbox: auth.mailbox, grant: auth.grant, base: publicBase(req) });
    } catch (error) {
      if (error instanceof GraphHttpError) return graphError(error.status, error.code, error.message, req);
      throw error;
    }
  };
}

/** Registers a mailbox route under both `/v1.0/me…` and `/v1.0/users/{id|upn}…`. */
export function mailboxRoute(router: Router, state: MicrosoftState, method: string, suffix: string, permission: Permission, handler: GraphHandler): void {
  const wrapped = wrap(state, permission, handler);
  router.add(method, `/v1.0/me${suffix}`, wrapped);
  router.add(method, `/v1.0/users/:userId${suffix}`, wrapped);
}

/** Query option by name, with or without the `$` prefix (both are accepted by Graph v1.0). */
export function option(req: EmulatorRequest, name: string): string | null {
  return req.query.get(`$${name}`) ?? req.query.get(name);
}

export function readJson<T>(req: EmulatorRequest): T {
  try {
    return req.json<T>();
  } catch {
    throw new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}
