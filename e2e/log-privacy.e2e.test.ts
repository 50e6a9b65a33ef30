// Nothing secret or private reaches the server's logs. An admin enters both
// providers' client secrets, a member-facing journey links Gmail and Outlook
// through the emulators' consent pages and the real OAuth callback route, the
// accounts sync, and a message with an attachment is sent. Then every file
// under the app's log directory is searched for the client secrets, the OAuth
// codes, states and PKCE verifiers, the access and refresh tokens the
// emulators issued, and marker strings written into the body and the
// attachment (also as base64, as the attachment travels).
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, DEMO_MICROSOFT_CLIENT_ID, DEMO_MICROSOFT_CLIENT_SECRET, startEmulators, type StartedEmulators } from '../dev/emulators';
import { signIn } from './support/auth';
import { launchBrowser, openTrackedPage, type TrackedPage } from './support/browser';
import { callAction, signInApi, startTestHost, type Host } from './support/host';
import { linkThroughConsent } from './support/mail';

const BODY_MARKER = `body-marker-${randomUUID()}`;
const ATTACHMENT_MARKER = `attachment-marker-${randomUUID()}`;
const ATTACHMENT = Buffer.from(`Quarterly numbers\n${ATTACHMENT_MARKER}\nend of file\n`);

/** The marker as it appears inside any base64 text, whatever its offset in the encoded bytes. */
function base64Forms(text: string): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.from(`${'x'.repeat(offset)}${text}`).toString('base64');
    const start = Math.ceil(offset / 3) * 4;
    const end = Math.floor((offset + Buffer.byteLength(text)) / 3) * 4;
    return encoded.slice(start, end);
  });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

type Account = { id: string; address: string; status: string };

describe('the server logs keep secrets, OAuth values, tokens and mail out', () => {
  let emulators: StartedEmulators;
  let host: Host;
  let browser: Browser;
  let tracked: TrackedPage;
  let token: string;
  /** code and state of every OAuth callback the browser landed on. */
  const callbacks: Array<{ code: string; state: string }> = [];

  beforeAll(async () => {
    emulators = await startEmulators({
      seed: {
        users: [
          { provider: 'google', address: 'alex@gmail.test', name: 'Alex Demo', messages: 12, seed: 1 },
          { provider: 'microsoft', address: 'alex@outlook.test', name: 'Alex Demo', messages: 12, seed: 3 },
        ],
      },
    });
    [host, browser] = await Promise.all([startTestHost('log-privacy', { withPlugin: true, env: emulators.env }), launchBrowser()]);
    token = await signInApi(host.url);
    // Through the settings route, exactly as the Email settings form saves them.
    await callAction(host.url, token, 'mailSettings:set', { body: { provider: 'google', enabled: true, clientId: DEMO_GOOGLE_CLIENT_ID, clientSecret: DEMO_GOOGLE_CLIENT_SECRET } });
    await callAction(host.url, token, 'mailSettings:set', {
      body: { provider: 'microsoft', enabled: true, clientId: DEMO_MICROSOFT_CLIENT_ID, clientSecret: DEMO_MICROSOFT_CLIENT_SECRET },
    });
    tracked = await openTrackedPage(browser);
    tracked.page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.pathname === '/admin/settings/mail/oauth2' && url.searchParams.get('code')) {
        callbacks.push({ code: url.searchParams.get('code') ?? '', state: url.searchParams.get('state') ?? '' });
      }
    });
    await signIn(tracked.page, host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await emulators?.close();
  });

  it('goes through configure, link, sync, compose with an attachment and send', async () => {
    const { page } = tracked;
    await page.goto(`${host.url}/admin/mail`);
    await page.getByTestId('mail-center').waitFor();
    await linkThroughConsent(page, 'google', 'alex@gmail.test', 'log-privacy');
    await linkThroughConsent(page, 'microsoft', 'alex@outlook.test', 'log-privacy');
    expect(callbacks).toHaveLength(2);

    const accounts = async () => (await callAction<{ data: Account[] }>(host.url, token, 'mailAccounts:list', { method: 'GET' })).data;
    const deadline = Date.now() + 120_000;
    while ((await accounts()).some((a) => a.status !== 'active') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
    const linked = await accounts();
    expect(linked.map((a) => a.status)).toEqual(['active', 'active']);
    const gmail = linked.find((a) => a.address === 'alex@gmail.test') as Account;
    const outlook = linked.find((a) => a.address === 'alex@outlook.test') as Account;

    // Compose and send from Gmail to the Outlook mailbox, with a file attached.
    const draft = (await callAction<{ data: { accountId: string } }>(host.url, token, 'mailMessages:compose', { method: 'GET', query: { accountId: gmail.id, mode: 'new' } })).data;
    expect(draft.accountId).toBe(gmail.id);
    const sent = await callAction<{ data: unknown }>(host.url, token, 'mailMessages:send', {
      body: {
        accountId: gmail.id,
        mode: 'new',
        clientRequestId: `log-privacy-${randomUUID()}`,
        to: ['alex@outlook.test'],
        subject: 'Quarterly numbers',
        html: `<p>Hello, here they are.</p><p>${BODY_MARKER}</p>`,
        attachments: [{ filename: 'numbers.txt', contentType: 'text/plain', contentBase64: ATTACHMENT.toString('base64') }],
      },
    });
    expect(sent.data).toBeTruthy();

    // Outlook receives it and syncs it in: mail content flows through sync too.
    await callAction(host.url, token, `mailAccounts:syncNow?filterByTk=${outlook.id}`, { body: {} });
    const received = async () =>
      // The host moves `rows` to `data`.
      (await callAction<{ data: unknown[] }>(host.url, token, 'mailThreads:browse', { method: 'GET', query: { accountId: outlook.id, q: 'Quarterly numbers' } })).data;
    const until = Date.now() + 60_000;
    while ((await received()).length === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      await callAction(host.url, token, `mailAccounts:syncNow?filterByTk=${outlook.id}`, { body: {} }).catch(() => undefined);
    }
    expect((await received()).length).toBeGreaterThan(0);
  });

  it('leaves no secret, code, state, verifier, token or mail content in any log file', async () => {
    const google = emulators.google!.state;
    const microsoft = emulators.microsoft!.state;
    const verifiers = [...[...google.codes.values()].map((c) => c.redeemedVerifier), ...[...microsoft.codes.values()].map((c) => c.redeemedVerifier)].filter(
      (v): v is string => !!v,
    );
    expect(verifiers).toHaveLength(2);
    const needles: Record<string, string[]> = {
      'client secret': [DEMO_GOOGLE_CLIENT_SECRET, DEMO_MICROSOFT_CLIENT_SECRET],
      'OAuth code': callbacks.map((c) => c.code),
      'OAuth state': callbacks.map((c) => c.state),
      'PKCE verifier': verifiers,
      'access token': [...google.accessTokens.keys(), ...microsoft.accessTokens.keys()],
      'refresh token': [...google.grants.keys(), ...microsoft.refreshTokens.keys()],
      'body marker': [BODY_MARKER, ...base64Forms(BODY_MARKER)],
      'attachment marker': [ATTACHMENT_MARKER, ...base64Forms(ATTACHMENT_MARKER), ATTACHMENT.toString('base64')],
    };
    expect(needles['access token'].length).toBeGreaterThan(1);
    expect(needles['refresh token'].length).toBeGreaterThan(1);

    // A last request with a marker of its own: once it is in the request log, everything before it is too.
    const flushMarker = `flush-${randomUUID()}`;
    await callAction(host.url, token, 'mailAccounts:list', { method: 'GET', query: { flush: flushMarker } });
    const logDir = path.join(host.storageDir, 'logs');
    const readAll = () => filesUnder(logDir).map((file) => ({ file: path.relative(logDir, file), text: fs.readFileSync(file, 'utf8') }));
    const deadline = Date.now() + 20_000;
    while (!readAll().some((f) => f.text.includes(flushMarker)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const files = readAll();
    expect(files.some((f) => f.text.includes(flushMarker)), `request log under ${logDir}`).toBe(true);
    // The journey is really in the logs (so the search below means something).
    expect(files.some((f) => f.text.includes('mailMessages:send'))).toBe(true);

    const found: string[] = [];
    for (const [what, values] of Object.entries(needles)) {
      for (const value of values) {
        expect(value.length, what).toBeGreaterThanOrEqual(8);
        for (const f of files) if (f.text.includes(value)) found.push(`${what} in ${f.file}: …${f.text.slice(Math.max(0, f.text.indexOf(value) - 200), f.text.indexOf(value) + 60)}…`);
      }
    }
    expect(found, found.join('\n\n').slice(0, 6000)).toEqual([]);
  });
});
