import type { gmail_v1 } from '@googleapis/gmail';
import { buildMimeMessage } from '../../../mime/build';
import { parseRawMessage } from '../../../mime/parse';
import { findParsedAttachment, findPart, matchAttachmentIds } from '../attachments';

// mixed[ alternative[ text, related[ html, logo.png ] ], report.pdf ], as nodemailer lays it out.
async function parsedSample() {
  const built = await buildMimeMessage({
    mode: 'new',
    from: { address: 'ann@example.org' },
    to: [{ address: 'bob@example.net' }],
    subject: 'Quarterly report',
    html: '<p>See <img src="cid:logo@example.org"></p>',
    attachments: [
      { filename: 'logo.png', contentType: 'image/png', content: Buffer.from('PNG'), contentId: 'logo@example.org', inline: true },
      { filename: 'report.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF') },
    ],
  });
  return parseRawMessage(built.raw);
}

const part = (partId: string, mimeType: string, extra: Partial<gmail_v1.Schema$MessagePart> = {}): gmail_v1.Schema$MessagePart => ({
  partId,
  mimeType,
  filename: '',
  headers: [],
  body: { size: 0 },
  ...extra,
});

/** The payload Gmail's format=full gives for that message (parts numbered from 0, root ""). */
const gmailPayload: gmail_v1.Schema$MessagePart = part('', 'multipart/mixed', {
  parts: [
    part('0', 'multipart/alternative', {
      parts: [
        part('0.0', 'text/plain', { body: { size: 4, data: 'U2Vl' } }),
        part('0.1', 'multipart/related', {
          parts: [
            part('0.1.0', 'text/html', { body: { size: 40, data: 'PHA-' } }),
            part('0.1.1', 'image/png', {
              filename: 'logo.png',
              headers: [{ name: 'Content-ID', value: '<logo@example.org>' }],
              body: { size: 3, data: 'UE5H' },
            }),
          ],
        }),
      ],
    }),
    part('1', 'application/pdf', { filename: 'report.pdf', body: { size: 4, attachmentId: 'ANGjdJ-report' } }),
  ],
});

describe('Gmail attachment ids for parsed attachments', () => {
  it('uses the Gmail attachment id, or the Gmail part number for parts Gmail inlines', async () => {
    const parsed = await parsedSample();
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['logo.png', 'report.pdf']);
    expect(matchAttachmentIds(parsed.attachments, gmailPayload)).toEqual(['part:0.1.1', 'ANGjdJ-report']);
    expect(findPart(gmailPayload, '0.1.1')?.body?.data).toBe('UE5H');
  });

  it('falls back to Content-ID and file name when the part numbers do not line up', async () => {
    const parsed = await parsedSample();
    const flat = part('', 'multipart/mixed', {
      parts: [
        part('7', 'application/pdf', { filename: 'report.pdf', body: { size: 4, attachmentId: 'att-pdf' } }),
        part('8', 'image/png', { headers: [{ name: 'content-id', value: '<logo@example.org>' }], body: { size: 3, attachmentId: 'att-png' } }),
      ],
    });
    expect(matchAttachmentIds(parsed.attachments, flat)).toEqual(['att-png', 'att-pdf']);
  });

  it('keeps a parser reference when Gmail shows no matching part, so the bytes stay reachable', async () => {
    const parsed = await parsedSample();
    const ids = matchAttachmentIds(parsed.attachments, part('', 'text/plain'));
    expect(ids).toEqual(['mime:1.2.2', 'mime:2']);
    expect(findParsedAttachment(parsed.attachments, '2')?.content.toString()).toBe('%PDF');
  });
});
