#!/usr/bin/env node
// `npm start` / `npm run demo`: a local NocoBase 2.2.15 with this plugin enabled.
//
//   npm start                      sqlite in storage/sqlite, http://localhost:13000
//   npm start -- --reset           start from an empty database
//   DB_DIALECT=postgres npm start  (DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_DATABASE)
//   npm run demo                   also runs the Google + Microsoft emulators and
//                                  pre-fills the plugin's OAuth client settings
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN, projectRoot, resolveDatabase, startHost } from './host-lib.mjs';

const { values: args } = parseArgs({
  options: {
    demo: { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    port: { type: 'string' },
    storage: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: node dev/host/host.mjs [--demo] [--reset] [--port N] [--storage DIR] [--quiet]
env: APP_PORT (13000), DB_DIALECT=sqlite|postgres|mariadb, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_DATABASE (nocomail)`);
  process.exit(0);
}

const db = resolveDatabase();
const port = Number(args.port || process.env.APP_PORT || 13000);
const storageDir = path.resolve(args.storage || path.join(projectRoot, 'storage', db.dialect));
const log = (line) => console.log(`[host] ${line}`);

let host = null;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await host?.stop().catch(() => {});
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void shutdown(0));

try {
  log(`storage ${path.relative(process.cwd(), storageDir) || '.'}, database ${db.dialect}${db.database ? ` ${db.user}@${db.host}:${db.port}/${db.database}` : ''}`);
  host = await startHost({
    port,
    storageDir,
    dialect: db.dialect,
    database: db.database,
    withPlugin: true,
    reset: args.reset,
    demo: args.demo,
    env: { LOGGER_FORMAT: process.env.LOGGER_FORMAT || 'console' },
    echo: args.quiet ? undefined : (chunk) => process.stdout.write(chunk),
  });
  host.child.on('exit', (code, signal) => {
    if (stopping) return;
    log(`NocoBase exited (${signal ?? code})`);
    void shutdown(code ?? 1);
  });

  const t = host.timings;
  const secs = (ms) => (ms / 1000).toFixed(1);
  console.log(
    [
      '',
      `  NocoBase with Email manager is ready (${[t.install && `install ${secs(t.install)}s`, t.enable && `enable ${secs(t.enable)}s`, `start ${secs(t.start)}s`].filter(Boolean).join(', ')})`,
      `  URL:      http://localhost:${port}/admin`,
      `  Sign in:  ${ADMIN.account} / ${ADMIN.password}`,
      `  Settings: http://localhost:${port}/admin/settings/mail`,
      ...(host.demo ? host.demo.describe() : []),
      '  Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
} catch (err) {
  console.error(`[host] ${err instanceof Error ? err.message : err}`);
  await shutdown(1);
}
