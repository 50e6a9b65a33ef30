/**
 * One transaction per committed page. On SQLite every transaction of an
 * in-memory or file database shares one connection, so two concurrent
 * transactions would nest ("cannot start a transaction within a transaction");
 * they are queued one after another there. Server databases run them in parallel.
 */
import type { Database, Transaction } from '@nocobase/database';

const sqliteQueues = new WeakMap<object, Promise<unknown>>();

export async function withTransaction<T>(db: Database, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  const sequelize = db.sequelize;
  if (sequelize.getDialect() !== 'sqlite') {
    return sequelize.transaction((t) => work(t));
  }
  const previous = sqliteQueues.get(sequelize) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => sequelize.transaction((t) => work(t)));
  sqliteQueues.set(sequelize, run);
  try {
    return await run;
  } finally {
    if (sqliteQueues.get(sequelize) === run) sqliteQueues.delete(sequelize);
  }
}
