// Signing in through NocoBase's own sign-in page, as a person would.
import type { Page } from 'playwright-core';
import { ADMIN } from '../../dev/host/host-lib.mjs';
import { screenshot } from './browser';

export { ADMIN };

/** Opens <url>/signin, submits the basic (email + password) form and waits for the admin UI. */
export async function signIn(page: Page, url: string, account: string = ADMIN.account, password: string = ADMIN.password): Promise<void> {
  try {
    await page.goto(`${url}/signin`, { waitUntil: 'domcontentloaded' });
    // The first visit loads the whole host client; on a busy 2-core machine that takes a while.
    await page.getByPlaceholder('Username/Email').fill(account, { timeout: 120_000 });
    await page.getByPlaceholder('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 60_000 });
  } catch (err) {
    const shot = await screenshot(page, 'signin-failure').catch(() => 'none');
    const body = await page.locator('body').innerText({ timeout: 2000 }).catch(() => '');
    throw new Error(`sign-in as ${account} failed at ${page.url()} (screenshot ${shot}): ${body.slice(0, 300)}`, { cause: err });
  }
}
