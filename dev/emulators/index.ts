/**
 * Starts the local provider emulators for tests, benchmarks and the demo (never loaded by the plugin).
 *
 * `env` holds the MAIL_* variables that point the plugin at them (and NODE_EXTRA_CA_CERTS for the
 * Microsoft emulator's dev CA, which a child process needs at start-up). Mail sent from one emulator
 * to an address of the other is delivered across.
 */
import type { EmulatorControl, SeedUser } from './core';
import { seedGoogle, startGoogleEmulator, type GoogleEmulator } from './google';
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET } from './google/state';
import { MICROSOFT_DEMO_CLIENT_ID, MICROSOFT_DEMO_CLIENT_SECRET, seedMicrosoft, startMicrosoftEmulator, type MicrosoftEmulator } from './microsoft';
import { ensureDevCertificate } from './tls';

export { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET };
/** The demo Microsoft app registration (client id is a GUID, as Entra issues them). */
export const DEMO_MICROSOFT_CLIENT_ID = MICROSOFT_DEMO_CLIENT_ID;
export const DEMO_MICROSOFT_CLIENT_SECRET = MICROSOFT_DEMO_CLIENT_SECRET;

export type EmulatorProvider = 'google' | 'microsoft';

export interface EmulatorSeedUser extends SeedUser {
  provider: EmulatorProvider;
  messages: number;
}

export interface StartEmulatorsOptions {
  /** Default true. */
  google?: boolean | { port?: number };
  /** Default true. `browserPort`: where the plain-HTTP sign-in pages listen (default: a free port). */
  microsoft?: boolean | { port?: number; browserPort?: number };
  seed?: { users: EmulatorSeedUser[] };
}

export interface StartedEmulators {
  google?: GoogleEmulator;
  microsoft?: MicrosoftEmulator;
  /** MAIL_GOOGLE_* / MAIL_MICROSOFT_AUTHORITY_URL / MAIL_MICROSOFT_AUTHORIZE_URL / MAIL_GRAPH_API_URL (+ NODE_EXTRA_CA_CERTS with Microsoft). */
  env: Record<string, string>;
  /** Control clients by provider, for code that handles both alike. */
  controls: Partial<Record<EmulatorProvider, EmulatorControl>>;
  close(): Promise<void>;
}

/** The demo world: Alex has a Gmail and an Outlook mailbox with 300 messages each, Sam a smaller Gmail one. */
export const DEMO_SEED: { users: EmulatorSeedUser[] } = {
  users: [
    { provider: 'google', address: 'alex@gmail.test', name: 'Alex Demo', messages: 300, seed: 1 },
    { provider: 'google', address: 'sam@gmail.test', name: 'Sam Demo', messages: 60, seed: 2 },
    { provider: 'microsoft', address: 'alex@outlook.test', name: 'Alex Demo', messages: 300, seed: 3 },
  ],
};

const DAY = 86_400_000;

function portOf(option: boolean | { port?: number } | undefined): number | null {
  if (option === false) return null;
  return typeof option === 'object' ? (option.port ?? 0) : 0;
}

/** Generated mail ends now (so a "last N days" sync window sees it) unless the seed says otherwise. */
function withRecentDates(user: EmulatorSeedUser, now: number): SeedUser {
  const { provider: _provider, ...rest } = user;
  return { ...rest, endDate: user.endDate ?? new Date(now).toISOString(), startDate: user.startDate ?? new Date(now - 180 * DAY).toISOString() };
}

export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<StartedEmulators> {
  const googlePort = portOf(options.google);
  const microsoftPort = portOf(options.microsoft);
  let google: GoogleEmulator | undefined;
  let microsoft: MicrosoftEmulator | undefined;
  try {
    if (googlePort !== null) {
      google = await startGoogleEmulator({
        port: googlePort,
        externalDelivery: async (raw, recipients) => {
          await microsoft?.deliverRaw(raw, recipients);
        },
      });
    }
    if (microsoftPort !== null) {
      microsoft = await startMicrosoftEmulator({
        port: microsoftPort,
        // Browsers reach the sign-in pages over plain HTTP: no dev-CA warning for a newcomer.
        browserPort: typeof options.microsoft === 'object' ? (options.microsoft.browserPort ?? 0) : 0,
        externalDelivery: async (raw, recipients) => {
          await google?.deliverRaw(raw, recipients);
        },
      });
    }
    const now = Date.now();
    const users = options.seed?.users ?? [];
    const googleUsers = users.filter((u) => u.provider === 'google').map((u) => withRecentDates(u, now));
    const microsoftUsers = users.filter((u) => u.provider === 'microsoft').map((u) => withRecentDates(u, now));
    if (googleUsers.length > 0) {
      if (!google) throw new Error('seed has Google users but the Google emulator is off');
      await seedGoogle(google.state, { users: googleUsers });
    }
    if (microsoftUsers.length > 0) {
      if (!microsoft) throw new Error('seed has Microsoft users but the Microsoft emulator is off');
      await seedMicrosoft(microsoft.state, { users: microsoftUsers });
    }
  } catch (error) {
    await Promise.all([google?.close(), microsoft?.close()]);
    throw error;
  }

  const env: Record<string, string> = {};
  if (google) {
    env.MAIL_GOOGLE_AUTH_URL = google.authUrl;
    env.MAIL_GOOGLE_TOKEN_URL = google.tokenUrl;
    env.MAIL_GOOGLE_REVOKE_URL = google.revokeUrl;
    env.MAIL_GOOGLE_API_URL = google.apiUrl;
  }
  if (microsoft) {
    env.MAIL_MICROSOFT_AUTHORITY_URL = microsoft.authorityUrl;
    if (microsoft.browserUrl) env.MAIL_MICROSOFT_AUTHORIZE_URL = microsoft.browserUrl;
    env.MAIL_GRAPH_API_URL = microsoft.graphUrl;
    env.NODE_EXTRA_CA_CERTS = ensureDevCertificate().caPath;
  }
  return {
    google,
    microsoft,
    env,
    controls: { ...(google ? { google: google.control } : {}), ...(microsoft ? { microsoft: microsoft.control } : {}) },
    close: async () => {
      await Promise.all([google?.close(), microsoft?.close()]);
    },
  };
}
