/**
 * One user's mailbox as Exchange Online would hold it: folders, messages (raw MIME +
 * Graph metadata) and a change sequence that drives delta queries.
 */
import { composeMime, parseMime, type Importance, type MessageContent } from './mime';
import { graphDate, graphId, randomGraphId } from './ids';

export type FlagStatus = 'notFlagged' | 'flagged' | 'complete';

export interface FollowupFlag {
  flagStatus: FlagStatus;
  startDateTime?: { dateTime: string; timeZone: string };
  dueDateTime?: { dateTime: string; timeZone: string };
  completedDateTime?: { dateTime: string; timeZone: string };
}

/** Well-known folder names usable in place of ids, with their display names. */
export const WELL_KNOWN_FOLDERS = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  archive: 'Archive',
  junkemail: 'Junk Email',
  outbox: 'Outbox',
} as const;

export type WellKnownFolder = keyof typeof WELL_KNOWN_FOLDERS;

export interface MailFolder {
  id: string;
  displayName: string;
  /** Id of the parent; the root folder's children point at the root's id. */
  parentFolderId: string;
  wellKnownName: WellKnownFolder | 'msgfolderroot' | null;
  createdSeq: number;
}

export interface MailUser {
  /** Directory object id (GUID), the `oid` claim and Graph `/me` id. */
  id: string;
  address: string;
  displayName: string;
  aliases: string[];
}

export interface StoredMessage {
  id: string;
  folderId: string;
  conversationId: string;
  isRead: boolean;
  isDraft: boolean;
  flag: FollowupFlag;
  categories: string[];
  importance: Importance;
  inferenceClassification: 'focused' | 'other';
  receivedDateTime: Date;
  sentDateTime: Date | null;
  createdDateTime: Date;
  lastModifiedDateTime: Date;
  changeKey: string;
  /** Message-ID header, kept outside the parsed content for threading without parsing. */
  internetMessageId: string | null;
  /** MIME as stored; null while the message is a draft built from JSON. */
  raw: Buffer | null;
  /** Parsed (or, for drafts, authored) content; filled lazily from `raw`. */
  content: MessageContent | null;
  parsing: Promise<MessageContent> | null;
  /** Sequence number of the last change (delta). */
  seq: number;
  /** Sequence number at which it entered its current folder (delta `created` vs `updated`). */
  enteredSeq: number;
}

export type RemovedReason = 'deleted' | 'changed';

export interface Tombstone {
  id: string;
  folderId: string;
  seq: number;
  reason: RemovedReason;
}

export interface NewMessage {
  folderId: string;
  raw?: Buffer;
  content?: MessageContent;
  internetMessageId?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  /** Generator thread key: messages sharing it share a conversation. */
  threadKey?: string;
  receivedDateTime?: Date;
  sentDateTime?: Date | null;
  isRead?: boolean;
  isDraft?: boolean;
  flag?: FollowupFlag;
  categories?: string[];
  importance?: Importance;
  /** Deterministic id key (seeding); random otherwise. */
  idKey?: string;
  /** Explicit conversation (responses created from a message); derived from headers otherwise. */
  conversationId?: string;
  inferenceClassification?: 'focused' | 'other';
}

const normalizeMessageId = (id: string): string => id.trim().replace(/^<|>$/g, '').toLowerCase();

export class Mailbox {
  readonly folders = new Map<string, MailFolder>();
  readonly messages = new Map<string, StoredMessage>();
  readonly tombstones: Tombstone[] = [];
  /** Bumped to invalidate every delta token issued so far. */
  epoch = 1;
  private seq = 0;
  private readonly conversationByMessageId = new Map<string, string>();
  private readonly conversationByThreadKey = new Map<string, string>();
  readonly rootId: string;

  constructor(readonly user: MailUser) {
    this.rootId = graphId('AAMkAD', `${user.id}:folder:msgfolderroot`);
    this.folders.set(this.rootId, {
      id: this.rootId,
      displayName: 'Top of Information Store',
      parentFolderId: graphId('AAMkAD', `${user.id}:folder:root`),
      wellKnownName: 'msgfolderroot',
      createdSeq: 0,
    });
    for (const [name, displayName] of Object.entries(WELL_KNOWN_FOLDERS)) {
      const id = graphId('AAMkAD', `${user.id}:folder:${name}`);
      this.folders.set(id, { id, displayName, parentFolderId: this.rootId, wellKnownName: name as WellKnownFolder, createdSeq: 0 });
    }
  }

  get currentSeq(): number {
    return this.seq;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** A folder by id or well-known name (case-insensitive), or undefined. */
  folder(idOrName: string): MailFolder | undefined {
    const direct = this.folders.get(idOrName);
    if (direct) return direct;
    const name = idOrName.toLowerCase();
    for (const folder of this.folders.values()) {
      if (folder.wellKnownName === name) return folder;
    }
    return undefined;
  }

  wellKnownId(name: WellKnownFolder): string {
    const folder = this.folder(name);
    if (!folder) throw new Error(`mailbox ${this.user.address} lacks ${name}`);
    return folder.id;
  }

  childFolders(parentId: string): MailFolder[] {
    return [...this.folders.values()].filter((f) => f.parentFolderId === parentId && f.id !== this.rootId);
  }

  createFolder(parentId: string, displayName: string): MailFolder {
    const id = randomGraphId('AAMkAD');
    const folder: MailFolder = { id, displayName, parentFolderId: parentId, wellKnownName: null, createdSeq: this.nextSeq() };
    this.folders.set(id, folder);
    return folder;
  }

  messagesIn(folderId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.folderId === folderId);
  }

  /** Conversation of a message with these threading headers: joins the thread of any known ancestor. */
  conversationFor(internetMessageId: string | null | undefined, related: string[], threadKey?: string): string {
    if (threadKey) {
      const known = this.conversationByThreadKey.get(threadKey);
      if (known) return known;
    }
    for (const ref of related) {
      const known = this.conversationByMessageId.get(normalizeMessageId(ref));
      if (known) return known;
    }
    const seed = threadKey ?? internetMessageId ?? related[0] ?? randomGraphId('');
    return graphId('AAQkAD', `${this.user.id}:conversation:${seed}`);
  }

  add(input: NewMessage): StoredMessage {
    const now = new Date();
    const related = [...(input.references ?? []), ...(input.inReplyTo ? [input.inReplyTo] : [])].reverse();
    const internetMessageId = input.internetMessageId ?? input.content?.internetMessageId ?? null;
    const conversationId = input.conversationId ?? this.conversationFor(internetMessageId, related, input.threadKey);
    const seq = this.nextSeq();
    const id = input.idKey ? graphId('AAMkAD', `${this.user.id}:message:${input.idKey}`) : randomGraphId('AAMkAD');
    const message: StoredMessage = {
      id,
      folderId: input.folderId,
      conversationId,
      isRead: input.isRead ?? false,
      isDraft: input.isDraft ?? false,
      flag: input.flag ?? { flagStatus: 'notFlagged' },
      categories: input.categories ?? [],
      importance: input.importance ?? input.content?.importance ?? 'normal',
      inferenceClassification: input.inferenceClassification ?? 'focused',
      receivedDateTime: input.receivedDateTime ?? now,
      sentDateTime: input.sentDateTime === undefined ? (input.receivedDateTime ?? now) : input.sentDateTime,
      createdDateTime: input.receivedDateTime ?? now,
      lastModifiedDateTime: now,
      changeKey: randomGraphId('CQAAABYAAA'),
      internetMessageId,
      raw: input.raw ?? null,
      content: input.content ?? null,
      parsing: null,
      seq,
      enteredSeq: seq,
    };
    this.messages.set(id, message);
    this.remember(message, input.threadKey);
    return message;
  }

  private remember(message: StoredMessage, threadKey?: string): void {
    if (message.internetMessageId) {
      this.conversationByMessageId.set(normalizeMessageId(message.internetMessageId), message.conversationId);
    }
    if (threadKey) this.conversationByThreadKey.set(threadKey, message.conversationId);
  }

  /** Records a change to a message so delta reports it. */
  touch(message: StoredMessage): void {
    message.seq = this.nextSeq();
    message.lastModifiedDateTime = new Date();
    message.changeKey = randomGraphId('CQAAABYAAA');
  }

  /** Moves a message; Graph gives a moved message a new id unless immutable ids were asked for. */
  move(message: StoredMessage, destinationId: string, keepId: boolean): StoredMessage {
    if (message.folderId === destinationId) {
      this.touch(message);
      return message;
    }
    const seq = this.nextSeq();
    this.tombstones.push({ id: message.id, folderId: message.folderId, seq, reason: 'changed' });
    if (!keepId) {
      this.messages.delete(message.id);
      message.id = randomGraphId('AAMkAD');
      this.messages.set(message.id, message);
    }
    message.folderId = destinationId;
    message.seq = seq;
    message.enteredSeq = seq;
    message.lastModifiedDateTime = new Date();
    message.changeKey = randomGraphId('CQAAABYAAA');
    return message;
  }

  copy(message: StoredMessage, destinationId: string): StoredMessage {
    const seq = this.nextSeq();
    const copy: StoredMessage = {
      ...message,
      id: randomGraphId('AAMkAD'),
      folderId: destinationId,
      flag: { ...message.flag },
      categories: [...message.categories],
      seq,
      enteredSeq: seq,
      lastModifiedDateTime: new Date(),
      changeKey: randomGraphId('CQAAABYAAA'),
    };
    this.messages.set(copy.id, copy);
    return copy;
  }

  remove(message: StoredMessage): void {
    this.messages.delete(message.id);
    this.tombstones.push({ id: message.id, folderId: message.folderId, seq: this.nextSeq(), reason: 'deleted' });
  }

  /** Parsed content, parsing the stored MIME once on first use. */
  content(message: StoredMessage): Promise<MessageContent> {
    if (message.content) return Promise.resolve(message.content);
    if (!message.raw) throw new Error(`message ${message.id} has neither content nor MIME`);
    message.parsing ??= parseMime(message.raw).then((content) => {
      message.content = content;
      message.parsing = null;
      return content;
    });
    return message.parsing;
  }

  /** The RFC 822 form, composing it for drafts authored through JSON. */
  async mime(message: StoredMessage): Promise<Buffer> {
    if (message.raw) return message.raw;
    const content = await this.content(message);
    return composeMime(content, message.sentDateTime ?? message.createdDateTime);
  }

  /** Replaces a draft's content (PATCH); its MIME is composed again when needed. */
  setContent(message: StoredMessage, content: MessageContent): void {
    message.content = content;
    message.raw = null;
    message.parsing = null;
    if (content.internetMessageId) message.internetMessageId = content.internetMessageId;
  }

  /** Seals a message's MIME (on send), keeping threading lookups in step. */
  setRaw(message: StoredMessage, raw: Buffer, content: MessageContent): void {
    message.raw = raw;
    message.content = content;
    message.internetMessageId = content.internetMessageId;
    this.remember(message);
  }

  counts(folderId: string): { total: number; unread: number } {
    let total = 0;
    let unread = 0;
    for (const message of this.messages.values()) {
      if (message.folderId !== folderId) continue;
      total += 1;
      if (!message.isRead) unread += 1;
    }
    return { total, unread };
  }

  /** Graph's timestamps for a message (second precision). */
  static dates(message: StoredMessage): Record<string, string | null> {
    return {
      createdDateTime: graphDate(message.createdDateTime),
      lastModifiedDateTime: graphDate(message.lastModifiedDateTime),
      receivedDateTime: graphDate(message.receivedDateTime),
      sentDateTime: message.sentDateTime ? graphDate(message.sentDateTime) : null,
    };
  }
}
