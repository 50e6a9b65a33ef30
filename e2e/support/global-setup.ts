// Runs once before the e2e files: the browser must exist and dist/ must be
// current, so per-file hosts never race to rebuild the plugin.
import { ensureBuilt } from '../../dev/host/host-lib.mjs';
import { ensureChromium } from '../../dev/test/ensure-chromium.mjs';

export default function setup(): void {
  ensureChromium();
  ensureBuilt({ log: (m) => console.log(m) });
}
