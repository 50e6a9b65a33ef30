/**
 * The document a message body is shown in: the server-sanitized HTML inside a
 * page whose own Content-Security-Policy blocks scripts, forms and (until the
 * reader allows them) remote images — a second lock in case the sanitizer ever
 * lets something through. The frame itself is sandboxed without scripts.
 */

/** The frame's own styles for the message (the page measures `.nm-frame-root` to size the frame). */
export const FRAME_BASE_CSS = [
  '.nm-frame-root{display:flow-root;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f1f1f;overflow-wrap:anywhere;word-break:break-word;}',
  '.nm-frame-root img{max-width:100%;height:auto;}',
  '.nm-frame-root table{max-width:100%;}',
  '.nm-frame-root pre{white-space:pre-wrap;}',
  '.nm-frame-root blockquote{margin:0 0 0 .8em;padding-left:.8em;border-left:2px solid #d9d9d9;}',
].join('');

export interface FrameOptions {
  /** The app's origin: inline images are served from it through signed links. */
  origin: string;
  allowRemoteContent: boolean;
}

export function framePolicy({ origin, allowRemoteContent }: FrameOptions): string {
  const remote = allowRemoteContent ? ' https: http:' : '';
  return [
    "default-src 'none'",
    `img-src ${origin} data:${remote}`,
    `style-src 'unsafe-inline'${remote}`,
    `font-src data:${remote}`,
    "script-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function frameDocument(sanitizedHtml: string, options: FrameOptions): string {
  return [
    '<!DOCTYPE html><html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(framePolicy(options))}">`,
    '<meta name="referrer" content="no-referrer">',
    // Links leave the frame in a new tab (the sandbox lets popups escape it).
    '<base target="_blank">',
    `<style>html,body{margin:0;padding:0;background:#fff;}${FRAME_BASE_CSS}</style>`,
    `</head><body><div class="nm-frame-root">${sanitizedHtml}</div></body></html>`,
  ].join('');
}
