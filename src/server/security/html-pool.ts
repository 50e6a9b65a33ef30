/**
 * Sanitizing mail HTML off the event loop. sanitize-html is synchronous and
 * takes about 0.4 s per MB, so a big newsletter (or a hostile mail built to be
 * slow) sanitized on the request path stalls every user's requests. Bodies
 * above a small size go to worker threads instead; small ones, which take a few
 * milliseconds, are still done in place (a worker round trip would cost more).
 *
 * A pool of our own rather than a pool library: those load their worker entry
 * from their own package folder, which a single-file plugin bundle does not have.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { sanitizeEmailHtml, type SanitizeOptions, type SanitizeResult } from './sanitize';

export interface HtmlJob {
  id: number;
  html: string;
  options: SanitizeOptions;
}

export type HtmlJobReply = { id: number; result: SanitizeResult } | { id: number; error: string } | { ready: true };

/** Below this many characters sanitizing takes a few milliseconds: done in place. */
export const INLINE_SANITIZE_CHARS = 32 * 1024;

export interface HtmlPoolOptions {
  /** Worker threads (default 1: the host serves requests on the main thread, the worker uses the other core). */
  size?: number;
  /** A job running longer than this is abandoned and its worker replaced (default 60 s). */
  timeoutMs?: number;
  /** Workers with nothing to do for this long exit (default 60 s); the next job starts one again. */
  idleMs?: number;
  /** Sizes up to this go in place (default INLINE_SANITIZE_CHARS). */
  inlineChars?: number;
}

interface Pending {
  job: HtmlJob;
  resolve(result: SanitizeResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded the sanitizer (its start-up time never counts against a job). */
  online: boolean;
  current: Pending | null;
  timer: NodeJS.Timeout | null;
}

export class HtmlTimeoutError extends Error {
  constructor(ms: number) {
    super(`Sanitizing took longer than ${Math.round(ms / 1000)} s and was stopped.`);
    this.name = 'HtmlTimeoutError';
  }
}

/**
 * How to start a worker: the built plugin ships `html-worker.js` next to its
 * bundle; from the TypeScript sources (tests, benches) the worker compiles the
 * `.ts` entry with tsx, a dev dependency the build never needs.
 */
function startWorker(): Worker {
  if (process.env.NOCOMAIL_BUILD === '1') return new Worker(path.join(__dirname, 'html-worker.js'));
  const entry = path.join(__dirname, 'html-worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true });
}

export class HtmlPool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly inlineChars: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Jobs handed to a worker so far (for tests and benches). */
  offloaded = 0;

  constructor(options: HtmlPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 1);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.idleMs = options.idleMs ?? 60_000;
    this.inlineChars = options.inlineChars ?? INLINE_SANITIZE_CHARS;
  }

  /** sanitizeEmailHtml, on a worker thread unless the HTML is small. */
  async sanitize(html: string, options: SanitizeOptions = {}): Promise<SanitizeResult> {
    if (html.length <= this.inlineChars) return sanitizeEmailHtml(html, options);
    this.offloaded += 1;
    return new Promise<SanitizeResult>((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, html, options }, resolve, reject });
      this.pump();
    });
  }

  /** Stops the workers; queued and running jobs fail. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const p of this.queue.splice(0)) p.reject(new Error('The HTML pool was closed.'));
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, new Error('The HTML pool was closed.'))));
  }

  private pump(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.current === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift() as Pending;
      slot.current = pending;
      if (slot.online) this.startTimer(slot);
      slot.worker.postMessage(pending.job);
    }
    if (this.slots.every((s) => s.current === null) && this.slots.length > 0) {
      this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private startTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => void this.retire(slot, new HtmlTimeoutError(this.timeoutMs)), this.timeoutMs);
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(), online: false, current: null, timer: null };

    // Workers never keep the server process alive on their own.
    slot.worker.unref();
    slot.worker.on('message', (reply: HtmlJobReply) => {
      if ('ready' in reply) {
        // Loaded and listening: from now on a job's time is its own.
        slot.online = true;
        if (slot.current) this.startTimer(slot);
        return;
      }
      const pending = slot.current;
      if (!pending || pending.job.id !== reply.id) return;
      if (slot.timer) clearTimeout(slot.timer);
      slot.current = null;
      slot.timer = null;
      if ('result' in reply) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
      this.pump();
    });
    const onFailure = (error: Error) => void this.retire(slot, error);
    slot.worker.on('error', onFailure);
    slot.worker.on('exit', (code) => {
      if (this.slots.includes(slot)) void this.retire(slot, new Error(`The HTML worker exited (code ${code}).`));
    });
    this.slots.push(slot);
    return slot;
  }

  /** Removes a worker, failing its job; the queue goes on with a new one. */
  private async retire(slot: Slot, error: Error): Promise<void> {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    if (slot.timer) clearTimeout(slot.timer);
    const pending = slot.current;
    slot.current = null;
    pending?.reject(error);
    await slot.worker.terminate().catch(() => undefined);
    if (this.queue.length > 0) this.pump();
  }
}

let shared: HtmlPool | null = null;

/** The process's pool, started on first use. */
export function htmlPool(): HtmlPool {
  shared ??= new HtmlPool();
  return shared;
}
