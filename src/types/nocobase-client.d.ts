/**
 * The small part of `@nocobase/client` 2.2 this plugin uses. The package cannot
 * be installed here (its client-v2 and flow-engine dependencies are not on the
 * registry); the host provides it at run time, so only its types live here.
 */
import type { ComponentType, ReactNode } from 'react';

export interface APIRequestConfig {
  url: string;
  method?: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  data?: unknown;
  params?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Suppresses the host's automatic error toast so the page can explain the error itself. */
  skipNotify?: boolean;
  responseType?: 'json' | 'blob' | 'text' | 'arraybuffer';
}

export interface APIResponse<T> {
  data: T;
  status: number;
  headers: Record<string, string>;
}

export interface APIClient {
  request<T = unknown>(config: APIRequestConfig): Promise<APIResponse<T>>;
}

export interface PluginSettingOptions {
  title: ReactNode;
  icon?: string | ReactNode;
  Component?: ComponentType;
  aclSnippet?: string;
  sort?: number;
  isTopLevel?: boolean;
}

export interface RouteType {
  path: string;
  Component?: ComponentType | string;
  element?: ReactNode;
}

export interface I18nLike {
  t(key: string, options?: Record<string, unknown>): string;
  language: string;
}

export declare class Application {
  pluginSettingsManager: {
    add(name: string, options: PluginSettingOptions): void;
    getRoutePath(name: string): string;
  };
  router: {
    add(name: string, route: RouteType): void;
  };
  apiClient: APIClient;
  i18n: I18nLike;
  addComponents(components: Record<string, ComponentType<never>>): void;
  /** Wraps the whole app in a provider component. */
  use<P extends object>(component: ComponentType<P>, props?: P): void;
  getPublicPath(): string;
}

export interface PluginOptions {
  name?: string;
  packageName?: string;
}

export declare class Plugin {
  constructor(options: PluginOptions, app: Application);
  options: PluginOptions;
  protected app: Application;
  afterAdd(): Promise<void>;
  beforeLoad(): Promise<void>;
  load(): Promise<void>;
}

export declare function useAPIClient(): APIClient;
export declare function useApp(): Application;

export interface PinnedPluginItem {
  order: number;
  component: string;
  pin: boolean;
  /** ACL snippet required to see the item; `*` for every signed-in user. */
  snippet: string;
}

/** Adds icons to the top bar (next to the settings gear). */
export declare const PinnedPluginListProvider: ComponentType<{ items: Record<string, PinnedPluginItem>; children?: ReactNode }>;
/** Registers components by name for schema-driven UI such as the pinned list. */
export declare const SchemaComponentOptions: ComponentType<{ components?: Record<string, ComponentType<never>>; children?: ReactNode }>;
