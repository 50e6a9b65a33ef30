// An administrator of a NocoBase that has never seen this plugin uploads the
// packed .tgz in the plugin manager, enables it, and can use its settings page.
// The upload goes through the same API the "Add & Update → Upload plugin" dialog
// uses (multipart `file` to pm:add), then pm:enable like the plugin card's switch.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPlugin } from '../dev/build/pack.mjs';
import { signIn } from './support/auth';
import { launchBrowser, openTrackedPage, screenshot } from './support/browser';
import { callAction, PLUGIN_PACKAGE, signInApi, startTestHost, type Host } from './support/host';
import { listPlugins, waitForThisPlugin } from './support/plugins';

describe('uploading the packed plugin to a NocoBase without it', () => {
  let host: Host;
  let browser: Browser;
  let tarball: string;
  let token: string;

  beforeAll(async () => {
    // dist/ was built by the global setup; packing alone takes a second.
    tarball = packPlugin({ build: false, log: () => {} }).file;
    [host, browser] = await Promise.all([startTestHost('pack-upload', { withPlugin: false }), launchBrowser()]);
    token = await signInApi(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('starts out without the plugin', async () => {
    const plugins = await listPlugins(host, token);
    expect(plugins.length).toBeGreaterThan(20);
    expect(plugins.map((p) => p.packageName)).not.toContain(PLUGIN_PACKAGE);
  });

  it('accepts the .tgz upload, lists "Email manager", and enables it', async () => {
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(tarball)], { type: 'application/gzip' }), path.basename(tarball));
    await callAction(host.url, token, 'pm:add', { body: form });

    const added = await waitForThisPlugin(host, token, (p) => !!p);
    expect(added?.displayName).toBe('Email manager');
    expect(added?.enabled).toBe(false);

    await callAction(host.url, token, 'pm:enable', { query: { filterByTk: PLUGIN_PACKAGE } });
    const enabled = await waitForThisPlugin(host, token, (p) => !!p?.enabled);
    expect(enabled?.enabled).toBe(true);
    expect(fs.existsSync(path.join(host.storageDir, 'plugins', PLUGIN_PACKAGE, 'dist/server/index.js'))).toBe(true);
  });

  it('renders the uploaded plugin\'s settings page and saves a Microsoft client id', async () => {
    const tracked = await openTrackedPage(browser);
    const { page } = tracked;
    await signIn(page, host.url);
    await page.goto(`${host.url}/admin/settings/mail`);
    await page.getByTestId('mail-settings-page').waitFor({ timeout: 60_000 });

    const clientId = '00000000-e2e0-4000-8000-0000000000aa';
    await page.getByTestId('mail-tab-microsoft').click();
    await page.getByTestId('mail-microsoft-client-id').fill(clientId);
    await page.getByTestId('mail-microsoft-client-secret').fill('uploaded-plugin-secret');
    await page.getByTestId('mail-microsoft-save').click();
    await page.getByText('Saved', { exact: true }).waitFor({ timeout: 30_000 });

    await page.reload();
    await page.getByTestId('mail-settings-page').waitFor({ timeout: 60_000 });
    await page.getByTestId('mail-tab-microsoft').click();
    await expect(page.getByTestId('mail-microsoft-client-id').inputValue()).resolves.toBe(clientId);
    await screenshot(page, 'pack-upload-email-settings');

    expect(tracked.problems.pageErrors, tracked.describe()).toEqual([]);
    expect(tracked.pluginConsoleErrors(), tracked.describe()).toEqual([]);
    expect(tracked.pluginRequestFailures(), tracked.describe()).toEqual([]);
  });
});
