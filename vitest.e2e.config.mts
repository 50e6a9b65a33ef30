import { defineConfig } from 'vitest/config';

// Browser tests against real NocoBase hosts: one host (and one file) at a time,
// since each host is a full NocoBase process on a 2-core machine.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globals: true,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    // The dev CA first: the tests read the Outlook emulator's HTTPS control API too.
    globalSetup: ['dev/emulators/vitest-global-setup.ts', 'e2e/support/global-setup.ts'],
  },
});
