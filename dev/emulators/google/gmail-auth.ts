import type { EmulatorRequest, EmulatorResponse } from '../core';
import { delegationDenied, insufficientScopes, invalidCredentials, missingCredentials } from './errors';
import type { GoogleState, GoogleUser } from './state';

const S = 'https://www.googleapis.com/auth/';
const FULL = 'https://mail.google.com/';

/** What an operation needs; each maps to the scopes Google accepts for it. */
export type Access = 'read' | 'modify' | 'send' | 'compose' | 'labels' | 'delete' | 'insert' | 'settings';

const ACCEPTED: Record<Access, string[]> = {
  read: [FULL, `${S}gmail.modify`, `${S}gmail.readonly`, `${S}gmail.metadata`],
  modify: [FULL, `${S}gmail.modify`],
  send: [FULL, `${S}gmail.modify`, `${S}gmail.compose`, `${S}gmail.send`],
  compose: [FULL, `${S}gmail.modify`, `${S}gmail.compose`],
  labels: [FULL, `${S}gmail.modify`, `${S}gmail.labels`],
  delete: [FULL],
  insert: [FULL, `${S}gmail.modify`, `${S}gmail.insert`],
  settings: [FULL, `${S}gmail.modify`, `${S}gmail.readonly`, `${S}gmail.settings.basic`],
};

export interface GmailContext {
  user: GoogleUser;
  scopes: string[];
}

/** Bearer, scope and userId checks every Gmail route makes, in Google's order and error shapes. */
export function authorizeGmail(state: GoogleState, req: EmulatorRequest, access: Access): GmailContext | EmulatorResponse {
  const bearer = req.bearer();
  if (!bearer) return missingCredentials();
  const record = state.validAccessToken(bearer);
  const user = record ? state.user(record.user) : undefined;
  if (!record || !user) return invalidCredentials();
  const scopes = record.scope.split(/\s+/);
  if (!scopes.some((s) => ACCEPTED[access].includes(s))) return insufficientScopes();
  const userId = req.params.userId;
  if (userId && userId !== 'me' && userId.toLowerCase() !== user.address) return delegationDenied(userId);
  return { user, scopes };
}

export function isResponse(value: GmailContext | EmulatorResponse): value is EmulatorResponse {
  return 'status' in value;
}
