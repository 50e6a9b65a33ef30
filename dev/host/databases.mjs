// Creating, dropping and probing the PostgreSQL / MariaDB databases the host and
// the server tests use. The drivers are the ones NocoBase itself depends on.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const requireFromProject = createRequire(path.join(projectRoot, 'package.json'));

export const DIALECT_DEFAULTS = {
  sqlite: {},
  postgres: { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'nocomail' },
  mariadb: { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'nocomail' },
};

/**
 * The database and env a createMockServer app (server tests, benchmarks) runs on:
 * SQLite in memory, or the local server named by TEST_PG_* / TEST_MARIADB_* with
 * the given database. Returns { db, env }; `db` is for checkReachable/recreateDatabase.
 */
export function serverAppEnv(dialect, database) {
  const common = {
    NODE_MODULES_PATH: process.env.NODE_MODULES_PATH || path.join(projectRoot, 'node_modules'),
    PLUGIN_PACKAGE_PREFIX: process.env.PLUGIN_PACKAGE_PREFIX || '@nocobase/plugin-,@nocobase/plugin-sample-,@nocobase/preset-',
    // NocoBase logs every request at info level; keep the output readable (override with LOGGER_LEVEL=info).
    LOGGER_LEVEL: process.env.LOGGER_LEVEL || 'error',
  };
  if (dialect === 'sqlite') return { db: { dialect }, env: { ...common, DB_DIALECT: 'sqlite', DB_STORAGE: ':memory:' } };
  const d = DIALECT_DEFAULTS[dialect];
  const prefix = dialect === 'postgres' ? 'TEST_PG_' : 'TEST_MARIADB_';
  const db = {
    dialect,
    host: process.env[`${prefix}HOST`] || d.host,
    port: Number(process.env[`${prefix}PORT`] || d.port),
    user: process.env[`${prefix}USER`] || d.user,
    password: process.env[`${prefix}PASSWORD`] ?? d.password,
    database,
  };
  return {
    db,
    env: { ...common, DB_DIALECT: dialect, DB_HOST: db.host, DB_PORT: String(db.port), DB_USER: db.user, DB_PASSWORD: db.password, DB_DATABASE: db.database },
  };
}

const SAFE_NAME = /^[A-Za-z0-9_]+$/;

function assertSafeName(name) {
  if (!SAFE_NAME.test(name)) throw new Error(`database name "${name}" must match ${SAFE_NAME}`);
}

/** Runs fn with an admin connection (not bound to the target database). */
async function withAdminConnection(db, fn) {
  if (db.dialect === 'postgres') {
    const { Client } = requireFromProject('pg');
    const client = new Client({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password || undefined,
      database: 'postgres',
      connectionTimeoutMillis: 5000,
    });
    await client.connect();
    try {
      return await fn((sql, params) => client.query(sql, params).then((r) => r.rows));
    } finally {
      await client.end();
    }
  }
  if (db.dialect === 'mariadb') {
    const mysql = requireFromProject('mysql2/promise');
    const conn = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password || undefined,
      connectTimeout: 5000,
    });
    try {
      return await fn((sql, params) => conn.query(sql, params).then(([rows]) => rows));
    } finally {
      await conn.end();
    }
  }
  throw new Error(`no admin connection for dialect ${db.dialect}`);
}

/** Resolves when the server accepts a connection; rejects with the driver's reason otherwise. */
export async function checkReachable(db) {
  await withAdminConnection(db, (q) => q('SELECT 1'));
}

export async function ensureDatabase(db) {
  assertSafeName(db.database);
  await withAdminConnection(db, async (q) => {
    if (db.dialect === 'postgres') {
      const rows = await q('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
      if (!rows.length) await q(`CREATE DATABASE "${db.database}"`);
    } else {
      await q(`CREATE DATABASE IF NOT EXISTS \`${db.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  });
}

export async function dropDatabase(db) {
  assertSafeName(db.database);
  await withAdminConnection(db, async (q) => {
    if (db.dialect === 'postgres') await q(`DROP DATABASE IF EXISTS "${db.database}" WITH (FORCE)`);
    else await q(`DROP DATABASE IF EXISTS \`${db.database}\``);
  });
}

export async function recreateDatabase(db) {
  await dropDatabase(db);
  await ensureDatabase(db);
}
