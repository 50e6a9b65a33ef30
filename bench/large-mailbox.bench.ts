/**
 * A mailbox of BENCH_LARGE_MESSAGES messages (100,000 by default) in one
 * account, loaded through the plugin's own sync store (the store's throughput
 * is the first figure), then the real resource actions over HTTP as the owner
 * reads it: the mailbox page, a label, page 20, a conversation, mail with an
 * address and with a domain, the folder list with its counts, and a search.
 * Each query is timed over BENCH_LARGE_SAMPLES requests: p50 and p95.
 *
 * Data: conversations of 1–5 messages over three years; 70 % in the inbox, a
 * quarter under one of five labels; 3,000 correspondents across 300 domains,
 * a few of them very frequent (a customer who writes every day).
 */
import { performance } from 'node:perf_hooks';
import { createTestApp, type TestApp } from '../src/server/__tests__/support/test-app';
import type { NormalizedMessage } from '../src/server/providers/types';
import { MailStore } from '../src/server/sync/store';
import { envInt, percentile, record } from './support/metrics';

const BENCH = 'large-mailbox';
const MESSAGES = envInt('BENCH_LARGE_MESSAGES', 100_000);
const SAMPLES = envInt('BENCH_LARGE_SAMPLES', 40);
const PAGE = 500;

const TARGETS = {
  storeRate: { op: '>=' as const, value: 5000, why: 'issue 10: a 100k mailbox stored in well under a minute of database time' },
  page: { op: '<=' as const, value: 30, why: 'issue 10: a mailbox / folder / label page of 50 at 100k messages' },
  conversation: { op: '<=' as const, value: 50, why: 'issue 10: opening a conversation' },
  people: { op: '<=' as const, value: 50, why: 'issue 10: mail with an address or a domain' },
  search: { op: '<=' as const, value: 200, why: 'issue 10: a body word (LIKE fallback until full-text search lands)' },
};

type Agent = ReturnType<TestApp['agent']>;

/** A small deterministic generator, so every run loads the same mailbox. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ['invoice', 'meeting', 'contract', 'shipment', 'renewal', 'proposal', 'budget', 'quarterly', 'support', 'feedback', 'schedule', 'offer'];

function generate(count: number, own: string): NormalizedMessage[] {
  const random = rng(42);
  const domains = Array.from({ length: 300 }, (_, i) => `customer${i}.example`);
  const people = Array.from({ length: 3000 }, (_, i) => ({ name: `Person ${i}`, address: `person${i}@${domains[i % domains.length]}` }));
  const pick = () => (random() < 0.2 ? people[Math.floor(random() * 5)] : people[Math.floor(random() * people.length)]);
  const start = Date.UTC(2024, 0, 1);
  const span = 3 * 365 * 24 * 3600 * 1000;
  const out: NormalizedMessage[] = [];
  let thread = 0;
  while (out.length < count) {
    thread += 1;
    const size = 1 + Math.floor(random() * 5);
    const other = pick();
    const first = start + Math.floor(random() * span);
    const labels = random() < 0.25 ? [`Label_${1 + Math.floor(random() * 5)}`] : [];
    const subject = `${WORDS[thread % WORDS.length]} ${thread}`;
    for (let i = 0; i < size && out.length < count; i += 1) {
      const mine = i % 2 === 1;
      const id = `m${out.length}`;
      const word = WORDS[Math.floor(random() * WORDS.length)];
      out.push({
        providerId: id,
        threadId: `t${thread}`,
        internetMessageId: `<${id}@bench.example>`,
        inReplyTo: null,
        references: [],
        subject: i ? `Re: ${subject}` : subject,
        from: mine ? { address: own } : other,
        to: [mine ? other : { address: own }],
        cc: [],
        bcc: [],
        replyTo: [],
        date: new Date(first + i * 3600_000),
        snippet: `About the ${word} for ${other.name}`,
        text: `Hello ${other.name}, about the ${word}: see the attached numbers. Regards`,
        html: null,
        folderIds: mine ? ['SENT', ...labels] : random() < 0.7 ? ['INBOX', ...labels] : labels.length ? labels : ['CATEGORY_UPDATES'],
        categories: [],
        read: random() < 0.8,
        starred: random() < 0.05,
        draft: false,
        attachments: [],
      } as NormalizedMessage);
    }
  }
  return out;
}

describe(`a mailbox of ${MESSAGES} messages`, () => {
  let app: TestApp;
  let owner: Agent;
  let accountId: string;
  let threadId: string;
  let rareAddress: string;

  beforeAll(async () => {
    app = await createTestApp();
    const user = await app.db.getRepository('users').create({ values: { nickname: 'Big', email: 'big@example.test', roles: ['member'] } });
    owner = await app.agent().login(user);
    accountId = String((await app.db.getRepository('mailAccounts').create({ values: { userId: user.get('id'), provider: 'google', address: 'big@gmail.test', status: 'active' } })).get('id'));
    for (const [providerId, name, role] of [['INBOX', 'Inbox', 'inbox'], ['SENT', 'Sent', 'sent'], ['Label_3', 'Clients', 'custom']]) {
      await app.db.getRepository('mailFolders').create({ values: { accountId, providerId, name, role } });
    }
    const messages = generate(MESSAGES, 'big@gmail.test');
    const store = new MailStore(app.db);
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += PAGE) await store.applyPage(accountId, { added: messages.slice(i, i + PAGE) });
    const seconds = (performance.now() - t0) / 1000;
    record({ bench: BENCH, name: 'store: messages written', value: messages.length / seconds, unit: 'msg/s', target: TARGETS.storeRate, detail: { messages: messages.length, seconds } });
    const thread = (await app.db.getModel('mailThreads').findOne({ where: { accountId }, order: [['messageCount', 'DESC']], raw: true })) as unknown as { id: unknown };
    threadId = String(thread.id);
    // Someone who wrote once or twice: the least frequent correspondent that exists.
    const [rare] = (await app.db.sequelize.query(
      `SELECT address FROM ${app.db.getCollection('mailParticipants').quotedTableName()} WHERE address LIKE 'person%' GROUP BY address ORDER BY COUNT(*) ASC, address ASC LIMIT 1`,
      { type: 'SELECT' },
    )) as Array<{ address: string }>;
    rareAddress = rare.address;
  });

  afterAll(async () => {
    await app?.destroy();
  });

  async function timed(name: string, url: string, target: (typeof TARGETS)[keyof typeof TARGETS], expectRows = true) {
    const first = await owner.get(url);
    if (first.status !== 200) throw new Error(`${url} answered ${first.status}: ${JSON.stringify(first.body).slice(0, 300)}`);
    if (expectRows && !(first.body.data?.length > 0)) throw new Error(`${url} found nothing`);
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const t0 = performance.now();
      const res = await owner.get(url);
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    }
    record({ bench: BENCH, name: `${name} p50`, value: percentile(times, 50), unit: 'ms', detail: { url, samples: SAMPLES } });
    record({ bench: BENCH, name: `${name} p95`, value: percentile(times, 95), unit: 'ms', target, detail: { url, samples: SAMPLES, dialect: process.env.DB_DIALECT ?? 'sqlite' } });
  }

  it('answers the reads a user makes (bench/run.mjs judges the figures against their targets)', async () => {
    const inbox = await app.db.getModel('mailFolders').findOne({ where: { accountId, providerId: 'INBOX' }, raw: true });
    const label = await app.db.getModel('mailFolders').findOne({ where: { accountId, providerId: 'Label_3' }, raw: true });
    const id = (row: unknown) => String((row as { id: unknown }).id);
    await timed('mailbox page (inbox, 50)', `/mailThreads:browse?folderRole=inbox&pageSize=50`, TARGETS.page);
    await timed('folder page (inbox by id, 50)', `/mailThreads:browse?folderId=${id(inbox)}&pageSize=50`, TARGETS.page);
    await timed('label page (50)', `/mailThreads:browse?folderId=${id(label)}&pageSize=50`, TARGETS.page);
    // Page 20, or the last full page of a smaller mailbox (the smoke run inside npm test).
    const threads = await app.db.getModel('mailThreads').count({ where: { accountId } });
    const deep = Math.max(1, Math.min(20, Math.floor(threads / 50)));
    await timed(`all mail page ${deep} (50)`, `/mailThreads:browse?page=${deep}&pageSize=50`, TARGETS.page);
    const filter = encodeURIComponent(JSON.stringify({ threadRowId: threadId }));
    await timed('open a conversation', `/mailMessages:list?paginate=false&sort=date&filter=${filter}&appends=attachments`, TARGETS.conversation);
    await timed('mail with a frequent address', `/mailThreads:browse?address=person0@customer0.example&pageSize=50`, TARGETS.people);
    await timed('mail with a rare address', `/mailThreads:browse?address=${rareAddress}&pageSize=50`, TARGETS.people);
    await timed('mail with a domain', `/mailThreads:browse?domain=customer7.example&pageSize=50`, TARGETS.people);
    await timed('folders with unread counts', `/mailFolders:list?paginate=false&filter=${encodeURIComponent(JSON.stringify({ accountId }))}`, TARGETS.page);
    await timed('search a subject word', `/mailThreads:browse?q=renewal&pageSize=50`, TARGETS.search);
  });
});
