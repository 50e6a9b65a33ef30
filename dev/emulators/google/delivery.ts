import type { Mailbox } from './mailbox';
import type { StoredMessage } from './message';
import { completeOutgoing, stripHeader } from './outgoing';
import type { GoogleState, GoogleUser } from './state';

export interface Delivered {
  mailbox: string;
  message: StoredMessage;
}

export function recipientsOf(message: StoredMessage): string[] {
  return [...message.to, ...message.cc, ...message.bcc].map((a) => a.address.toLowerCase());
}

/** Drops the message into the inboxes of local accounts among `recipients` (Bcc removed, as in transit). */
export function deliverLocally(state: GoogleState, raw: Buffer, recipients: string[], skip: GoogleUser | null, now = Date.now()): Delivered[] {
  const transit = stripHeader(raw, 'bcc');
  const seen = new Set<string>();
  const delivered: Delivered[] = [];
  for (const address of recipients) {
    const user = state.userByAnyAddress(address);
    if (!user || user === skip || seen.has(user.address)) continue;
    seen.add(user.address);
    const message = user.mailbox.addMessage(transit, { labelIds: ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'], internalDate: now });
    delivered.push({ mailbox: user.address, message });
  }
  return delivered;
}

function labelsForSent(mailbox: Mailbox, message: StoredMessage): string[] {
  const toSelf = recipientsOf(message).some((a) => a === mailbox.address || mailbox.aliases.some((x) => x.toLowerCase() === a));
  return toSelf ? ['SENT', 'INBOX', 'UNREAD'] : ['SENT'];
}

/** Recipients without a mailbox here go to the other emulator, when one is connected. */
async function deliverElsewhere(state: GoogleState, raw: Buffer, recipients: string[]): Promise<void> {
  const external = recipients.filter((r) => !state.userByAnyAddress(r));
  if (external.length > 0 && state.externalDelivery) await state.externalDelivery(stripHeader(raw, 'bcc'), external);
}

/** messages.send: the sender's copy gets SENT (joined to its thread), local recipients get it in INBOX. */
export async function sendMessage(state: GoogleState, user: GoogleUser, raw: Buffer, threadId?: string): Promise<{ sent: StoredMessage; delivered: Delivered[] }> {
  const now = Date.now();
  const complete = completeOutgoing(raw, user);
  const sent = user.mailbox.addMessage(complete, { labelIds: ['SENT'], internalDate: now, threadId });
  const extra = labelsForSent(user.mailbox, sent).filter((l) => l !== 'SENT');
  if (extra.length > 0) user.mailbox.modifyLabels(sent.id, extra, []);
  const delivered = deliverLocally(state, complete, recipientsOf(sent), user, now);
  await deliverElsewhere(state, complete, recipientsOf(sent));
  return { sent, delivered };
}

/** drafts.send: the draft message itself loses DRAFT and gains SENT (same id), then is delivered. */
export async function sendDraftMessage(state: GoogleState, user: GoogleUser, draft: StoredMessage): Promise<{ sent: StoredMessage; delivered: Delivered[] }> {
  user.mailbox.modifyLabels(draft.id, labelsForSent(user.mailbox, draft), ['DRAFT']);
  const delivered = deliverLocally(state, draft.raw, recipientsOf(draft), user);
  await deliverElsewhere(state, draft.raw, recipientsOf(draft));
  return { sent: draft, delivered };
}
