// What a person does in the email center, shared by the e2e tests.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot } from './browser';

/** Email center → Accounts → Link account → provider → consent page → callback → start syncing → back. */
export async function linkThroughConsent(page: Page, provider: 'google' | 'microsoft', address: string, shotPrefix = 'link'): Promise<void> {
  await page.getByTestId('mail-tab-accounts').click();
  await page.getByTestId('mail-link-account').click();
  // Items stay disabled until the configured providers have loaded; a click before that is lost.
  await page.locator(`.ant-dropdown-menu-item:not(.ant-dropdown-menu-item-disabled) [data-testid="mail-link-${provider}"]`).click({ timeout: 60_000 });
  // The provider's consent page (the emulator's), outside NocoBase.
  try {
    await page.waitForURL((u) => !u.pathname.startsWith('/admin'), { timeout: 60_000 });
  } catch (err) {
    const shot = await screenshot(page, `${shotPrefix}-${provider}-no-consent`);
    const body = await page.locator('body').innerText().catch(() => '');
    throw new Error(`did not reach the ${provider} consent page (screenshot ${shot}): ${body.slice(0, 500)}`, { cause: err });
  }
  await page.locator(`input[name="account"][value="${address}"]`).check();
  await screenshot(page, `${shotPrefix}-${provider}-consent`);
  await page.getByRole('button', { name: provider === 'google' ? 'Allow' : 'Accept' }).click();
  // Back on NocoBase at the registered redirect URI.
  // The host's whole client loads again on the callback page: slow on a busy 2-core machine.
  await page.getByTestId('mail-oauth-success').waitFor({ timeout: 120_000 });
  expect(await page.getByTestId('mail-oauth-address').textContent()).toBe(address);
  await screenshot(page, `${shotPrefix}-${provider}-choose-start`);
  await page.getByTestId('mail-sync-start').click();
  try {
    await page.waitForURL((u) => u.pathname === '/admin/mail', { timeout: 60_000 });
  } catch (err) {
    const shot = await screenshot(page, `${shotPrefix}-${provider}-after-start`);
    const body = await page.locator('body').innerText().catch(() => '');
    throw new Error(`did not return to the email center (screenshot ${shot}): ${body.slice(0, 500)}`, { cause: err });
  }
}

/** Opens the inbox, the newest thread, and waits until its sanitized body has rendered in the sandboxed frame. */
export async function openNewestInboxMessage(page: Page): Promise<{ threads: number; bodyText: string }> {
  await page.getByTestId('mail-tab-mailbox').click();
  await page.getByTestId('mail-folder-inbox').first().click();
  await page.getByTestId('mail-thread-row').first().waitFor({ timeout: 60_000 });
  const threads = await page.getByTestId('mail-thread-row').count();
  await page.getByTestId('mail-thread-row').first().click();
  const frame = page.getByTestId('mail-message-body-frame').last();
  await frame.waitFor({ timeout: 30_000 });
  expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
  const body = page.frameLocator('[data-testid="mail-message-body-frame"] >> nth=-1').locator('body');
  await body.waitFor({ timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  while (!(await body.innerText()).trim() && Date.now() < deadline) await page.waitForTimeout(500);
  return { threads, bodyText: (await body.innerText()).trim() };
}
