import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MimeParseError, makeSnippet, normalizedFromRaw, parseRawMessage } from '../parse';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
const crlf = (lines: string[]) => lines.join('\r\n');

describe('parseRawMessage on real-world messages', () => {
  it('reads an Outlook reply: Latin-1 encoded words, folded References, inline logo and an attachment', async () => {
    const m = await parseRawMessage(fixture('outlook-reply.eml'));

    expect(m.subject).toBe('AW: Angebot für Q2 – bitte prüfen');
    expect(m.from).toEqual({ name: 'Jürgen Müller', address: 'Juergen.Mueller@Contoso.DE' });
    expect(m.to).toEqual([
      { name: 'Ana Lima', address: 'ana@fabrikam.com.br' },
      { name: '山田太郎', address: 'taro@example.jp' },
    ]);
    expect(m.cc).toEqual([{ address: 'Team-Lead@Contoso.de' }]);
    expect(m.date?.toISOString()).toBe('2024-03-04T17:12:31.000Z');
    expect(m.messageId).toBe('<AM0PR07MB1234ABCD5678@AM0PR07MB1234.eurprd07.prod.outlook.com>');
    expect(m.inReplyTo).toBe('<AM0PR07MB9999@AM0PR07MB9999.eurprd07.prod.outlook.com>');
    expect(m.references).toEqual([
      '<CAF=abc123@mail.gmail.com>',
      '<AM0PR07MB9999@AM0PR07MB9999.eurprd07.prod.outlook.com>',
    ]);
    expect(m.text).toContain('anbei das Angebot für Q2 – Grüße aus München.');
    // The HTML comes back as sent (not sanitized), with its cid: reference intact.
    expect(m.html).toContain('<img src="cid:image001.png@01DA6E3B.5F2A1C40"');
    expect(m.html).toContain('<style');

    const [logo, pdf] = m.attachments;
    expect(logo).toMatchObject({ filename: 'image001.png', contentType: 'image/png', inline: true, contentId: 'image001.png@01DA6E3B.5F2A1C40' });
    expect(logo.content.subarray(1, 4).toString()).toBe('PNG');
    expect(pdf).toMatchObject({ filename: 'Angebot Q2 – Müller.pdf', contentType: 'application/pdf', inline: false, contentId: null });
    expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.size).toBe(pdf.content.length);

    expect(m.header('thread-topic')).toBe('Angebot fuer Q2');
    expect(m.header('X-MS-Has-Attach')).toBe('yes');
    expect(m.headers.get('received')?.[0]).toMatch(/^from EUR01-HE1-obe\.outbound\.protection\.outlook\.com .* by mx\.google\.com/);
  });

  it('decodes a GB2312 message with a Reply-To', async () => {
    const m = await parseRawMessage(fixture('gmail-gb2312.eml'));
    expect(m.subject).toBe('关于上海项目的预算');
    expect(m.text?.trim()).toBe('你好！\n预算见附件。');
    expect(m.html).toContain('你好！<br>预算见附件。');
    expect(m.replyTo).toEqual([{ name: 'Sales Team', address: 'sales@example.cn' }]);
    expect(m.attachments).toEqual([]);
  });

  it('decodes ISO-2022-JP subjects and bodies', async () => {
    const jis = Buffer.from('1b244224332473244b2441244f1b2842', 'hex'); // こんにちは
    const raw = Buffer.concat([
      Buffer.from(crlf([
        'From: m@example.jp',
        'Subject: =?ISO-2022-JP?B?' + jis.toString('base64') + '?=',
        'Content-Type: text/plain; charset=ISO-2022-JP',
        'Content-Transfer-Encoding: 7bit',
        '',
        '',
      ])),
      jis,
      Buffer.from('\r\n'),
    ]);
    const m = await parseRawMessage(raw);
    expect(m.subject).toBe('こんにちは');
    expect(m.text?.trim()).toBe('こんにちは');
    expect(m.from?.address).toBe('m@example.jp');
  });

  it('derives the text body from HTML when the message has no text part', async () => {
    const m = await parseRawMessage(crlf([
      'From: news@shop.example',
      'Subject: Sale',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><head><style>p{color:red}</style></head><body><p>50% off&nbsp;today</p><p>Only &amp; always</p></body></html>',
    ]));
    expect(m.html).toContain('<p>50% off&nbsp;today</p>');
    expect(m.text).toBe('50% off today\n\nOnly & always');
  });

  it('expands address groups and skips undisclosed-recipients', async () => {
    const m = await parseRawMessage(crlf([
      'From: a@example.com',
      'To: undisclosed-recipients:;',
      'Cc: Project: Bob <bob@example.com>, carol@example.com;',
      'Subject: groups',
      '',
      'hi',
    ]));
    expect(m.to).toEqual([]);
    expect(m.cc).toEqual([{ name: 'Bob', address: 'bob@example.com' }, { address: 'carol@example.com' }]);
  });
});

describe('parseRawMessage on malformed MIME', () => {
  it('keeps the text and the readable part of an attachment when a multipart is cut off', async () => {
    const m = await parseRawMessage(crlf([
      'From: a@example.com',
      'To: b@example.com',
      'Subject: Truncated',
      'Content-Type: multipart/mixed; boundary="XYZ"',
      '',
      '--XYZ',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello body',
      '--XYZ',
      'Content-Type: application/pdf; name="a.pdf"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="a.pdf"',
      '',
      'JVBERi0xLjQK',
    ]));
    expect(m.subject).toBe('Truncated');
    expect(m.text).toBe('Hello body');
    expect(m.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['a.pdf', '%PDF-1.4\n']]);
  });

  it('recovers the parts of a multipart whose boundary parameter is missing', async () => {
    const m = await parseRawMessage(crlf([
      'From: a@example.com',
      'Subject: No boundary',
      'Content-Type: multipart/alternative',
      '',
      '--abc',
      'Content-Type: text/plain',
      '',
      'Plain part',
      '--abc',
      'Content-Type: text/html',
      '',
      '<p>HTML part</p>',
      '--abc--',
    ]));
    expect(m.text).toBe('Plain part');
    expect(m.html).toContain('<p>HTML part</p>');
  });

  it('returns the raw body when the structure cannot be recovered at all', async () => {
    const m = await parseRawMessage(crlf(['From: a@example.com', 'Subject: Broken', 'Content-Type: multipart/mixed', '', 'just some text, no parts']));
    expect(m.subject).toBe('Broken');
    expect(m.text).toBe('just some text, no parts');
  });

  it('skips characters that are not base64 instead of failing', async () => {
    const m = await parseRawMessage(crlf([
      'From: a@example.com',
      'Subject: Bad b64',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      'SGVsbG8g!!!d29y*bGQ=',
    ]));
    expect(m.text).toBe('Hello world');
  });

  it('still reads a body declared in an unknown charset', async () => {
    const raw = Buffer.from('From: a@example.com\r\nSubject: Unknown charset\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nCaf\xe9 au lait\r\n', 'latin1');
    const m = await parseRawMessage(raw);
    expect(m.subject).toBe('Unknown charset');
    expect(m.text).toMatch(/^Caf. au lait/);
  });

  it('reads raw UTF-8 (8-bit) headers', async () => {
    const m = await parseRawMessage(Buffer.from('From: Zoë Ünal <zoe@example.com>\r\nTo: 山田 <yamada@example.jp>\r\nSubject: Grüße aus München 你好\r\n\r\nHallo\r\n', 'utf8'));
    expect(m.subject).toBe('Grüße aus München 你好');
    expect(m.from).toEqual({ name: 'Zoë Ünal', address: 'zoe@example.com' });
    expect(m.to).toEqual([{ name: '山田', address: 'yamada@example.jp' }]);
  });

  it('reads raw Latin-1 (8-bit) headers from old mailers as Windows-1252, not as U+FFFD', async () => {
    const raw = Buffer.from('From: "Jos\xe9 Pe\xf1a" <jose@example.es>\r\nSubject: Reuni\xf3n ma\xf1ana \x96 sala 2\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nMa\xf1ana \xe0 10h\r\n', 'latin1');
    const m = await parseRawMessage(raw);
    expect(m.from).toEqual({ name: 'José Peña', address: 'jose@example.es' });
    expect(m.subject).toBe('Reunión mañana – sala 2');
    expect(m.text?.trim()).toBe('Mañana à 10h');
  });

  it('treats a bad Date header as no date rather than an Invalid Date', async () => {
    const m = await parseRawMessage(crlf(['From: a@example.com', 'Date: yesterday-ish', 'Subject: x', '', 'body']));
    expect(m.date).toBeNull();
  });

  it('cuts bodies to maxBodyBytes on a character boundary and says so', async () => {
    const body = 'ü'.repeat(100);
    const m = await parseRawMessage(crlf(['From: a@example.com', 'Subject: big', 'Content-Type: text/plain; charset=utf-8', '', body]), { maxBodyBytes: 51 });
    expect(m.truncated).toBe(true);
    expect(m.text).toBe('ü'.repeat(25));
  });

  it('throws MimeParseError only when nothing usable exists', async () => {
    await expect(parseRawMessage('')).rejects.toBeInstanceOf(MimeParseError);
    await expect(parseRawMessage(Buffer.from([0, 1, 2, 3, 0xff, 0xfe]))).rejects.toBeInstanceOf(MimeParseError);
    await expect(parseRawMessage('Subject: only a subject\r\n\r\n')).resolves.toMatchObject({ subject: 'only a subject', text: null });
  });
});

describe('normalizedFromRaw', () => {
  it('combines parsed content with provider metadata, preferring the provider date', async () => {
    const received = new Date('2024-03-04T17:12:40Z');
    const n = await normalizedFromRaw(fixture('outlook-reply.eml'), {
      providerId: '18e0a1',
      threadId: '18e09f',
      folderIds: ['INBOX', 'IMPORTANT'],
      read: false,
      starred: true,
      draft: false,
      date: received,
      attachmentIds: (att, i) => `att-${att.partId ?? i}`,
    });
    expect(n).toMatchObject({
      providerId: '18e0a1',
      threadId: '18e09f',
      internetMessageId: '<AM0PR07MB1234ABCD5678@AM0PR07MB1234.eurprd07.prod.outlook.com>',
      subject: 'AW: Angebot für Q2 – bitte prüfen',
      folderIds: ['INBOX', 'IMPORTANT'],
      read: false,
      starred: true,
      date: received,
    });
    expect(n.snippet.startsWith('Hallo Ana, anbei das Angebot für Q2')).toBe(true);
    expect(n.size).toBe(fixture('outlook-reply.eml').length);
    expect(n.attachments.map((a) => [a.id, a.filename, a.inline])).toEqual([
      ['att-1.2', 'image001.png', true],
      ['att-2', 'Angebot Q2 – Müller.pdf', false],
    ]);
  });
});

describe('makeSnippet', () => {
  it('collapses whitespace and cuts on a word boundary with an ellipsis', () => {
    const s = makeSnippet('Hello   there,\n\nthis is a fairly long line of text that goes on', 30);
    expect(s).toBe('Hello there, this is a fairly…');
    expect(Array.from(s).length).toBeLessThanOrEqual(30);
  });

  it('falls back to the HTML when there is no text, and never splits an emoji', () => {
    expect(makeSnippet({ text: null, html: '<p>Hi <b>Bob</b></p><p>See you</p>' })).toBe('Hi Bob See you');
    const emoji = makeSnippet('😀'.repeat(10), 5);
    expect(emoji).toBe('😀😀😀😀…');
  });
});
