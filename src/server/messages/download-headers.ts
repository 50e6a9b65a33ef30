/**
 * Response headers for serving an attachment's bytes. Mail attachments are
 * untrusted files from strangers: the browser must save them rather than render
 * them in the app's origin, never guess their type, and never run them.
 */

/** Image types a browser draws without executing anything (no SVG: it can carry script). */
const RASTER_IMAGE = /^image\/(?:png|gif|jpeg|pjpeg|webp|bmp|avif|x-icon|vnd\.microsoft\.icon)$/;

/** Types a browser would render as an active document if it ever ignored the disposition. */
const ACTIVE_TYPE = /(?:html|xml|svg|javascript|ecmascript|x-shockwave-flash)/;

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

const FALLBACK_TYPE = 'application/octet-stream';

/** The declared type without parameters, lower-cased. */
export function baseMediaType(contentType: string | null | undefined): string {
  return String(contentType ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

export function isRasterImage(contentType: string | null | undefined): boolean {
  return RASTER_IMAGE.test(baseMediaType(contentType));
}

/** The type we answer with: the declared one when it is well-formed and inert, octet-stream otherwise. */
export function servedContentType(contentType: string | null | undefined): string {
  const type = baseMediaType(contentType);
  if (!MEDIA_TYPE.test(type) || ACTIVE_TYPE.test(type)) return FALLBACK_TYPE;
  return type;
}

/** A file name safe to hand to the browser: no path, no control characters, never empty. */
export function safeFilename(filename: string | null | undefined): string {
  const base = String(filename ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split(/[/\\]/)
    .pop()
    ?.trim();
  // A name that is only dots would mean "this directory" to some tools.
  return base && !/^\.+$/.test(base) ? base.slice(0, 255) : 'attachment';
}

/** RFC 6266 / 8187: an ASCII fallback for old clients plus the exact UTF-8 name. */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  const name = safeFilename(filename);
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export interface DownloadHeaderInput {
  filename: string | null | undefined;
  contentType: string | null | undefined;
  /** The caller asked to view it in the page (only honoured for raster images). */
  wantInline: boolean;
  size: number;
  /** How long the browser may keep it; 0 means revalidate every time. */
  maxAgeSeconds?: number;
}

export function downloadHeaders(input: DownloadHeaderInput): Record<string, string> {
  const inline = input.wantInline && isRasterImage(input.contentType);
  const maxAge = input.maxAgeSeconds ?? 0;
  return {
    'Content-Type': servedContentType(input.contentType),
    'Content-Length': String(input.size),
    'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', input.filename ?? ''),
    'X-Content-Type-Options': 'nosniff',
    // Even if a browser rendered it as a document, it would get a unique origin and no script.
    'Content-Security-Policy': 'sandbox',
    'Cache-Control': maxAge > 0 ? `private, max-age=${maxAge}` : 'private, no-cache',
    'Referrer-Policy': 'no-referrer',
  };
}
