/**
 * On a file-based SQLite database Sequelize opens one connection per
 * transaction, and SQLite lets one of them write at a time. Background sync
 * commits pages in transactions while people use the app; a user's save that
 * read first and then writes (every NocoBase repository update does) fails at
 * once with SQLITE_BUSY, because SQLite refuses to upgrade a reader's lock while
 * another writer holds it (deadlock avoidance; a busy timeout alone cannot help).
 * So on SQLite transactions take the write lock when they begin (IMMEDIATE) and
 * every connection waits for the lock instead of failing. Server databases are
 * untouched.
 */
import type { Database } from '@nocobase/database';

export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

interface SqliteConnection {
  configure(option: 'busyTimeout', ms: number): void;
}

interface ConnectionManagerLike {
  getConnection(options?: unknown): Promise<unknown>;
}

const patched = new WeakSet<object>();
const configured = new WeakSet<object>();

function isSqliteConnection(value: unknown): value is SqliteConnection & object {
  return typeof value === 'object' && value !== null && typeof (value as SqliteConnection).configure === 'function';
}

export function applySqliteWriteLocking(db: Database, ms = SQLITE_BUSY_TIMEOUT_MS): boolean {
  const sequelize = db.sequelize;
  if (sequelize.getDialect() !== 'sqlite') return false;
  const manager = (sequelize as unknown as { connectionManager: ConnectionManagerLike }).connectionManager;
  if (patched.has(manager)) return true;
  patched.add(manager);
  (sequelize as unknown as { options: { transactionType?: string } }).options.transactionType = 'IMMEDIATE';
  const original = manager.getConnection.bind(manager);
  manager.getConnection = async (options?: unknown) => {
    const connection = await original(options);
    if (isSqliteConnection(connection) && !configured.has(connection)) {
      connection.configure('busyTimeout', ms);
      configured.add(connection);
    }
    return connection;
  };
  return true;
}
