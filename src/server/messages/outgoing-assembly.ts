/**
 * From a checked send request to the provider-neutral OutgoingMessage: the
 * writer's HTML sanitized, the quoted original appended (as HTML and as `> `
 * text), the images the quote shows carried along, and the original's ids for
 * In-Reply-To / References / the provider thread. Pure.
 */
import { normalizeMessageId } from '../mime/message-id';
import { buildReferences } from '../mime/threading';
import type { MailAddress, NormalizedMessage, OutgoingAttachment, OutgoingMessage } from '../providers/types';
import { sanitizeOutgoingHtml } from '../security/outgoing';
import { htmlToText } from '../security/sanitize';
import type { ComposeMode, WireAddress } from '../../shared/wire-types';
import type { OriginalMessage } from './compose-draft';

/** Bare, lower-cased content ids of the `cid:` images an HTML body shows. */
export function referencedContentIds(html: string): Set<string> {
  const ids = new Set<string>();
  for (const m of html.matchAll(/\bsrc\s*=\s*["']?cid:([^"'\s>]+)/gi)) {
    let id = m[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      // keep the raw form
    }
    ids.add(id.replace(/^<|>$/g, '').toLowerCase());
  }
  return ids;
}

export function bareContentId(contentId: string | null | undefined): string | null {
  const bare = (contentId ?? '').trim().replace(/^<|>$/g, '');
  return bare ? bare.toLowerCase() : null;
}

/** Attachments of the original that the quote shows as images (sent inline with it, not as files). */
export function imagesOfQuote<T extends { contentId?: string | null }>(attachments: readonly T[], quoteHtml: string): T[] {
  const shown = referencedContentIds(quoteHtml);
  if (!shown.size) return [];
  return attachments.filter((a) => {
    const id = bareContentId(a.contentId);
    return id !== null && shown.has(id);
  });
}

/** What the writer typed, sanitized, with the quote under it; the text part follows the same layout. */
export function assembleBody(writerHtml: string, quote: { text: string; html: string } | null): { html: string; text: string } {
  const html = sanitizeOutgoingHtml(writerHtml);
  const text = htmlToText(html);
  if (!quote) return { html, text };
  return {
    html: `${html}<br>${quote.html}`,
    text: text ? `${text}\n\n${quote.text}` : quote.text,
  };
}

function address(a: WireAddress | MailAddress): MailAddress {
  return a.name ? { name: a.name, address: a.address } : { address: a.address };
}

export interface OutgoingParts {
  mode: ComposeMode;
  from: WireAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  body: { html: string; text: string };
  attachments: OutgoingAttachment[];
  original: OriginalMessage | null;
}

export function assembleOutgoing(parts: OutgoingParts): OutgoingMessage {
  const outgoing: OutgoingMessage = {
    mode: parts.mode,
    from: address(parts.from),
    to: parts.to.map(address),
    cc: parts.cc.map(address),
    bcc: parts.bcc.map(address),
    subject: parts.subject,
    html: parts.body.html,
    text: parts.body.text,
    attachments: parts.attachments,
  };
  if (parts.mode !== 'new' && parts.original) {
    const o = parts.original;
    // inReplyTo rides along: the References chain falls back to it when the original had none.
    const original: NonNullable<OutgoingMessage['original']> & { inReplyTo: string | null } = {
      providerId: o.providerId,
      threadId: o.providerThreadId ?? '',
      internetMessageId: o.internetMessageId,
      references: o.references,
      subject: o.subject,
      inReplyTo: o.inReplyTo,
    };
    outgoing.original = original;
  }
  return outgoing;
}

/**
 * The sent copy of an answer, with In-Reply-To / References filled in when the
 * provider does not report them for its own sent items (Graph returns no
 * internet headers there, though the message it sent carries them), so the
 * local row threads like the copies its recipients get.
 */
export function withAnswerHeaders(copy: NormalizedMessage, outgoing: OutgoingMessage): NormalizedMessage {
  if ((outgoing.mode !== 'reply' && outgoing.mode !== 'replyAll') || !outgoing.original || copy.inReplyTo) return copy;
  const inReplyTo = normalizeMessageId(outgoing.original.internetMessageId);
  if (!inReplyTo) return copy;
  return { ...copy, inReplyTo, references: copy.references.length ? copy.references : buildReferences(outgoing.original) };
}
