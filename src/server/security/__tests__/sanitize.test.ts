import { htmlToText, MAX_TEXT_SOURCE_CHARS, sanitizeEmailHtml, storedTextOf } from '../sanitize';
import { HOSTILE_VECTORS, remoteFetchVectors } from './hostile-html';

interface Dom {
  window: { document: Document };
}
let parseDocument: (html: string) => Document;

beforeAll(async () => {
  // jsdom ships no types of its own; the shape used here is tiny.
  const { JSDOM } = (await import('jsdom' as string)) as { JSDOM: new (html: string) => Dom };
  // Re-parse the output with a spec-compliant HTML parser, the way a browser will:
  // this is what catches mutation XSS, not string matching on our own output.
  parseDocument = (html) => new JSDOM(`<!doctype html><html><body>${html}</body></html>`).window.document;
});

const EXECUTABLE_ELEMENTS = 'script, iframe, frame, object, embed, applet, svg, math, form, input, button, textarea, select, meta, base, link, template, noscript, xmp, isindex, video, audio, source, marquee';
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'background', 'xlink:href', 'data', 'poster', 'srcset', 'cite', 'data-remote-src', 'data-remote-srcset', 'data-remote-background'];

/** What a reader cares about: nothing that runs, submits, navigates by itself or embeds another document. */
function problemsIn(html: string): string[] {
  const doc = parseDocument(html);
  const problems: string[] = [];
  for (const el of Array.from(doc.querySelectorAll(EXECUTABLE_ELEMENTS))) problems.push(`element <${el.tagName.toLowerCase()}>`);
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\x00-\x20]/g, '').toLowerCase();
      if (name.startsWith('on')) problems.push(`handler ${name} on <${el.tagName.toLowerCase()}>`);
      if (URL_ATTRIBUTES.includes(name) && /(?:^|,)(?:javascript|vbscript|livescript):/.test(value)) problems.push(`script URL in ${name}`);
      if (URL_ATTRIBUTES.includes(name) && value.startsWith('data:') && !(el.tagName === 'IMG' && name === 'src' && /^data:image\/(png|gif|jpe?g|webp)/.test(value))) {
        problems.push(`data URL in ${name}`);
      }
      if (name === 'style' && /expression|javascript|behavior|binding|position:(fixed|absolute)/.test(value)) problems.push(`style ${value}`);
    }
  }
  for (const style of Array.from(doc.querySelectorAll('style'))) {
    const css = (style.textContent ?? '').toLowerCase();
    if (/@import|expression|javascript|behavior|binding/.test(css)) problems.push(`stylesheet ${css}`);
  }
  return problems;
}

describe('sanitizeEmailHtml against hostile HTML', () => {
  it.each(HOSTILE_VECTORS)('%s: nothing executable survives', (_name, html) => {
    const out = sanitizeEmailHtml(html).html;
    expect(problemsIn(out)).toEqual([]);
    // And with remote content allowed, the rules for code are exactly as strict.
    expect(problemsIn(sanitizeEmailHtml(html, { allowRemoteImages: true }).html)).toEqual([]);
  });

  it('the inertness check itself catches the raw vectors (so it is not vacuous)', () => {
    const caught = HOSTILE_VECTORS.filter(([, html]) => problemsIn(html).length > 0);
    expect(caught.length).toBeGreaterThan(HOSTILE_VECTORS.length * 0.8);
  });

  it('keeps harmless text of removed elements, and drops the content of script-like ones', () => {
    const out = sanitizeEmailHtml('<form><label>Name</label><button>Send</button></form><script>secret()</script><svg><text>svg text</text></svg>').html;
    expect(out).toBe('NameSend');
  });

  it('forces links to open outside the mail view without leaking the reader', () => {
    const out = sanitizeEmailHtml('<a href="https://example.com/offer" target="_self" rel="opener">Offer</a> <a href="mailto:sales@example.com">Mail us</a>').html;
    const links = Array.from(parseDocument(out).querySelectorAll('a'));
    expect(links.map((a) => [a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')])).toEqual([
      ['https://example.com/offer', '_blank', 'noopener noreferrer nofollow'],
      ['mailto:sales@example.com', '_blank', 'noopener noreferrer nofollow'],
    ]);
  });

  it('prefixes ids and in-page links so a message cannot clobber page globals', () => {
    const out = sanitizeEmailHtml('<p id="config">x</p><a name="top"></a><a href="#config">go</a>').html;
    expect(out).toBe('<p id="nm-config">x</p><a name="nm-top"></a><a href="#nm-config" rel="noopener noreferrer nofollow">go</a>');
  });
});

describe('sanitizeEmailHtml keeps mail formatting', () => {
  it('keeps tables, legacy attributes, fonts, colours and safe inline styles', () => {
    const html =
      '<center><table width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" align="center" style="border-collapse:collapse;mso-table-lspace:0pt">' +
      '<tr><td valign="top" style="padding:10px 20px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#333333;line-height:1.5">' +
      '<h1 style="margin:0;font-weight:bold">Invoice</h1><font face="Georgia" color="#ff0000" size="2">Due</font>' +
      '<ul><li>One</li></ul><blockquote cite="https://x.example">q</blockquote></td></tr></table></center>';
    const out = sanitizeEmailHtml(html);
    expect(out.html).toBe(
      '<center><table width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" align="center" style="border-collapse: collapse; mso-table-lspace: 0pt">' +
        '<tr><td valign="top" style="padding: 10px 20px; font-family: Arial,Helvetica,sans-serif; font-size: 14px; color: #333333; line-height: 1.5">' +
        '<h1 style="margin: 0; font-weight: bold">Invoice</h1><font face="Georgia" color="#ff0000" size="2">Due</font>' +
        '<ul><li>One</li></ul><blockquote cite="https://x.example">q</blockquote></td></tr></table></center>',
    );
    expect(out).toMatchObject({ remoteImagesBlocked: 0, hasRemoteContent: false });
  });

  it('keeps the <style> sheet of a newsletter, filtered, and turns <body> into a div with its colours', () => {
    const out = sanitizeEmailHtml(
      '<html><head><title>News</title><style type="text/css">@media only screen and (max-width:600px){ .col { width:100% !important } } a > span { color: #06c; cursor: pointer }</style></head>' +
        '<body bgcolor="#f4f4f4" style="margin:0"><div class="col">Hi</div></body></html>',
    ).html;
    expect(out).toBe(
      '<style>@media only screen and (max-width:600px) {\n.col { width: 100% !important }\n}\na > span { color: #06c }</style>' +
        '<div bgcolor="#f4f4f4" style="margin: 0" class="nm-body"><div class="col">Hi</div></div>',
    );
  });

  it('decodes CSS escapes used for CJK font names', () => {
    expect(sanitizeEmailHtml('<p style="font-family:\\5FAE\\8F6F\\96C5\\9ED1, sans-serif">x</p>').html).toBe('<p style="font-family: 微软雅黑, sans-serif">x</p>');
  });
});

describe('remote content', () => {
  const newsletter =
    '<table background="https://cdn.example/bg.jpg"><tr><td style="background:#fff url(https://cdn.example/td.png) no-repeat;color:red">' +
    '<img src="https://cdn.example/hero.jpg" width="600" alt="Hero">' +
    '<img srcset="https://cdn.example/a.png 1x, https://cdn.example/a@2x.png 2x" alt="srcset only">' +
    '<img src="//track.example/open.gif?u=42" width="1" height="1" style="display:none">' +
    '</td></tr></table><style>.x { background-image: url("https://cdn.example/x.png") }</style>';

  it('blocks remote images, backgrounds and CSS urls by default, counting each, and keeps the urls for "show images"', () => {
    const out = sanitizeEmailHtml(newsletter);
    expect(out.remoteImagesBlocked).toBe(6);
    expect(out.hasRemoteContent).toBe(true);
    const doc = parseDocument(out.html);
    expect(doc.querySelectorAll('[src^="http"], [src^="//"], [srcset], [background]')).toHaveLength(0);
    expect(Array.from(doc.querySelectorAll('img')).map((i) => i.getAttribute('data-remote-src'))).toEqual([
      'https://cdn.example/hero.jpg',
      null,
      'https://track.example/open.gif?u=42',
    ]);
    expect(doc.querySelector('img[alt="srcset only"]')?.getAttribute('data-remote-srcset')).toBe('https://cdn.example/a.png 1x, https://cdn.example/a@2x.png 2x');
    expect(doc.querySelector('table')?.getAttribute('data-remote-background')).toBe('https://cdn.example/bg.jpg');
    expect(doc.querySelector('td')?.getAttribute('style')).toBe('background: #fff none no-repeat; color: red');
    expect(out.html).not.toMatch(/cdn\.example\/(td|x)\.png/);
    // Layout hints survive so the message does not collapse.
    expect(doc.querySelector('img[alt="Hero"]')?.getAttribute('width')).toBe('600');
  });

  it('loads them when the reader allows remote content', () => {
    const out = sanitizeEmailHtml(newsletter, { allowRemoteImages: true });
    expect(out.remoteImagesBlocked).toBe(0);
    expect(out.hasRemoteContent).toBe(true);
    const doc = parseDocument(out.html);
    expect(doc.querySelector('img[alt="Hero"]')?.getAttribute('src')).toBe('https://cdn.example/hero.jpg');
    expect(doc.querySelector('img[width="1"]')?.getAttribute('src')).toBe('https://track.example/open.gif?u=42');
    expect(doc.querySelector('table')?.getAttribute('background')).toBe('https://cdn.example/bg.jpg');
    expect(out.html).toContain('url("https://cdn.example/x.png")');
  });

  it('blocks web fonts and @import as remote content', () => {
    const out = sanitizeEmailHtml("<style>@import url(https://fonts.example/css); @font-face { font-family: 'Brand'; src: url(https://fonts.example/brand.woff2) format('woff2') } p { font-family: 'Brand', sans-serif }</style><p>x</p>");
    expect(out.remoteImagesBlocked).toBe(2);
    expect(out.html).toBe("<style>p { font-family: 'Brand', sans-serif }</style><p>x</p>");
  });

  it('rewrites cid: images through the inline-part map, whatever the bracket/case style', () => {
    const out = sanitizeEmailHtml('<img src="cid:image001.png@01DA6E3B.5F2A1C40"><img src="cid:LOGO@x"><img src="cid:missing@x">', {
      cidMap: { '<image001.png@01DA6E3B.5F2A1C40>': '/api/mailAttachments:content/17', 'logo@x': '/api/mailAttachments:content/18' },
    });
    expect(out.html).toBe('<img src="/api/mailAttachments:content/17" /><img src="/api/mailAttachments:content/18" /><img src="cid:missing@x" />');
    expect(out.hasRemoteContent).toBe(false);
  });

  it('keeps small embedded raster images and drops SVG or oversized data URLs', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const huge = `data:image/png;base64,${'A'.repeat(1_100_000)}`;
    const out = sanitizeEmailHtml(`<img src="${png}" alt="ok"><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg"><img src="${huge}" alt="huge">`).html;
    const doc = parseDocument(out);
    expect(doc.querySelector('img[alt="ok"]')?.getAttribute('src')).toBe(png);
    expect(doc.querySelector('img[alt="svg"]')?.hasAttribute('src')).toBe(false);
    expect(doc.querySelector('img[alt="huge"]')?.hasAttribute('src')).toBe(false);
  });

  it('never trusts data-remote-* attributes that came with the message', () => {
    const out = sanitizeEmailHtml('<img data-remote-src="javascript:alert(1)" alt="a"><td data-remote-background="https://x.example/a.png"></td>');
    expect(out.html).not.toContain('data-remote');
    expect(out.remoteImagesBlocked).toBe(0);
  });
});

describe('htmlToText', () => {
  it('gives readable text: blocks become lines, entities decode, hidden parts go', () => {
    const text = htmlToText(
      '<html><head><title>T</title><style>p{}</style></head><body><p>Hello&nbsp;there,</p><div>line  two\ncontinued</div>' +
        '<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>&lt;tag&gt; &amp;amp; caf&eacute;<br>end<script>x()</script></body></html>',
    );
    expect(text).toBe('Hello there,\n\nline two continued\n\na b\nc d\n\n<tag> &amp; café\nend');
  });

  it('stores the text of a huge HTML-only body from its first megabyte only, so syncing it costs bounded time', () => {
    const html = `<p>Start of the archive</p>${'<div>row</div>'.repeat(Math.ceil((2 * MAX_TEXT_SOURCE_CHARS) / 14))}<p>tail marker</p>`;
    const text = storedTextOf(html);
    expect(text.startsWith('Start of the archive')).toBe(true);
    expect(text).not.toContain('tail marker');
    expect(storedTextOf('<p>short</p>')).toBe('short');
  });

  it('returns an empty string for nothing', () => {
    expect(htmlToText(null)).toBe('');
    expect(htmlToText('<p> </p>')).toBe('');
  });
});

describe('counting', () => {
  it('does not count images on elements that are removed anyway', () => {
    const out = sanitizeEmailHtml('<input type="image" src="https://x.example/a.png" style="background:url(https://x.example/b.png)"><video poster="https://x.example/c.png"></video>');
    expect(out).toEqual({ html: '', remoteImagesBlocked: 0, hasRemoteContent: false });
  });
});

/** Attributes and CSS through which a browser fetches something on its own (navigation by a click is not a fetch). */
const FETCHING_ATTRIBUTES = ['src', 'srcset', 'background', 'poster', 'data', 'lowsrc', 'dynsrc', 'longdesc', 'ping', 'xlink:href', 'action', 'formaction'];
const FETCHING_ELEMENTS = 'link, meta, base, iframe, frame, object, embed, video, audio, source, track, input, svg, image, script';

/** Every reference the re-parsed output would make a browser fetch (the mail's own cid-linked images aside). */
function fetchesIn(html: string, ownPrefix = '/api/mailAttachments:inline/'): string[] {
  const doc = parseDocument(html);
  const found: string[] = [];
  for (const el of Array.from(doc.querySelectorAll(FETCHING_ELEMENTS))) found.push(`element <${el.tagName.toLowerCase()}>`);
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name === 'href' && el.tagName !== 'A') found.push(`href on <${el.tagName.toLowerCase()}>`);
      if (!FETCHING_ATTRIBUTES.includes(name) || !attr.value.trim()) continue;
      // cid: that matched no part is inert in a browser.
      const own = attr.value.split(',').every((part) => /^(?:cid:|data:image\/)/i.test(part.trim()) || part.trim().startsWith(ownPrefix));
      if (!own) found.push(`${name}="${attr.value}"`);
    }
    const style = el.getAttribute('style') ?? '';
    // A backslash left in a value could be an escaped url( the browser decodes.
    if (/url\(|\\|image-set|image\(/i.test(style)) found.push(`style="${style}"`);
  }
  for (const sheet of Array.from(doc.querySelectorAll('style'))) {
    const css = sheet.textContent ?? '';
    if (/url\(|\\|image-set|image\(|@import/i.test(css)) found.push(`stylesheet ${css}`);
  }
  return found;
}

describe('remote content spelled the ways URL parsing allows (backslashes, controls, entities, srcset, image-set)', () => {
  const vectors = remoteFetchVectors('evil.example');

  it('the fetch check itself sees every raw vector (so it is not vacuous)', () => {
    expect(vectors.filter(([, html]) => fetchesIn(html).length === 0).map(([name]) => name)).toEqual([]);
  });

  it.each(vectors)('%s: nothing fetchable is left while remote content is blocked', (_name, html) => {
    const out = sanitizeEmailHtml(html);
    expect(fetchesIn(out.html)).toEqual([]);
    expect(problemsIn(out.html)).toEqual([]);
  });

  it.each(vectors)('%s: once allowed, whatever loads is the normalized remote URL', (_name, html) => {
    const out = sanitizeEmailHtml(html, { allowRemoteImages: true });
    for (const ref of fetchesIn(out.html)) {
      // Only ever absolute http(s) URLs to the sender's host, written in the browser's own canonical form.
      expect(ref.replace(/https?:\/\/evil\.example\//g, '')).not.toContain('evil.example');
      expect(ref).not.toMatch(/\\|&#|\t/);
    }
    expect(problemsIn(out.html)).toEqual([]);
  });

  it('holds back each spelling of a remote image, counts it for the "Show images" bar and keeps the normalized URL', () => {
    const cases: Array<[string, string]> = [
      ['<img src="http:\\\\evil.example/a.png">', 'http://evil.example/a.png'],
      ['<img src="/\\evil.example/b.png">', 'https://evil.example/b.png'],
      ['<img src="ht&#x09;tp://evil.example/c.png">', 'http://evil.example/c.png'],
      ['<img src="&#x01; HTTP:evil.example/d.png">', 'http://evil.example/d.png'],
    ];
    for (const [html, url] of cases) {
      const out = sanitizeEmailHtml(html);
      expect(out.remoteImagesBlocked).toBe(1);
      expect(parseDocument(out.html).querySelector('img')?.getAttribute('data-remote-src')).toBe(url);
    }
  });

  it('decides every srcset candidate: remote ones held back normalized, relative ones dropped, descriptors kept', () => {
    const out = sanitizeEmailHtml('<img srcset="small.png 100w, http:\\\\evil.example/b.png 200w,//evil.example/c.png 300w , /\\evil.example/d,e.png 1.5x">');
    expect(out.remoteImagesBlocked).toBe(1);
    const img = parseDocument(out.html).querySelector('img');
    expect(img?.hasAttribute('srcset')).toBe(false);
    expect(img?.getAttribute('data-remote-srcset')).toBe('http://evil.example/b.png 200w, https://evil.example/c.png 300w, https://evil.example/d,e.png 1.5x');
    const allowed = parseDocument(sanitizeEmailHtml('<img srcset="http:\\\\evil.example/b.png 2x">', { allowRemoteImages: true }).html).querySelector('img');
    expect(allowed?.getAttribute('srcset')).toBe('http://evil.example/b.png 2x');
  });

  it('points srcset cid: candidates at the inline-part link like src', () => {
    const out = sanitizeEmailHtml('<img srcset="cid:logo@x 2x, http://evil.example/a.png 1x">', { cidMap: { 'logo@x': '/api/mailAttachments:inline/5?s=1' } });
    const img = parseDocument(out.html).querySelector('img');
    expect(img?.getAttribute('srcset')).toBe('/api/mailAttachments:inline/5?s=1 2x');
    expect(img?.getAttribute('data-remote-srcset')).toBe('http://evil.example/a.png 1x');
  });
});
