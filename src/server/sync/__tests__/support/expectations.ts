/** Assertions shared by the acceptance tests: the local store mirrors the provider exactly. */
import type { Database } from '@nocobase/database';
import { generateMailbox, type GeneratedMessage } from '../../../../../dev/emulators/generator';
import type { ProviderName } from '../../../providers/types';
import { duplicates, localMessages, type LocalMessage } from './local-mail';
import { SEED_WINDOW } from './mail-world';
import type { ProviderMessageState } from './provider-side';

/** Labels the Gmail adapter does not keep as folders. */
const GMAIL_HIDDEN = new Set(['UNREAD', 'CHAT']);

export interface MirrorReport {
  local: LocalMessage[];
  missing: string[];
  ghosts: string[];
  duplicates: string[];
  wrongFlags: string[];
}

/** Compares the local messages with the provider's own view; every list in the report must be empty. */
export async function compareWithProvider(
  db: Database,
  accountId: number,
  provider: ProviderName,
  truth: Map<string, ProviderMessageState>,
): Promise<MirrorReport> {
  const local = await localMessages(db, accountId);
  const byId = new Map(local.map((m) => [m.providerId, m]));
  const wrongFlags: string[] = [];
  for (const [id, p] of truth) {
    const m = byId.get(id);
    if (!m) continue;
    const problems: string[] = [];
    if (m.read !== p.read) problems.push(`read ${m.read}≠${p.read}`);
    if (m.starred !== p.starred) problems.push(`starred ${m.starred}≠${p.starred}`);
    if (m.providerThreadId !== p.threadId) problems.push('thread');
    if (p.internetMessageId && normalizeId(m.internetMessageId) !== normalizeId(p.internetMessageId)) problems.push('message-id');
    const expectedFolders = provider === 'google' ? p.folderIds.filter((f) => !GMAIL_HIDDEN.has(f)) : p.folderIds;
    if (provider === 'google' ? !sameSet(m.folderIds, expectedFolders) : !expectedFolders.every((f) => m.folderIds.includes(f))) {
      problems.push(`folders ${m.folderIds.join(',')}≠${expectedFolders.join(',')}`);
    }
    if (problems.length) wrongFlags.push(`${id}: ${problems.join('; ')}`);
  }
  return {
    local,
    missing: [...truth.keys()].filter((id) => !byId.has(id)),
    ghosts: local.filter((m) => !truth.has(m.providerId)).map((m) => m.providerId),
    duplicates: duplicates(local),
    wrongFlags,
  };
}

/** Checks decoded content (non-ASCII subjects, senders, attachments) against the generator that seeded the mailbox. */
export async function compareWithGenerated(
  local: LocalMessage[],
  seed: { seed: number; count: number; name: string; address: string },
): Promise<{ checked: number; nonAscii: number; withAttachments: number; wrong: string[] }> {
  const generated = await generateMailbox({
    seed: seed.seed,
    count: seed.count,
    owner: { name: seed.name, address: seed.address },
    startDate: new Date(SEED_WINDOW.startDate),
    endDate: new Date(SEED_WINDOW.endDate),
  });
  const byMessageId = new Map<string, GeneratedMessage>(generated.map((g) => [normalizeId(g.messageId), g]));
  const wrong: string[] = [];
  let checked = 0;
  let nonAscii = 0;
  let withAttachments = 0;
  for (const m of local) {
    const g = byMessageId.get(normalizeId(m.internetMessageId));
    if (!g) continue;
    checked += 1;
    if (/[^\x00-\x7f]/.test(g.subject)) nonAscii += 1;
    if (g.hasAttachments) withAttachments += 1;
    if (m.subject !== g.subject) wrong.push(`${m.providerId} subject ${JSON.stringify(m.subject)} ≠ ${JSON.stringify(g.subject)}`);
    if (m.fromAddress !== g.from.address.toLowerCase()) wrong.push(`${m.providerId} from ${m.fromAddress} ≠ ${g.from.address}`);
    if (m.hasAttachments !== g.hasAttachments) wrong.push(`${m.providerId} hasAttachments ${m.hasAttachments} ≠ ${g.hasAttachments}`);
  }
  return { checked, nonAscii, withAttachments, wrong };
}

/** Thread rows agree with their messages. */
export async function threadProblems(db: Database, accountId: number): Promise<string[]> {
  const local = await localMessages(db, accountId);
  const perThread = new Map<string, LocalMessage[]>();
  for (const m of local) perThread.set(m.providerThreadId, [...(perThread.get(m.providerThreadId) ?? []), m]);
  const threads = (await db.getModel('mailThreads').findAll({ where: { accountId }, raw: true })) as unknown as Array<Record<string, unknown>>;
  const problems: string[] = [];
  if (threads.length !== perThread.size) problems.push(`${threads.length} thread rows for ${perThread.size} conversations`);
  for (const t of threads) {
    const messages = perThread.get(String(t.providerThreadId)) ?? [];
    const unread = messages.filter((m) => !m.read).length;
    if (Number(t.messageCount) !== messages.length) problems.push(`${String(t.providerThreadId)} count ${String(t.messageCount)}≠${messages.length}`);
    if (Number(t.unreadCount) !== unread) problems.push(`${String(t.providerThreadId)} unread ${String(t.unreadCount)}≠${unread}`);
  }
  return problems;
}

export function normalizeId(id: string | null | undefined): string {
  return (id ?? '').trim().replace(/^<|>$/g, '').toLowerCase();
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
