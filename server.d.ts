import type { Plugin } from '@nocobase/server';

/** The Email manager server plugin (built into dist/server). */
declare const PluginEmailManagerServer: typeof Plugin;
export default PluginEmailManagerServer;
