import { simpleParser } from 'mailparser';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../microsoft';
import { graphClient, signIn } from './microsoft-harness';

const ALICE = 'alice@contoso.test';

describe('Microsoft emulator mail exchange with other providers', () => {
  let emulator: MicrosoftEmulator;
  const outbound: Array<{ raw: Buffer; recipients: string[] }> = [];

  beforeAll(async () => {
    emulator = await startMicrosoftEmulator({ externalDelivery: (raw, recipients) => void outbound.push({ raw, recipients }) });
    await emulator.control.seed({ users: [{ address: ALICE, name: 'Alice Liddell', messages: 0 }] });
  });
  afterAll(() => emulator.close());

  it('hands mail for addresses it does not host to the delivery hook, without the Bcc line', async () => {
    const alice = graphClient(emulator, (await signIn(emulator, ALICE)).result.accessToken);
    await alice.api('/me/sendMail').post({
      message: {
        subject: 'Hello Gmail',
        body: { contentType: 'Text', content: 'hi' },
        toRecipients: [{ emailAddress: { address: 'gina@gmail.test' } }],
        bccRecipients: [{ emailAddress: { address: 'hidden@gmail.test' } }],
      },
    });
    expect(outbound).toHaveLength(1);
    expect(outbound[0].recipients).toEqual(['gina@gmail.test', 'hidden@gmail.test']);
    const parsed = await simpleParser(outbound[0].raw);
    expect(parsed.subject).toBe('Hello Gmail');
    expect(parsed.bcc).toBeUndefined();

    // The answer comes back from the other provider and joins Alice's thread.
    const sent = (await alice.api('/me/mailFolders/sentitems/messages').get()).value[0];
    const reply = Buffer.from(
      [
        'From: Gina <gina@gmail.test>',
        `To: ${ALICE}`,
        'Subject: Re: Hello Gmail',
        `Message-ID: <reply-1@gmail.test>`,
        `In-Reply-To: ${sent.internetMessageId}`,
        `References: ${sent.internetMessageId}`,
        'Date: Mon, 06 Jan 2025 10:00:00 +0000',
        '',
        'hello back',
      ].join('\r\n'),
    );
    const delivered = await emulator.deliverRaw(reply, [ALICE]);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].threadId).toBe(sent.conversationId);
    const inbox = (await alice.api('/me/mailFolders/inbox/messages').get()).value;
    expect(inbox.map((m: { subject: string }) => m.subject)).toEqual(['Re: Hello Gmail']);
  });
});
