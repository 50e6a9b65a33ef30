/**
 * Datasets for the pure benchmarks, generated on the fly and deterministic:
 * a mailbox from the emulators' generator (conversations in several languages
 * and charsets, newsletters, attachments, inline images, the odd 100-250 KB
 * body) and a few deliberately large messages the generator does not make.
 */
import { composeMessage, createRandom, generateMailbox, type GeneratedMessage } from '../../dev/emulators/generator';

const OWNER = { name: 'Bea Bench', address: 'bea.bench@example.test' };
const END = new Date('2025-01-01T12:00:00Z');

export const MB = 1024 * 1024;

export function mailbox(count: number, seed = 9001): Promise<GeneratedMessage[]> {
  return generateMailbox({ seed, count, owner: OWNER, endDate: END });
}

export function totalBytes(buffers: ReadonlyArray<{ length: number }>): number {
  return buffers.reduce((sum, b) => sum + b.length, 0);
}

/**
 * A marketing mail as the big senders build them: nested layout tables, inline
 * styles on every cell, a style sheet, remote images and tracking links,
 * repeated to about `bytes` of HTML.
 */
export function newsletterHtml(bytes: number, seed = 42): string {
  const random = createRandom(seed);
  const head =
    '<!DOCTYPE html><html><head><meta charset="utf-8"><style>' +
    '@media (max-width:600px){.col{width:100%!important;display:block}} .btn{background:#1a73e8;color:#fff;padding:10px 16px;border-radius:4px} ' +
    'body{margin:0;font-family:Helvetica,Arial,sans-serif} .muted{color:#777;font-size:12px}</style></head><body>' +
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f4"><tr><td align="center">';
  const parts = [head];
  let size = head.length;
  for (let i = 0; size < bytes; i++) {
    const id = random.int(1, 1_000_000);
    const block =
      `<table role="presentation" width="600" style="background:#ffffff;margin:12px 0;border:1px solid #e0e0e0"><tr>` +
      `<td class="col" width="200" style="padding:16px;vertical-align:top"><img src="https://cdn.shop.example.test/p/${id}.jpg" width="180" height="180" alt="Product ${i}" style="display:block;border:0"></td>` +
      `<td class="col" style="padding:16px;font-size:14px;line-height:20px;color:#333333"><h2 style="margin:0 0 8px;font-size:18px">Offer ${i}: save ${random.int(5, 70)}%</h2>` +
      `<p style="margin:0 0 12px">Hand-picked for you — limited stock, free returns, ships in ${random.int(1, 5)} days. Prices include VAT.</p>` +
      `<a class="btn" href="https://click.shop.example.test/c/${id}?utm_source=mail&amp;utm_campaign=weekly" style="text-decoration:none">Shop now</a></td></tr></table>`;
    parts.push(block);
    size += block.length;
  }
  parts.push(
    '<p class="muted">You receive this mail because you subscribed. <a href="https://shop.example.test/unsubscribe">Unsubscribe</a></p>' +
      '<img src="https://track.shop.example.test/open.gif" width="1" height="1" alt=""></td></tr></table></body></html>',
  );
  return parts.join('');
}

function plainText(bytes: number, seed = 7): string {
  const random = createRandom(seed);
  const words = ['meeting', 'quarterly', 'report', 'attached', 'please', 'review', 'budget', 'Grüße', 'naïve', 'café', '日本語', 'thanks', 'deadline', 'draft'];
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = Array.from({ length: random.int(8, 14) }, () => random.pick(words)).join(' ');
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return lines.join('\n');
}

export interface LargeMessage {
  name: string;
  raw: Buffer;
}

/** A 2 MB HTML newsletter, a 1 MB plain-text log, and a short mail carrying 8 MB of attachments. */
export async function largeMessages(): Promise<LargeMessage[]> {
  const from = { name: 'Shop Weekly', address: 'news@shop.example.test' };
  const date = new Date('2024-12-01T09:00:00Z');
  const random = createRandom(99);
  // Incompressible bytes, like real scans: base64 of them is what the parser decodes.
  const binary = (size: number) => {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = random.int(0, 255);
    return out;
  };
  return [
    {
      name: '2 MB HTML newsletter',
      raw: await composeMessage({ from, to: [OWNER], subject: 'This week only', messageId: '<large-html@shop.example.test>', date, html: newsletterHtml(2 * MB), text: 'View in your browser.' }),
    },
    {
      name: '1 MB plain text',
      raw: await composeMessage({ from, to: [OWNER], subject: 'Nightly log', messageId: '<large-text@shop.example.test>', date, text: plainText(MB) }),
    },
    {
      name: '8 MB of attachments',
      raw: await composeMessage({
        from,
        to: [OWNER],
        subject: 'Scans',
        messageId: '<large-attachments@shop.example.test>',
        date,
        text: 'The scans you asked for.',
        attachments: [
          { filename: 'scan-1.pdf', contentType: 'application/pdf', content: binary(3 * MB) },
          { filename: 'scan-2.pdf', contentType: 'application/pdf', content: binary(3 * MB) },
          { filename: 'photos.zip', contentType: 'application/zip', content: binary(2 * MB) },
        ],
      }),
    },
  ];
}
