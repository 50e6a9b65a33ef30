import type { Plugin } from '@nocobase/client';

/** The Email manager client plugin (built into dist/client). */
declare const PluginEmailManagerClient: typeof Plugin;
export default PluginEmailManagerClient;
