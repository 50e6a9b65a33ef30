/**
 * HTML sanitizing, run on every HTML body a reader opens: the generated
 * mailbox's HTML parts (conversations and newsletters), the hostile vectors the
 * security tests use, and a 1 MB marketing mail. Also htmlToText, which makes
 * the snippet and search text of every stored HTML-only message. No server.
 */
import { parseRawMessage } from '../src/server/mime';
import { htmlToText, sanitizeEmailHtml } from '../src/server/security';
import { HOSTILE_VECTORS } from '../src/server/security/__tests__/hostile-html';
import { mailbox, MB, newsletterHtml } from './support/corpus';
import { envInt, record } from './support/metrics';
import { measurePasses } from './support/throughput';

const BENCH = 'sanitize';
const COUNT = envInt('BENCH_SANITIZE_MESSAGES', 500);

// Sanitizing runs when a reader opens a message, so the bounds are about latency per message.
// Measured (loaded machine / quiet machine) in bench/README.md.
const TARGETS = {
  generatedDocsPerSecond: { value: 1_000, why: 'measured 3,100-4,700 docs/s; ≤ 1 ms of server time to open a typical mail' },
  // Pathological input (nested mXSS, entity-encoded schemes) must not find a slow path (ReDoS).
  hostileDocsPerSecond: { value: 10_000, why: 'measured 31,000-48,000 docs/s; a slow path on hostile input would crater it' },
  largeMegabytesPerSecond: { value: 3, why: 'measured 5.6-8.1 MB/s; a 1 MB marketing mail opens in ≤ ~330 ms' },
  htmlToTextDocsPerSecond: { value: 500, why: 'measured 1,300-3,600 docs/s; runs for every stored HTML-only message' },
};

const bytesOf = (docs: string[]) => docs.reduce((sum, d) => sum + Buffer.byteLength(d), 0);

describe('HTML sanitize', () => {
  let generated: string[] = [];

  beforeAll(async () => {
    const messages = await mailbox(COUNT);
    const parsed = await Promise.all(messages.map((m) => parseRawMessage(m.raw)));
    generated = parsed.map((p) => p.html).filter((html): html is string => Boolean(html));
  });

  it('sanitizes the HTML bodies of a generated mailbox', async () => {
    const timing = await measurePasses(() => {
      for (const html of generated) sanitizeEmailHtml(html);
    }, { minPasses: 3, minMs: 3_000 });
    const detail = { documents: generated.length, megabytes: bytesOf(generated) / MB, medianPassMs: timing.medianMs };
    record({ bench: BENCH, name: 'sanitize generated HTML', value: timing.perSecond(generated.length), unit: 'docs/s', target: { op: '>=', ...TARGETS.generatedDocsPerSecond }, detail });
    record({ bench: BENCH, name: 'sanitize generated HTML bytes', value: timing.perSecond(bytesOf(generated) / MB), unit: 'MB/s', detail });
  });

  it('sanitizes hostile HTML', async () => {
    const docs = HOSTILE_VECTORS.map(([, html]) => html);
    const timing = await measurePasses(() => {
      for (const html of docs) sanitizeEmailHtml(html);
    }, { minPasses: 20, minMs: 2_000 });
    record({ bench: BENCH, name: 'sanitize hostile vectors', value: timing.perSecond(docs.length), unit: 'docs/s', target: { op: '>=', ...TARGETS.hostileDocsPerSecond }, detail: { documents: docs.length } });
  });

  it('sanitizes a 1 MB marketing mail', async () => {
    const html = newsletterHtml(MB);
    const timing = await measurePasses(() => sanitizeEmailHtml(html), { minPasses: 3, minMs: 3_000 });
    record({ bench: BENCH, name: 'sanitize 1 MB newsletter', value: timing.perSecond(Buffer.byteLength(html) / MB), unit: 'MB/s', target: { op: '>=', ...TARGETS.largeMegabytesPerSecond }, detail: { medianPassMs: timing.medianMs } });
  });

  it('turns HTML into text (snippets, search)', async () => {
    const timing = await measurePasses(() => {
      for (const html of generated) htmlToText(html);
    }, { minPasses: 3, minMs: 2_000 });
    record({ bench: BENCH, name: 'htmlToText generated HTML', value: timing.perSecond(generated.length), unit: 'docs/s', target: { op: '>=', ...TARGETS.htmlToTextDocsPerSecond }, detail: { documents: generated.length } });
  });
});
