/**
 * Standalone emulators for the demo and manual testing:
 *
 *   npx tsx dev/emulators/cli.ts --google-port 13101 --microsoft-port 13102 --seed demo
 *
 * Prints one line `EMULATORS_READY {json}` (URLs, MAIL_* env vars, demo clients) and stays up
 * until SIGTERM/SIGINT. Flags: --google-port N, --microsoft-port N, --no-google, --no-microsoft,
 * --seed demo|none.
 */
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, DEMO_MICROSOFT_CLIENT_ID, DEMO_MICROSOFT_CLIENT_SECRET, DEMO_SEED, startEmulators } from './index';

interface CliOptions {
  googlePort: number | false;
  microsoftPort: number | false;
  seed: 'demo' | 'none';
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { googlePort: 0, microsoftPort: 0, seed: 'none' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if (arg === '--google-port') options.googlePort = Number(next());
    else if (arg === '--microsoft-port') options.microsoftPort = Number(next());
    else if (arg === '--no-google') options.googlePort = false;
    else if (arg === '--no-microsoft') options.microsoftPort = false;
    else if (arg === '--seed') {
      const seed = next();
      if (seed !== 'demo' && seed !== 'none') throw new Error(`unknown seed ${seed}`);
      options.seed = seed;
    } else throw new Error(`unknown argument ${arg}`);
  }
  for (const port of [options.googlePort, options.microsoftPort]) {
    if (port !== false && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new Error(`invalid port ${String(port)}`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulators = await startEmulators({
    google: options.googlePort === false ? false : { port: options.googlePort },
    microsoft: options.microsoftPort === false ? false : { port: options.microsoftPort },
    seed: options.seed === 'demo' ? DEMO_SEED : undefined,
  });
  const ready = {
    google: emulators.google ? { url: emulators.google.url, clientId: DEMO_GOOGLE_CLIENT_ID, clientSecret: DEMO_GOOGLE_CLIENT_SECRET } : null,
    microsoft: emulators.microsoft
      ? {
          url: emulators.microsoft.url,
          authorityUrl: emulators.microsoft.authorityUrl,
          graphUrl: emulators.microsoft.graphUrl,
          signInUrl: emulators.microsoft.browserUrl,
          clientId: DEMO_MICROSOFT_CLIENT_ID,
          clientSecret: DEMO_MICROSOFT_CLIENT_SECRET,
        }
      : null,
    users: options.seed === 'demo' ? DEMO_SEED.users.map(({ provider, address, name }) => ({ provider, address, name })) : [],
    env: emulators.env,
  };
  process.stdout.write(`EMULATORS_READY ${JSON.stringify(ready)}\n`);

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void emulators.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulators failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
