// `npm run demo` as a newcomer uses it: NocoBase with the local Google and
// Microsoft emulators and the demo OAuth clients already filled in. Link the
// emulated Gmail account and read its seeded inbox, with no setup at all.
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
});
