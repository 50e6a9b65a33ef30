// An administrator installs NocoBase with the plugin, configures the Google OAuth
// client on Settings → Email settings, and finds it saved after a reload, with
// the secret never shown back. The plugin must not log errors in the browser.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './support/auth';
import { launchBrowser, openTrackedPage, screenshot, type TrackedPage } from './support/browser';
import { callAction, signInApi, startTestHost, type Host } from './support/host';
import { findThisPlugin, waitForThisPlugin } from './support/plugins';

const pkg = { displayName: 'Email manager', description: 'Connect Gmail and Outlook mailboxes by OAuth' };

describe('Email settings page on a fresh NocoBase with the plugin', () => {
  let host: Host;
  let browser: Browser;
  let tracked: TrackedPage;

  beforeAll(async () => {
    [host, browser] = await Promise.all([startTestHost('settings-smoke', { withPlugin: true }), launchBrowser()]);
    tracked = await openTrackedPage(browser);
    await signIn(tracked.page, host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('lists "Email manager" with its description in the plugin manager, enabled', async () => {
    const { page } = tracked;
    await page.goto(`${host.url}/admin/settings/plugin-manager`);
    await page.getByPlaceholder('Search plugin').fill(pkg.displayName);
    await page.waitForFunction(() => document.querySelectorAll('.ant-card').length < 5);
    const card = page.locator('.ant-card').filter({ hasText: pkg.displayName });
    await card.first().waitFor({ timeout: 30_000 });
    expect(await card.count()).toBe(1);
    await expect(card.textContent()).resolves.toContain(pkg.description);
    await expect(card.getByRole('switch').getAttribute('aria-checked')).resolves.toBe('true');
    await screenshot(page, 'settings-smoke-plugin-manager');
  });

  it('is not filed under "Problematic": the host can check its dependency versions', async () => {
    // The host reads dist/externalVersion.js of a built plugin; without it the plugin is
    // "Problematic" and enabling it asks the admin to accept a version mismatch.
    const token = await signInApi(host.url);
    expect((await findThisPlugin(host, token))?.isCompatible).toBe(true);
  });

  it('saves the Google client id and secret; after a reload the id is shown and the secret only as set', async () => {
    const { page } = tracked;
    const clientId = 'e2e-smoke-client.apps.googleusercontent.com';
    const clientSecret = `e2e-secret-${Date.now()}`;

    await page.goto(`${host.url}/admin/settings/mail`);
    await page.getByTestId('mail-settings-page').waitFor({ timeout: 60_000 });
    await page.getByTestId('mail-tab-google').click();
    await page.getByTestId('mail-google-client-id').fill(clientId);
    await page.getByTestId('mail-google-client-secret').fill(clientSecret);
    await page.getByTestId('mail-google-save').click();
    await page.getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });

    await page.reload();
    await page.getByTestId('mail-settings-page').waitFor({ timeout: 60_000 });
    await page.getByTestId('mail-tab-google').click();
    const form = page.getByTestId('mail-settings-form-google');
    await expect(page.getByTestId('mail-google-client-id').inputValue()).resolves.toBe(clientId);
    await expect(page.getByTestId('mail-google-client-secret').inputValue()).resolves.toBe('');
    await expect(form.textContent()).resolves.toContain('A secret is set');
    // The secret is write-only: it is not anywhere in the page the server rendered.
    await expect(page.content()).resolves.not.toContain(clientSecret);
    await screenshot(page, 'settings-smoke-email-settings');

    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
    expect(tracked.pluginConsoleErrors(), tracked.describe()).toEqual([]);
    expect(tracked.pluginRequestFailures(), tracked.describe()).toEqual([]);
  });

  it('can be disabled and enabled again with its plugin manager switch, keeping its settings', async () => {
    const { page } = tracked;
    const token = await signInApi(host.url);
    const clientId = 'kept-across-disable.apps.googleusercontent.com';
    await callAction(host.url, token, 'mailSettings:set', { body: { provider: 'google', enabled: true, clientId } });

    const pluginSwitch = async () => {
      await page.goto(`${host.url}/admin/settings/plugin-manager`);
      await page.getByPlaceholder('Search plugin').fill(pkg.displayName);
      // The search is debounced: wait until the ~100 cards are filtered down.
      await page.waitForFunction(() => document.querySelectorAll('.ant-card').length < 5);
      const card = page.locator('.ant-card').filter({ hasText: pkg.displayName });
      return card.getByRole('switch');
    };
    const settingsMenuEntries = () => page.locator('.ant-menu').getByText('Email settings', { exact: true }).count();

    await (await pluginSwitch()).click();
    await page.locator('.ant-modal-confirm').getByRole('button', { name: 'OK' }).click();
    await waitForThisPlugin(host, token, (p) => p?.enabled === false);
    const off = await pluginSwitch();
    await expect(off.getAttribute('aria-checked')).resolves.toBe('false');
    expect(await settingsMenuEntries()).toBe(0);
    await screenshot(page, 'settings-smoke-plugin-disabled');

    await off.click();
    // A plugin the host cannot version-check asks for confirmation (see the "Problematic" check above).
    const confirm = page.locator('.ant-modal-confirm').getByRole('button', { name: 'OK' });
    if (await confirm.isVisible({ timeout: 3000 }).catch(() => false)) await confirm.click();
    await waitForThisPlugin(host, token, (p) => p?.enabled === true);

    await page.goto(`${host.url}/admin/settings/mail`);
    await page.getByTestId('mail-settings-page').waitFor();
    await page.getByTestId('mail-tab-google').click();
    await expect(page.getByTestId('mail-google-client-id').inputValue()).resolves.toBe(clientId);
    expect(await settingsMenuEntries()).toBe(1);
    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
  });
});
