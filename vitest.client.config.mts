import { defineConfig } from 'vitest/config';

// Client components in jsdom with the host's React 18 and antd 5.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: [
      // The host injects @nocobase/client at run time; component tests render
      // with MailApiContext instead, and never import the host module.
      { find: /^@nocobase\/client$/, replacement: new URL('./src/client/__tests__/support/host-client.ts', import.meta.url).pathname },
    ],
  },
  test: {
    include: ['src/client/**/__tests__/**/*.test.tsx'],
    environment: 'jsdom',
    globals: true,
    pool: 'forks',
    testTimeout: 30_000,
    setupFiles: ['src/client/__tests__/support/setup.ts'],
  },
});
