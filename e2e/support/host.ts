// One NocoBase host per e2e test file: fresh storage, free port, stopped in afterAll.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot, startHost, type Host, type StartHostOptions } from '../../dev/host/host-lib.mjs';

export * from '../../dev/host/host-lib.mjs';

/** Fresh storage under .cache/e2e/<name>-<pid>, removed when the host stops (kept on failure for debugging when E2E_KEEP=1). */
export async function startTestHost(name: string, options: Omit<StartHostOptions, 'storageDir'> = {}): Promise<Host> {
  const storageDir = path.join(projectRoot, '.cache/e2e', `${name}-${process.pid}`);
  fs.rmSync(storageDir, { recursive: true, force: true });
  const echo = process.env.E2E_HOST_LOGS ? (chunk: string) => process.stdout.write(chunk) : undefined;
  const host = await startHost({ dialect: 'sqlite', build: false, echo, ...options, storageDir });
  return {
    ...host,
    stop: async () => {
      await host.stop();
      if (!process.env.E2E_KEEP) fs.rmSync(storageDir, { recursive: true, force: true });
    },
  };
}
