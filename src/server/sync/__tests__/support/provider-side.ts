/**
 * Acting "at the provider", as the mailbox owner would in Gmail or Outlook:
 * new mail arrives, mail is deleted, flags and labels change. Also the ground
 * truth a sync is checked against: what the provider itself says it has.
 * Google is driven through its REST API with the user's own token, Microsoft
 * through the emulator's Outlook-side mutations.
 */
import type { ProviderName, TokenSet } from '../../../providers/types';
import type { MailWorld } from './mail-world';

export interface ProviderMessageState {
  id: string;
  threadId: string;
  internetMessageId: string | null;
  read: boolean;
  starred: boolean;
  /** Gmail label ids / the Graph folder id. */
  folderIds: string[];
}

export interface ProviderSide {
  readonly provider: ProviderName;
  readonly address: string;
  /** Every message the sync window should contain, by provider id. */
  messages(): Promise<Map<string, ProviderMessageState>>;
  deliver(count: number, subject?: string): Promise<string[]>;
  remove(ids: string[]): Promise<void>;
  /** Changes read / starred / labels of each message (a different change per index). */
  change(ids: string[]): Promise<void>;
  /** Messages the provider counts in folder totals but keeps out of the sync window (Gmail spam and trash). */
  outsideWindow(): Promise<number>;
}

export async function providerSide(world: MailWorld, provider: ProviderName, address: string): Promise<ProviderSide> {
  return provider === 'google' ? new GoogleSide(world, address, await world.signIn('google', address)) : new MicrosoftSide(world, address);
}

async function deliverMany(world: MailWorld, provider: ProviderName, address: string, count: number, subject: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await world.control(provider).deliver({
      to: address,
      from: `sender${i}@partner.example`,
      subject: `${subject} #${i} — Grüße 🚀`,
      text: `New message ${i}`,
    });
    ids.push(...result.delivered.filter((d) => d.mailbox.toLowerCase() === address.toLowerCase()).map((d) => d.id));
  }
  return ids;
}

class MicrosoftSide implements ProviderSide {
  readonly provider = 'microsoft' as const;
  constructor(
    private readonly world: MailWorld,
    readonly address: string,
  ) {}

  private control() {
    return this.world.emulators.microsoft!.control;
  }

  async messages(): Promise<Map<string, ProviderMessageState>> {
    const snapshot = await this.control().mailbox(this.address);
    return new Map(
      snapshot.messages.map((m) => [
        m.id,
        {
          id: m.id,
          threadId: m.conversationId,
          internetMessageId: m.internetMessageId,
          read: m.isRead,
          starred: m.flagStatus === 'flagged',
          folderIds: [m.folderId],
        },
      ]),
    );
  }

  deliver(count: number, subject = 'Fresh mail'): Promise<string[]> {
    return deliverMany(this.world, 'microsoft', this.address, count, subject);
  }

  async outsideWindow(): Promise<number> {
    return 0;
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) await this.control().mutate({ user: this.address, id, action: 'delete' });
  }

  async change(ids: string[]): Promise<void> {
    const snapshot = await this.messages();
    for (const [i, id] of ids.entries()) {
      const m = snapshot.get(id);
      if (!m) throw new Error(`no message ${id}`);
      if (i % 3 === 0) await this.control().mutate({ user: this.address, id, action: m.read ? 'markUnread' : 'markRead' });
      else if (i % 3 === 1) await this.control().mutate({ user: this.address, id, action: m.starred ? 'unflag' : 'flag' });
      else await this.control().mutate({ user: this.address, id, action: 'categorize', categories: ['Blue category', `Ärger ${i}`] });
    }
  }
}

interface GmailMessage {
  id: string;
  threadId: string;
  labelIds?: string[];
  payload?: { headers?: Array<{ name: string; value: string }> };
}

class GoogleSide implements ProviderSide {
  readonly provider = 'google' as const;
  private readonly base: string;

  constructor(
    private readonly world: MailWorld,
    readonly address: string,
    private readonly tokens: TokenSet,
  ) {
    this.base = world.emulators.env.MAIL_GOOGLE_API_URL.replace(/\/+$/, '') + '/gmail/v1/users/me';
  }

  private async api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(this.base + path, {
      ...init,
      headers: { authorization: `Bearer ${this.tokens.accessToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Gmail ${init.method ?? 'GET'} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Gmail's default listing (spam and trash excluded), as the sync window is defined for Gmail. */
  async messages(): Promise<Map<string, ProviderMessageState>> {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.api<{ messages?: Array<{ id: string }>; nextPageToken?: string }>(
        `/messages?maxResults=500${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
      );
      ids.push(...(page.messages ?? []).map((m) => m.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    const out = new Map<string, ProviderMessageState>();
    for (const id of ids) {
      const m = await this.api<GmailMessage>(`/messages/${id}?format=metadata&metadataHeaders=Message-ID`);
      const labels = m.labelIds ?? [];
      out.set(id, {
        id,
        threadId: m.threadId,
        internetMessageId: m.payload?.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value ?? null,
        read: !labels.includes('UNREAD'),
        starred: labels.includes('STARRED'),
        folderIds: labels,
      });
    }
    return out;
  }

  deliver(count: number, subject = 'Fresh mail'): Promise<string[]> {
    return deliverMany(this.world, 'google', this.address, count, subject);
  }

  async outsideWindow(): Promise<number> {
    let total = 0;
    for (const label of ['SPAM', 'TRASH']) {
      const page = await this.api<{ messages?: unknown[] }>(`/messages?labelIds=${label}&includeSpamTrash=true&maxResults=500`);
      total += page.messages?.length ?? 0;
    }
    return total;
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) await this.api(`/messages/${id}`, { method: 'DELETE' });
  }

  async change(ids: string[]): Promise<void> {
    const labels = await this.api<{ labels: Array<{ id: string; type: string }> }>('/labels');
    const userLabel = labels.labels.find((l) => l.type === 'user')?.id;
    for (const [i, id] of ids.entries()) {
      const m = await this.api<GmailMessage>(`/messages/${id}?format=minimal`);
      const has = (label: string) => (m.labelIds ?? []).includes(label);
      const body =
        i % 3 === 0
          ? has('UNREAD') ? { removeLabelIds: ['UNREAD'] } : { addLabelIds: ['UNREAD'] }
          : i % 3 === 1
            ? has('STARRED') ? { removeLabelIds: ['STARRED'] } : { addLabelIds: ['STARRED'] }
            : userLabel && !has(userLabel) ? { addLabelIds: [userLabel] } : { addLabelIds: ['IMPORTANT'] };
      await this.api(`/messages/${id}/modify`, { method: 'POST', body: JSON.stringify(body) });
    }
  }
}
