// Boots a real NocoBase 2.2.15 host from the project's node_modules, with or
// without this plugin, the way an installation picks up a third-party plugin:
// the built package sits in PLUGIN_STORAGE_PATH and is enabled through `pm enable`.
// Used by `npm start` / `npm run demo` (host.mjs) and by the e2e tests.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDatabase, dropDatabase, DIALECT_DEFAULTS } from './databases.mjs';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PLUGIN_PACKAGE = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).name;
export const ADMIN = { account: 'admin@nocobase.com', password: 'admin123' };

const NOCOBASE_ENTRY = path.join(projectRoot, 'node_modules/@nocobase/app/lib/index.js');
/** Files of the published package (package.json "files" + package.json itself). */
const PACKAGE_FILES = ['package.json', 'dist', 'client.js', 'server.js', 'client.d.ts', 'server.d.ts', 'README.md'];
const STATE_FILE = '.nocomail-host.json';

// ---------------------------------------------------------------- build

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === '__tests__' || entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

function oldestMtime(files) {
  let oldest = Infinity;
  for (const f of files) {
    if (!fs.existsSync(f)) return 0;
    oldest = Math.min(oldest, fs.statSync(f).mtimeMs);
  }
  return oldest;
}

/** True when dist/ is missing or older than any source the build reads. */
export function buildIsStale() {
  const outputs = ['dist/server/index.js', 'dist/client/index.js'].map((f) => path.join(projectRoot, f));
  const built = oldestMtime(outputs);
  if (!built) return true;
  const inputs = ['src', 'dev/build', 'package.json'].map((f) => path.join(projectRoot, f));
  return Math.max(...inputs.map(newestMtime)) > built;
}

/** Runs `npm run build` when dist/ is missing or stale. */
export function ensureBuilt({ force = false, log = console.log } = {}) {
  if (!force && !buildIsStale()) return false;
  log(`[host] building ${PLUGIN_PACKAGE} (npm run build)`);
  // NODE_ENV=test (set by vitest) would make the client bundle use React's dev JSX runtime, which the host lacks.
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: 'inherit', env: { ...hostProcessEnv(), NODE_ENV: 'production' } });
  if (r.status !== 0) throw new Error(`npm run build failed with exit code ${r.status}`);
  return true;
}

// ---------------------------------------------------------------- storage layout

/** Copies the package's published files into <storage>/plugins/<name>, replacing an older copy. */
export function stagePluginPackage(storageDir) {
  const target = path.join(storageDir, 'plugins', PLUGIN_PACKAGE);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const f of PACKAGE_FILES) {
    const from = path.join(projectRoot, f);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, f), { recursive: true, dereference: true });
  }
  return target;
}

/**
 * NocoBase links storage plugins into NODE_MODULES_PATH. Pointing every host at
 * the project's node_modules would let hosts (npm start, each e2e test) overwrite
 * each other's link and would let a host "without the plugin" load it anyway.
 * So each host gets its own node_modules made of symlinks to the project's
 * packages; Node finds the plugin there through NODE_PATH, and every other
 * package still resolves to the project's single copy.
 */
export function buildNodeModulesMirror(storageDir) {
  const source = path.join(projectRoot, 'node_modules');
  const mirror = path.join(storageDir, 'node_modules');
  fs.rmSync(mirror, { recursive: true, force: true }); // removes links, never their targets
  fs.mkdirSync(mirror, { recursive: true });
  const ownScope = PLUGIN_PACKAGE.split('/')[0];
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const from = path.join(source, entry.name);
    if (entry.name.startsWith('@')) {
      if (entry.name === ownScope) continue;
      fs.mkdirSync(path.join(mirror, entry.name));
      for (const pkg of fs.readdirSync(from)) fs.symlinkSync(path.join(from, pkg), path.join(mirror, entry.name, pkg), 'dir');
    } else {
      fs.symlinkSync(from, path.join(mirror, entry.name), 'dir');
    }
  }
  // NocoBase links storage plugins itself, but only after it has already required
  // the enabled ones on start-up; link them up front (the plugin, uploaded ones).
  for (const name of storagePluginNames(path.join(storageDir, 'plugins'))) {
    const link = path.join(mirror, name);
    fs.rmSync(link, { force: true });
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(storageDir, 'plugins', name), link, 'dir');
  }
  return mirror;
}

/** Package names under a PLUGIN_STORAGE_PATH (`name` or `@scope/name` folders with a package.json). */
function storagePluginNames(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((entry) => {
    if (entry.startsWith('@')) return storagePluginNames(path.join(dir, entry)).map((n) => `${entry}/${n}`);
    return fs.existsSync(path.join(dir, entry, 'package.json')) ? [entry] : [];
  });
}

function readState(storageDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(storageDir, STATE_FILE), 'utf8'));
  } catch {
    return null;
  }
}

function writeState(storageDir, state) {
  fs.writeFileSync(path.join(storageDir, STATE_FILE), JSON.stringify(state, null, 2));
}

/** The APP_KEY encrypts secrets at rest: generated once per storage dir and kept. */
function appKey(storageDir) {
  const file = path.join(storageDir, '.app-key');
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

// ---------------------------------------------------------------- environment

/** Database settings from explicit options, then DB_* env vars, then local defaults. */
export function resolveDatabase({ dialect, database, env = process.env } = {}) {
  const d = dialect || env.DB_DIALECT || 'sqlite';
  if (!DIALECT_DEFAULTS[d]) throw new Error(`unsupported DB_DIALECT "${d}" (use sqlite, postgres or mariadb)`);
  if (d === 'sqlite') return { dialect: d };
  const def = DIALECT_DEFAULTS[d];
  return {
    dialect: d,
    host: env.DB_HOST || def.host,
    port: Number(env.DB_PORT || def.port),
    user: env.DB_USER || def.user,
    password: env.DB_PASSWORD ?? def.password,
    database: database || env.DB_DATABASE || def.database,
  };
}

/** The environment the NocoBase CLI would set up, with every path absolute. */
export function nocobaseEnv({ storageDir, port, db, extra = {} }) {
  const dbEnv =
    db.dialect === 'sqlite'
      ? { DB_DIALECT: 'sqlite', DB_STORAGE: path.join(storageDir, 'db/nocobase.sqlite') }
      : {
          DB_DIALECT: db.dialect,
          DB_HOST: db.host,
          DB_PORT: String(db.port),
          DB_USER: db.user,
          DB_PASSWORD: db.password ?? '',
          DB_DATABASE: db.database,
        };
  const mirror = path.join(storageDir, 'node_modules');
  return {
    ...hostProcessEnv(),
    APP_ENV: 'production',
    APP_KEY: appKey(storageDir),
    APP_PORT: String(port),
    APP_HOST: '127.0.0.1',
    API_BASE_PATH: '/api/',
    TZ: 'UTC',
    ...dbEnv,
    STORAGE_PATH: storageDir,
    LOCAL_STORAGE_DEST: path.join(storageDir, 'uploads'),
    PLUGIN_STORAGE_PATH: path.join(storageDir, 'plugins'),
    NODE_MODULES_PATH: mirror,
    NODE_PATH: mirror,
    PLUGIN_PACKAGE_PREFIX: '@nocobase/plugin-,@nocobase/plugin-sample-,@nocobase/preset-',
    APP_PACKAGE_ROOT: path.join(projectRoot, 'node_modules/@nocobase/app'),
    WS_PATH: '/ws',
    PLUGIN_STATICS_PATH: '/static/plugins/',
    APP_PUBLIC_PATH: '/',
    CDN_BASE_URL: '',
    APP_SERVER_BASE_URL: '',
    APP_BASE_URL: '',
    APP_MODERN_CLIENT_PREFIX: 'v',
    APP_CLIENT_ENTRY_MODE: 'legacy-default',
    ESM_CDN_BASE_URL: 'https://esm.sh',
    ESM_CDN_SUFFIX: '',
    CACHE_DEFAULT_STORE: 'memory',
    CACHE_MEMORY_MAX: '2000',
    DEFAULT_STORAGE_TYPE: 'local',
    API_CLIENT_STORAGE_PREFIX: 'NOCOBASE_',
    API_CLIENT_STORAGE_TYPE: 'localStorage',
    API_CLIENT_SHARE_TOKEN: 'false',
    MFSU_AD: 'none',
    MAKO_AD: 'none',
    SOCKET_PATH: path.join(storageDir, 'gateway.sock'),
    ...extra,
  };
}

/**
 * The parent's environment minus what test runners set: NocoBase switches to
 * test-only code paths when it sees VITEST (ESM imports, tsconfig.paths.json).
 */
function hostProcessEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VITEST') || key.startsWith('TINYPOOL') || key === 'TEST') delete env[key];
  }
  if (env.NODE_ENV === 'test') delete env.NODE_ENV;
  return env;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- processes

/** Keeps the last lines a process printed, for error messages and logs(). */
class LogBuffer {
  constructor(limit = 4000) {
    this.lines = [];
    this.limit = limit;
  }
  push(text) {
    for (const line of text.split(/\r?\n/)) {
      if (!line) continue;
      this.lines.push(line);
      if (this.lines.length > this.limit) this.lines.shift();
    }
  }
  tail(n = 60) {
    return this.lines.slice(-n).join('\n');
  }
  all() {
    return this.lines.join('\n');
  }
}

/** Children still running when this process exits (a crashed test file, say) are killed, never orphaned. */
const liveChildren = new Set();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** Registers a child process for cleanup at exit; returns it. */
export function track(child) {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

function pipeOutput(child, buffer, echo) {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk) => {
      buffer.push(chunk);
      if (echo) echo(chunk);
    });
  }
}

/** Runs one NocoBase CLI command (install, pm enable ...) to completion. */
export function runNocobaseCommand(args, { env, cwd, buffer, echo, timeoutMs = 300_000 }) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [NOCOBASE_ENTRY, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    pipeOutput(child, buffer, echo);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`nocobase ${args.join(' ')} failed (${signal ?? code})\n${buffer.tail()}`));
    });
  });
}

/** Health-check codes NocoBase answers with while it is still coming up. */
const TRANSITIONAL = new Set(['APP_INITIALIZING', 'APP_PREPARING', 'APP_STARTING', 'APP_INITIALIZED', 'APP_COMMANDING', 'COMMAND_END']);

export async function waitForHealthy(url, { child, timeoutMs = 180_000, buffer, errorGraceMs = 20_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  let errorSince = 0;
  child?.once('exit', (code, signal) => (exited = signal ?? code));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`NocoBase exited (${exited}) before it was ready\n${buffer?.tail() ?? ''}`);
    try {
      const res = await fetch(`${url}/api/__health_check`, { signal: AbortSignal.timeout(3000) });
      const text = (await res.text()).trim();
      if (res.ok && text === 'ok') return;
      // A failed start answers 503 with an error code for good: report it instead of waiting out the timeout.
      const error = safeJson(text)?.error;
      if (error?.code && !TRANSITIONAL.has(error.code)) {
        errorSince ||= Date.now();
        if (Date.now() - errorSince > errorGraceMs) throw new StartError(`NocoBase failed to start: ${error.code} ${error.message ?? ''}\n${buffer?.tail(20) ?? ''}`);
      } else {
        errorSince = 0;
      }
    } catch (err) {
      if (err instanceof StartError) throw err;
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`NocoBase at ${url} was not healthy within ${timeoutMs / 1000}s\n${buffer?.tail() ?? ''}`);
}

class StartError extends Error {}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function stopChild(child, { graceMs = 10_000 } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- API helpers

/** Signs in with the basic authenticator and returns the bearer token. */
export async function signInApi(url, account = ADMIN.account, password = ADMIN.password) {
  const res = await fetch(`${url}/api/auth:signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Authenticator': 'basic' },
    body: JSON.stringify({ account, password }),
  });
  const body = await res.json().catch(() => ({}));
  const token = body?.data?.token;
  if (!res.ok || !token) throw new Error(`sign-in as ${account} failed: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return token;
}

/** Calls `/api/<resource>:<action>` as the given token; throws on HTTP errors. */
export async function callAction(url, token, action, { body, method = 'POST', query } = {}) {
  const qs = query ? `?${new URLSearchParams(query)}` : '';
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  const res = await fetch(`${url}/api/${action}${qs}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'X-Authenticator': 'basic',
      ...(body && !isForm ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  if (!res.ok) throw new Error(`${action} → HTTP ${res.status}: ${text.slice(0, 500)}`);
  return json;
}

// ---------------------------------------------------------------- the host

/**
 * Starts a NocoBase host. First run on a storage dir installs (and enables the
 * plugin when asked); later runs just start.
 *
 * @param {object} o
 * @param {number} [o.port]          0 or absent: a free port
 * @param {string} [o.storageDir]    absent: a fresh dir under .cache/hosts/
 * @param {'sqlite'|'postgres'|'mariadb'} [o.dialect]
 * @param {string} [o.database]      postgres/mariadb database name
 * @param {boolean} [o.withPlugin]   stage + enable this plugin (default true)
 * @param {boolean} [o.reset]        wipe storage and database first
 * @param {boolean} [o.build]        run `npm run build` when dist is stale (default true)
 * @param {boolean|{googlePort?: number, microsoftPort?: number}} [o.demo]  also run the provider emulators
 *                                   (ports 13101/13102 unless given; 0 = any) and fill in the demo OAuth clients
 * @param {Record<string,string>} [o.env]  extra env for the NocoBase process (MAIL_* ...)
 * @param {(chunk: string) => void} [o.echo]  receives NocoBase's output as it comes
 * @returns {Promise<{ url: string, port: number, storageDir: string, stop(): Promise<void>, logs(): string, child: import('node:child_process').ChildProcess, timings: Record<string, number>, demo?: object }>}
 */
export async function startHost(o = {}) {
  const timings = {};
  const t0 = Date.now();
  const withPlugin = o.withPlugin ?? true;
  const storageDir = path.resolve(o.storageDir ?? fs.mkdtempSync(path.join(mkdirp(path.join(projectRoot, '.cache/hosts')), 'host-')));
  const db = resolveDatabase({ dialect: o.dialect, database: o.database, env: { ...process.env, ...(o.env ?? {}) } });
  const port = o.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const buffer = new LogBuffer();
  const echo = o.echo;

  if (withPlugin && o.build !== false) ensureBuilt({ log: (m) => (echo ? echo(`${m}\n`) : undefined) });
  timings.build = Date.now() - t0;

  if (o.reset) {
    fs.rmSync(storageDir, { recursive: true, force: true });
    if (db.dialect !== 'sqlite') await dropDatabase(db);
  }
  fs.mkdirSync(path.join(storageDir, 'db'), { recursive: true });
  let state = readState(storageDir);
  if (state && (state.dialect !== db.dialect || state.database !== db.database)) {
    throw new Error(`${storageDir} was installed for ${state.dialect}${state.database ? `/${state.database}` : ''}; use --reset or another storage dir`);
  }
  if (withPlugin) stagePluginPackage(storageDir);
  buildNodeModulesMirror(storageDir);

  // Demo: the emulators must be up first, since NocoBase reads the MAIL_* variables at start.
  const demoLib = o.demo ? await import('./demo.mjs') : null;
  const log = (m) => echo?.(`[host] ${m}\n`);
  const demo = demoLib ? await demoLib.startDemoEmulators({ log, ...(typeof o.demo === 'object' ? o.demo : {}) }) : null;
  const env = nocobaseEnv({ storageDir, port, db, extra: { ...(demo?.env ?? {}), ...(o.env ?? {}) } });
  const run = (args) => runNocobaseCommand(args, { env, cwd: storageDir, buffer, echo });

  try {
    if (!state) {
      const t = Date.now();
      if (db.dialect !== 'sqlite') await ensureDatabase(db);
      // -f: a database left over from an earlier storage dir is reinstalled, not half-reused.
      await run(['install', '-f', '--lang=en-US']);
      state = { dialect: db.dialect, database: db.database, installedAt: new Date().toISOString(), pluginEnabled: false };
      writeState(storageDir, state);
      timings.install = Date.now() - t;
    }
    if (withPlugin && !state.pluginEnabled) {
      const t = Date.now();
      // In 2.2.15 `pm add <name>` only links storage plugins; `pm enable` registers, installs and enables.
      await run(['pm', 'enable', PLUGIN_PACKAGE]);
      state = { ...state, pluginEnabled: true };
      writeState(storageDir, state);
      timings.enable = Date.now() - t;
    }
  } catch (err) {
    await demo?.close();
    throw err;
  }

  const tStart = Date.now();
  const child = track(spawn(process.execPath, [NOCOBASE_ENTRY, 'start'], { cwd: storageDir, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  pipeOutput(child, buffer, echo);
  const stop = async () => {
    await stopChild(child);
    await demo?.close();
  };
  try {
    await waitForHealthy(url, { child, buffer });
    if (demo) await demoLib.configureDemoProviders(url, demo, { log });
  } catch (err) {
    await stop();
    throw err;
  }
  timings.start = Date.now() - tStart;
  timings.total = Date.now() - t0;

  return { url, port, storageDir, child, timings, demo: demo ?? undefined, logs: () => buffer.all(), stop };
}

function mkdirp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
