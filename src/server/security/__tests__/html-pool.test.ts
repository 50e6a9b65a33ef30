import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HtmlPool, HtmlTimeoutError } from '../html-pool';
import { sanitizeEmailHtml } from '../sanitize';
import { bigHostileHtml } from './big-html';

describe('sanitizing off the event loop', () => {
  let pool: HtmlPool;
  beforeAll(() => {
    pool = new HtmlPool({ inlineChars: 1024 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('gives exactly what sanitizing in place gives, in a worker thread', async () => {
    const html = bigHostileHtml(0.05);
    const before = pool.offloaded;
    const out = await pool.sanitize(html, { allowRemoteImages: false });
    expect(pool.offloaded).toBe(before + 1);
    expect(out).toEqual(sanitizeEmailHtml(html, { allowRemoteImages: false }));
    expect(out.html).not.toMatch(/<script|onclick|javascript:/);
  });

  it('keeps the event loop responsive while a multi-megabyte body is sanitized', async () => {
    // About 1.5 s of work in place; in the worker the main thread only copies the string.
    const html = bigHostileHtml(4);
    await pool.sanitize('<p>warm up</p>'.repeat(200)); // the worker is started before measuring
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = Date.now();
    const out = await pool.sanitize(html, { allowRemoteImages: false });
    const took = Date.now() - started;
    delay.disable();
    expect(out.remoteImagesBlocked).toBeGreaterThan(1000);
    const worstMs = delay.max / 1e6;
    // Generous: far below what the same work blocks in place, whatever else the machine is doing.
    expect(worstMs).toBeLessThan(Math.max(300, took / 4));
  });

  it('stops a job that runs too long and carries on with a fresh worker', async () => {
    const slow = new HtmlPool({ inlineChars: 0, timeoutMs: 50 });
    try {
      await expect(slow.sanitize(bigHostileHtml(2))).rejects.toBeInstanceOf(HtmlTimeoutError);
      const out = await slow.sanitize('<p onclick="x()">ok</p>');
      expect(out.html).toBe('<p>ok</p>');
    } finally {
      await slow.close();
    }
  });

  it('does small bodies in place, without a worker', async () => {
    const before = pool.offloaded;
    expect((await pool.sanitize('<p>short</p>')).html).toBe('<p>short</p>');
    expect(pool.offloaded).toBe(before);
  });
});
