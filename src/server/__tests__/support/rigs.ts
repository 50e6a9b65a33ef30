/**
 * One shape for "a provider's emulator plus a user's browser", so plugin-level
 * tests run the same scenario against Google and Microsoft.
 */
import type { DeliverOptions, FaultSpec, LogEntry, SeedUser as EmulatorSeedShape } from '../../../../dev/emulators/core/types';
import { DEMO_GOOGLE_CLIENT_ID, DEMO_GOOGLE_CLIENT_SECRET, startGoogleEmulator, type GoogleEmulator } from '../../../../dev/emulators/google';
import { MICROSOFT_DEMO_CLIENT_ID, MICROSOFT_DEMO_CLIENT_SECRET, startMicrosoftEmulator, type MicrosoftEmulator } from '../../../../dev/emulators/microsoft';
import type { ProviderName } from '../../providers/types';

/** A mailbox to seed: the emulators' own seed shape, the fields these rigs use. */
export type SeedUser = Pick<EmulatorSeedShape, 'address' | 'name' | 'messages' | 'seed' | 'aliases'>;

export interface ProviderRig {
  provider: ProviderName;
  env: Record<string, string>;
  clientId: string;
  clientSecret: string;
  /** The user's browser on the consent page: returns where the provider redirects. */
  consent(authUrl: string, account: string, decision: 'allow' | 'deny'): Promise<URL>;
  log(): Promise<LogEntry[]>;
  clearLog(): Promise<void>;
  fault(spec: FaultSpec): Promise<unknown>;
  clearFaults(): Promise<void>;
  setAccessTokenLifetime(seconds: number): Promise<unknown>;
  /** An OAuth app registered at the provider with only these redirect URIs. */
  registerClient(client: { clientId: string; clientSecret: string; redirectUris: string[] }): Promise<unknown>;
  /** New mail arriving at the provider (from outside). */
  deliver(options: DeliverOptions): Promise<unknown>;
  /** The messages the provider holds for a mailbox, read from the emulator's state (not through the plugin). */
  mailbox(address: string): Promise<ProviderSideMessage[]>;
  close(): Promise<void>;
}

export interface ProviderSideMessage {
  id: string;
  internetMessageId: string | null;
  /** In Sent (Gmail label SENT, Outlook Sent Items). */
  sent: boolean;
  draft: boolean;
}

const unescapeHtml = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

async function submitConsent(authUrl: string, fields: (html: string) => { action: string; form: URLSearchParams }): Promise<URL> {
  const page = await fetch(authUrl, { redirect: 'manual' });
  if (page.status === 302) return new URL(page.headers.get('location') ?? '');
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 200)}`);
  const { action, form } = fields(html);
  const answer = await fetch(new URL(unescapeHtml(action), authUrl), { method: 'POST', body: form, redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
  return new URL(location);
}

type RigControls = Pick<ProviderRig, 'log' | 'clearLog' | 'fault' | 'clearFaults' | 'setAccessTokenLifetime' | 'registerClient' | 'deliver' | 'close'>;

/** Both emulators' control clients speak the same verbs. */
function controlsOf(emu: { control: GoogleEmulator['control'] | MicrosoftEmulator['control']; close(): Promise<void> }): RigControls {
  return {
    log: () => emu.control.log(),
    clearLog: () => emu.control.clearLog(),
    fault: (spec) => emu.control.fault(spec),
    clearFaults: () => emu.control.clearFaults(),
    setAccessTokenLifetime: (seconds) => emu.control.setTokenLifetime({ accessTokenSeconds: seconds }),
    registerClient: (client) => emu.control.registerClient(client),
    deliver: (options) => emu.control.deliver(options),
    close: () => emu.close(),
  };
}

export async function startProviderRig(provider: ProviderName, users: SeedUser[]): Promise<ProviderRig> {
  if (provider === 'google') {
    const emu = await startGoogleEmulator();
    await emu.control.seed({ users });
    return {
      provider,
      env: { MAIL_GOOGLE_AUTH_URL: emu.authUrl, MAIL_GOOGLE_TOKEN_URL: emu.tokenUrl, MAIL_GOOGLE_REVOKE_URL: emu.revokeUrl, MAIL_GOOGLE_API_URL: emu.apiUrl },
      mailbox: async (address) =>
        (await emu.control.mailbox(address)).messages.map((m) => ({
          id: m.id,
          internetMessageId: m.messageId,
          sent: m.labelIds.includes('SENT'),
          draft: m.labelIds.includes('DRAFT'),
        })),
      clientId: DEMO_GOOGLE_CLIENT_ID,
      clientSecret: DEMO_GOOGLE_CLIENT_SECRET,
      consent: (url, account, decision) =>
        submitConsent(url, (html) => {
          const action = /<form method="POST" action="([^"]+)"/i.exec(html)?.[1] ?? '';
          const requestId = /name="request_id" value="([^"]*)"/.exec(html)?.[1] ?? '';
          return { action, form: new URLSearchParams({ request_id: unescapeHtml(requestId), account, email: '', decision }) };
        }),
      ...controlsOf(emu),
    };
  }
  const emu = await startMicrosoftEmulator();
  await emu.control.seed({ users });
  return {
    provider,
    env: { MAIL_MICROSOFT_AUTHORITY_URL: emu.authorityUrl, MAIL_GRAPH_API_URL: emu.graphUrl },
    mailbox: async (address) =>
      (await emu.control.mailbox(address)).messages.map((m) => ({
        id: m.id,
        internetMessageId: m.internetMessageId,
        sent: m.folder === 'sentitems',
        draft: m.isDraft,
      })),
    clientId: MICROSOFT_DEMO_CLIENT_ID,
    clientSecret: MICROSOFT_DEMO_CLIENT_SECRET,
    consent: (url, account, decision) =>
      submitConsent(url, (html) => {
        const action = /<form method="post" action="([^"]+)"/i.exec(html)?.[1] ?? '';
        const request = /name="request" value="([^"]*)"/.exec(html)?.[1] ?? '';
        return { action, form: new URLSearchParams({ request: unescapeHtml(request), account, decision: decision === 'allow' ? 'accept' : 'cancel' }) };
      }),
    ...controlsOf(emu),
  };
}
