// The plugin manager's view of this plugin, through the API its UI uses (pm:list).
import { callAction, PLUGIN_PACKAGE, type Host } from './host';

export interface PluginListItem {
  packageName: string;
  displayName?: string;
  description?: string;
  enabled: boolean;
  isCompatible?: boolean;
}

export async function listPlugins(host: Host, token: string): Promise<PluginListItem[]> {
  const res = await callAction<{ data: PluginListItem[] }>(host.url, token, 'pm:list', { method: 'GET' });
  return res.data;
}

export async function findThisPlugin(host: Host, token: string): Promise<PluginListItem | undefined> {
  return (await listPlugins(host, token)).find((p) => p.packageName === PLUGIN_PACKAGE);
}

/**
 * Polls pm:list until `check` holds for this plugin. NocoBase answers 503 while it
 * unpacks, enables or disables a plugin and restarts, so errors mean "not yet".
 */
export async function waitForThisPlugin(
  host: Host,
  token: string,
  check: (p: PluginListItem | undefined) => boolean,
  timeoutMs = 120_000,
): Promise<PluginListItem | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: PluginListItem | undefined;
  while (Date.now() < deadline) {
    try {
      last = await findThisPlugin(host, token);
      if (check(last)) return last;
    } catch {
      // restarting
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`plugin state not reached in ${timeoutMs / 1000}s; last: ${JSON.stringify(last)}\n${host.logs().split('\n').slice(-40).join('\n')}`);
}
