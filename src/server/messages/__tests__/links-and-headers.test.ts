import { contentDisposition, downloadHeaders, safeFilename, servedContentType } from '../download-headers';
import { InlineImageLinks } from '../inline-links';
import { likePattern } from '../thread-list';

describe('inline image links', () => {
  const hour = 3600_000;

  it('stay the same within the hour, so the browser can cache the image', () => {
    let now = Date.UTC(2026, 2, 1, 10, 5);
    const links = new InlineImageLinks('secret', () => now);
    const first = links.url('/api/', '42');
    now += 20 * 60_000;
    expect(links.url('/api/', '42')).toBe(first);
    expect(first).toMatch(/^\/api\/mailAttachments:inline\?filterByTk=42&expires=\d+&signature=[\w-]+$/);
  });

  it('are refused once expired, for another attachment, or signed with another key', () => {
    let now = Date.UTC(2026, 2, 1, 10, 5);
    const links = new InlineImageLinks('secret', () => now);
    const issued = links.issue('42');
    expect(links.verify({ attachmentId: '42', expires: issued.expires, signature: issued.signature })).toBe(true);
    expect(links.verify({ attachmentId: '43', expires: issued.expires, signature: issued.signature })).toBe(false);
    expect(links.verify({ attachmentId: '42', expires: issued.expires + hour, signature: issued.signature })).toBe(false);
    expect(new InlineImageLinks('other', () => now).verify({ attachmentId: '42', expires: issued.expires, signature: issued.signature })).toBe(false);
    now = issued.expires + 1;
    expect(links.verify({ attachmentId: '42', expires: issued.expires, signature: issued.signature })).toBe(false);
  });

  it('cannot be minted for the far future even with a valid signature scheme', () => {
    const now = Date.UTC(2026, 2, 1, 10, 5);
    const future = new InlineImageLinks('secret', () => now + 30 * 24 * hour).issue('42');
    expect(new InlineImageLinks('secret', () => now).verify({ attachmentId: '42', expires: future.expires, signature: future.signature })).toBe(false);
  });
});

describe('attachment response headers', () => {
  it('never lets a browser render active content with its own type', () => {
    for (const type of ['text/html', 'text/html; charset=utf-8', 'application/xhtml+xml', 'image/svg+xml', 'text/xml', 'application/javascript', 'TEXT/HTML', 'garbage', '']) {
      expect(servedContentType(type), type).toBe('application/octet-stream');
    }
    expect(servedContentType('application/pdf')).toBe('application/pdf');
    expect(servedContentType('image/PNG; name="a.png"')).toBe('image/png');
  });

  it('shows only raster images inline, and only when asked', () => {
    const headers = (contentType: string, wantInline: boolean) => downloadHeaders({ filename: 'x', contentType, wantInline, size: 1 })['Content-Disposition'];
    expect(headers('image/jpeg', true)).toMatch(/^inline;/);
    expect(headers('image/jpeg', false)).toMatch(/^attachment;/);
    expect(headers('image/svg+xml', true)).toMatch(/^attachment;/);
    expect(headers('application/pdf', true)).toMatch(/^attachment;/);
  });

  it('keeps the exact file name for modern browsers and a harmless ASCII one for the rest', () => {
    expect(contentDisposition('attachment', '报告 "Q1".xlsx')).toBe(
      `attachment; filename="__ _Q1_.xlsx"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%22Q1%22.xlsx`,
    );
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\Users\\a\\evil.exe')).toBe('evil.exe');
    expect(safeFilename('line\r\nbreak.txt')).toBe('linebreak.txt');
    expect(safeFilename('..')).toBe('attachment');
    expect(safeFilename(null)).toBe('attachment');
  });

  it('tells the browser not to sniff, to sandbox, and to keep the file private', () => {
    expect(downloadHeaders({ filename: 'a.pdf', contentType: 'application/pdf', wantInline: false, size: 10 })).toMatchObject({
      'Content-Length': '10',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': 'sandbox',
      'Cache-Control': 'private, no-cache',
    });
  });
});

describe('search terms', () => {
  it('match literally: % and _ are not wildcards', () => {
    expect(likePattern('50%_off!')).toBe('%50!%!_off!!%');
    expect(likePattern('ACME')).toBe('%acme%');
  });
});
