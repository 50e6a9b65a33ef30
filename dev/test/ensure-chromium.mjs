#!/usr/bin/env node
// Makes sure Debian's Chromium is installed at /usr/bin/chromium for the e2e tests.
// Playwright's own browser download cannot work here (no network beyond the
// registries), so we use the distribution package instead.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function aptInstall() {
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

export function ensureChromium() {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  console.log(`[ensure-chromium] ${CHROMIUM_PATH} missing, installing Debian's chromium`);
  if (!aptInstall()) {
    // The package lists may be stale or empty on a fresh machine: refresh once, then retry.
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    if (!aptInstall()) throw new Error('apt-get install chromium failed');
  }
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`chromium installed but ${CHROMIUM_PATH} is absent`);
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const p = ensureChromium();
  const version = spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`[ensure-chromium] ${version || p}`);
}
