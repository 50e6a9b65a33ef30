/**
 * What the reader sees of one message: its HTML made safe on the server (the
 * client adds a sandboxed frame on top), or its plain text turned into HTML
 * when the sender sent no HTML part.
 */
import { escapeHtml, sanitizeEmailHtml } from '../security';

export interface MessageBodyView {
  /** Sanitized HTML, ready for a sandboxed frame's srcdoc. */
  html: string;
  /** The plain-text part (for copying, quoting, screen readers); may be empty. */
  text: string;
  /** Remote images removed because the reader has not allowed them. */
  remoteImagesBlocked: number;
  /** The message references remote content at all (blocked or shown). */
  hasRemoteContent: boolean;
}

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

export function renderMessageBody(input: BodyInput): MessageBodyView {
  const text = input.text ?? '';
  const source = input.html && input.html.trim() ? input.html : text ? plainTextToHtml(text) : '';
  const clean = sanitizeEmailHtml(source, { allowRemoteImages: input.allowRemoteImages, cidMap: input.cidMap });
  return { html: clean.html, text, remoteImagesBlocked: clean.remoteImagesBlocked, hasRemoteContent: clean.hasRemoteContent };
}
