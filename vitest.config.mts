import { defineConfig } from 'vitest/config';

// Pure logic and emulator protocol tests: no NocoBase server, no browser.
export default defineConfig({
  test: {
    include: ['src/**/__tests__/**/*.test.ts', 'dev/**/__tests__/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.server.test.ts'],
    environment: 'node',
    globals: true,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['dev/emulators/vitest-global-setup.ts'],
  },
});
