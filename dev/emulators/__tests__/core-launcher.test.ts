import { spawn } from 'node:child_process';
import path from 'node:path';
import { DEMO_SEED, startEmulators, type StartedEmulators } from '../index';
import { gmailFor } from './google-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('emulator launcher', () => {
  let emulators: StartedEmulators;

  beforeAll(async () => {
    emulators = await startEmulators({
      seed: {
        users: [
          { provider: 'google', address: 'alex@gmail.test', name: 'Alex Demo', messages: 12 },
          { provider: 'microsoft', address: 'alex@outlook.test', name: 'Alex Demo', messages: 12 },
        ],
      },
    });
  });
  afterAll(() => emulators.close());

  it('exports the MAIL_* variables that point at both emulators', () => {
    const google = emulators.google?.url as string;
    expect(emulators.env).toMatchObject({
      MAIL_GOOGLE_AUTH_URL: `${google}/o/oauth2/v2/auth`,
      MAIL_GOOGLE_TOKEN_URL: `${google}/token`,
      MAIL_GOOGLE_REVOKE_URL: `${google}/revoke`,
      MAIL_GOOGLE_API_URL: `${google}/`,
      MAIL_MICROSOFT_AUTHORITY_URL: emulators.microsoft?.authorityUrl,
      MAIL_GRAPH_API_URL: emulators.microsoft?.graphUrl,
    });
    expect(emulators.microsoft?.url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(DEMO_SEED.users.map((u) => `${u.provider}:${u.address}:${u.messages}`)).toEqual([
      'google:alex@gmail.test:300',
      'google:sam@gmail.test:60',
      'microsoft:alex@outlook.test:300',
    ]);
  });

  it('seeds recent mail and carries mail from Gmail to Outlook', async () => {
    const google = emulators.google!;
    const gmail = await gmailFor(google, 'alex@gmail.test');
    const list = await gmail.users.messages.list({ userId: 'me', maxResults: 1, includeSpamTrash: true });
    const newest = await gmail.users.messages.get({ userId: 'me', id: list.data.messages?.[0].id as string, format: 'minimal' });
    expect(Date.now() - Number(newest.data.internalDate)).toBeLessThan(180 * 86_400_000);

    const raw = Buffer.from('To: Alex <alex@outlook.test>\r\nSubject: From Gmail to Outlook\r\nMessage-ID: <cross-1@gmail.test>\r\n\r\nhello\r\n');
    await gmail.users.messages.send({ userId: 'me', requestBody: { raw: raw.toString('base64url') } });
    const outlook = await emulators.microsoft!.control.mailbox('alex@outlook.test');
    expect(outlook.messages.some((m) => m.internetMessageId === '<cross-1@gmail.test>')).toBe(true);
  });

  it('runs standalone: prints EMULATORS_READY with the env and stops on SIGTERM', async () => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['dev/emulators/cli.ts', '--google-port', '0', '--microsoft-port', '0', '--seed', 'none'], { cwd: ROOT });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = out.split('\n').find((l) => l.startsWith('EMULATORS_READY '));
        if (ready) resolve(ready);
      });
      child.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${out}`)));
    });
    const ready = JSON.parse(line.slice('EMULATORS_READY '.length)) as { env: Record<string, string>; google: { url: string } };
    expect(ready.env.MAIL_GOOGLE_API_URL).toBe(`${ready.google.url}/`);
    const profile = await fetch(`${ready.google.url}/__control/counters`);
    expect(profile.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
