/**
 * Server-side sanitizing of received mail HTML (defence in depth: the client
 * also renders it in a sandboxed frame). Keeps what mail formatting needs
 * (tables, fonts, colours, inline styles from an allow-list, style sheets),
 * removes everything that can run code, navigate, submit or draw over the UI,
 * and blocks remote images until the reader allows them.
 *
 * Decisions:
 * - data: URLs are kept only on images, only for raster types (no SVG), base64, ≤ 1 MB.
 * - cid: images are rewritten through `cidMap`; unmapped ones are left as `cid:`
 *   (inert in a browser).
 * - Every image-like reference (src, each srcset candidate, background, CSS url())
 *   is resolved with the WHATWG URL parser (see urls.ts) and written back
 *   normalized; anything that would be fetched from the network or the app is
 *   either kept because it is allowed, held back, or dropped — never passed on as written.
 * - Blocked remote images lose `src`/`srcset`/`background` and keep the URL in
 *   `data-remote-src` / `data-remote-srcset` / `data-remote-background` so the
 *   reader can reveal them; incoming `data-*` attributes are always dropped, so
 *   those attributes only ever hold http(s) URLs we put there.
 * - `id` / `name` are prefixed with `nm-` (and `#fragment` links with them) so a
 *   message cannot clobber globals of the page showing it.
 */
import sanitizeHtml from 'sanitize-html';
import { sanitizeDeclarations, sanitizeStylesheet } from './css';
import { decideImage, decideSrcset, serializeSrcset, type ResourcePolicy } from './urls';

export interface SanitizeOptions {
  /** Load http(s) images, backgrounds and web fonts (default false). */
  allowRemoteImages?: boolean;
  /** contentId (with or without `<>`) → URL serving that inline part. */
  cidMap?: Record<string, string>;
  /** Keep `<style>` sheets, filtered (default true). Off when embedding a quote into another message. */
  allowStyleBlocks?: boolean;
}

export interface SanitizeResult {
  html: string;
  /** Remote images / backgrounds / fonts / imports removed because remote content is not allowed. */
  remoteImagesBlocked: number;
  /** The message references remote content at all (blocked or allowed): "this message has images". */
  hasRemoteContent: boolean;
}

const ALLOWED_TAGS = [
  'a', 'abbr', 'acronym', 'address', 'article', 'aside', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br',
  'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt',
  'em', 'figcaption', 'figure', 'font', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'i',
  'img', 'ins', 'kbd', 'li', 'main', 'mark', 'nav', 'ol', 'p', 'pre', 'q', 's', 'samp', 'section', 'small',
  'span', 'strike', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead',
  'time', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
];

/** Disallowed elements whose whole content goes too: scripts, embedded documents, foreign markup, form controls. */
const DROP_WITH_CONTENT = [
  'script', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'noframes', 'object', 'embed', 'applet',
  'svg', 'math', 'title', 'textarea', 'select', 'option', 'optgroup', 'datalist', 'xmp', 'plaintext',
  'listing', 'noembed', 'canvas', 'audio', 'video', 'portal',
];

const GLOBAL_ATTRIBUTES = [
  'style', 'class', 'title', 'dir', 'lang', 'align', 'valign', 'width', 'height', 'bgcolor', 'id',
  'role', 'aria-*', 'data-remote-background',
];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': GLOBAL_ATTRIBUTES,
  a: ['href', 'name', 'target', 'rel'],
  img: ['src', 'srcset', 'sizes', 'alt', 'border', 'hspace', 'vspace', 'data-remote-src', 'data-remote-srcset'],
  table: ['cellpadding', 'cellspacing', 'border', 'background', 'summary', 'frame', 'rules'],
  td: ['colspan', 'rowspan', 'background', 'nowrap', 'scope', 'headers', 'abbr'],
  th: ['colspan', 'rowspan', 'background', 'nowrap', 'scope', 'headers', 'abbr'],
  tr: ['background'],
  div: ['background'],
  font: ['color', 'face', 'size'],
  col: ['span'],
  colgroup: ['span'],
  ol: ['start', 'type', 'reversed'],
  ul: ['type'],
  li: ['value', 'type'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  time: ['datetime'],
  hr: ['noshade', 'size', 'color'],
  details: ['open'],
};

const LINK_REL = 'noopener noreferrer nofollow';
const ID_PREFIX = 'nm-';

type Attribs = Record<string, string>;

const ALLOWED_TAG_SET = new Set([...ALLOWED_TAGS, 'style']);

function transformAttributes(tag: string, input: Attribs, policy: ResourcePolicy): Attribs {
  // sanitize-html transforms before it drops disallowed tags; those must not count as blocked images.
  if (!ALLOWED_TAG_SET.has(tag)) return {};
  const attribs: Attribs = {};
  for (const [name, value] of Object.entries(input)) {
    // Only we write data-* (the remote placeholders); event handlers are dropped by the allow-list anyway.
    if (!name.startsWith('data-')) attribs[name] = value;
  }

  if (attribs.style !== undefined) {
    const style = sanitizeDeclarations(attribs.style, policy);
    if (style) attribs.style = style;
    else delete attribs.style;
  }
  if (attribs.background !== undefined) {
    const decision = decideImage(attribs.background, policy);
    delete attribs.background;
    if (decision.action === 'keep') attribs.background = decision.url;
    else if (decision.action === 'block') attribs['data-remote-background'] = decision.url;
  }
  for (const key of ['id', 'name'] as const) {
    if (attribs[key] !== undefined) attribs[key] = ID_PREFIX + attribs[key];
  }

  if (tag === 'img') {
    if (attribs.src !== undefined) {
      const decision = decideImage(attribs.src, policy);
      delete attribs.src;
      if (decision.action === 'keep') attribs.src = decision.url;
      else if (decision.action === 'block') attribs['data-remote-src'] = decision.url;
    }
    if (attribs.srcset !== undefined) {
      // Every candidate is decided and written back normalized: a spelling the
      // browser reads differently from us (`http:\\host`, `/\host`) never reaches it.
      const decision = decideSrcset(attribs.srcset, policy);
      delete attribs.srcset;
      if (decision.keep.length) attribs.srcset = serializeSrcset(decision.keep);
      if (decision.blocked.length) attribs['data-remote-srcset'] = serializeSrcset(decision.blocked);
      if (decision.remote > 0) {
        // One image, one count: only count srcset when src did not already account for it.
        policy.onRemote(decision.blocked.length > 0 && attribs['data-remote-src'] === undefined);
      }
    }
  }

  if (tag === 'a' && attribs.href !== undefined) {
    const href = attribs.href.trim();
    if (href.startsWith('#')) {
      attribs.href = `#${ID_PREFIX}${href.slice(1)}`;
      delete attribs.target;
    } else {
      attribs.target = '_blank';
    }
    attribs.rel = LINK_REL;
  } else if (tag === 'a') {
    delete attribs.target;
    delete attribs.rel;
  }
  return attribs;
}

function buildOptions(policy: ResourcePolicy, allowStyleBlocks: boolean): sanitizeHtml.IOptions {
  return {
    allowedTags: allowStyleBlocks ? [...ALLOWED_TAGS, 'style'] : ALLOWED_TAGS,
    allowVulnerableTags: allowStyleBlocks, // <style> is allowed on purpose: its text is filtered below.
    nonTextTags: allowStyleBlocks ? DROP_WITH_CONTENT : [...DROP_WITH_CONTENT, 'style'],
    disallowedTagsMode: 'discard',
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'cid', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'background', 'data-remote-src', 'data-remote-background'],
    allowProtocolRelative: true,
    parseStyleAttributes: false,
    enforceHtmlBoundary: false,
    transformTags: {
      // The message's <body> becomes a <div>, keeping its background and text colours;
      // sanitize-html then runs the '*' transform on it too, so its attributes are filtered like any div's.
      body: (_tag, attribs) => ({ tagName: 'div', attribs: { ...attribs, class: `nm-body ${attribs.class ?? ''}`.trim() } }),
      '*': (tag, attribs) => ({ tagName: tag, attribs: transformAttributes(tag, attribs as Attribs, policy) }),
    },
  };
}

// Attribute values in sanitize-html output are escaped, so `[^>]*` cannot run past the tag.
const STYLE_ELEMENT = /<style\b[^>]*>([\s\S]*?)<\/style>/g;

/** Keeps the filtered sheets (which contain no `<`) and truncates at the first sheet that was not filtered. */
function removeUnfilteredStyles(html: string): string {
  const re = /<style\b[^>]*>/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const rest = html.slice(m.index);
    const filtered = /^<style>[^<]*<\/style>/.exec(rest);
    if (!filtered) return html.slice(0, m.index);
    re.lastIndex = m.index + filtered[0].length;
  }
  return html;
}

/** Sanitizes a received message's HTML for display. */
export function sanitizeEmailHtml(html: string | null | undefined, opts: SanitizeOptions = {}): SanitizeResult {
  let remoteImagesBlocked = 0;
  let hasRemoteContent = false;
  const policy: ResourcePolicy = {
    allowRemoteImages: opts.allowRemoteImages ?? false,
    cidMap: opts.cidMap,
    onRemote(blocked) {
      hasRemoteContent = true;
      if (blocked) remoteImagesBlocked += 1;
    },
  };
  const allowStyleBlocks = opts.allowStyleBlocks ?? true;
  let out = sanitizeHtml(html ?? '', buildOptions(policy, allowStyleBlocks));
  if (allowStyleBlocks) {
    // sanitize-html passes <style> text through untouched; every `<style>` in its
    // output is a real element (text and attributes are escaped), so filter each sheet here.
    out = out.replace(STYLE_ELEMENT, (_m, css: string) => {
      const clean = sanitizeStylesheet(css, policy);
      return clean ? `<style>${clean}</style>` : '';
    });
    // An element left unclosed would hold unfiltered text: cut it and everything after.
    out = removeUnfilteredStyles(out);
  }
  return { html: out, remoteImagesBlocked, hasRemoteContent };
}

// Paragraph-like elements are separated by a blank line; line-like ones end a line.
const PARAGRAPH_BOUNDARY =
  /<\s*\/?\s*(?:p|h[1-6]|blockquote|table|ul|ol|dl|pre|hr|section|article|header|footer|address|figure|center)\b[^>]*>/gi;
const LINE_BOUNDARY = /<\s*(?:\/\s*(?:div|tr|li|dt|dd|figcaption)\s*|br\b[^>]*)>/gi;
const CELL_BOUNDARY = /<\s*\/\s*t[dh]\s*>/gi;
const TEXT_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/**
 * Stored text (snippets, search) of an HTML-only message comes from at most this
 * much of its HTML: a huge body then costs bounded time when it is synced.
 */
export const MAX_TEXT_SOURCE_CHARS = 1024 * 1024;

/** htmlToText of the first MAX_TEXT_SOURCE_CHARS of a received body, for what sync stores. */
export function storedTextOf(html: string): string {
  return htmlToText(html.length > MAX_TEXT_SOURCE_CHARS ? html.slice(0, MAX_TEXT_SOURCE_CHARS) : html);
}

/** Readable plain text from mail HTML, for snippets, search and text quotes. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  const marked = html
    .replace(/\s+/g, ' ')
    .replace(CELL_BOUNDARY, ' ')
    .replace(PARAGRAPH_BOUNDARY, (tag) => `${tag}\n\n`)
    .replace(LINE_BOUNDARY, (tag) => `${tag}\n`);
  const stripped = sanitizeHtml(marked, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: [...DROP_WITH_CONTENT, 'style', 'head'],
    disallowedTagsMode: 'discard',
  });
  return stripped
    .replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => TEXT_ENTITIES[name] ?? _m)
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
