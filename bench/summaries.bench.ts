/**
 * The per-message bookkeeping the store does besides the upsert: who took part
 * (participantsOf, for the participants table) and the denormalized thread row
 * (summarizeThread, recomputed for every thread a page touches). No server.
 */
import { normalizedFromRaw } from '../src/server/mime';
import type { NormalizedMessage } from '../src/server/providers/types';
import { participantsOf } from '../src/server/sync/participants';
import { summarizeThread, type ThreadMessageFacts } from '../src/server/sync/thread-summary';
import { mailbox } from './support/corpus';
import { envInt, record } from './support/metrics';
import { measurePasses } from './support/throughput';

const BENCH = 'summaries';
const COUNT = envInt('BENCH_SUMMARY_MESSAGES', 1_000);

// Far from being bottlenecks (the store's upserts are): these are tripwires for an accidental
// quadratic step, set well under what was measured (bench/README.md).
const TARGETS = {
  participantsPerSecond: { value: 50_000, why: 'measured 139,000-218,000 msg/s; tripwire for a quadratic regression' },
  threadsPerSecond: { value: 100_000, why: 'measured 317,000-1,400,000 threads/s; tripwire for a quadratic regression' },
};

const facts = (m: NormalizedMessage): ThreadMessageFacts => ({
  date: m.date,
  subject: m.subject,
  snippet: m.snippet,
  read: m.read,
  starred: m.starred,
  hasAttachments: m.attachments.some((a) => !a.inline),
  folderIds: m.folderIds,
  from: m.from ?? null,
  to: m.to,
  cc: m.cc,
});

describe('participants and thread summaries', () => {
  let messages: NormalizedMessage[] = [];
  let threads: ThreadMessageFacts[][] = [];

  beforeAll(async () => {
    const generated = await mailbox(COUNT);
    messages = await Promise.all(
      generated.map((g, i) => normalizedFromRaw(g.raw, { providerId: `m${i}`, threadId: g.threadKey, folderIds: ['INBOX'], read: g.read, starred: g.starred, draft: false })),
    );
    const byThread = new Map<string, ThreadMessageFacts[]>();
    for (const m of messages) byThread.set(m.threadId, [...(byThread.get(m.threadId) ?? []), facts(m)]);
    threads = [...byThread.values()];
  });

  it('lists the participants of every message', async () => {
    const timing = await measurePasses(() => {
      for (const m of messages) participantsOf(m);
    }, { minPasses: 5, minMs: 2_000 });
    record({ bench: BENCH, name: 'participantsOf', value: timing.perSecond(messages.length), unit: 'msg/s', target: { op: '>=', ...TARGETS.participantsPerSecond }, detail: { messages: messages.length } });
  });

  it('summarizes every thread', async () => {
    const timing = await measurePasses(() => {
      for (const t of threads) summarizeThread(t);
    }, { minPasses: 5, minMs: 2_000 });
    const sizes = threads.map((t) => t.length);
    record({ bench: BENCH, name: 'summarizeThread', value: timing.perSecond(threads.length), unit: 'threads/s', target: { op: '>=', ...TARGETS.threadsPerSecond }, detail: { threads: threads.length, largestThread: Math.max(...sizes) } });
  });
});
