// Types for host-lib.mjs (plain Node ESM so `npm start` needs no TypeScript step).
import type { ChildProcess } from 'node:child_process';

export type Dialect = 'sqlite' | 'postgres' | 'mariadb';

export interface DatabaseConfig {
  dialect: Dialect;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
}

export interface StartHostOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Absent: a fresh directory under .cache/hosts/. */
  storageDir?: string;
  dialect?: Dialect;
  /** PostgreSQL / MariaDB database name. */
  database?: string;
  /** Stage and enable this plugin (default true). */
  withPlugin?: boolean;
  /** Wipe the storage dir (and the database) first. */
  reset?: boolean;
  /** Run `npm run build` when dist/ is stale (default true). */
  build?: boolean;
  /**
   * Also run the provider emulators (dev/emulators/cli.ts, seeded with the demo mailboxes), pass
   * their MAIL_* variables and dev CA to NocoBase and save the demo OAuth clients as the plugin's
   * settings. Ports default to 13101 / 13102; 0 picks free ones.
   */
  demo?: boolean | { googlePort?: number; microsoftPort?: number };
  /** Extra environment for the NocoBase process (wins over the demo's). */
  env?: Record<string, string>;
  /** Receives NocoBase's output as it arrives. */
  echo?: (chunk: string) => void;
}

export interface DemoEmulators {
  /** The emulators' ready line: URLs, demo clients, demo users, env. */
  info: {
    google: { url: string; clientId: string; clientSecret: string } | null;
    microsoft: { url: string; authorityUrl: string; graphUrl: string; clientId: string; clientSecret: string } | null;
    users: Array<{ provider: 'google' | 'microsoft'; address: string; name: string }>;
    env: Record<string, string>;
  };
  env: Record<string, string>;
  close(): Promise<void>;
  describe(): string[];
}

export interface Host {
  url: string;
  port: number;
  storageDir: string;
  child: ChildProcess;
  timings: Record<string, number>;
  /** Present when started with `demo`. */
  demo?: DemoEmulators;
  logs(): string;
  stop(): Promise<void>;
}

export const projectRoot: string;
export const PLUGIN_PACKAGE: string;
export const ADMIN: { account: string; password: string };

export function buildIsStale(): boolean;
export function ensureBuilt(options?: { force?: boolean; log?: (message: string) => void }): boolean;
export function stagePluginPackage(storageDir: string): string;
export function buildNodeModulesMirror(storageDir: string): string;
export function resolveDatabase(options?: { dialect?: string; database?: string; env?: NodeJS.ProcessEnv }): DatabaseConfig;
export function freePort(): Promise<number>;
export function startHost(options?: StartHostOptions): Promise<Host>;
export function signInApi(url: string, account?: string, password?: string): Promise<string>;
export function callAction<T = unknown>(
  url: string,
  token: string,
  action: string,
  options?: { body?: unknown; method?: string; query?: Record<string, string> },
): Promise<T>;
export function track<T extends import('node:child_process').ChildProcess>(child: T): T;
