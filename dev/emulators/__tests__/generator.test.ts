import { simpleParser, type ParsedMail } from 'mailparser';
import { decodeText, encodeHeaderWords, encodeText, generateMailbox, type GeneratedMessage } from '../generator';

const OWNER = { name: 'Alex Demo', address: 'alex@gmail.test' };
const START = new Date('2024-06-01T00:00:00Z');
const END = new Date('2025-01-01T00:00:00Z');

describe('seeded mailbox generator', () => {
  let mailbox: GeneratedMessage[];
  let parsed: ParsedMail[];

  beforeAll(async () => {
    mailbox = await generateMailbox({ seed: 42, count: 220, owner: OWNER, startDate: START, endDate: END });
    parsed = await Promise.all(mailbox.map((m) => simpleParser(m.raw)));
  });

  it('gives byte-identical mailboxes for the same seed and different ones for another seed', async () => {
    const again = await generateMailbox({ seed: 42, count: 40, owner: OWNER, startDate: START, endDate: END });
    const same = await generateMailbox({ seed: 42, count: 40, owner: OWNER, startDate: START, endDate: END });
    const other = await generateMailbox({ seed: 43, count: 40, owner: OWNER, startDate: START, endDate: END });
    expect(again.map((m) => m.raw.toString('base64'))).toEqual(same.map((m) => m.raw.toString('base64')));
    expect(again.map((m) => m.messageId)).not.toEqual(other.map((m) => m.messageId));
  });

  it('produces exactly `count` messages, oldest first, inside the date range, with unique Message-IDs', () => {
    expect(mailbox).toHaveLength(220);
    const times = mailbox.map((m) => m.date.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(START.getTime());
    expect(Math.max(...times)).toBeLessThanOrEqual(END.getTime());
    expect(new Set(mailbox.map((m) => m.messageId)).size).toBe(mailbox.length);
  });

  it('builds well-formed threads: replies point at an earlier message of the same thread', () => {
    const byId = new Map(mailbox.map((m, i) => [m.messageId, { m, i }]));
    const threads = new Map<string, GeneratedMessage[]>();
    for (const m of mailbox) threads.set(m.threadKey, [...(threads.get(m.threadKey) ?? []), m]);
    expect([...threads.values()].some((t) => t.length >= 4)).toBe(true);
    for (const [index, m] of mailbox.entries()) {
      if (!m.inReplyTo) {
        expect(m.references).toEqual([]);
        expect(threads.get(m.threadKey)?.[0]).toBe(m);
        continue;
      }
      const parent = byId.get(m.inReplyTo);
      expect(parent?.m.threadKey).toBe(m.threadKey);
      expect(parent?.i).toBeLessThan(index);
      expect(m.references.at(-1)).toBe(m.inReplyTo);
      for (const ref of m.references) expect(byId.get(ref)?.m.threadKey).toBe(m.threadKey);
    }
  });

  it('writes headers that mailparser reads back to the same subject, ids, sender and threading', () => {
    mailbox.forEach((m, i) => {
      const p = parsed[i];
      expect(p.subject).toBe(m.subject);
      expect(p.messageId).toBe(m.messageId);
      expect(p.inReplyTo).toBe(m.inReplyTo);
      expect(p.from?.value[0]).toMatchObject({ address: m.from.address, name: m.from.name });
      expect(p.date?.getTime()).toBe(m.date.getTime());
      const refs = p.references === undefined ? [] : Array.isArray(p.references) ? p.references : [p.references];
      expect(refs).toEqual(m.references);
    });
  });

  it('uses several charsets, and non-ASCII subjects and bodies decode correctly in each', () => {
    const charsets = new Set(mailbox.map((m) => m.charset));
    expect([...charsets].sort()).toEqual(['gb2312', 'iso-2022-jp', 'iso-8859-1', 'utf-8', 'windows-1252']);
    for (const charset of charsets) {
      const samples = mailbox.map((m, i) => ({ m, p: parsed[i] })).filter(({ m }) => m.charset === charset && /[^\x00-\x7f]/.test(m.subject));
      expect(samples.length).toBeGreaterThan(0);
      for (const { m, p } of samples) {
        expect(p.subject).toBe(m.subject);
        expect(`${p.text ?? ''}${p.html || ''}`).not.toContain('\ufffd');
        if (charset !== 'utf-8') expect(m.raw.toString('latin1')).toContain(`charset=${charset}`);
      }
    }
  });

  it('includes text+HTML alternatives, inline cid images, attachments, very large bodies and every folder', () => {
    const withBoth = parsed.filter((p) => p.text && p.html);
    expect(withBoth.length).toBeGreaterThan(mailbox.length / 2);
    const inline = parsed.filter((p) => p.attachments.some((a) => a.contentDisposition === 'inline' && a.cid));
    expect(inline.length).toBeGreaterThan(0);
    for (const p of inline) expect(p.html).toBeTruthy();

    const withFiles = mailbox.filter((m) => m.hasAttachments);
    expect(withFiles.length).toBeGreaterThan(5);
    const names = mailbox.flatMap((m, i) => (m.hasAttachments ? parsed[i].attachments.filter((a) => a.contentDisposition === 'attachment').map((a) => a.filename) : []));
    expect(names.some((n) => n && /[^\x00-\x7f]/.test(n))).toBe(true);
    const pdf = mailbox.flatMap((_, i) => parsed[i].attachments).find((a) => a.contentType === 'application/pdf');
    expect(pdf?.content.subarray(0, 5).toString()).toBe('%PDF-');

    expect(Math.max(...mailbox.map((m) => m.raw.length))).toBeGreaterThan(100_000);
    expect(new Set(mailbox.map((m) => m.folder))).toEqual(new Set(['inbox', 'sent', 'archive', 'spam', 'drafts', 'trash']));
    expect(mailbox.filter((m) => m.folder === 'sent').every((m) => m.from.address === OWNER.address && m.read)).toBe(true);
    expect(mailbox.some((m) => !m.read) && mailbox.some((m) => m.starred) && mailbox.some((m) => m.labels.length > 0)).toBe(true);
  });

  it('encodes legacy charsets that TextDecoder reads back, and RFC 2047 words of at most 75 characters', () => {
    const samples = { 'iso-8859-1': 'Réunion à Noël', 'windows-1252': 'Preis: 1.250 € – „gut“', 'iso-2022-jp': '会議の議事録について', gb2312: '关于项目进度的更新' } as const;
    // Node 20's TextDecoder reads windows-1252 as ISO-8859-1, hence the byte check and our own decoder.
    expect([...encodeText('€–„“', 'windows-1252')]).toEqual([0x80, 0x96, 0x84, 0x93]);
    for (const [charset, text] of Object.entries(samples)) {
      expect(decodeText(encodeText(text, charset as keyof typeof samples), charset)).toBe(text);
      const words = encodeHeaderWords(text.repeat(4), charset as keyof typeof samples).split('\r\n ');
      for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    }
  });
});
