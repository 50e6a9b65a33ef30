import type { OutgoingMessage } from '../../providers/types';
import { buildMimeMessage } from '../build';
import { parseRawMessage } from '../parse';
import { MAX_REFERENCES } from '../threading';

const original = {
  providerId: '18e0a1',
  threadId: '18e09f',
  internetMessageId: '<AM0PR07MB1234@eurprd07.prod.outlook.com>',
  references: ['<CAF=root@mail.gmail.com>', '<mid-1@example.org>'],
  subject: 'AW: Re: Angebot für Q2',
};

const me = { name: 'Zoë Ünal', address: 'zoe@fabrikam.com' };
const date = new Date('2024-05-01T10:00:00Z');

function headerLines(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
}

describe('buildMimeMessage', () => {
  it('builds a reply that threads: In-Reply-To, References chain, single "Re:" prefix', async () => {
    const out: OutgoingMessage = {
      mode: 'reply',
      from: me,
      to: [{ name: 'Jürgen Müller', address: 'juergen@contoso.de' }],
      subject: 'RE: AW: Re: Angebot für Q2',
      text: 'Danke, passt!',
      original,
    };
    const built = await buildMimeMessage(out, { date });
    const parsed = await parseRawMessage(built.raw);

    expect(parsed.subject).toBe('Re: Angebot für Q2');
    expect(parsed.inReplyTo).toBe('<AM0PR07MB1234@eurprd07.prod.outlook.com>');
    expect(parsed.references).toEqual(['<CAF=root@mail.gmail.com>', '<mid-1@example.org>', '<AM0PR07MB1234@eurprd07.prod.outlook.com>']);
    expect(parsed.messageId).toBe(built.messageId);
    expect(built.messageId).toMatch(/^<[0-9a-f-]{36}@fabrikam\.com>$/);
    expect(parsed.from).toEqual(me);
    expect(parsed.to).toEqual([{ name: 'Jürgen Müller', address: 'juergen@contoso.de' }]);
    expect(parsed.date?.toISOString()).toBe(date.toISOString());
    expect(parsed.text?.trim()).toBe('Danke, passt!');
  });

  it('encodes non-ASCII names and subjects so the headers stay 7-bit, and they round-trip', async () => {
    const built = await buildMimeMessage(
      { mode: 'new', from: { name: '山田 太郎', address: 'taro@example.jp' }, to: [{ name: 'Ålice «Ops»', address: 'alice@example.org' }], subject: '会議の議題 – Überblick 🎉', text: 'x' },
      { date },
    );
    for (const line of headerLines(built.raw)) expect(line).toMatch(/^[\x20-\x7e\t]*$/);
    const parsed = await parseRawMessage(built.raw);
    expect(parsed.subject).toBe('会議の議題 – Überblick 🎉');
    expect(parsed.from).toEqual({ name: '山田 太郎', address: 'taro@example.jp' });
    expect(parsed.to).toEqual([{ name: 'Ålice «Ops»', address: 'alice@example.org' }]);
    expect(parsed.inReplyTo).toBeNull();
    expect(parsed.references).toEqual([]);
  });

  it('leaves Bcc out of the headers unless keepBcc is asked for (Gmail send reads recipients from it)', async () => {
    const out: OutgoingMessage = {
      mode: 'new',
      from: me,
      to: [{ address: 'a@example.org' }],
      bcc: [{ name: 'Secret Sam', address: 'sam@example.net' }],
      subject: 'Hi',
      text: 'x',
    };
    const hidden = await buildMimeMessage(out, { date });
    expect(headerLines(hidden.raw).some((l) => /^bcc:/i.test(l))).toBe(false);
    expect(hidden.raw.toString()).not.toContain('sam@example.net');

    const kept = await buildMimeMessage(out, { date, keepBcc: true });
    expect((await parseRawMessage(kept.raw)).bcc).toEqual([{ name: 'Secret Sam', address: 'sam@example.net' }]);
  });

  it('sends HTML with inline cid images and a text alternative derived from it', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const built = await buildMimeMessage(
      {
        mode: 'new',
        from: me,
        to: [{ address: 'a@example.org' }],
        subject: 'Logo',
        html: '<p>Our <b>new</b> logo:</p><p><img src="cid:logo-1@fabrikam"></p>',
        attachments: [{ filename: 'logo.png', contentType: 'image/png', content: png, contentId: '<logo-1@fabrikam>', inline: true }],
      },
      { date },
    );
    const parsed = await parseRawMessage(built.raw);
    expect(parsed.html).toContain('<img src="cid:logo-1@fabrikam">');
    expect(parsed.text?.trim()).toBe('Our new logo:');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({ filename: 'logo.png', contentId: 'logo-1@fabrikam', inline: true });
    expect(parsed.attachments[0].content.equals(png)).toBe(true);
  });

  it('forwards with "Fwd:", the original attachments byte for byte, and the thread references', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% äöü binary \x00\x01\x02 end', 'latin1');
    const built = await buildMimeMessage(
      {
        mode: 'forward',
        from: me,
        to: [{ address: 'boss@fabrikam.com' }],
        subject: 'Fwd: FW: Angebot für Q2',
        text: 'FYI',
        attachments: [{ filename: 'Angebot Q2 – Müller.pdf', contentType: 'application/pdf', content: pdf }],
        original,
      },
      { date },
    );
    const parsed = await parseRawMessage(built.raw);
    expect(parsed.subject).toBe('Fwd: Angebot für Q2');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({ filename: 'Angebot Q2 – Müller.pdf', inline: false });
    expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
    expect(parsed.references.at(-1)).toBe(original.internetMessageId);
  });

  it('keeps References bounded on very long threads, keeping the root and the latest ids, within line limits', async () => {
    const references = Array.from({ length: 60 }, (_, i) => `<message-${i}-${'x'.repeat(40)}@mail.example.com>`);
    const built = await buildMimeMessage(
      { mode: 'replyAll', from: me, to: [{ address: 'a@example.org' }], subject: 'x'.repeat(300), text: 'ok', original: { ...original, references } },
      { date },
    );
    for (const line of headerLines(built.raw)) expect(line.length).toBeLessThanOrEqual(998);
    const parsed = await parseRawMessage(built.raw);
    expect(parsed.references).toHaveLength(MAX_REFERENCES);
    expect(parsed.references[0]).toBe(references[0]);
    expect(parsed.references.slice(-2)).toEqual([references[59], original.internetMessageId]);
    expect(parsed.subject).toBe(`Re: ${'x'.repeat(300)}`);
  });

  it('uses the given Message-ID domain or id', async () => {
    const a = await buildMimeMessage({ mode: 'new', from: me, to: [{ address: 'a@example.org' }], subject: 's', text: 't' }, { messageIdDomain: 'mail.nocobase.local' });
    expect(a.messageId).toMatch(/@mail\.nocobase\.local>$/);
    const b = await buildMimeMessage({ mode: 'new', from: me, to: [{ address: 'a@example.org' }], subject: 's', text: 't' }, { messageId: 'outbox-42@fabrikam.com' });
    expect(b.messageId).toBe('<outbox-42@fabrikam.com>');
    expect((await parseRawMessage(b.raw)).messageId).toBe('<outbox-42@fabrikam.com>');
  });
});
