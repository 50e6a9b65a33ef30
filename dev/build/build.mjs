#!/usr/bin/env node
// Builds the plugin the way the NocoBase host loads it:
//   dist/server/index.js          CommonJS, default export = server Plugin class, third-party deps bundled in
//   dist/server/html-worker.js    worker thread that sanitizes big mail bodies off the event loop
//   dist/server/collections/*.js  one module per collection (the host imports this folder itself)
//   dist/server/migrations/*.js   one module per migration (the host runs them on upgrade)
//   dist/client/index.js          UMD bundle, AMD id = package name, host-provided modules external
//   dist/locale/*.json            server-side locale resources
// The host ships React's production JSX runtime only: never build a dev bundle,
// whatever NODE_ENV the caller (e.g. vitest) runs under.
process.env.NODE_ENV = 'production';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_CLIENT_MODULES, isHostClientModule } from './externals.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const dist = path.join(root, 'dist');
const only = process.argv.includes('--server') ? 'server' : process.argv.includes('--client') ? 'client' : 'all';

// Everything the host already has at run time stays external on the server side.
const serverExternals = ['@nocobase/*', 'sequelize', 'sqlite3', 'pg', 'pg-hstore', 'mysql2', 'mariadb'];

/** Modules the bundles import from the host, collected while building, for dist/externalVersion.js. */
const externalImports = new Set();

function packageNameOf(specifier) {
  if (specifier.startsWith('node:') || specifier.startsWith('.')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function installedVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/**
 * dist/externalVersion.js: the version of every host module the plugin was built
 * against. The plugin manager checks these against the running host and files
 * a plugin without them under "Problematic". Host-only packages that cannot be
 * installed here (@nocobase/client, flow-engine) are the host's own version.
 */
function writeExternalVersions() {
  const hostVersion = installedVersion('@nocobase/server');
  const versions = {};
  for (const name of [...externalImports].sort()) {
    const version = installedVersion(name) ?? (name.startsWith('@nocobase/') ? hostVersion : null);
    if (version) versions[name] = version;
  }
  fs.writeFileSync(path.join(dist, 'externalVersion.js'), `module.exports = ${JSON.stringify(versions, null, 2)};\n`);
}

async function buildServer() {
  fs.rmSync(path.join(dist, 'server'), { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    external: serverExternals,
    logLevel: 'warning',
    legalComments: 'none',
    define: { 'process.env.NOCOMAIL_BUILD': '"1"' },
    metafile: true,
  };
  const collect = (result) => {
    for (const output of Object.values(result.metafile.outputs)) {
      for (const imp of output.imports) {
        const name = imp.external ? packageNameOf(imp.path) : null;
        if (name && !builtinModules.includes(name)) externalImports.add(name);
      }
    }
  };
  collect(await esbuild({ ...common, entryPoints: [path.join(root, 'src/server/index.ts')], outfile: path.join(dist, 'server/index.js') }));
  // The HTML sanitizer's worker thread (src/server/security/html-pool.ts starts it from next to index.js).
  collect(await esbuild({ ...common, entryPoints: [path.join(root, 'src/server/security/html-worker.ts')], outfile: path.join(dist, 'server/html-worker.js') }));
  // The host imports every module of these folders itself: collections on load, migrations on upgrade.
  for (const folder of ['collections', 'migrations']) {
    const dir = path.join(root, 'src/server', folder);
    const files = fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join(dir, f))
      : [];
    if (files.length) collect(await esbuild({ ...common, entryPoints: files, outdir: path.join(dist, 'server', folder) }));
  }
}

function copyLocales() {
  const from = path.join(root, 'src/locale');
  const to = path.join(dist, 'locale');
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) {
    if (f.endsWith('.json')) fs.copyFileSync(path.join(from, f), path.join(to, f));
  }
}

async function buildClient() {
  fs.rmSync(path.join(dist, 'client'), { recursive: true, force: true });
  const globals = Object.fromEntries(HOST_CLIENT_MODULES.map((m) => [m, m]));
  const result = await viteBuild({
    root,
    configFile: false,
    mode: 'production',
    logLevel: 'warn',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    esbuild: { jsx: 'automatic' },
    build: {
      outDir: path.join(dist, 'client'),
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      target: 'es2020',
      lib: {
        entry: path.join(root, 'src/client/index.tsx'),
        formats: ['umd'],
        name: 'NocomailPluginEmailManager',
        fileName: () => 'index.js',
      },
      rollupOptions: {
        external: (id) => isHostClientModule(id),
        output: {
          amd: { id: pkg.name },
          globals,
          exports: 'named',
        },
      },
    },
  });
  for (const output of [result].flat().flatMap((r) => r.output)) {
    for (const imp of output.imports ?? []) {
      const name = packageNameOf(imp);
      if (name) externalImports.add(name);
    }
  }
}

const started = Date.now();
if (only !== 'client') {
  await buildServer();
  copyLocales();
}
if (only !== 'server') await buildClient();
if (only === 'all') writeExternalVersions();
console.log(`built ${pkg.name}@${pkg.version} (${only}) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
