#!/usr/bin/env node
// `npm run bench`: the benchmarks in bench/*.bench.ts, a table of their figures
// against their targets, and a JSON record in bench/results/<timestamp>.json.
//
//   npm run bench                         every benchmark
//   npm run bench -- sync                 files whose path contains "sync" (vitest file filter)
//   npm run bench -- mime-parse sanitize  several
//   DB_DIALECT=postgres npm run bench -- sync-google
//
// Exit code 1 when a target is missed, a benchmark failed, or nothing was measured.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReachable, DIALECT_DEFAULTS, recreateDatabase, serverAppEnv } from '../dev/host/databases.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'bench/results');
const args = process.argv.slice(2);

if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run bench -- [file filter ...]
  filters: sync, sync-google, sync-microsoft, mime-parse, sanitize, summaries, body-open, large-mailbox (any part of a bench/*.bench.ts path)
  env: DB_DIALECT=sqlite|postgres|mariadb (default sqlite), BENCH_MESSAGES (2000), BENCH_LATENCY_MS (100),
       BENCH_PROVIDER_QUOTA (1 = emulators enforce the provider budget), BENCH_DB_DATABASE (nocomail_bench)
  see bench/README.md`);
  process.exit(0);
}

// ---------------------------------------------------------------- database (as dev/test/run-all.mjs does for server tests)

const dialect = process.env.DB_DIALECT || 'sqlite';
if (!(dialect in DIALECT_DEFAULTS)) {
  console.error(`unknown DB_DIALECT ${dialect} (choose from ${Object.keys(DIALECT_DEFAULTS).join(', ')})`);
  process.exit(2);
}

async function databaseEnv() {
  // Its own database: a benchmark never shares tables with a test run going on meanwhile.
  const { db, env } = serverAppEnv(dialect, process.env.BENCH_DB_DATABASE || 'nocomail_bench');
  if (dialect === 'sqlite') return env;
  await checkReachable(db);
  await recreateDatabase(db);
  return env;
}

// ---------------------------------------------------------------- running

function runVitest(env) {
  return new Promise((resolve) => {
    const child = spawn(path.join(root, 'node_modules/.bin/vitest'), ['run', '--config', 'vitest.bench.config.mts', ...args], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (err) => {
      console.error(err.message);
      resolve(1);
    });
  });
}

function readMetrics(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const meets = (value, target) => (target.op === '>=' ? value >= target.value : value <= target.value);

function fmt(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return value.toFixed(Math.min(digits, 3));
}

function gitCommit() {
  try {
    const head = fs.readFileSync(path.join(root, '.git/HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const loose = path.join(root, '.git', ref);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
    const packed = fs.readFileSync(path.join(root, '.git/packed-refs'), 'utf8');
    return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

function printTable(rows) {
  const header = ['benchmark', 'figure', 'value', 'unit', 'target', 'result'];
  const cells = rows.map((m) => [
    m.bench,
    m.name,
    fmt(m.value),
    m.unit,
    m.target ? `${m.target.op} ${fmt(m.target.value)}` : '',
    m.target ? (m.pass ? 'pass' : 'FAIL') : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const c of cells) console.log(line(c));
}

// ---------------------------------------------------------------- main

const startedAt = new Date();
let env;
try {
  env = await databaseEnv();
} catch (err) {
  console.error(`${dialect} is not reachable: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
fs.mkdirSync(resultsDir, { recursive: true });
const metricsFile = path.join(os.tmpdir(), `nocomail-bench-${process.pid}-${Date.now()}.jsonl`);
const exitCode = await runVitest({ ...env, BENCH_METRICS_FILE: metricsFile });
// Grouped by benchmark (files finish in any order), each in the order it recorded its figures.
const metrics = readMetrics(metricsFile)
  .map((m) => (m.target ? { ...m, pass: meets(m.value, m.target) } : m))
  .sort((a, b) => a.bench.localeCompare(b.bench));
fs.rmSync(metricsFile, { force: true });

const finishedAt = new Date();
const withTargets = metrics.filter((m) => m.target);
const missed = withTargets.filter((m) => !m.pass);
const result = {
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  seconds: (finishedAt - startedAt) / 1000,
  commit: gitCommit(),
  filters: args,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryGb: Math.round(os.totalmem() / 1024 ** 3), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverage: os.loadavg() },
  settings: {
    DB_DIALECT: dialect,
    BENCH_MESSAGES: process.env.BENCH_MESSAGES || '2000',
    BENCH_LATENCY_MS: process.env.BENCH_LATENCY_MS || '100',
    BENCH_PROVIDER_QUOTA: process.env.BENCH_PROVIDER_QUOTA || '1',
  },
  vitestExitCode: exitCode,
  targets: { total: withTargets.length, missed: missed.length },
  metrics,
};
const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

if (metrics.length) printTable(metrics);
console.log(`\n${withTargets.length - missed.length}/${withTargets.length} targets met in ${result.seconds.toFixed(0)} s on ${dialect}; results: ${path.relative(root, file)}`);
if (missed.length) for (const m of missed) console.log(`  missed: ${m.bench} · ${m.name} = ${fmt(m.value)} ${m.unit}, target ${m.target.op} ${fmt(m.target.value)} (${m.target.why})`);
if (exitCode !== 0) console.log(`a benchmark failed (vitest exit code ${exitCode}): its figures are missing or not to be trusted`);
if (!metrics.length) console.log('nothing was measured (no benchmark matched the filter?)');
process.exit(exitCode !== 0 || missed.length > 0 || metrics.length === 0 ? 1 : 0);
