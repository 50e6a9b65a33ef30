import type { gmail_v1 } from '@googleapis/gmail';
import { createStoredMessage, normalizeSubject, type StoredMessage } from './message';

export const SYSTEM_LABELS = [
  'INBOX',
  'SENT',
  'DRAFT',
  'TRASH',
  'SPAM',
  'STARRED',
  'IMPORTANT',
  'UNREAD',
  'CHAT',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
] as const;

/** System labels Gmail shows in label lists as hidden (their counts are still available). */
const HIDDEN_SYSTEM = new Set(['CHAT', 'CATEGORY_PERSONAL', 'CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS']);

export interface Label {
  id: string;
  name: string;
  type: 'system' | 'user';
  messageListVisibility?: string;
  labelListVisibility?: string;
  color?: { textColor?: string; backgroundColor?: string };
}

export type HistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';

export interface HistoryEntry {
  id: number;
  type: HistoryType;
  message: { id: string; threadId: string; labelIds: string[] };
  labelIds?: string[];
}

export interface Draft {
  id: string;
  messageId: string;
}

export interface AddMessageOptions {
  labelIds: Iterable<string>;
  internalDate: number;
  /** Thread to join (honoured when subjects match, as Gmail does). */
  threadId?: string;
  /** Seeding does not write history. */
  recordHistory?: boolean;
}

const MAX_HISTORY = 100_000;

/** One Gmail user's mailbox: messages, labels, drafts and the history log. */
export class Mailbox {
  historyId: number;
  /** Oldest startHistoryId history.list still answers for. */
  minRetainedHistoryId: number;
  readonly messages = new Map<string, StoredMessage>();
  readonly labels = new Map<string, Label>();
  readonly drafts = new Map<string, Draft>();
  private history: HistoryEntry[] = [];
  private readonly byInternetId = new Map<string, Set<string>>();
  private sequence = 0;
  private labelSequence = 0;

  constructor(
    readonly address: string,
    public name: string,
    public aliases: string[] = [],
    startHistoryId = 1000,
  ) {
    this.historyId = startHistoryId;
    this.minRetainedHistoryId = startHistoryId;
    for (const id of SYSTEM_LABELS) {
      this.labels.set(id, {
        id,
        name: id,
        type: 'system',
        ...(HIDDEN_SYSTEM.has(id) ? { messageListVisibility: 'hide', labelListVisibility: 'labelHide' } : {}),
      });
    }
  }

  private nextMessageId(internalDate: number): string {
    this.sequence += 1;
    return ((BigInt(internalDate) << 20n) | BigInt(this.sequence & 0xfffff)).toString(16).padStart(16, '0');
  }

  nextDraftId(): string {
    this.sequence += 1;
    return `r${(BigInt(Date.now()) * 1000n + BigInt(this.sequence)).toString()}`;
  }

  /** Marks a change: every mailbox change gets a new, larger history id. */
  private bump(): number {
    this.historyId += 1;
    return this.historyId;
  }

  private record(entry: Omit<HistoryEntry, 'id'>, id: number): void {
    this.history.push({ id, ...entry });
    if (this.history.length > MAX_HISTORY) {
      const dropped = this.history.splice(0, this.history.length - MAX_HISTORY);
      this.minRetainedHistoryId = dropped[dropped.length - 1].id;
    }
  }

  /** Gmail's threading: same thread when a referenced Message-ID is here and the subjects match. */
  private resolveThread(message: StoredMessage, requested?: string): string {
    const subject = normalizeSubject(message.subject);
    if (requested) {
      const member = [...this.messages.values()].find((m) => m.threadId === requested);
      if (member && normalizeSubject(member.subject) === subject) return requested;
    }
    const referenced = [...message.references, ...(message.inReplyTo ? [message.inReplyTo] : [])].reverse();
    for (const ref of referenced) {
      for (const id of this.byInternetId.get(ref.toLowerCase()) ?? []) {
        const parent = this.messages.get(id);
        if (parent && normalizeSubject(parent.subject) === subject) return parent.threadId;
      }
    }
    return message.id;
  }

  addMessage(raw: Buffer, options: AddMessageOptions): StoredMessage {
    const record = options.recordHistory ?? true;
    const historyId = record ? this.bump() : this.historyId;
    const id = this.nextMessageId(options.internalDate);
    const message = createStoredMessage(raw, { id, threadId: id, labelIds: options.labelIds, internalDate: options.internalDate, historyId });
    message.threadId = this.resolveThread(message, options.threadId);
    this.messages.set(id, message);
    if (message.messageId) {
      const key = message.messageId.toLowerCase();
      const set = this.byInternetId.get(key) ?? new Set<string>();
      set.add(id);
      this.byInternetId.set(key, set);
    }
    if (record) this.record({ type: 'messageAdded', message: this.ref(message) }, historyId);
    return message;
  }

  deleteMessage(id: string): boolean {
    const message = this.messages.get(id);
    if (!message) return false;
    this.messages.delete(id);
    if (message.messageId) this.byInternetId.get(message.messageId.toLowerCase())?.delete(id);
    for (const [draftId, draft] of this.drafts) if (draft.messageId === id) this.drafts.delete(draftId);
    const historyId = this.bump();
    this.record({ type: 'messageDeleted', message: { id: message.id, threadId: message.threadId, labelIds: [] } }, historyId);
    return true;
  }

  /** Adds/removes labels; writes one history record per direction that actually changed something. */
  modifyLabels(id: string, add: string[], remove: string[]): StoredMessage | null {
    const message = this.messages.get(id);
    if (!message) return null;
    const added = add.filter((l) => !message.labelIds.has(l) && !remove.includes(l));
    const removed = remove.filter((l) => message.labelIds.has(l));
    added.forEach((l) => message.labelIds.add(l));
    removed.forEach((l) => message.labelIds.delete(l));
    if (added.length > 0) {
      const historyId = this.bump();
      message.historyId = historyId;
      this.record({ type: 'labelAdded', message: this.ref(message), labelIds: added }, historyId);
    }
    if (removed.length > 0) {
      const historyId = this.bump();
      message.historyId = historyId;
      this.record({ type: 'labelRemoved', message: this.ref(message), labelIds: removed }, historyId);
    }
    return message;
  }

  findByInternetId(messageId: string): StoredMessage[] {
    return [...(this.byInternetId.get(messageId.toLowerCase()) ?? [])].map((id) => this.messages.get(id)).filter((m): m is StoredMessage => !!m);
  }

  private ref(message: StoredMessage): HistoryEntry['message'] {
    return { id: message.id, threadId: message.threadId, labelIds: [...message.labelIds] };
  }

  /** Drops retained history so older start ids answer 404, as after Gmail's retention window. */
  expireHistory(): void {
    this.history = [];
    this.minRetainedHistoryId = this.historyId;
  }

  /** Seeding done: history starts now. */
  markSeeded(): void {
    this.expireHistory();
  }

  historySince(startHistoryId: number): HistoryEntry[] {
    return this.history.filter((h) => h.id > startHistoryId);
  }

  isLabel(id: string): boolean {
    return this.labels.has(id);
  }

  labelByName(name: string): Label | undefined {
    const lower = name.toLowerCase();
    return [...this.labels.values()].find((l) => l.name.toLowerCase() === lower);
  }

  createLabel(input: Omit<Label, 'id' | 'type'>): Label {
    this.labelSequence += 1;
    const label: Label = { id: `Label_${this.labelSequence}`, type: 'user', ...input };
    this.labels.set(label.id, label);
    return label;
  }

  /** Removes a user label from every message (with history) and deletes it. */
  deleteLabel(id: string): void {
    for (const message of this.messages.values()) if (message.labelIds.has(id)) this.modifyLabels(message.id, [], [id]);
    this.labels.delete(id);
  }

  labelWithCounts(label: Label): gmail_v1.Schema$Label {
    let messagesTotal = 0;
    let messagesUnread = 0;
    const threads = new Set<string>();
    const unreadThreads = new Set<string>();
    for (const m of this.messages.values()) {
      if (!m.labelIds.has(label.id)) continue;
      messagesTotal++;
      threads.add(m.threadId);
      if (m.labelIds.has('UNREAD')) {
        messagesUnread++;
        unreadThreads.add(m.threadId);
      }
    }
    return { ...label, messagesTotal, messagesUnread, threadsTotal: threads.size, threadsUnread: unreadThreads.size };
  }

  threadCount(): number {
    return new Set([...this.messages.values()].map((m) => m.threadId)).size;
  }
}
