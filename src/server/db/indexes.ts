/**
 * Keeps every index our collections declare present in the database.
 *
 * Why this is needed: on SQLite the host's collection sync compares each
 * column's default with the field's default after Sequelize's sync, and for a
 * JSON field whose default is an array (`defaultValue: []`) the comparison
 * always differs, so it calls `changeColumn`. SQLite cannot alter a column: the
 * dialect copies the table into a backup, drops it and creates it again, and
 * every index created a moment earlier is gone (PostgreSQL and MariaDB alter
 * in place and keep them). This happens on every sync (install, enabling any
 * plugin, upgrade) and for every collection synced as an association target.
 * So after each sync of one of our models we compare the declared indexes with
 * the catalogue and create what is missing. A missing unique key may meet
 * duplicate rows (written while it was gone): those are merged first (the
 * oldest row stays, rows pointing at the others are repointed to it) so that
 * creating the key cannot fail and no mail is lost.
 */
import type { Collection, Database } from '@nocobase/database';
import type { Transaction } from 'sequelize';

export interface DeclaredIndex {
  name: string;
  /** Column names, in index order. */
  columns: string[];
  unique: boolean;
}

export interface RowReference {
  /** Collection whose rows point at the duplicated table. */
  collection: string;
  /** Attribute holding the referenced row's id. */
  attribute: string;
}

interface SequelizeIndexLike {
  name?: string;
  unique?: boolean;
  fields: Array<string | { name?: string; attribute?: string }>;
}

interface IndexLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
}

function columnOf(field: string | { name?: string; attribute?: string }): string {
  return typeof field === 'string' ? field : (field.attribute ?? field.name ?? '');
}

function columnOfAttribute(collection: Collection, attribute: string): string {
  const raw = collection.model.rawAttributes[attribute] as { field?: string } | undefined;
  return raw?.field ?? attribute;
}

/** Indexes the collection declares: its `indexes` and its single `unique` fields. */
export function declaredIndexes(collection: Collection): DeclaredIndex[] {
  const model = collection.model as unknown as { _indexes?: SequelizeIndexLike[]; rawAttributes: Record<string, { field?: string; unique?: unknown; primaryKey?: boolean }> };
  const out: DeclaredIndex[] = (model._indexes ?? []).map((index) => ({
    name: String(index.name),
    columns: index.fields.map(columnOf),
    unique: Boolean(index.unique),
  }));
  for (const [name, attribute] of Object.entries(model.rawAttributes)) {
    if (!attribute.unique || attribute.primaryKey) continue;
    const column = attribute.field ?? name;
    if (!out.some((i) => i.unique && i.columns.length === 1 && i.columns[0] === column)) {
      out.push({ name: `${collection.tableName()}_${column}_uk`, columns: [column], unique: true });
    }
  }
  return out;
}

/** The indexes the database has on the collection's table (primary key excluded). */
export async function existingIndexes(db: Database, collection: Collection, transaction?: Transaction): Promise<DeclaredIndex[]> {
  const rows = (await db.sequelize.getQueryInterface().showIndex(collection.getTableNameWithSchema(), { transaction })) as unknown as Array<
    SequelizeIndexLike & { primary?: boolean }
  >;
  return rows
    .filter((r) => !r.primary && r.name !== 'PRIMARY')
    .map((r) => ({ name: String(r.name), columns: r.fields.map(columnOf), unique: Boolean(r.unique) }));
}

/** A declared index is present when an index over the same columns (in order) exists, unique if it must be. */
export function isCovered(declared: DeclaredIndex, existing: DeclaredIndex[]): boolean {
  return existing.some(
    (e) => e.columns.length === declared.columns.length && e.columns.every((c, i) => c === declared.columns[i]) && (!declared.unique || e.unique),
  );
}

export async function missingIndexes(db: Database, collection: Collection, transaction?: Transaction): Promise<DeclaredIndex[]> {
  const existing = await existingIndexes(db, collection, transaction);
  return declaredIndexes(collection).filter((d) => !isCovered(d, existing));
}

/**
 * Everything that points at rows of `target` by id: foreign keys of associations
 * in any collection, plus plain id columns the caller names.
 */
export function referencesTo(db: Database, target: string, plain: RowReference[]): RowReference[] {
  const refs = new Map<string, RowReference>();
  const add = (ref: RowReference) => refs.set(`${ref.collection}.${ref.attribute}`, ref);
  for (const collection of db.collections.values()) {
    for (const field of collection.fields.values()) {
      const options = field.options as { type?: string; target?: string; foreignKey?: string };
      if (!options.foreignKey) continue;
      if (options.type === 'belongsTo' && options.target === target) add({ collection: collection.name, attribute: options.foreignKey });
      if ((options.type === 'hasMany' || options.type === 'hasOne') && collection.name === target && options.target) {
        add({ collection: options.target, attribute: options.foreignKey });
      }
    }
  }
  for (const ref of plain) add(ref);
  return [...refs.values()];
}

async function tableExists(db: Database, collection: Collection, transaction?: Transaction): Promise<boolean> {
  return db.sequelize.getQueryInterface().tableExists(collection.getTableNameWithSchema(), { transaction });
}

/**
 * Merges rows that share the columns of a unique index: per group the row with
 * the smallest id stays, references to the others move to it, the others go.
 * Returns how many rows were removed.
 */
export async function mergeDuplicates(
  db: Database,
  collection: Collection,
  columns: string[],
  references: RowReference[],
  transaction?: Transaction,
): Promise<number> {
  const qi = db.sequelize.getQueryInterface();
  const q = (name: string) => qi.quoteIdentifier(name);
  const table = collection.quotedTableName();
  const pk = q(columnOfAttribute(collection, collection.model.primaryKeyAttribute));
  const cols = columns.map(q);
  const notNull = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const [groups] = (await db.sequelize.query(
    `SELECT MIN(${pk}) AS keep_id, ${cols.join(', ')} FROM ${table} WHERE ${notNull} GROUP BY ${cols.join(', ')} HAVING COUNT(*) > 1`,
    { transaction },
  )) as [Array<Record<string, unknown>>, unknown];
  let removed = 0;
  for (const group of groups) {
    const keep = group.keep_id;
    const match = columns.map((c) => `${q(c)} = ?`).join(' AND ');
    const [dupes] = (await db.sequelize.query(`SELECT ${pk} AS id FROM ${table} WHERE ${match} AND ${pk} <> ?`, {
      replacements: [...columns.map((c) => group[c]), keep],
      transaction,
    })) as [Array<{ id: unknown }>, unknown];
    const ids = dupes.map((d) => d.id);
    if (!ids.length) continue;
    for (const ref of references) {
      const child = db.getCollection(ref.collection);
      if (!child || !(await tableExists(db, child, transaction))) continue;
      const column = columnOfAttribute(child, ref.attribute);
      // A child row that, repointed, would repeat one of the kept row's under a unique key of the
      // child (e.g. the same folder membership of both copies of a conversation) is that same row: drop it.
      const keys = declaredIndexes(child).filter((i) => i.unique && i.columns.includes(column) && i.columns.length > 1);
      for (const id of ids) {
        for (const key of keys) {
          const others = key.columns.filter((c) => c !== column).map(q);
          const tuple = others.length > 1 ? `(${others.join(', ')})` : others[0];
          await db.sequelize.query(
            `DELETE FROM ${child.quotedTableName()} WHERE ${q(column)} = ? AND ${tuple} IN (SELECT ${others.join(', ')} FROM (SELECT ${others.join(', ')} FROM ${child.quotedTableName()} WHERE ${q(column)} = ?) AS kept_rows)`,
            { replacements: [id, keep], transaction },
          );
        }
        await db.sequelize.query(`UPDATE ${child.quotedTableName()} SET ${q(column)} = ? WHERE ${q(column)} = ?`, { replacements: [keep, id], transaction });
      }
    }
    const marks = ids.map(() => '?').join(', ');
    await db.sequelize.query(`DELETE FROM ${table} WHERE ${pk} IN (${marks})`, { replacements: ids, transaction });
    removed += ids.length;
  }
  return removed;
}

export interface RepairOptions {
  /** Plain id columns (not associations) that point at rows of a collection, by target collection. */
  plainReferences?: Record<string, RowReference[]>;
  logger?: IndexLogger;
  transaction?: Transaction;
}

/**
 * Creates every declared index missing on the collections' tables, merging
 * duplicates first where a unique one is missing. Returns what it created.
 */
export async function repairDeclaredIndexes(db: Database, names: Iterable<string>, options: RepairOptions = {}): Promise<string[]> {
  const created: string[] = [];
  const qi = db.sequelize.getQueryInterface();
  for (const name of names) {
    const collection = db.getCollection(name);
    if (!collection || !(await tableExists(db, collection, options.transaction))) continue;
    for (const index of await missingIndexes(db, collection, options.transaction)) {
      if (index.unique) {
        const refs = referencesTo(db, name, options.plainReferences?.[name] ?? []);
        const removed = await mergeDuplicates(db, collection, index.columns, refs, options.transaction);
        if (removed) options.logger?.warn(`Merged ${removed} duplicate row(s) of ${name} before restoring its unique key`, { index: index.name });
      }
      await qi.addIndex(collection.getTableNameWithSchema(), index.columns, {
        name: index.name,
        unique: index.unique,
        transaction: options.transaction,
      });
      created.push(`${name}:${index.name}`);
    }
  }
  if (created.length) options.logger?.info('Restored missing indexes', { indexes: created });
  return created;
}

type SyncFn = (this: unknown, options?: { transaction?: Transaction }) => Promise<unknown>;
const wrapped = new WeakSet<object>();

/**
 * Repairs a collection's indexes after every sync of its model, whichever path
 * synced it (the app's sync, `collection.sync()`, or as another's association).
 */
export function keepIndexesAfterSync(db: Database, names: ReadonlySet<string>, options: Omit<RepairOptions, 'transaction'> = {}): void {
  const wrap = (collection: Collection) => {
    if (!names.has(collection.name)) return;
    const model = collection.model as unknown as { sync: SyncFn };
    if (wrapped.has(model)) return;
    wrapped.add(model);
    const original = model.sync;
    model.sync = async function syncKeepingIndexes(this: unknown, syncOptions?: { transaction?: Transaction }) {
      const result = await original.call(this, syncOptions);
      await repairDeclaredIndexes(db, [collection.name], { ...options, transaction: syncOptions?.transaction });
      return result;
    };
  };
  for (const collection of db.collections.values()) wrap(collection);
  db.on('afterDefineCollection', wrap);
}
