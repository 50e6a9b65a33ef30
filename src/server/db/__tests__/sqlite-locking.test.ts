import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '@nocobase/database';
import { applySqliteWriteLocking } from '../sqlite-locking';

/** A file database, as NocoBase uses by default (in-memory ones share one connection and never lock). */
async function fileDatabase(dir: string) {
  const db = new Database({ dialect: 'sqlite', storage: path.join(dir, 'app.sqlite'), logging: false });
  db.collection({ name: 'notes', fields: [{ type: 'string', name: 'text' }] });
  await db.sync();
  await db.getRepository('notes').create({ values: { text: 'before' } });
  return db;
}

/** A sync page commit holds the write lock for a while; meanwhile a user edits a record. */
async function editWhileSyncCommits(db: Database): Promise<string> {
  const repo = db.getRepository('notes');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const sync = db.sequelize.transaction(async (transaction) => {
    await repo.create({ values: { text: 'synced page' }, transaction });
    await held;
  });
  await new Promise((r) => setTimeout(r, 100));
  const edit = repo.update({ filter: { text: 'before' }, values: { text: 'user edit' } }).then(
    () => 'saved',
    (e: Error) => e.message,
  );
  setTimeout(release, 1_500);
  await sync;
  return edit;
}

describe('SQLite write locking while sync runs', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-sqlite-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a user edit wait for a running sync commit instead of failing', async () => {
    const db = await fileDatabase(dir);
    try {
      expect(applySqliteWriteLocking(db, 10_000)).toBe(true);
      await expect(editWhileSyncCommits(db)).resolves.toBe('saved');
      expect((await db.getRepository('notes').find({ sort: ['id'] })).map((n: { get(k: string): unknown }) => n.get('text'))).toEqual(['user edit', 'synced page']);
    } finally {
      await db.close();
    }
  });

  it('is needed: without it the same edit fails with SQLITE_BUSY', async () => {
    const db = await fileDatabase(dir);
    try {
      await expect(editWhileSyncCommits(db)).resolves.toMatch(/SQLITE_BUSY/);
    } finally {
      await db.close();
    }
  });
});
