import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Tests against a real NocoBase app (createMockServer) on the database named by
// DB_DIALECT. dev/test/run-all.mjs runs this once per dialect.
export default defineConfig({
  resolve: {
    // @nocobase/test ships no working ESM build; use its CommonJS entry.
    alias: [{ find: /^@nocobase\/test$/, replacement: require.resolve('@nocobase/test') }],
  },
  test: {
    include: ['src/**/__tests__/**/*.server.test.ts'],
    server: { deps: { external: [/@nocobase/] } },
    environment: 'node',
    // The host logs every request; keep test output to what went wrong.
    env: { LOGGER_LEVEL: process.env.LOGGER_LEVEL ?? 'error' },
    globals: true,
    pool: 'forks',
    // One NocoBase app at a time per database: the suites share the database.
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: ['dev/emulators/vitest-global-setup.ts'],
  },
});
