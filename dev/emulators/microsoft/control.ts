/**
 * Microsoft-specific control routes under `/__control/*` (the core owns faults, latency,
 * quota and the log): seed, deliver, reset, provider-side mutations that show up in
 * delta, token lifetimes and revocation, OAuth client registration, delta token expiry,
 * and a mailbox snapshot for tests.
 */
import type { DeliverOptions, Router, SeedOptions } from '../core';
import type { Mailbox, StoredMessage } from './mailbox';
import { deliverMicrosoft, seedMicrosoft } from './seed';
import type { MicrosoftState, OAuthClient } from './state';

export type MutationAction = 'delete' | 'move' | 'markRead' | 'markUnread' | 'flag' | 'unflag' | 'complete' | 'categorize';

export interface MutationSpec {
  /** Mailbox address. */
  user: string;
  /** Graph id of the message, or its Message-ID header. */
  id?: string;
  internetMessageId?: string;
  action: MutationAction;
  /** Destination folder id or well-known name (move). */
  folder?: string;
  categories?: string[];
}

export interface MailboxSnapshot {
  user: { id: string; address: string; displayName: string; aliases: string[] };
  folders: Array<{ id: string; displayName: string; wellKnownName: string | null; parentFolderId: string; total: number; unread: number }>;
  messages: Array<{
    id: string;
    folderId: string;
    folder: string | null;
    conversationId: string;
    internetMessageId: string | null;
    isRead: boolean;
    isDraft: boolean;
    flagStatus: string;
    categories: string[];
    receivedDateTime: string;
  }>;
}

export interface TokenLifetimeSettings {
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
}

function requireMailbox(state: MicrosoftState, address: string | undefined): Mailbox {
  const mailbox = address ? state.mailboxForAddress(address) : undefined;
  if (!mailbox) throw new Error(`unknown mailbox ${address ?? '(none)'}`);
  return mailbox;
}

function findMessage(mailbox: Mailbox, spec: MutationSpec): StoredMessage {
  const byId = spec.id ? mailbox.messages.get(spec.id) : undefined;
  const wanted = (spec.internetMessageId ?? spec.id ?? '').toLowerCase();
  const message = byId ?? [...mailbox.messages.values()].find((m) => m.internetMessageId?.toLowerCase() === wanted);
  if (!message) throw new Error(`no message ${spec.id ?? spec.internetMessageId ?? ''} in ${mailbox.user.address}`);
  return message;
}

/** Applies a change as if made in Outlook: visible to delta like any other change. */
export function mutate(state: MicrosoftState, spec: MutationSpec): { id: string | null } {
  const mailbox = requireMailbox(state, spec.user);
  const message = findMessage(mailbox, spec);
  switch (spec.action) {
    case 'delete':
      mailbox.remove(message);
      return { id: null };
    case 'move': {
      const folder = spec.folder ? mailbox.folder(spec.folder) : undefined;
      if (!folder) throw new Error(`unknown folder ${spec.folder ?? '(none)'}`);
      // Outlook keeps the item; Graph clients see a new id in the destination.
      return { id: mailbox.move(message, folder.id, false).id };
    }
    case 'markRead':
    case 'markUnread':
      message.isRead = spec.action === 'markRead';
      break;
    case 'flag':
    case 'unflag':
    case 'complete':
      message.flag = { flagStatus: spec.action === 'flag' ? 'flagged' : spec.action === 'complete' ? 'complete' : 'notFlagged' };
      break;
    case 'categorize':
      message.categories = [...(spec.categories ?? [])];
      break;
    default:
      throw new Error(`unknown action ${String(spec.action)}`);
  }
  mailbox.touch(message);
  return { id: message.id };
}

export function snapshot(mailbox: Mailbox): MailboxSnapshot {
  const folderName = (id: string): string | null => mailbox.folders.get(id)?.wellKnownName ?? mailbox.folders.get(id)?.displayName ?? null;
  return {
    user: { ...mailbox.user, aliases: [...mailbox.user.aliases] },
    folders: [...mailbox.folders.values()]
      .filter((f) => f.id !== mailbox.rootId)
      .map((f) => ({ id: f.id, displayName: f.displayName, wellKnownName: f.wellKnownName, parentFolderId: f.parentFolderId, ...totals(mailbox, f.id) })),
    messages: [...mailbox.messages.values()]
      .sort((a, b) => b.receivedDateTime.getTime() - a.receivedDateTime.getTime())
      .map((m) => ({
        id: m.id,
        folderId: m.folderId,
        folder: folderName(m.folderId),
        conversationId: m.conversationId,
        internetMessageId: m.internetMessageId,
        isRead: m.isRead,
        isDraft: m.isDraft,
        flagStatus: m.flag.flagStatus,
        categories: [...m.categories],
        receivedDateTime: m.receivedDateTime.toISOString(),
      })),
  };
}

function totals(mailbox: Mailbox, folderId: string): { total: number; unread: number } {
  return mailbox.counts(folderId);
}

export function registerControlRoutes(controls: Router, state: MicrosoftState): void {
  const ok = (body: object) => ({ status: 200, body });

  controls.post('/__control/reset', () => {
    state.reset();
    return ok({ ok: true });
  });
  controls.post('/__control/seed', async (req) => ok(await seedMicrosoft(state, req.json<SeedOptions>())));
  controls.post('/__control/deliver', async (req) => ok(await deliverMicrosoft(state, req.json<DeliverOptions>())));
  controls.post('/__control/mutate', (req) => ok(mutate(state, req.json<MutationSpec>())));
  controls.get('/__control/mailbox', (req) => ok(snapshot(requireMailbox(state, req.query.get('user') ?? undefined))));

  controls.post('/__control/token-lifetime', (req) => {
    const settings = req.json<TokenLifetimeSettings>();
    for (const [key, value] of Object.entries(settings)) {
      if (typeof value !== 'number' || value <= 0) throw new Error(`${key} must be a positive number of seconds`);
    }
    state.lifetimes = { ...state.lifetimes, ...settings };
    return ok(state.lifetimes);
  });
  controls.post('/__control/revoke', (req) => {
    const { user, accessTokens } = req.json<{ user: string; accessTokens?: boolean }>();
    const mailbox = requireMailbox(state, user);
    let revoked = 0;
    for (const grant of state.refreshTokens.values()) {
      if (grant.userId === mailbox.user.id && !grant.revoked) {
        grant.revoked = true;
        revoked += 1;
      }
    }
    if (accessTokens) {
      for (const grant of state.accessTokens.values()) if (grant.userId === mailbox.user.id) grant.revoked = true;
    }
    return ok({ revoked });
  });
  controls.post('/__control/clients', (req) => {
    const client = req.json<Partial<OAuthClient>>();
    if (!client.clientId || !client.clientSecret) throw new Error('clientId and clientSecret are required');
    const registered: OAuthClient = {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUris: client.redirectUris ?? 'loopback',
      name: client.name ?? client.clientId,
    };
    state.registerClient(registered);
    return ok(registered);
  });
  controls.post('/__control/expire-delta', (req) => {
    const { user } = req.json<{ user?: string }>();
    const mailboxes = user ? [requireMailbox(state, user)] : [...state.mailboxes.values()];
    for (const mailbox of mailboxes) mailbox.epoch += 1;
    return ok({ expired: mailboxes.map((m) => m.user.address) });
  });
}
