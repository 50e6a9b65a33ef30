#!/usr/bin/env node
// `npm run pack`: builds the plugin and writes the .tgz an administrator uploads
// in NocoBase's plugin manager (Add & Update → Upload plugin).
//
// NocoBase unpacks the archive, takes the single top folder that holds a
// package.json (npm's "package/"), checks that package.json "main" exists, moves
// the folder to storage/plugins/<name> and links it into node_modules. So the
// archive has npm pack's shape: package/ with package.json + the "files" list.
// (`npm pack` itself refuses this package.json: its overrides of peer
// dependencies trip EOVERRIDE, so we stage the folder and tar it ourselves.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACK_DIR = path.join(root, '.cache/pack');

/** What the host needs to load both halves of the plugin. */
const REQUIRED_ENTRIES = ['package.json', 'dist/server/index.js', 'dist/client/index.js', 'client.js', 'server.js'];
/** package.json fields that only make sense in this repository. */
const DEV_ONLY_FIELDS = ['scripts', 'devDependencies', 'overrides'];

function listFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

/** Copies package.json (without dev-only fields) and the "files" entries into <stage>/package. */
function stagePackage(stage) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const target = path.join(stage, 'package');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const published = Object.fromEntries(Object.entries(pkg).filter(([k]) => !DEV_ONLY_FIELDS.includes(k)));
  fs.writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  for (const entry of pkg.files ?? []) {
    const from = path.join(root, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true, dereference: true });
  }
  return { pkg, target };
}

/**
 * Builds (unless build: false) and packs the plugin into .cache/pack/<scope>-<name>-<version>.tgz.
 * @returns {{ file: string, files: string[], size: number }}
 */
export function packPlugin({ build = true, log = console.log } = {}) {
  if (build) {
    // Always a production build: NODE_ENV=test would select React's dev JSX runtime, which the host lacks.
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (r.status !== 0) throw new Error(`npm run build failed with exit code ${r.status}`);
  }
  const stage = path.join(PACK_DIR, 'stage');
  const { pkg, target } = stagePackage(stage);
  const files = listFiles(target).sort();
  const missing = REQUIRED_ENTRIES.filter((entry) => !files.includes(entry));
  if (missing.length) throw new Error(`the package lacks ${missing.join(', ')}; is the build complete?`);
  const leaked = files.filter((f) => f.startsWith('src/') || f.startsWith('dev/') || f.includes('__tests__'));
  if (leaked.length) throw new Error(`the package contains development files: ${leaked.slice(0, 5).join(', ')}`);

  const file = path.join(PACK_DIR, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`);
  fs.rmSync(file, { force: true });
  // Stable owner and order, like npm pack, so the archive does not leak this machine's user.
  const tar = spawnSync('tar', ['-czf', file, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-C', stage, 'package'], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error(`tar failed with exit code ${tar.status}`);
  fs.rmSync(stage, { recursive: true, force: true });
  const size = fs.statSync(file).size;
  log(`packed ${pkg.name}@${pkg.version}: ${files.length} files, ${(size / 1024).toFixed(0)} KiB`);
  return { file, files, size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const { file } = packPlugin({ build: !process.argv.includes('--no-build') });
    console.log(path.relative(process.cwd(), file));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
