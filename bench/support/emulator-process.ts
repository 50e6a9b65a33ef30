/**
 * The provider emulators in a child process (dev/emulators/cli.ts), so the
 * sync benchmark's time, CPU and memory are the plugin's alone: in process,
 * rendering Graph pages and Gmail messages took about 40 % of the sync's wall
 * time and all of its allocations showed up in our RSS. The result has the
 * shape of `startEmulators()` for what the acceptance tests' MailWorld and
 * providerSide use of it: `env`, each provider's `control` and `close()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GoogleEmulatorControl } from '../../dev/emulators/google';
import { MicrosoftEmulatorControl } from '../../dev/emulators/microsoft';
import type { ProviderName } from '../../src/server/providers/types';
import type { Emulators } from '../../src/server/sync/__tests__/support/mail-world';

const ROOT = path.resolve(__dirname, '../..');
const READY = 'EMULATORS_READY ';
const START_TIMEOUT_MS = 60_000;

interface ReadyLine {
  google: { url: string } | null;
  microsoft: { url: string } | null;
  env: Record<string, string>;
}

export interface EmulatorProcess {
  emulators: Emulators;
  pid: number;
}

function waitForReady(child: ChildProcess): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the emulator process did not start within 60 s')), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith(READY));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY.length)) as ReadyLine);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator process exited (${String(code)}) before it was ready`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts one provider's emulator, unseeded (seed it through its control API). */
export async function startEmulatorProcess(provider: ProviderName): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/emulators/cli.ts', provider === 'google' ? '--no-microsoft' : '--no-google', '--seed', 'none'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready: ReadyLine;
  try {
    ready = await waitForReady(child);
  } catch (error) {
    await stop(child);
    throw error;
  }
  const close = () => stop(child);
  const remote = {
    env: ready.env,
    ...(ready.google ? { google: { control: new GoogleEmulatorControl(ready.google.url) } } : {}),
    ...(ready.microsoft ? { microsoft: { control: new MicrosoftEmulatorControl(ready.microsoft.url) } } : {}),
    close,
  };
  // MailWorld and providerSide only touch `env`, `<provider>.control` and `close` of it; the
  // in-process extras (state, server, deliverRaw) do not exist across a process boundary.
  return { emulators: remote as unknown as Emulators, pid: child.pid ?? -1 };
}
