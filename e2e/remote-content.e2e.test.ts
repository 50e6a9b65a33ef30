// Hostile mail through the emulator into a linked Gmail mailbox, read in Chromium:
// nothing may reach the network before the reader chooses "Show images", in the
// reader and in the quoted original under Reply and Forward, and nothing may run.
// A local listener on 127.0.0.1 stands in for every remote host and counts what arrives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, startEmulators, type StartedEmulators } from '../dev/emulators';
import { HOSTILE_VECTORS, remoteFetchVectors } from '../src/server/security/__tests__/hostile-html';
import { signIn } from './support/auth';
import { launchBrowser, openTrackedPage, screenshot, type TrackedPage } from './support/browser';
import { callAction, signInApi, startTestHost, type Host } from './support/host';
import { linkThroughConsent } from './support/mail';

const ADDRESS = 'alex@gmail.test';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082', 'hex');

/** Every request that reaches "the internet", by path. */
class Listener {
  readonly hits: string[] = [];
  private server = http.createServer((req, res) => {
    this.hits.push(req.url ?? '/');
    // no-store: every load must reach the listener, not the browser's cache.
    if (/\.(png|gif|jpe?g)(\?|$)/.test(req.url ?? '')) res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(PNG);
    else res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('');
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Scripts that would call the listener if they ever ran. */
function scriptProbes(h: string): Array<[string, string]> {
  return [
    ['script tag', `<script>fetch('http://${h}/run/script-tag')</script>`],
    ['img onerror', `<img src="x" onerror="fetch('http://${h}/run/onerror')">`],
    ['svg onload', `<svg onload="fetch('http://${h}/run/svg-onload')"></svg>`],
    ['body onload', `<body onload="fetch('http://${h}/run/body-onload')"><p>x</p></body>`],
    ['details ontoggle', `<details open ontoggle="fetch('http://${h}/run/ontoggle')"><summary>x</summary></details>`],
    ['iframe srcdoc script', `<iframe srcdoc="<script>fetch('http://${h}/run/srcdoc')</script>"></iframe>`],
    ['object data: html', `<object data="data:text/html,<script>fetch('http://${h}/run/object')</script>"></object>`],
    ['style onload', `<style onload="fetch('http://${h}/run/style-onload')">p{}</style>`],
    ['autofocus onfocus', `<input autofocus onfocus="fetch('http://${h}/run/onfocus')">`],
  ];
}

/** The hostile corpus as two messages (each vector in its own block), with alert() turned into a call home. */
function corpus(h: string): Array<{ subject: string; html: string }> {
  const callHome = (html: string) => html.replace(/alert\([^()]*\)/g, `fetch(\`http://${h}/run/alert\`)`);
  const remote = remoteFetchVectors(h);
  const hostile = [...HOSTILE_VECTORS.map(([n, html]): [string, string] => [n, callHome(html)]), ...scriptProbes(h)];
  const block = ([name, html]: [string, string]) => `<div class="vector"><h4>${name.replace(/[<&]/g, '')}</h4>${html}</div>`;
  return [
    // All remote references that must wait; "Show images" is tried on it at the end.
    { subject: 'Hostile remote content', html: `<p>Remote content</p>${remote.map(block).join('')}` },
    { subject: 'Hostile scripts', html: `<p>Scripts</p>${hostile.map(block).join('')}` },
  ];
}

async function raw(subject: string, html: string, at: Date): Promise<Buffer> {
  return new MailComposer({ from: 'Mallory <mallory@evil.example>', to: ADDRESS, subject, html, date: at }).compile().build();
}

describe('remote content and scripts in received mail', () => {
  const listener = new Listener();
  let remoteHost: string;
  let emulators: StartedEmulators;
  let host: Host;
  let browser: Browser;
  let tracked: TrackedPage;
  let messages: Array<{ subject: string; html: string }>;

  beforeAll(async () => {
    remoteHost = await listener.start();
    emulators = await startEmulators({ microsoft: false, seed: { users: [{ provider: 'google', address: ADDRESS, name: 'Alex Demo', messages: 2, seed: 1 }] } });
    messages = corpus(remoteHost);
    const now = Date.now();
    for (const [i, m] of messages.entries()) await emulators.google!.deliverRaw(await raw(m.subject, m.html, new Date(now - (i + 1) * 60_000)), [ADDRESS]);
    [host, browser] = await Promise.all([startTestHost('remote-content', { withPlugin: true, env: emulators.env }), launchBrowser()]);
    const token = await signInApi(host.url);
    await callAction(host.url, token, 'mailSettings:set', { body: { provider: 'google', enabled: true, clientId: DEMO_GOOGLE_CLIENT_ID, clientSecret: DEMO_GOOGLE_CLIENT_SECRET } });
    tracked = await openTrackedPage(browser);
    await signIn(tracked.page, host.url);
    await tracked.page.goto(`${host.url}/admin/mail`);
    await tracked.page.getByTestId('mail-center').waitFor();
    await linkThroughConsent(tracked.page, 'google', ADDRESS, 'remote-content');
    const status = tracked.page.locator('[data-testid^="mail-account-status-"]').first();
    await tracked.page.getByTestId('mail-tab-accounts').click();
    const deadline = Date.now() + 120_000;
    while ((await status.getAttribute('data-status').catch(() => null)) !== 'active' && Date.now() < deadline) await tracked.page.waitForTimeout(1_000);
    expect(await status.getAttribute('data-status')).toBe('active');
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await emulators?.close();
    await listener.close();
  });

  /** Opens the conversation with this subject and waits until its body is laid out in the frame. */
  async function openMessage(page: Page, subject: string) {
    await page.getByTestId('mail-tab-mailbox').click();
    await page.getByTestId('mail-folder-inbox').first().click();
    const row = page.getByTestId('mail-thread-row').filter({ hasText: subject });
    await row.first().click({ timeout: 60_000 });
    const frame = page.getByTestId('mail-message-body-frame').last();
    await frame.waitFor({ timeout: 30_000 });
    const body = page.frameLocator('[data-testid="mail-message-body-frame"] >> nth=-1').locator('.nm-frame-root');
    await body.getByText(/Remote content|Scripts/).first().waitFor({ timeout: 30_000 });
    return frame;
  }

  /** Reply or Forward → "Show quoted text", then the quote laid out in its frame. */
  async function openQuote(page: Page, button: 'mail-reply' | 'mail-forward') {
    await page.getByTestId(button).last().click();
    const form = page.getByTestId('mail-compose-form');
    await form.waitFor({ timeout: 30_000 });
    await form.getByTestId('mail-compose-quote-toggle').click();
    await form.getByTestId('mail-compose-quote-frame').waitFor({ timeout: 30_000 });
    const quote = page.frameLocator('[data-testid="mail-compose-quote-frame"]').locator('.nm-frame-root');
    await quote.getByText(/Remote content|Scripts/).first().waitFor({ timeout: 30_000 });
    return form;
  }

  async function closeCompose(page: Page) {
    await page.getByTestId('mail-compose-discard').click();
    const confirm = page.locator('.ant-modal-confirm-btns .ant-btn-primary, .ant-modal-confirm-btns .ant-btn-dangerous');
    if (await confirm.count()) await confirm.first().click();
    await page.getByTestId('mail-compose-form').waitFor({ state: 'detached', timeout: 30_000 });
  }

  // A settle time for late loads (CSS, fonts, lazy images) before counting.
  const settle = (page: Page) => page.waitForTimeout(1_000);

  it('no request leaves for remote content and no script runs: reader, Reply and Forward quotes', async () => {
    const { page } = tracked;
    for (const m of messages) {
      const frame = await openMessage(page, m.subject);
      // Measured inside the sandboxed frame: the long message gets its full height.
      expect(Number.parseInt((await frame.getAttribute('style'))?.match(/height:\s*(\d+)px/)?.[1] ?? '0', 10)).toBeGreaterThan(300);
      if (m.subject.startsWith('Hostile remote')) await page.getByTestId('mail-remote-images-bar').waitFor();
      await settle(page);
      expect(listener.hits, `after opening "${m.subject}"`).toEqual([]);

      for (const button of ['mail-reply', 'mail-forward'] as const) {
        const form = await openQuote(page, button);
        if (m.subject.startsWith('Hostile remote')) await form.getByTestId('mail-compose-quote-remote-images-bar').waitFor();
        await settle(page);
        expect(listener.hits, `after showing the quote of "${m.subject}" (${button})`).toEqual([]);
        await screenshot(page, `remote-content-${m.subject}-${button}`);
        await closeCompose(page);
      }
    }
    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
  });

  it('"Show images" then loads them (the listener does count), and still no script runs', async () => {
    const { page } = tracked;
    await openMessage(page, messages[0].subject);
    await page.getByTestId('mail-show-remote-images').click();
    const deadline = Date.now() + 30_000;
    while (!listener.hits.includes('/plain.png') && Date.now() < deadline) await page.waitForTimeout(250);
    expect(listener.hits).toContain('/plain.png');
    // Every spelling that names this host arrives here, written back in normal form (`http:host/x` included, which an
    // unsanitized page would resolve against the app).
    expect(listener.hits).toEqual(expect.arrayContaining(['/backslash.png', '/no-slashes.png', '/entity-scheme.png', '/srcset-backslash.png']));

    const form = await openQuote(page, 'mail-reply');
    await form.getByTestId('mail-compose-quote-show-remote-images').click();
    const before = listener.hits.filter((p) => p === '/plain.png').length;
    const until = Date.now() + 30_000;
    while (listener.hits.filter((p) => p === '/plain.png').length === before && Date.now() < until) await page.waitForTimeout(250);
    expect(listener.hits.filter((p) => p === '/plain.png').length).toBeGreaterThan(before);
    await closeCompose(page);
    await settle(page);
    expect(listener.hits.filter((p) => p.startsWith('/run/'))).toEqual([]);
    await screenshot(page, 'remote-content-images-shown');
  });
});
