/**
 * Google-specific control routes (the core owns faults, latency, quota and the log): seed,
 * deliver, reset, provider-side mutations that write history, token lifetime and revocation,
 * OAuth client registration, history expiry, direct token issue and a mailbox snapshot.
 */
import type { DeliverOptions, EmulatorResponse, Router, SeedOptions } from '../core';
import { deliverGoogle, seedGoogle } from './seed';
import type { Mailbox } from './mailbox';
import type { StoredMessage } from './message';
import type { GoogleState, GoogleUser, OAuthClient, TokenResponse } from './state';

export type GoogleMutationAction = 'delete' | 'trash' | 'untrash' | 'markRead' | 'markUnread' | 'star' | 'unstar' | 'archive' | 'labels';

export interface GoogleMutationSpec {
  user: string;
  /** Gmail message id, or an RFC 822 Message-ID (`<...>`). */
  id?: string;
  messageId?: string;
  action: GoogleMutationAction;
  /** For `labels`: label ids or names. */
  addLabelIds?: string[];
  removeLabelIds?: string[];
}

export interface GoogleMailboxSnapshot {
  user: { address: string; name: string; sub: string; aliases: string[] };
  historyId: string;
  minRetainedHistoryId: string;
  labels: Array<{ id: string; name: string; type: string; messagesTotal: number; messagesUnread: number }>;
  messages: Array<{ id: string; threadId: string; labelIds: string[]; messageId: string | null; subject: string; internalDate: number }>;
  drafts: Array<{ id: string; messageId: string }>;
}

export interface IssueTokensSpec {
  user: string;
  clientId?: string;
  scope?: string;
}

export const DEFAULT_TEST_SCOPE = 'openid email profile https://mail.google.com/';

function requireUser(state: GoogleState, address: string | undefined): GoogleUser {
  const user = address ? state.userByAnyAddress(address) : undefined;
  if (!user) throw new Error(`unknown Google account ${address ?? '(none)'}`);
  return user;
}

function findMessage(mailbox: Mailbox, spec: GoogleMutationSpec): StoredMessage {
  const wanted = spec.messageId ?? spec.id ?? '';
  const message = mailbox.messages.get(wanted.toLowerCase()) ?? mailbox.findByInternetId(wanted)[0];
  if (!message) throw new Error(`no message ${wanted} in ${mailbox.address}`);
  return message;
}

function labelIds(mailbox: Mailbox, values: string[] = []): string[] {
  return values.map((v) => {
    const label = mailbox.labels.get(v) ?? mailbox.labelByName(v);
    if (!label) throw new Error(`unknown label ${v}`);
    return label.id;
  });
}

export function mutateGoogle(state: GoogleState, spec: GoogleMutationSpec): { id: string; labelIds: string[]; historyId: string } {
  const mailbox = requireUser(state, spec.user).mailbox;
  const message = findMessage(mailbox, spec);
  const changes: Record<Exclude<GoogleMutationAction, 'delete' | 'labels'>, [string[], string[]]> = {
    trash: [['TRASH'], []],
    untrash: [[], ['TRASH']],
    markRead: [[], ['UNREAD']],
    markUnread: [['UNREAD'], []],
    star: [['STARRED'], []],
    unstar: [[], ['STARRED']],
    archive: [[], ['INBOX']],
  };
  if (spec.action === 'delete') mailbox.deleteMessage(message.id);
  else if (spec.action === 'labels') mailbox.modifyLabels(message.id, labelIds(mailbox, spec.addLabelIds), labelIds(mailbox, spec.removeLabelIds));
  else if (spec.action in changes) mailbox.modifyLabels(message.id, ...changes[spec.action]);
  else throw new Error(`unknown action ${String(spec.action)}`);
  return { id: message.id, labelIds: [...message.labelIds], historyId: String(mailbox.historyId) };
}

export function snapshotGoogle(user: GoogleUser): GoogleMailboxSnapshot {
  const mailbox = user.mailbox;
  return {
    user: { address: user.address, name: user.name, sub: user.sub, aliases: mailbox.aliases },
    historyId: String(mailbox.historyId),
    minRetainedHistoryId: String(mailbox.minRetainedHistoryId),
    labels: [...mailbox.labels.values()].map((l) => {
      const c = mailbox.labelWithCounts(l);
      return { id: l.id, name: l.name, type: l.type, messagesTotal: c.messagesTotal ?? 0, messagesUnread: c.messagesUnread ?? 0 };
    }),
    messages: [...mailbox.messages.values()]
      .sort((a, b) => b.internalDate - a.internalDate)
      .map((m) => ({ id: m.id, threadId: m.threadId, labelIds: [...m.labelIds], messageId: m.messageId, subject: m.subject, internalDate: m.internalDate })),
    drafts: [...mailbox.drafts.values()],
  };
}

const ok = (body: object): EmulatorResponse => ({ status: 200, body });

export function registerGoogleControlRoutes(controls: Router, state: GoogleState): void {
  controls.post('/__control/reset', () => {
    state.reset();
    return ok({ ok: true });
  });
  controls.post('/__control/seed', async (req) => ok(await seedGoogle(state, req.json<SeedOptions>())));
  controls.post('/__control/deliver', async (req) => ok(await deliverGoogle(state, req.json<DeliverOptions>())));
  controls.post('/__control/mutate', (req) => ok(mutateGoogle(state, req.json<GoogleMutationSpec>())));
  controls.get('/__control/mailbox', (req) => ok(snapshotGoogle(requireUser(state, req.query.get('user') ?? undefined))));
  controls.post('/__control/clients', (req) => {
    const client = req.json<OAuthClient>();
    if (!client.clientId || !client.clientSecret) throw new Error('clientId and clientSecret are required');
    const registered: OAuthClient = { ...client, redirectUris: client.redirectUris ?? [] };
    state.registerClient(registered);
    return ok(registered);
  });
  controls.post('/__control/token-lifetime', (req) => {
    const { accessTokenSeconds } = req.json<{ accessTokenSeconds?: number }>();
    if (accessTokenSeconds !== undefined) {
      if (!(accessTokenSeconds > 0)) throw new Error('accessTokenSeconds must be > 0');
      state.accessTokenLifetimeSeconds = accessTokenSeconds;
    }
    return ok({ accessTokenSeconds: state.accessTokenLifetimeSeconds });
  });
  controls.post('/__control/revoke', (req) => {
    const { user, accessTokensOnly } = req.json<{ user: string; accessTokensOnly?: boolean }>();
    const address = requireUser(state, user).address;
    let revoked = 0;
    if (!accessTokensOnly) {
      for (const grant of state.grants.values()) if (grant.user === address && !grant.revoked && state.revoke(grant.refreshToken)) revoked++;
    }
    for (const token of state.accessTokens.values()) {
      if (token.user === address && !token.revoked) {
        token.revoked = true;
        revoked++;
      }
    }
    return ok({ revoked });
  });
  controls.post('/__control/expire-history', (req) => {
    const { user } = req.json<{ user?: string }>();
    const users = user ? [requireUser(state, user)] : [...state.users.values()];
    users.forEach((u) => u.mailbox.expireHistory());
    return ok({ expired: users.map((u) => u.address) });
  });
  controls.post('/__control/tokens', (req) => {
    const spec = req.json<IssueTokensSpec>();
    const user = requireUser(state, spec.user);
    const tokens: TokenResponse = state.issueTokens(user, spec.clientId ?? 'demo-google-client-id', spec.scope ?? DEFAULT_TEST_SCOPE, { offline: true });
    return ok(tokens);
  });
}
