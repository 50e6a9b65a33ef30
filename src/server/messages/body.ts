/**
 * What the reader sees of one message: its HTML made safe on the server (the
 * client adds a sandboxed frame on top), or its plain text turned into HTML
 * when the sender sent no HTML part.
 *
 * Sanitizing is the one heavy step of reading mail, so it never runs on the
 * request path's event loop for anything but small bodies (see HtmlPool), its
 * result is kept for the next open, and a body beyond MAX_DISPLAY_HTML_CHARS is
 * not rendered at all: the reader gets a "too large to display, download it" answer.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../security';
import { htmlPool, type HtmlPool } from '../security/html-pool';

export interface MessageBodyView {
  /** Sanitized HTML, ready for a sandboxed frame's srcdoc. */
  html: string;
  /** The plain-text part (for copying, quoting, screen readers); may be empty. */
  text: string;
  /** Remote images removed because the reader has not allowed them. */
  remoteImagesBlocked: number;
  /** The message references remote content at all (blocked or shown). */
  hasRemoteContent: boolean;
  /** Set (and html empty) when the body is too large to display; the reader downloads it instead. */
  tooLarge?: { chars: number; limitChars: number };
}

/**
 * Bodies longer than this are not rendered (about 4 s of work in a worker, and
 * more than a browser lays out comfortably in a frame); real mail is far smaller.
 */
export const MAX_DISPLAY_HTML_CHARS = 5 * 1024 * 1024;

export interface BodyInput {
  html: string | null | undefined;
  text: string | null | undefined;
  /** Content-ID → URL serving that inline image. */
  cidMap: Record<string, string>;
  allowRemoteImages: boolean;
}

// Stops before characters that usually end a sentence rather than a URL.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Plain text → HTML with line breaks kept and web links clickable. */
export function plainTextToHtml(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = match[0];
    const at = match.index ?? 0;
    out += `${escapeHtml(text.slice(last, at))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = at + url.length;
  }
  out += escapeHtml(text.slice(last));
  return `<div style="white-space: pre-wrap; word-wrap: break-word">${out}</div>`;
}

export interface RenderOptions {
  pool?: HtmlPool;
  cache?: BodyCache;
  limitChars?: number;
}

export async function renderMessageBody(input: BodyInput, options: RenderOptions = {}): Promise<MessageBodyView> {
  const limitChars = options.limitChars ?? MAX_DISPLAY_HTML_CHARS;
  const html = input.html && input.html.trim() ? input.html : null;
  const rawText = input.text ?? '';
  const sourceChars = html ? html.length : rawText.length;
  if (sourceChars > limitChars) {
    return { html: '', text: '', remoteImagesBlocked: 0, hasRemoteContent: false, tooLarge: { chars: sourceChars, limitChars } };
  }
  const source = html ?? (rawText ? plainTextToHtml(rawText) : '');
  const sanitizeOptions = { allowRemoteImages: input.allowRemoteImages, cidMap: input.cidMap };
  const key = options.cache ? BodyCache.key(source, sanitizeOptions) : '';
  const clean = options.cache?.get(key) ?? (await (options.pool ?? htmlPool()).sanitize(source, sanitizeOptions));
  options.cache?.set(key, clean);
  return { html: clean.html, text: rawText, remoteImagesBlocked: clean.remoteImagesBlocked, hasRemoteContent: clean.hasRemoteContent };
}

type Clean = { html: string; remoteImagesBlocked: number; hasRemoteContent: boolean };

/**
 * Recently rendered bodies, so opening a message again (or the next reader of
 * a shared mailbox) does not sanitize it again. Keyed by a hash of the source
 * and the options (inline-image links stay the same for an hour), bounded by
 * the characters it holds; least recently used go first.
 */
export class BodyCache {
  private readonly entries = new Map<string, Clean>();
  private chars = 0;

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  static key(source: string, options: { allowRemoteImages: boolean; cidMap: Record<string, string> }): string {
    return createHash('sha256').update(JSON.stringify([options.allowRemoteImages, options.cidMap])).update('\0').update(source).digest('base64url');
  }

  get(key: string): Clean | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Clean): void {
    if (this.entries.has(key) || value.html.length > this.maxChars / 4) return;
    this.entries.set(key, value);
    this.chars += value.html.length;
    for (const [k, v] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(k);
      this.chars -= v.html.length;
    }
  }
}
