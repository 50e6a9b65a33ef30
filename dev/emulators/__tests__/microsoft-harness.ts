/**
 * Shared setup for the Microsoft emulator tests: the real msal-node and Graph client,
 * configured only through their public options, signing in through the consent page.
 */
import { ConfidentialClientApplication, CryptoProvider, type AuthenticationResult } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import {
  MICROSOFT_DEMO_CLIENT_ID,
  MICROSOFT_DEMO_CLIENT_SECRET,
  startMicrosoftEmulator,
  type MicrosoftEmulator,
} from '../microsoft';

export const REDIRECT_URI = 'http://localhost:13000/api/mail/oauth/callback';
export const GRAPH_SCOPES = [
  'https://graph.microsoft.com/Mail.ReadWrite',
  'https://graph.microsoft.com/Mail.Send',
  'https://graph.microsoft.com/User.Read',
  'offline_access',
];

export function msalClient(emulator: MicrosoftEmulator, secret = MICROSOFT_DEMO_CLIENT_SECRET, clientId = MICROSOFT_DEMO_CLIENT_ID): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      clientSecret: secret,
      authority: `${emulator.authorityUrl}/common`,
      knownAuthorities: [new URL(emulator.authorityUrl).host],
    },
  });
}

export interface ConsentOptions {
  account: string;
  decision?: 'accept' | 'cancel';
  /** Address typed instead of picked. */
  login?: string;
}

/** Submits the emulated consent page for an authorize URL; returns the redirect target. */
export async function consent(authUrl: string, options: ConsentOptions): Promise<URL> {
  const page = await fetch(authUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${await page.text()}`);
  const url = new URL(authUrl);
  const form = new URLSearchParams({ request: url.search.slice(1), account: options.account, decision: options.decision ?? 'accept' });
  if (options.login) form.set('login', options.login);
  const response = await fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`consent answered ${response.status}: ${await response.text()}`);
  return new URL(location);
}

export interface SignIn {
  cca: ConfidentialClientApplication;
  result: AuthenticationResult;
}

/** The authorization code flow with PKCE, as the plugin runs it. */
export async function signIn(emulator: MicrosoftEmulator, account: string, cca = msalClient(emulator)): Promise<SignIn> {
  const crypto = new CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const authUrl = await cca.getAuthCodeUrl({
    scopes: GRAPH_SCOPES,
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state: crypto.createNewGuid(),
    loginHint: account,
  });
  const redirect = await consent(authUrl, { account });
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code in ${redirect.toString()}`);
  const result = await cca.acquireTokenByCode({ code, scopes: GRAPH_SCOPES, redirectUri: REDIRECT_URI, codeVerifier: verifier });
  return { cca, result };
}

export function graphClient(emulator: MicrosoftEmulator, token: string | (() => Promise<string>)): Client {
  return Client.initWithMiddleware({
    baseUrl: emulator.graphUrl,
    customHosts: new Set([new URL(emulator.graphUrl).hostname]),
    authProvider: { getAccessToken: async () => (typeof token === 'string' ? token : token()) },
  });
}

export async function startSeeded(users: Array<{ address: string; name: string; messages: number; aliases?: string[] }>): Promise<MicrosoftEmulator> {
  const emulator = await startMicrosoftEmulator();
  await emulator.control.seed({ users });
  return emulator;
}

/** Plain HTTPS call with a bearer token, to see raw status codes and headers (no client retries). */
export async function rawGraph(emulator: MicrosoftEmulator, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emulator.graphUrl}/v1.0${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
}
