import type { DemoEmulators } from './host-lib.mjs';

export function startDemoEmulators(options?: {
  log?: (message: string) => void;
  googlePort?: number;
  microsoftPort?: number;
  seed?: 'demo' | 'none';
  timeoutMs?: number;
}): Promise<DemoEmulators>;
export function configureDemoProviders(url: string, emulators: DemoEmulators, options?: { log?: (message: string) => void }): Promise<void>;
