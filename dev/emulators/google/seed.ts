import type { DeliverOptions, DeliverResult, SeedOptions, SeedResult, SeedUser } from '../core';
import { composeMessage, generateMailbox, hashString, type GeneratedMessage, type MailAddress } from '../generator';
import { deliverLocally, sendMessage } from './delivery';
import type { Mailbox } from './mailbox';
import { parseAddressList } from './mime';
import type { GoogleState, GoogleUser } from './state';

const DAY = 86_400_000;

const CATEGORY_LABEL = { primary: 'CATEGORY_PERSONAL', promotions: 'CATEGORY_PROMOTIONS', updates: 'CATEGORY_UPDATES' } as const;

/** Gmail labels for a generated message: folder → system label, flags → UNREAD/STARRED, own labels → Label_N. */
function labelsFor(mailbox: Mailbox, message: GeneratedMessage): string[] {
  const labels: string[] = [];
  const folderLabel = { inbox: 'INBOX', sent: 'SENT', archive: null, spam: 'SPAM', drafts: 'DRAFT', trash: 'TRASH' }[message.folder];
  if (folderLabel) labels.push(folderLabel);
  const outgoing = message.folder === 'sent' || message.folder === 'drafts';
  if (!message.read && !outgoing) labels.push('UNREAD');
  if (message.starred) labels.push('STARRED', 'IMPORTANT');
  if (!outgoing) labels.push(CATEGORY_LABEL[message.category]);
  for (const name of message.labels) {
    const label = mailbox.labelByName(name) ?? mailbox.createLabel({ name, messageListVisibility: 'show', labelListVisibility: 'labelShow' });
    labels.push(label.id);
  }
  return labels;
}

/** Creates (or refills) one account with a generated mailbox; seeding writes no history. */
export async function seedGoogleUser(state: GoogleState, seed: SeedUser, now = Date.now()): Promise<GoogleUser> {
  const user = state.addUser(seed.address, seed.name, seed.aliases ?? []);
  const count = seed.messages ?? 0;
  if (count > 0) {
    const endDate = seed.endDate ? new Date(seed.endDate) : new Date(now);
    const startDate = seed.startDate ? new Date(seed.startDate) : new Date(endDate.getTime() - 180 * DAY);
    const messages = await generateMailbox({
      seed: seed.seed ?? hashString(user.address),
      count,
      owner: { name: seed.name, address: user.address },
      startDate,
      endDate,
    });
    for (const generated of messages) {
      const stored = user.mailbox.addMessage(generated.raw, {
        labelIds: labelsFor(user.mailbox, generated),
        internalDate: generated.date.getTime(),
        recordHistory: false,
      });
      if (generated.folder === 'drafts') {
        const id = user.mailbox.nextDraftId();
        user.mailbox.drafts.set(id, { id, messageId: stored.id });
      }
    }
  }
  user.mailbox.markSeeded();
  return user;
}

export async function seedGoogle(state: GoogleState, options: SeedOptions): Promise<SeedResult> {
  if (!options.append) state.users.clear();
  const users: SeedResult['users'] = [];
  for (const seed of options.users) {
    const user = await seedGoogleUser(state, seed);
    users.push({ address: user.address, messages: user.mailbox.messages.size });
  }
  return { users };
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function toAddresses(values: string[]): MailAddress[] {
  return values.flatMap((v) => parseAddressList(v)).map((a) => ({ name: a.name, address: a.address }));
}

/**
 * A message arriving now (from outside, or from a local account, which then keeps a SENT copy).
 * `inReplyTo` names an existing Message-ID: the new message threads under it.
 */
export async function deliverGoogle(state: GoogleState, options: DeliverOptions): Promise<DeliverResult> {
  const to = toAddresses(list(options.to));
  const cc = toAddresses(list(options.cc));
  if (to.length === 0) throw new Error('deliver needs at least one recipient');
  const from = toAddresses([options.from ?? 'Jordan Lee <jordan.lee@acme.test>'])[0];
  // inReplyTo is a Message-ID (`<...>`) or, for convenience, a Gmail message id in any mailbox.
  const wanted = options.inReplyTo;
  const parent = wanted
    ? [...state.users.values()].map((u) => u.mailbox.findByInternetId(wanted)[0] ?? u.mailbox.messages.get(wanted)).find((m) => m !== undefined)
    : undefined;
  if (options.inReplyTo && !parent) throw new Error(`no message with Message-ID ${options.inReplyTo}`);
  const date = options.date ? new Date(options.date) : new Date();
  const host = from.address.split('@')[1] ?? 'mail.test';
  const messageId = `<emu.${date.getTime().toString(36)}.${Math.random().toString(36).slice(2, 10)}@${host}>`;
  const raw = await composeMessage({
    from: { name: from.name || from.address, address: from.address },
    to,
    cc,
    subject: options.subject ?? (parent ? `Re: ${parent.subject}` : 'Hello from the emulator'),
    messageId,
    date,
    inReplyTo: parent?.messageId ?? undefined,
    references: parent ? [...parent.references, ...(parent.messageId ? [parent.messageId] : [])] : undefined,
    text: options.text ?? (options.html === undefined ? 'This message was delivered by the Google emulator.' : undefined),
    html: options.html,
    attachments: options.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType ?? 'application/octet-stream',
      content: Buffer.from(a.content, 'base64'),
    })),
  });
  const recipients = [...to, ...cc].map((a) => a.address.toLowerCase());
  const sender = state.userByAnyAddress(from.address);
  const delivered: DeliverResult['delivered'] = [];
  if (sender) {
    const result = await sendMessage(state, sender, raw);
    delivered.push({ mailbox: sender.address, id: result.sent.id, threadId: result.sent.threadId });
    delivered.push(...result.delivered.map((d) => ({ mailbox: d.mailbox, id: d.message.id, threadId: d.message.threadId })));
  } else {
    const local = deliverLocally(state, raw, recipients, null, date.getTime());
    delivered.push(...local.map((d) => ({ mailbox: d.mailbox, id: d.message.id, threadId: d.message.threadId })));
    const external = recipients.filter((r) => !state.userByAnyAddress(r));
    if (external.length > 0) await state.externalDelivery?.(raw, external);
  }
  if (delivered.length === 0 && !state.externalDelivery) throw new Error(`none of ${recipients.join(', ')} has a mailbox here`);
  return { delivered, messageId };
}
