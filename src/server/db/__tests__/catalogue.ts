/**
 * Reads a table's indexes straight from the database catalogue (not through
 * Sequelize), and the indexes a collection definition declares, for the
 * index tests on every dialect.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Collection, Database } from '@nocobase/database';

export interface CatalogueIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

type Rows = Array<Record<string, unknown>>;

async function rows(db: Database, sql: string, replacements: unknown[] = []): Promise<Rows> {
  const [result] = (await db.sequelize.query(sql, { replacements })) as [Rows, unknown];
  return result;
}

export async function catalogueIndexes(db: Database, table: string): Promise<CatalogueIndex[]> {
  const dialect = db.sequelize.getDialect();
  if (dialect === 'sqlite') {
    const out: CatalogueIndex[] = [];
    for (const index of await rows(db, `PRAGMA index_list(\`${table}\`)`)) {
      if (index.origin === 'pk') continue;
      const info = await rows(db, `PRAGMA index_info(\`${String(index.name)}\`)`);
      out.push({ name: String(index.name), unique: Number(index.unique) === 1, columns: info.sort((a, b) => Number(a.seqno) - Number(b.seqno)).map((c) => String(c.name)) });
    }
    return out;
  }
  if (dialect === 'postgres') {
    const found = await rows(db, 'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?', [table]);
    return found
      .filter((r) => !String(r.indexname).endsWith('_pkey'))
      .map((r) => {
        const def = String(r.indexdef);
        const list = def.slice(def.lastIndexOf('(') + 1, def.lastIndexOf(')'));
        return { name: String(r.indexname), unique: /CREATE UNIQUE INDEX/i.test(def), columns: list.split(',').map((c) => c.trim().replace(/^"|"$/g, '')) };
      });
  }
  const found = await rows(
    db,
    'SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col, SEQ_IN_INDEX AS seq FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [table],
  );
  const byName = new Map<string, CatalogueIndex>();
  for (const r of found) {
    const name = String(r.name);
    if (name === 'PRIMARY') continue;
    const index = byName.get(name) ?? { name, unique: Number(r.nonUnique) === 0, columns: [] };
    index.columns.push(String(r.col));
    byName.set(name, index);
  }
  return [...byName.values()];
}

const COLLECTIONS_DIR = path.resolve(__dirname, '../../collections');

/** Names of every collection the plugin defines (one file each in src/server/collections). */
export async function ourCollectionNames(): Promise<string[]> {
  const names: string[] = [];
  for (const file of fs.readdirSync(COLLECTIONS_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(path.join(COLLECTIONS_DIR, file))) as { default: { name: string } };
    names.push(mod.default.name);
  }
  return names;
}

/** What the definition declares: its `indexes` and every `unique` field, as column lists. */
export function declaredByDefinition(collection: Collection): Array<{ columns: string[]; unique: boolean }> {
  const options = collection.options as { indexes?: Array<{ fields: string[]; unique?: boolean }>; fields?: Array<{ name: string; unique?: boolean }> };
  const column = (attribute: string) => (collection.model.rawAttributes[attribute] as { field?: string } | undefined)?.field ?? attribute;
  return [
    ...(options.indexes ?? []).map((i) => ({ columns: i.fields.map(column), unique: Boolean(i.unique) })),
    ...(options.fields ?? []).filter((f) => f.unique).map((f) => ({ columns: [column(f.name)], unique: true })),
  ];
}

/** Declared indexes of the collection that the catalogue lacks, described for an assertion message. */
export async function missingFromCatalogue(db: Database, collection: Collection): Promise<string[]> {
  const present = await catalogueIndexes(db, collection.model.getTableName() as string);
  return declaredByDefinition(collection)
    .filter((d) => !present.some((p) => p.columns.join(',') === d.columns.join(',') && (!d.unique || p.unique)))
    .map((d) => `${collection.name}(${d.columns.join(', ')})${d.unique ? ' unique' : ''}`);
}
