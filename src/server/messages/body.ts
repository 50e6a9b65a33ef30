/**
 * What the reader sees of one message: its HTML made safe on the server (the
 * client adds a sandboxed frame on top), or its plain text turned into HTML
 * when the sender sent no HTML part.
 *
 * Sanitizing is the one heavy step of reading mail, so it never runs on the
 * request path's event loop for anything but small bodies (see HtmlPool), its
 * result is kept for the next open, and a body beyond MAX_DISPLAY_HTML_CHARS is
 * neither loaded nor rendered: the reader gets a "too large to display, download it" answer.
 */
import { createHash } from 'node:crypto';
import type { Database } from '@nocobase/database';
import { col, fn } from 'sequelize';
import { escapeHtml } from '../security';
import { htmlPool, type HtmlPool } from '../security/html-pool';
import { MESSAGE_NOT_FOUND } from './visibility';

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
  limitChars?: number;
}

function tooLarge(chars: number, limitChars: number): MessageBodyView {
  return { html: '', text: '', remoteImagesBlocked: 0, hasRemoteContent: false, tooLarge: { chars, limitChars } };
}

/** One body, made safe: through the worker pool unless small, or "too large" beyond the bound. */
export async function renderMessageBody(input: BodyInput, options: RenderOptions = {}): Promise<MessageBodyView> {
  const limitChars = options.limitChars ?? MAX_DISPLAY_HTML_CHARS;
  const html = input.html && input.html.trim() ? input.html : null;
  const rawText = input.text ?? '';
  const sourceChars = html ? html.length : rawText.length;
  if (sourceChars > limitChars) return tooLarge(sourceChars, limitChars);
  const source = html ?? (rawText ? plainTextToHtml(rawText) : '');
  const clean = await (options.pool ?? htmlPool()).sanitize(source, { allowRemoteImages: input.allowRemoteImages, cidMap: input.cidMap });
  return { html: clean.html, text: rawText, remoteImagesBlocked: clean.remoteImagesBlocked, hasRemoteContent: clean.hasRemoteContent };
}

/**
 * Recently rendered bodies, so opening a message again (or another reader of a
 * shared mailbox opening it) neither loads nor sanitizes it again. Bounded by
 * the characters it holds; least recently used go first.
 */
export class BodyCache {
  private readonly entries = new Map<string, MessageBodyView>();
  private chars = 0;

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  private static size(v: MessageBodyView): number {
    return v.html.length + v.text.length;
  }

  get(key: string): MessageBodyView | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: MessageBodyView): void {
    if (this.entries.has(key) || BodyCache.size(value) > this.maxChars / 4) return;
    this.entries.set(key, value);
    this.chars += BodyCache.size(value);
    for (const [k, v] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(k);
      this.chars -= BodyCache.size(v);
    }
  }
}

export interface BodyRequest {
  /** The viewer may read mail of this account (the caller's access rule). */
  canRead(accountId: unknown): Promise<boolean>;
  /** contentId → URL serving that inline image, for this message. */
  cidMap(messageId: string): Promise<Record<string, string>>;
  allowRemoteImages: boolean;
}

/**
 * `mailMessages:body`: reads a message's size and version first, so a body too
 * large to display is never loaded and a rendered one is served from the cache
 * without loading it again; only a first open loads and sanitizes it (off the
 * event loop, see renderMessageBody).
 */
export class MessageBodies {
  private readonly cache: BodyCache;

  constructor(
    private readonly db: Database,
    private readonly options: RenderOptions & { cache?: BodyCache } = {},
  ) {
    this.cache = options.cache ?? new BodyCache();
  }

  async render(messageId: string, request: BodyRequest): Promise<MessageBodyView> {
    const model = this.db.getModel('mailMessages');
    const head = (await model.findOne({
      where: { id: messageId },
      // Lengths in characters (bytes on MariaDB): enough to apply the bound without reading the body.
      attributes: ['id', 'accountId', 'updatedAt', [fn('length', col('html')), 'htmlChars'], [fn('length', col('text')), 'textChars']],
      raw: true,
    })) as unknown as { id: unknown; accountId: unknown; updatedAt: unknown; htmlChars: unknown; textChars: unknown } | null;
    if (!head || !(await request.canRead(head.accountId))) throw MESSAGE_NOT_FOUND();
    const limitChars = this.options.limitChars ?? MAX_DISPLAY_HTML_CHARS;
    const htmlChars = Number(head.htmlChars ?? 0) || 0;
    const textChars = Number(head.textChars ?? 0) || 0;
    if (Math.max(htmlChars, textChars) > limitChars) {
      // Decided on the part that would be shown: the HTML, or the text when there is no HTML.
      const shown = htmlChars > 0 ? htmlChars : textChars;
      if (shown > limitChars) return tooLarge(shown, limitChars);
    }
    const cidMap = await request.cidMap(String(head.id));
    const updated = head.updatedAt instanceof Date ? head.updatedAt.getTime() : String(head.updatedAt);
    const key = createHash('sha256')
      .update(JSON.stringify([String(head.id), updated, htmlChars, textChars, request.allowRemoteImages, cidMap]))
      .digest('base64url');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const row = (await model.findOne({ where: { id: messageId }, attributes: ['html', 'text'], raw: true })) as unknown as { html: string | null; text: string | null } | null;
    if (!row) throw MESSAGE_NOT_FOUND();
    const view = await renderMessageBody({ html: row.html, text: row.text, cidMap, allowRemoteImages: request.allowRemoteImages }, this.options);
    this.cache.set(key, view);
    return view;
  }
}
