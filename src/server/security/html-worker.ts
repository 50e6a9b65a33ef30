/**
 * Worker-thread entry for the HTML pool (html-pool.ts): sanitizing runs here so a
 * big message never holds up the server's event loop. Built to
 * dist/server/html-worker.js next to the plugin's bundle.
 */
import { parentPort } from 'node:worker_threads';
import { sanitizeEmailHtml } from './sanitize';
import type { HtmlJob, HtmlJobReply } from './html-pool';

parentPort?.on('message', (job: HtmlJob) => {
  let reply: HtmlJobReply;
  try {
    reply = { id: job.id, result: sanitizeEmailHtml(job.html, job.options) };
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage({ ready: true } satisfies HtmlJobReply);
