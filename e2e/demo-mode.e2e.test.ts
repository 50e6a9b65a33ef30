// `npm run demo` as a newcomer uses it: NocoBase with the local Google and
// Microsoft emulators and the demo OAuth clients already filled in. Link the
// emulated Gmail and Outlook accounts and read the seeded inbox, with no setup at
// all: the browser trusts nothing extra (no dev CA, no certificate flag).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './support/auth';
import { launchBrowser, openTrackedPage, screenshot, type TrackedPage } from './support/browser';
import { startTestHost, type Host } from './support/host';
import { linkThroughConsent, openNewestInboxMessage } from './support/mail';

describe('demo mode', () => {
  let host: Host;
  let browser: Browser;
  let tracked: TrackedPage;

  beforeAll(async () => {
    // Free ports rather than the fixed 13101/13102, so a running `npm run demo` does not collide.
    [host, browser] = await Promise.all([startTestHost('demo-mode', { withPlugin: true, demo: { googlePort: 0, microsoftPort: 0 } }), launchBrowser()]);
    tracked = await openTrackedPage(browser);
    await signIn(tracked.page, host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('comes with both providers configured', async () => {
    const { page } = tracked;
    await page.goto(`${host.url}/admin/settings/mail`);
    await page.getByTestId('mail-settings-page').waitFor();
    expect(await page.getByTestId('mail-tab-google').textContent()).toContain('✓');
    expect(await page.getByTestId('mail-tab-microsoft').textContent()).toContain('✓');
  });

  it('links the emulated Gmail account and shows its seeded inbox', async () => {
    const { page } = tracked;
    const started = Date.now();
    await page.goto(`${host.url}/admin/mail`);
    await page.getByTestId('mail-center').waitFor();
    await linkThroughConsent(page, 'google', 'alex@gmail.test', 'demo');
    const { threads, bodyText } = await openNewestInboxMessage(page);
    console.log(`[measure] demo: linked Gmail and opened the newest inbox message ${((Date.now() - started) / 1000).toFixed(1)} s after opening the email center`);
    expect(threads).toBeGreaterThan(5);
    expect(bodyText.length).toBeGreaterThan(10);
    await screenshot(page, 'demo-inbox');
    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
    expect(tracked.pluginConsoleErrors(), tracked.describe()).toEqual([]);
  });

  it('links the emulated Outlook account through its sign-in page with no certificate warning', async () => {
    const { page } = tracked;
    // This page's context trusts only what a newcomer's Chromium trusts (no ignoreHTTPSErrors, no flag).
    const visited: string[] = [];
    const onNavigate = (frame: { url(): string }) => visited.push(frame.url());
    page.on('framenavigated', onNavigate);
    try {
      await page.goto(`${host.url}/admin/mail`);
      await page.getByTestId('mail-center').waitFor();
      await linkThroughConsent(page, 'microsoft', 'alex@outlook.test', 'demo');
    } finally {
      page.off('framenavigated', onNavigate);
    }
    const signIn = visited.find((u) => /\/oauth2\/v2\.0\/authorize/.test(u));
    expect(signIn, visited.join('\n')).toMatch(/^http:\/\/localhost:\d+\/common\/oauth2\/v2\.0\/authorize\?/);
    expect(visited.some((u) => u.startsWith('chrome-error:'))).toBe(false);

    await page.getByTestId('mail-tab-accounts').click();
    await page.getByTestId('mail-account-row-alex@outlook.test').waitFor();
    const statuses = page.locator('[data-testid^="mail-account-status-"]');
    const read = async () => (await statuses.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).sort().join(',');
    const deadline = Date.now() + 120_000;
    while ((await read()) !== 'active,active' && Date.now() < deadline) await page.waitForTimeout(2_000);
    expect(await read()).toBe('active,active');
    await screenshot(page, 'demo-outlook-linked');
    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
    expect(tracked.pluginConsoleErrors(), tracked.describe()).toEqual([]);
  });
});
