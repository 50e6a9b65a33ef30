import { clip, messageRow, participantRows } from '../rows';
import { message } from './support/messages';

describe('message rows', () => {
  it('clips over-long values without splitting an emoji', () => {
    const value = 'a'.repeat(9) + '😀';
    expect(clip(value, 10)).toBe('a'.repeat(9));
    expect(clip(value, 11)).toBe(value);
  });

  it('removes NUL characters that PostgreSQL cannot store', () => {
    const row = messageRow(1, 2, message({ subject: 'x\u0000y', html: '<p>\u0000</p>' }));
    expect(row.subject).toBe('xy');
    expect(row.html).toBe('<p></p>');
  });

  it('flags attachments only for real (non-inline) ones and keeps an invalid date out', () => {
    const inline = messageRow(1, 2, message({ attachments: [{ id: 'i', filename: 'logo.png', contentType: 'image/png', size: 1, inline: true, contentId: 'logo' }] }));
    expect(inline.hasAttachments).toBe(false);
    const broken = messageRow(1, 2, message({ date: new Date('nonsense') }));
    expect(broken.date).toBeNull();
  });

  it('indexes participants by lower-cased address and domain, with the message date and conversation', () => {
    const date = new Date('2026-03-04T05:06:07Z');
    const rows = participantRows({ accountId: 1, messageRowId: 5, threadRowId: 9 }, message({ date, from: { address: 'Ceo@ACME.test', name: 'CEO' }, to: [{ address: 'not an address' }] }));
    expect(rows).toEqual([{ messageRowId: 5, accountId: 1, threadRowId: 9, date, role: 'from', address: 'ceo@acme.test', domain: 'acme.test', name: 'CEO' }]);
  });
});
