/**
 * CSS filtering for mail: inline `style` attributes and `<style>` sheets.
 * A small allow-list filter rather than a full CSS engine: properties from a
 * list of formatting properties, values without script-capable constructs, and
 * every url() run through the same image policy as <img>.
 */
import { decideImage, type ResourcePolicy } from './urls';

const ALLOWED_PROPERTIES = new Set([
  'background', 'background-color', 'background-image', 'background-position', 'background-repeat',
  'background-size', 'background-clip', 'background-origin', 'background-attachment',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left',
  'border-color', 'border-style', 'border-width', 'border-collapse', 'border-spacing',
  'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
  'border-top-style', 'border-right-style', 'border-bottom-style', 'border-left-style',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
  'border-radius', 'border-top-left-radius', 'border-top-right-radius',
  'border-bottom-left-radius', 'border-bottom-right-radius',
  'box-shadow', 'box-sizing', 'caption-side', 'clear', 'color', 'direction', 'display', 'empty-cells',
  'float', 'font', 'font-family', 'font-size', 'font-style', 'font-variant', 'font-weight', 'font-stretch',
  'height', 'min-height', 'max-height', 'width', 'min-width', 'max-width',
  'letter-spacing', 'line-height', 'list-style', 'list-style-position', 'list-style-type', 'list-style-image',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'opacity', 'outline', 'outline-color', 'outline-style', 'outline-width', 'outline-offset',
  'overflow', 'overflow-x', 'overflow-y', 'table-layout',
  'text-align', 'text-decoration', 'text-decoration-color', 'text-decoration-line', 'text-decoration-style',
  'text-indent', 'text-overflow', 'text-shadow', 'text-transform', 'unicode-bidi', 'vertical-align',
  'visibility', 'white-space', 'word-break', 'word-spacing', 'word-wrap', 'overflow-wrap', 'hyphens',
  'flex', 'flex-direction', 'flex-wrap', 'flex-grow', 'flex-shrink', 'flex-basis', 'justify-content',
  'align-items', 'align-content', 'align-self', 'gap', 'row-gap', 'column-gap',
  'position', 'top', 'right', 'bottom', 'left',
  '-webkit-text-size-adjust', '-ms-text-size-adjust', 'text-size-adjust',
]);

// Outlook's mso-* properties are inert outside Word's renderer and appear in most Office mail.
const VENDOR_PROPERTY = /^mso-[a-z-]+$/;

const FONT_FACE_PROPERTIES = new Set(['font-family', 'src', 'font-weight', 'font-style', 'font-display', 'unicode-range', 'font-stretch']);

/** Constructs that can run code, load resources outside url(), or obscure either. */
const FORBIDDEN_VALUE =
  /expression|javascript:|vbscript:|livescript:|behavior|binding|@import|image-set|image\(|cross-fade|element\(|paint\(|attr\(|var\(|env\(|[<>]/i;

/** CSS functions a formatting value may call; anything else (expression(), paint(), env()…) drops the declaration. */
const ALLOWED_FUNCTIONS = new Set([
  '', // a plain parenthesized group, e.g. inside calc()
  'rgb', 'rgba', 'hsl', 'hsla', 'calc', 'min', 'max', 'clamp', 'url', 'local', 'format',
  'linear-gradient', 'radial-gradient', 'repeating-linear-gradient', 'repeating-radial-gradient',
]);

const STRING_TOKEN = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;

/** Quotes are balanced: an unterminated string would swallow the rest of the sheet. */
function stringsClosed(value: string): boolean {
  return !/["']/.test(value.replace(STRING_TOKEN, ''));
}

function functionsAllowed(value: string): boolean {
  // Strings may contain anything, e.g. font names with parentheses.
  const outsideStrings = value.replace(STRING_TOKEN, '""');
  // A function token is a name immediately followed by "(" (no space allowed in between).
  for (const m of outsideStrings.matchAll(/(-{0,2}[a-z_][a-z0-9_-]*)?\(/gi)) {
    const name = m[1] ?? '';
    if (!ALLOWED_FUNCTIONS.has(name.toLowerCase())) return false;
  }
  return true;
}

/** Positioning that lets a message draw over the reader's UI is not allowed. */
const SAFE_POSITION = /^(?:static|relative)$/i;

const URL_FUNCTION = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)/gi;

// Characters whose CSS escapes must stay escaped so decoding them cannot change structure.
const STRUCTURAL = new Set(['"', "'", '\\', ';', '{', '}', '(', ')', '<', '>', ':', ',', '/', '*', '@', '!']);

/**
 * Rewrites CSS escapes to their plain characters (so `e\78 pression` or `u\72l(`
 * cannot sneak past the filters), except characters that would change the
 * parse, which stay escaped in canonical `\hex ` form. `<` is always escaped so a
 * style sheet can never contain markup.
 */
export function canonicalizeCss(css: string): string {
  let out = '';
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === '<') {
      out += '\\3c ';
      continue;
    }
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = css[i + 1];
    if (next === undefined) break;
    if (next === '\n' || next === '\r' || next === '\f') {
      // Line continuation inside strings.
      i += next === '\r' && css[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    let ch: string;
    const hex = /^[0-9a-fA-F]{1,6}/.exec(css.slice(i + 1, i + 7));
    if (hex) {
      const cp = parseInt(hex[0], 16);
      ch = cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
      i += hex[0].length;
      const after = css[i + 1];
      if (after === ' ' || after === '\t' || after === '\n' || after === '\f') i += 1;
      else if (after === '\r') i += css[i + 2] === '\n' ? 2 : 1;
    } else {
      ch = next;
      i += 1;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (STRUCTURAL.has(ch) || code < 0x20 || code === 0x7f) {
      out += `\\${code.toString(16)} `;
    } else {
      out += ch;
    }
  }
  return out;
}

function stripComments(css: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (quote) {
      out += c;
      if (c === '\\') {
        out += css[i + 1] ?? '';
        i += 1;
      } else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      out += c;
      continue;
    }
    if (c === '/' && css[i + 1] === '*') {
      // Removed without a trace, as old IE did, so `exp/**/ression` is seen as what it was meant to be.
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? css.length : end + 1;
      continue;
    }
    out += c;
  }
  return out;
}

/** Splits on `sep` outside strings and brackets. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth += 1;
    else if ((c === ')' || c === ']') && depth > 0) depth -= 1;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

type DeclarationScope = 'style' | 'font-face';

function propertyAllowed(prop: string, scope: DeclarationScope): boolean {
  if (scope === 'font-face') return FONT_FACE_PROPERTIES.has(prop);
  return ALLOWED_PROPERTIES.has(prop) || VENDOR_PROPERTY.test(prop);
}

/** Rewrites url()s in one declaration value; null when the declaration must go. */
function rewriteUrls(prop: string, value: string, policy: ResourcePolicy): string | null {
  let dropped = false;
  const isBackground = prop.startsWith('background') || prop === 'list-style' || prop === 'list-style-image';
  // Anything still looking like url( once the well-formed ones are out was malformed enough to dodge the rewrite.
  if (/url\(/i.test(value.replace(URL_FUNCTION, ''))) return null;
  const rewritten = value.replace(URL_FUNCTION, (_m, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
    const decision = decideImage(dq ?? sq ?? bare ?? '', policy);
    if (decision.action === 'keep') return `url("${decision.url.replace(/["\\\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`;
    // A blocked background keeps the rest of the shorthand (colour, repeat…) working.
    if (isBackground) return 'none';
    dropped = true;
    return '';
  });
  return dropped ? null : rewritten;
}

/** Filters one declaration block (`a: b; c: d`) and returns the kept declarations. */
export function sanitizeDeclarations(
  block: string,
  policy: ResourcePolicy,
  scope: DeclarationScope = 'style',
  canonical = false,
): string {
  const text = canonical ? block : stripComments(canonicalizeCss(block));
  const kept: string[] = [];
  for (const decl of splitTopLevel(text, ';')) {
    const colon = decl.indexOf(':');
    if (colon <= 0) continue;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    let value = decl.slice(colon + 1).trim();
    if (!/^-?[a-z][a-z0-9-]*$/.test(prop) || !propertyAllowed(prop, scope) || !value) continue;
    const important = /!\s*important\s*$/i.test(value);
    if (important) value = value.replace(/!\s*important\s*$/i, '').trim();
    // A backslash left after canonicalizing escapes a structural character: no formatting value needs that.
    if (FORBIDDEN_VALUE.test(value) || value.includes('\\') || !stringsClosed(value) || !functionsAllowed(value)) continue;
    if (prop === 'position' && !SAFE_POSITION.test(value)) continue;
    const withUrls = rewriteUrls(prop, value, policy);
    if (withUrls === null || !withUrls.trim()) continue;
    kept.push(`${prop}: ${withUrls.trim()}${important ? ' !important' : ''}`);
  }
  return kept.join('; ');
}

interface Statement {
  prelude: string;
  /** Block content without the braces; undefined for `@x …;` statements. */
  block?: string;
}

/** Splits a sheet into top-level statements, respecting strings and nested braces. */
function statements(css: string): Statement[] {
  const out: Statement[] = [];
  let i = 0;
  while (i < css.length) {
    let quote: string | null = null;
    let j = i;
    for (; j < css.length; j++) {
      const c = css[j];
      if (quote) {
        if (c === '\\') j += 1;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '{' || c === ';' || c === '}') break;
    }
    const prelude = css.slice(i, j).trim();
    if (j >= css.length) {
      if (prelude) out.push({ prelude });
      break;
    }
    if (css[j] !== '{') {
      // `;` ends an at-statement; a stray `}` is skipped like browsers do.
      if (prelude) out.push({ prelude });
      i = j + 1;
      continue;
    }
    let depth = 1;
    let k = j + 1;
    quote = null;
    for (; k < css.length && depth > 0; k++) {
      const c = css[k];
      if (quote) {
        if (c === '\\') k += 1;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '{') depth += 1;
      else if (c === '}') depth -= 1;
    }
    // A block still open at the end of the sheet is dropped: browsers would recover differently.
    if (depth === 0) out.push({ prelude, block: css.slice(j + 1, k - 1) });
    i = k;
  }
  return out;
}

const NESTING_AT_RULES = new Set(['media', 'supports']);
const MAX_NESTING = 8;

function sanitizeStatements(css: string, policy: ResourcePolicy, depth: number): string[] {
  const out: string[] = [];
  for (const st of statements(css)) {
    if (st.block === undefined) {
      // @import, @charset, @namespace: never kept; an import is a remote fetch.
      if (/^@import/i.test(st.prelude)) policy.onRemote(true);
      continue;
    }
    if (FORBIDDEN_VALUE.test(st.prelude.replace(/[<>]/g, '')) || /url\(|\\3c /i.test(st.prelude)) continue;
    if (st.prelude.startsWith('@')) {
      const name = /^@([a-z-]+)/i.exec(st.prelude)?.[1]?.toLowerCase() ?? '';
      if (NESTING_AT_RULES.has(name) && depth < MAX_NESTING) {
        const inner = sanitizeStatements(st.block, policy, depth + 1);
        if (inner.length > 0) out.push(`${st.prelude} {\n${inner.join('\n')}\n}`);
      } else if (name === 'font-face') {
        const fontFace = sanitizeFontFace(st.block, policy);
        if (fontFace) out.push(`@font-face { ${fontFace} }`);
      }
      // @keyframes, @page, @layer and unknown at-rules are dropped.
      continue;
    }
    if (!st.prelude) continue;
    const decls = sanitizeDeclarations(st.block, policy, 'style', true);
    if (decls) out.push(`${st.prelude} { ${decls} }`);
  }
  return out;
}

/** Web fonts are remote content: kept only when remote content is allowed, and only from http(s)/data. */
function sanitizeFontFace(block: string, policy: ResourcePolicy): string | null {
  const srcMatch = /(?:^|;)\s*src\s*:/i.test(block);
  if (srcMatch && /url\(\s*["']?\s*(?:https?:|\/\/)/i.test(block) && !policy.allowRemoteImages) {
    policy.onRemote(true);
    return null;
  }
  const decls = sanitizeDeclarations(block, policy, 'font-face', true);
  return decls.includes('font-family') ? decls : null;
}

/** Filters a whole `<style>` sheet; the result never contains `<` and so cannot end the element early. */
export function sanitizeStylesheet(css: string, policy: ResourcePolicy): string {
  const canonical = stripComments(canonicalizeCss(css));
  return sanitizeStatements(canonical, policy, 0).join('\n');
}
