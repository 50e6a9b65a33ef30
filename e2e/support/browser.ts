// Debian's Chromium driven by playwright-core, with every console error and
// uncaught page error recorded per page so tests can assert the plugin is quiet.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';
import { PLUGIN_PACKAGE, projectRoot } from '../../dev/host/host-lib.mjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(projectRoot, 'test-output/e2e');

/** Flags that keep Chromium off the (closed) network and quiet in a container. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface ConsoleEntry {
  type: string;
  text: string;
  url: string;
}

export interface FailedRequest {
  method: string;
  url: string;
  status: number;
}

export interface PageProblems {
  consoleErrors: ConsoleEntry[];
  pageErrors: Error[];
  failedRequests: FailedRequest[];
}

/** Where the plugin's code and API live: anything mentioning these is the plugin's. */
const PLUGIN_MARKERS = [`/static/plugins/${PLUGIN_PACKAGE}`, PLUGIN_PACKAGE];
/** Every resource the plugin defines is named mail*. */
const PLUGIN_API = /\/api\/mail[A-Za-z]*:/;

function mentionsPlugin(text: string | undefined): boolean {
  return !!text && PLUGIN_MARKERS.some((m) => text.includes(m));
}

export interface TrackedPage {
  page: Page;
  problems: PageProblems;
  /** Console errors whose text or source is the plugin's bundle or package. */
  pluginConsoleErrors(): ConsoleEntry[];
  /** Plugin API calls answered with a server error (5xx) or a client error other than auth. */
  pluginRequestFailures(): FailedRequest[];
  /** A readable summary for assertion messages. */
  describe(): string;
}

/** A page in a new context (its own storage, so its own sign-in); options go to browser.newContext. */
export async function openTrackedPage(browser: Browser, options: BrowserContextOptions = {}): Promise<TrackedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US', ...options });
  // Generous: NocoBase pages load megabytes of script, and CI shares 2 cores with the host.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [] };

  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return;
    problems.consoleErrors.push({ type: msg.type(), text: msg.text(), url: msg.location().url });
  });
  page.on('pageerror', (err) => problems.pageErrors.push(err));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.failedRequests.push({ method: res.request().method(), url: res.url(), status: res.status() });
  });

  const pluginConsoleErrors = () => problems.consoleErrors.filter((e) => mentionsPlugin(e.text) || mentionsPlugin(e.url));
  const pluginRequestFailures = () =>
    problems.failedRequests.filter((r) => PLUGIN_API.test(new URL(r.url).pathname) && r.status !== 401 && r.status !== 403);

  return {
    page,
    problems,
    pluginConsoleErrors,
    pluginRequestFailures,
    describe: () =>
      JSON.stringify(
        {
          pageErrors: problems.pageErrors.map((e) => `${e.message}\n${e.stack ?? ''}`.slice(0, 800)),
          pluginConsoleErrors: pluginConsoleErrors().map((e) => `${e.text.slice(0, 500)} @ ${e.url}`),
          pluginRequestFailures: pluginRequestFailures(),
        },
        null,
        2,
      ),
  };
}

/** Saves a full-page screenshot to test-output/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
