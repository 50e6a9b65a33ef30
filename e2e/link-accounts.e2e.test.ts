// A non-admin user links an emulated Gmail and an emulated Outlook mailbox from
// the email center, through the providers' consent pages and the plugin's real
// OAuth callback route, picks how far back to sync, sees both accounts with
// their status, and reads the synced inbox.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, DEMO_MICROSOFT_CLIENT_ID, DEMO_MICROSOFT_CLIENT_SECRET, startEmulators, type StartedEmulators } from '../dev/emulators';
import { signIn } from './support/auth';
import { launchBrowser, openTrackedPage, screenshot, type TrackedPage } from './support/browser';
import { callAction, signInApi, startTestHost, type Host } from './support/host';
import { linkThroughConsent, openNewestInboxMessage } from './support/mail';

const MEMBER = { email: 'member@example.com', password: 'member-pass-123' };

describe('a member links Gmail and Outlook and reads the inbox', () => {
  let emulators: StartedEmulators;
  let host: Host;
  let browser: Browser;
  let tracked: TrackedPage;

  beforeAll(async () => {
    emulators = await startEmulators({
      seed: {
        users: [
          { provider: 'google', address: 'alex@gmail.test', name: 'Alex Demo', messages: 40, seed: 1 },
          { provider: 'microsoft', address: 'alex@outlook.test', name: 'Alex Demo', messages: 40, seed: 3 },
        ],
      },
    });
    [host, browser] = await Promise.all([startTestHost('link-accounts', { withPlugin: true, env: emulators.env }), launchBrowser()]);
    const token = await signInApi(host.url);
    await callAction(host.url, token, 'mailSettings:set', { body: { provider: 'google', enabled: true, clientId: DEMO_GOOGLE_CLIENT_ID, clientSecret: DEMO_GOOGLE_CLIENT_SECRET } });
    await callAction(host.url, token, 'mailSettings:set', {
      body: { provider: 'microsoft', enabled: true, clientId: DEMO_MICROSOFT_CLIENT_ID, clientSecret: DEMO_MICROSOFT_CLIENT_SECRET },
    });
    await callAction(host.url, token, 'users:create', { body: { nickname: 'Member', email: MEMBER.email, password: MEMBER.password, roles: ['member'] } });
    // The browser trusts nothing extra: the Outlook emulator's sign-in pages are plain HTTP on localhost.
    tracked = await openTrackedPage(browser);
    await signIn(tracked.page, host.url, MEMBER.email, MEMBER.password);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await emulators?.close();
  });

  it('links an emulated Gmail account through the consent page and the OAuth callback route', async () => {
    const { page } = tracked;
    await page.goto(`${host.url}/admin/mail`);
    await page.getByTestId('mail-center').waitFor();
    await linkThroughConsent(page, 'google', 'alex@gmail.test');
    await page.getByTestId('mail-tab-accounts').click();
    await page.getByTestId('mail-account-row-alex@gmail.test').waitFor();
  });

  it('links an emulated Outlook account the same way', async () => {
    const { page } = tracked;
    await linkThroughConsent(page, 'microsoft', 'alex@outlook.test');
    await page.getByTestId('mail-tab-accounts').click();
    await page.getByTestId('mail-account-row-alex@outlook.test').waitFor();
    await page.getByTestId('mail-account-row-alex@gmail.test').waitFor();
  });

  it('shows both accounts with their sync status, reaching active', async () => {
    const { page } = tracked;
    const statuses = page.locator('[data-testid^="mail-account-status-"]');
    const read = async () => (await statuses.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).sort().join(',');
    // The page refreshes itself while accounts sync; wait for both to finish their first sync.
    const deadline = Date.now() + 120_000;
    while ((await read()) !== 'active,active' && Date.now() < deadline) await page.waitForTimeout(2_000);
    expect(await read()).toBe('active,active');
    await screenshot(page, 'link-accounts-listed');
  });

  it('shows the synced Gmail inbox in the mailbox view', async () => {
    const { page } = tracked;
    const { threads, bodyText } = await openNewestInboxMessage(page);
    expect(threads).toBeGreaterThan(3);
    expect(bodyText.length).toBeGreaterThan(10);
    await screenshot(page, 'link-accounts-inbox');
    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
    expect(tracked.pluginConsoleErrors(), tracked.describe()).toEqual([]);
  });

  it('stars and archives the open conversation: the provider is changed and the conversation leaves the inbox', async () => {
    const { page } = tracked;
    // The unified inbox's newest conversation may be the Gmail or the Outlook one.
    const controls = Object.values(emulators.controls).filter((c) => c !== undefined);
    const open = page.locator('[data-testid="mail-thread-row"][aria-selected="true"]');
    const threadId = await open.getAttribute('data-thread-id');
    expect(threadId).toBeTruthy();
    await Promise.all(controls.map((c) => c.clearLog()));

    await page.getByTestId('mail-action-star').click();
    await open.getByTestId('mail-thread-star').waitFor({ timeout: 30_000 });
    await page.getByTestId('mail-action-unstar').waitFor({ timeout: 30_000 });

    await page.getByTestId('mail-action-archive').click();
    await page.locator(`[data-testid="mail-thread-row"][data-thread-id="${threadId}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    // The server answers after Gmail accepted the change; the row must not come back.
    await page.waitForTimeout(1_000);
    expect(await page.locator(`[data-testid="mail-thread-row"][data-thread-id="${threadId}"]`).count()).toBe(0);
    const log = (await Promise.all(controls.map((c) => c.log()))).flat();
    // Gmail: POST …/messages/{id}/modify; Graph: PATCH …/messages/{id} (flag) and POST …/messages/{id}/move.
    const changes = log.filter((e) => (e.method === 'POST' || e.method === 'PATCH') && e.status < 300 && /\/messages\/[^/]+(\/modify|\/move)?$/.test(e.path));
    expect(changes.length, JSON.stringify(log.map((e) => `${e.method} ${e.path} ${e.status}`))).toBeGreaterThanOrEqual(2); // the star, then at least one archive
    await screenshot(page, 'link-accounts-archived');
    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
    expect(tracked.pluginConsoleErrors(), tracked.describe()).toEqual([]);
  });

  it('replies to a conversation from the compose drawer: the provider sends it and the reply joins the conversation', async () => {
    const { page } = tracked;
    const controls = Object.values(emulators.controls).filter((c) => c !== undefined);
    await Promise.all(controls.map((c) => c.clearLog()));
    await page.getByTestId('mail-thread-row').first().click();
    const messages = page.getByTestId('mail-message');
    await messages.first().waitFor({ timeout: 30_000 });
    const before = await messages.count();

    await page.getByTestId('mail-reply').last().click();
    const form = page.getByTestId('mail-compose-form');
    await form.waitFor({ timeout: 30_000 });
    await form.getByRole('textbox', { name: 'Message', exact: true }).fill('Thanks, sounds good.\nSee you Monday.');
    await screenshot(page, 'link-accounts-reply');
    await page.getByTestId('mail-compose-send').click();
    await form.waitFor({ state: 'detached', timeout: 60_000 });

    // The sent copy is stored at once: the open conversation gains the reply without a sync.
    const deadline = Date.now() + 30_000;
    while ((await messages.count()) <= before && Date.now() < deadline) await page.waitForTimeout(500);
    expect(await messages.count()).toBe(before + 1);
    const log = (await Promise.all(controls.map((c) => c.log()))).flat();
    // Gmail: POST …/messages/send; Graph: createReply + send (or sendMail).
    const sends = log.filter((e) => e.method === 'POST' && e.status < 300 && /\/(messages\/send|send|sendMail)$/.test(e.path));
    expect(sends.length, JSON.stringify(log.map((e) => `${e.method} ${e.path} ${e.status}`))).toBe(1);
    await screenshot(page, 'link-accounts-replied');
    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
    expect(tracked.pluginConsoleErrors(), tracked.describe()).toEqual([]);
  });
});
