/**
 * Fills mailboxes from the shared deterministic generator: raw MIME plus Graph metadata
 * (folder, read, flag, categories, focused/other), and delivers single new messages.
 */
import type { DeliverOptions, DeliverResult, SeedOptions, SeedResult, SeedUser } from '../core';
import { randomBytes } from 'node:crypto';
import { composeMessage, generateMailbox, hashString, type GeneratedFolder, type MailAddress } from '../generator';
import type { Mailbox, WellKnownFolder } from './mailbox';
import { parseMime } from './mime';
import type { MicrosoftState } from './state';

const FOLDER_BY_GENERATED: Record<GeneratedFolder, WellKnownFolder> = {
  inbox: 'inbox',
  sent: 'sentitems',
  archive: 'archive',
  spam: 'junkemail',
  drafts: 'drafts',
  trash: 'deleteditems',
};

/** Creates (replacing any previous one) a user's mailbox filled with generated mail. */
export async function seedMicrosoftMailbox(state: MicrosoftState, user: SeedUser): Promise<Mailbox> {
  const mailbox = state.createMailbox(user.address, user.name, user.aliases ?? []);
  const count = user.messages ?? 0;
  if (count === 0) return mailbox;
  const generated = await generateMailbox({
    seed: user.seed ?? hashString(user.address.toLowerCase()),
    count,
    owner: { name: user.name, address: user.address },
    startDate: user.startDate ? new Date(user.startDate) : undefined,
    endDate: user.endDate ? new Date(user.endDate) : undefined,
  });
  generated.forEach((message, index) => {
    mailbox.add({
      folderId: mailbox.wellKnownId(FOLDER_BY_GENERATED[message.folder]),
      raw: message.raw,
      internetMessageId: message.messageId,
      inReplyTo: message.inReplyTo ?? null,
      references: message.references,
      threadKey: message.threadKey,
      receivedDateTime: message.date,
      sentDateTime: message.date,
      isRead: message.read,
      isDraft: message.folder === 'drafts',
      flag: { flagStatus: message.starred ? 'flagged' : 'notFlagged' },
      categories: [...message.labels],
      inferenceClassification: message.category === 'primary' ? 'focused' : 'other',
      idKey: `${index}:${message.messageId}`,
    });
  });
  return mailbox;
}

export async function seedMicrosoft(state: MicrosoftState, options: SeedOptions): Promise<SeedResult> {
  if (!options.append) {
    state.mailboxes.clear();
    state.mailboxesById.clear();
  }
  const users: SeedResult['users'] = [];
  for (const user of options.users) {
    const mailbox = await seedMicrosoftMailbox(state, user);
    users.push({ address: mailbox.user.address, messages: mailbox.messages.size });
  }
  return { users };
}

function parseAddress(value: string): MailAddress {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  if (match) return { name: match[1].trim() || match[2], address: match[2].trim() };
  return { name: value.split('@')[0], address: value.trim() };
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A message from outside arriving now in each local recipient's Inbox. */
export async function deliverMicrosoft(state: MicrosoftState, options: DeliverOptions): Promise<DeliverResult> {
  const to = list(options.to).map(parseAddress);
  const cc = list(options.cc).map(parseAddress);
  const from = parseAddress(options.from ?? 'Sender Example <sender@example.net>');
  const date = options.date ? new Date(options.date) : new Date();
  const messageId = `<${randomBytes(10).toString('hex')}@${from.address.split('@')[1] ?? 'example.net'}>`;
  const targets = [...to, ...cc].map((r) => state.mailboxForAddress(r.address)).filter((m): m is Mailbox => !!m);
  if (targets.length === 0) throw new Error(`no emulated mailbox among recipients ${[...to, ...cc].map((r) => r.address).join(', ')}`);

  let references: string[] = [];
  if (options.inReplyTo) {
    const parentId = options.inReplyTo;
    const parent = targets
      .flatMap((mailbox) => [...mailbox.messages.values()].map((message) => ({ mailbox, message })))
      .find(({ message }) => message.internetMessageId?.toLowerCase() === parentId.toLowerCase());
    const parentRefs = parent ? (await parent.mailbox.content(parent.message)).references : [];
    references = [...parentRefs, parentId];
  }
  const raw = await composeMessage({
    from,
    to,
    cc,
    subject: options.subject ?? '(no subject)',
    messageId,
    date,
    inReplyTo: options.inReplyTo,
    references,
    text: options.text ?? (options.html ? undefined : ''),
    html: options.html,
    attachments: options.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType ?? 'application/octet-stream',
      content: Buffer.from(a.content, 'base64'),
    })),
  });

  const delivered: DeliverResult['delivered'] = [];
  for (const mailbox of new Set(targets)) {
    const message = mailbox.add({
      folderId: mailbox.wellKnownId('inbox'),
      raw,
      internetMessageId: messageId,
      inReplyTo: options.inReplyTo ?? null,
      references,
      receivedDateTime: new Date(),
      sentDateTime: date,
      isRead: false,
    });
    delivered.push({ mailbox: mailbox.user.address, id: message.id, threadId: message.conversationId });
  }
  return { delivered, messageId };
}

/**
 * Delivers an RFC 822 message that arrived from elsewhere (e.g. sent by a user of the
 * Google emulator) to the Inboxes of the given local recipients, joining known threads.
 */
export async function deliverRawMicrosoft(state: MicrosoftState, raw: Buffer, recipients: string[]): Promise<DeliverResult['delivered']> {
  const content = await parseMime(raw);
  const delivered: DeliverResult['delivered'] = [];
  const seen = new Set<Mailbox>();
  for (const address of recipients) {
    const mailbox = state.mailboxForAddress(address);
    if (!mailbox || seen.has(mailbox)) continue;
    seen.add(mailbox);
    const message = mailbox.add({
      folderId: mailbox.wellKnownId('inbox'),
      raw,
      internetMessageId: content.internetMessageId,
      inReplyTo: content.inReplyTo,
      references: content.references,
      receivedDateTime: new Date(),
      sentDateTime: content.date ?? new Date(),
      isRead: false,
    });
    delivered.push({ mailbox: mailbox.user.address, id: message.id, threadId: message.conversationId });
  }
  return delivered;
}
