// Demo mode: the local Google and Microsoft emulators (dev/emulators/cli.ts) run
// beside NocoBase, the plugin is pointed at them through its MAIL_* variables,
// and the demo OAuth clients are filled in through the plugin's own settings API.
import { spawn } from 'node:child_process';
import { callAction, projectRoot, signInApi, track } from './host-lib.mjs';

const READY_PREFIX = 'EMULATORS_READY ';

/**
 * Starts the emulators (seeded with the demo mailboxes) and resolves once they print their
 * ready line. Ports: EMULATOR_GOOGLE_PORT (13101) and EMULATOR_MICROSOFT_PORT (13102).
 */
export function startDemoEmulators({ log = console.log, googlePort, microsoftPort, seed = 'demo', timeoutMs = 120_000 } = {}) {
  const gPort = String(googlePort ?? process.env.EMULATOR_GOOGLE_PORT ?? 13101);
  const mPort = String(microsoftPort ?? process.env.EMULATOR_MICROSOFT_PORT ?? 13102);
  const child = track(
    // `node --import tsx` rather than the tsx launcher: one process, so stopping it stops the emulators.
    spawn(process.execPath, ['--import', 'tsx', 'dev/emulators/cli.ts', '--google-port', gPort, '--microsoft-port', mPort, '--seed', seed], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  log(`starting emulators (google :${gPort}, microsoft :${mPort}, seed ${seed})`);

  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`emulators not ready within ${timeoutMs / 1000}s\n${stderr}`)), timeoutMs);
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(err);
    };
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('exit', (code, signal) => fail(new Error(`emulators exited (${signal ?? code}) before they were ready\n${stderr}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith(READY_PREFIX));
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      const info = JSON.parse(line.slice(READY_PREFIX.length));
      resolve({
        info,
        env: info.env,
        close: () => stopEmulators(child),
        describe: () => describeDemo(info),
      });
    });
  });
}

function stopEmulators(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function describeDemo(info) {
  const lines = ['', '  Demo emulators:'];
  if (info.google) lines.push(`    Google     ${info.google.url}  (client ${info.google.clientId})`);
  if (info.microsoft) {
    // The browser signs in over plain HTTP (MAIL_MICROSOFT_AUTHORIZE_URL, in info.env): no dev-CA warning.
    const signIn = info.microsoft.signInUrl ? `, sign-in page ${info.microsoft.signInUrl}` : '';
    lines.push(`    Microsoft  ${info.microsoft.url}  (client ${info.microsoft.clientId}${signIn})`);
  }
  if (info.users?.length) lines.push(`  Demo mailboxes to link: ${info.users.map((u) => `${u.address} (${u.provider})`).join(', ')}`);
  return lines;
}

/** Saves the demo OAuth clients as the plugin's Google / Microsoft settings, as the admin. */
export async function configureDemoProviders(url, emulators, { log = console.log } = {}) {
  const token = await signInApi(url);
  const { google, microsoft } = emulators.info;
  for (const [provider, client] of [
    ['google', google],
    ['microsoft', microsoft],
  ]) {
    if (!client) continue;
    await callAction(url, token, 'mailSettings:set', {
      body: { provider, enabled: true, clientId: client.clientId, clientSecret: client.clientSecret },
    });
    log(`${provider} OAuth client set to the emulator's demo app (${client.clientId})`);
  }
}
