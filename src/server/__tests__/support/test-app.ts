/**
 * One way for every server test to get a real NocoBase app with the plugin:
 * `createMockServer` from @nocobase/test on the database named by DB_DIALECT
 * (SQLite in memory by default), with the env the host's plugin manager needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CollectionOptions } from '@nocobase/database';
import { createMockServer, type MockServer, type MockServerOptions } from '@nocobase/test';
import { PluginEmailManagerServer } from '../../plugin';

const PROJECT_ROOT = path.resolve(__dirname, '../../../..');

/** The plugin manager resolves plugin names from these; @nocobase/test reads them at app creation. */
export function ensureHostEnv(): void {
  process.env.NODE_MODULES_PATH ??= path.join(PROJECT_ROOT, 'node_modules');
  process.env.PLUGIN_PACKAGE_PREFIX ??= '@nocobase/plugin-,@nocobase/plugin-sample-,@nocobase/preset-';
  // Tests drive sync explicitly; a background scheduler would race their emulator faults.
  process.env.MAIL_SYNC_AUTOSTART ??= '0';
}

export const HOST_PLUGINS = ['field-sort', 'users', 'auth', 'acl', 'error-handler', 'data-source-manager', 'data-source-main'];

export type TestApp = MockServer;

const COLLECTIONS_DIR = path.join(PROJECT_ROOT, 'src/server/collections');

/**
 * The host finds a plugin's collections through its package name; a plugin class
 * handed straight to the mock server has none, so read them from the sources.
 */
class PluginUnderTest extends PluginEmailManagerServer {
  override async loadCollections(): Promise<void> {
    // Imported through vitest (which compiles TS) rather than the host's require().
    const files = fs.readdirSync(COLLECTIONS_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    for (const file of files.sort()) {
      const mod = (await import(path.join(COLLECTIONS_DIR, file))) as { default: CollectionOptions };
      this.db.collection(mod.default);
    }
  }
}

export interface TestAppOptions extends MockServerOptions {
  /** Extra host plugins (names or classes) loaded before ours. */
  extraPlugins?: MockServerOptions['plugins'];
}

/** A started app with the Email manager plugin installed; call `app.destroy()` in afterAll. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  ensureHostEnv();
  const { extraPlugins = [], ...rest } = options;
  return createMockServer({
    acl: true,
    ...rest,
    plugins: [...HOST_PLUGINS, ...(extraPlugins ?? []), PluginUnderTest],
  });
}

/** The dialect the suite runs on, for tests that only make sense with a shared server database. */
export function dialect(): string {
  return process.env.DB_DIALECT || 'sqlite';
}

/** The Email manager plugin instance of a test app (its services, sync engine, vault). */
export function mailPluginOf(app: Pick<TestApp, 'pm'>): PluginEmailManagerServer {
  const plugin = [...app.pm.getPlugins().values()].find((p) => p instanceof PluginEmailManagerServer);
  if (!plugin) throw new Error('Email manager plugin not loaded');
  return plugin as PluginEmailManagerServer;
}
