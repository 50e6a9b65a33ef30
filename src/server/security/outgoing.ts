/**
 * HTML a user wrote in the compose form, made safe to send: the same allow-list
 * as received mail (no scripts, event handlers, forms, frames or `javascript:`
 * links), keeping the formatting an editor produces. Remote images stay: the
 * writer put them there, and blocking is the reader's side of the exchange.
 * Style sheets go, so the writer's CSS cannot restyle the quoted original or the
 * recipient's mail client.
 */
import { sanitizeEmailHtml } from './sanitize';

export function sanitizeOutgoingHtml(html: string | null | undefined): string {
  return sanitizeEmailHtml(html ?? '', { allowRemoteImages: true, allowStyleBlocks: false }).html;
}
