import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// Benchmarks (bench/*.bench.ts), run by `npm run bench` through bench/run.mjs, never by `npm test`.
// Same loading as the server tests (real NocoBase app on DB_DIALECT), but each file in a fresh
// process, one at a time: their figures include this process's memory and must not share the CPU.
export default defineConfig({
  resolve: {
    // @nocobase/test ships no working ESM build; use its CommonJS entry.
    alias: [{ find: /^@nocobase\/test$/, replacement: require.resolve('@nocobase/test') }],
  },
  test: {
    include: ['bench/**/*.bench.ts'],
    server: { deps: { external: [/@nocobase/] } },
    environment: 'node',
    env: { LOGGER_LEVEL: process.env.LOGGER_LEVEL ?? 'error' },
    globals: true,
    pool: 'forks',
    // isolate (the default) gives every file a new process; --expose-gc lets the memory sampler
    // take its baseline after a full collection.
    poolOptions: { forks: { singleFork: false, maxForks: 1, minForks: 1, execArgv: ['--expose-gc'] } },
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
    globalSetup: ['dev/emulators/vitest-global-setup.ts'],
  },
});
