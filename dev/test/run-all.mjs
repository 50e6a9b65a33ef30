#!/usr/bin/env node
// `npm test`: every check the project has, in order, with a summary table.
//
//   npm test                                  everything
//   npm test -- --only unit,server            some stages (typecheck, unit, server, bench, client, build, e2e)
//   npm test -- --only server --dialects sqlite,postgres
//
// The very last line is `tests: N passed, M failed` (read by CI). A stage that
// fails without failing tests of its own (type errors, a crash, a database that
// cannot be reached) counts as one failure there. Exit code 1 on any failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkReachable, recreateDatabase, serverAppEnv } from '../host/databases.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'test-output');
const bin = (name) => path.join(root, 'node_modules/.bin', name);

const STAGES = ['typecheck', 'unit', 'server', 'bench', 'client', 'build', 'e2e'];
const DIALECTS = ['sqlite', 'postgres', 'mariadb'];
const TEST_DATABASE = process.env.TEST_DB_DATABASE || 'nocomail_test';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    dialects: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: npm test -- [--only ${STAGES.join(',')}] [--dialects ${DIALECTS.join(',')}]`);
  process.exit(0);
}

function parseList(value, allowed, what) {
  if (!value) return allowed;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((i) => !allowed.includes(i));
  if (unknown.length) {
    console.error(`unknown ${what}: ${unknown.join(', ')} (choose from ${allowed.join(', ')})`);
    process.exit(2);
  }
  return allowed.filter((a) => items.includes(a));
}

const stages = parseList(args.only, STAGES, 'stage');
const dialects = parseList(args.dialects, DIALECTS, 'dialect');

// ---------------------------------------------------------------- running

/** @typedef {{ name: string, status: 'passed'|'failed'|'skipped', passed: number, failed: number, skipped: number, ms: number, note?: string }} StageResult */
/** @type {StageResult[]} */
const results = [];

function header(title) {
  const line = '═'.repeat(Math.max(20, 72 - title.length - 4));
  console.log(`\n╔══ ${title} ${line}\n`);
}

/** Runs a command; its output goes to this terminal, or to `logFile` (for stages run side by side). */
function run(cmd, cmdArgs, { env = {}, logFile = null } = {}) {
  return new Promise((resolve) => {
    const out = logFile ? fs.openSync(logFile, 'w') : null;
    const stdio = out === null ? 'inherit' : ['ignore', out, out];
    const child = spawn(cmd, cmdArgs, { cwd: root, stdio, env: { ...process.env, ...env } });
    if (out !== null) child.on('exit', () => fs.closeSync(out));
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
    child.on('error', (err) => {
      console.error(err.message);
      resolve(1);
    });
  });
}

/**
 * Counts from vitest's JSON reporter file, or null when it wrote none. Counted per
 * test (vitest 1.6's totals call the tests of a suite whose hook failed "passed").
 */
function readVitestCounts(file) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const counts = { passed: 0, failed: 0, skipped: 0, suitesFailed: 0 };
  for (const suite of report.testResults ?? []) {
    const before = counts.failed;
    for (const t of suite.assertionResults ?? []) {
      if (t.status === 'passed') counts.passed++;
      else if (t.status === 'failed') counts.failed++;
      else counts.skipped++;
    }
    // A file that failed without a failing test (load error, failing hook) is one failure.
    if (suite.status === 'failed' && counts.failed === before) {
      counts.failed++;
      counts.suitesFailed++;
    }
  }
  return counts;
}

async function stage(name, fn) {
  header(name);
  const started = Date.now();
  let result;
  try {
    result = await fn();
  } catch (err) {
    console.error(`\n✗ ${name}: ${err instanceof Error ? err.message : err}`);
    result = { status: 'failed', passed: 0, failed: 1, skipped: 0, note: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
  const entry = { name, ms: Date.now() - started, passed: 0, failed: 0, skipped: 0, ...result };
  results.push(entry);
  return entry;
}

/** A command that is a check, not a test suite: passes or counts as one failure. */
async function checkStage(name, cmd, cmdArgs, env) {
  return stage(name, async () => {
    const code = await run(cmd, cmdArgs, { env });
    return code === 0 ? { status: 'passed' } : { status: 'failed', failed: 1, note: `exit code ${code}` };
  });
}

async function vitestStage(name, config, env = {}, files = [], logFile = null) {
  return stage(name, async () => {
    if (!fs.existsSync(path.join(root, config))) throw new Error(`${config} does not exist`);
    const jsonFile = path.join(outDir, `${name}.json`);
    fs.rmSync(jsonFile, { force: true });
    const code = await run(bin('vitest'), ['run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...files], { env, logFile });
    const counts = readVitestCounts(jsonFile);
    if (!counts) return { status: 'failed', failed: 1, note: `vitest exited ${code} without a report` };
    // Exit code 1 with nothing failed in the report (e.g. an unhandled error between tests) still fails.
    const failed = counts.failed || (code !== 0 ? 1 : 0);
    const notes = [];
    if (counts.passed + counts.failed === 0) notes.push('no tests ran');
    if (counts.suitesFailed) notes.push(`${counts.suitesFailed} file(s) failed outside a test`);
    if (code !== 0 && counts.failed === 0) notes.push(`vitest exit code ${code}`);
    const ok = code === 0 && failed === 0 && counts.passed > 0;
    return { status: ok ? 'passed' : 'failed', passed: counts.passed, failed: ok ? 0 : Math.max(failed, 1), skipped: counts.skipped, note: notes.join('; ') || undefined };
  });
}

async function serverStage(dialect, logFile = null) {
  const name = `server-${dialect}`;
  // Each dialect its own database, so two server stages can run side by side.
  const { db, env } = serverAppEnv(dialect, `${TEST_DATABASE}_${dialect}`);
  if (dialect === 'sqlite') return vitestStage(name, 'vitest.server.config.mts', env, [], logFile);
  try {
    await checkReachable(db);
    // A fresh database per run: results never depend on what an earlier run left.
    await recreateDatabase(db);
  } catch (err) {
    return stage(name, () => {
      throw new Error(`${dialect} at ${db.host}:${db.port} (user ${db.user}) is not reachable: ${err instanceof Error ? err.message : err}`);
    });
  }
  return vitestStage(name, 'vitest.server.config.mts', env, [], logFile);
}

/**
 * SQLite first on its own (in memory, it is CPU-bound), then the server databases
 * side by side: their suites mostly wait on provider quotas, latency and timeouts,
 * and running them together keeps the whole suite within its 30 minutes on 2
 * cores. Their output goes to test-output/server-<dialect>.log and is printed
 * when both are done.
 */
async function serverStages() {
  if (dialects.includes('sqlite')) await serverStage('sqlite');
  const servers = dialects.filter((d) => d !== 'sqlite');
  if (servers.length < 2) {
    for (const d of servers) await serverStage(d);
    return;
  }
  header(`server on ${servers.join(' and ')}, side by side`);
  const logs = servers.map((d) => path.join(outDir, `server-${d}.log`));
  await Promise.all(servers.map((d, i) => serverStage(d, logs[i])));
  for (const [i, d] of servers.entries()) {
    header(`server-${d} output`);
    process.stdout.write(fs.readFileSync(logs[i], 'utf8'));
  }
}

// ---------------------------------------------------------------- the plan

fs.mkdirSync(outDir, { recursive: true });
const suiteStarted = Date.now();
console.log(`stages: ${stages.join(', ')}${stages.includes('server') ? ` (server on ${dialects.join(', ')})` : ''}`);

for (const s of stages) {
  if (s === 'typecheck') await checkStage('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  if (s === 'unit') await vitestStage('unit', 'vitest.config.mts');
  if (s === 'server') await serverStages();
  if (s === 'bench') {
    // A small run of the scale benchmark so it never rots: the figures are printed, not judged (that is `npm run bench`).
    const { env } = serverAppEnv('sqlite', TEST_DATABASE);
    await vitestStage('bench-smoke', 'vitest.bench.config.mts', { ...env, BENCH_LARGE_MESSAGES: '600', BENCH_LARGE_SAMPLES: '3' }, ['bench/large-mailbox.bench.ts']);
  }
  if (s === 'client') await vitestStage('client', 'vitest.client.config.mts');
  if (s === 'build') await checkStage('build', 'npm', ['run', '--silent', 'build'], { NODE_ENV: 'production' });
  if (s === 'e2e') {
    const chromium = await checkStage('chromium', process.execPath, [path.join(root, 'dev/test/ensure-chromium.mjs')]);
    if (chromium.status === 'passed') await vitestStage('e2e', 'vitest.e2e.config.mts');
  }
}

// ---------------------------------------------------------------- summary

const pad = (v, n) => String(v).padEnd(n);
const lpad = (v, n) => String(v).padStart(n);
const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });

header('summary');
console.log(`${pad('stage', 16)}${pad('status', 8)}${lpad('passed', 7)}${lpad('failed', 7)}${lpad('skipped', 8)}${lpad('time', 9)}  note`);
for (const r of results) {
  console.log(`${pad(r.name, 16)}${pad(r.status, 8)}${lpad(r.passed, 7)}${lpad(r.failed, 7)}${lpad(r.skipped, 8)}${lpad(`${(r.ms / 1000).toFixed(1)}s`, 9)}  ${r.note ?? ''}`);
}
console.log(`${pad('total', 24)}${lpad(total.passed, 7)}${lpad(total.failed, 7)}${lpad(total.skipped, 8)}${lpad(`${((Date.now() - suiteStarted) / 1000).toFixed(1)}s`, 9)}`);
if (stages.includes('server')) {
  const ran = results.filter((r) => r.name.startsWith('server-'));
  console.log(`server dialects: ${ran.map((r) => `${r.name.slice(7)} ${r.status}`).join(', ')}`);
}
const anyFailed = results.some((r) => r.status === 'failed');
console.log(`tests: ${total.passed} passed, ${total.failed} failed`);
process.exit(anyFailed ? 1 : 0);
