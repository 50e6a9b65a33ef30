/**
 * Short-lived signed links for a message's inline images (`cid:` parts).
 *
 * The message body is shown in a sandboxed frame with an opaque origin: its
 * image requests carry neither the user's bearer token nor (SameSite) cookies,
 * so an authenticated URL would not load. The body action, which did check the
 * caller's access, therefore hands out links signed for one attachment and a
 * limited time, like pre-signed storage URLs. The link only ever serves raster
 * images inline (see mailAttachments:inline).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Links stay the same for an hour (so the browser cache works) and live one to two hours. */
const WINDOW_MS = 60 * 60 * 1000;

export interface SignedLinkParams {
  attachmentId: string;
  expires: number;
  signature: string;
}

export class InlineImageLinks {
  private readonly key: Buffer;

  /**
   * @param secret the app's secret (APP_KEY); a per-purpose key is derived from it
   *   so the raw secret is never used for anything else. Without one (tests,
   *   misconfiguration) a random per-process key still keeps links unforgeable.
   */
  constructor(
    secret: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    const material = secret && secret.length > 0 ? secret : randomBytes(32).toString('hex');
    this.key = createHash('sha256').update(`nocomail:inline-image-links:${material}`).digest();
  }

  private sign(attachmentId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${attachmentId}.${expires}`).digest('base64url');
  }

  issue(attachmentId: string): SignedLinkParams {
    const expires = (Math.floor(this.now() / WINDOW_MS) + 2) * WINDOW_MS;
    return { attachmentId, expires, signature: this.sign(attachmentId, expires) };
  }

  /** `${apiBase}mailAttachments:inline?...` for one attachment. */
  url(apiBase: string, attachmentId: string): string {
    const p = this.issue(attachmentId);
    const query = new URLSearchParams({ filterByTk: p.attachmentId, expires: String(p.expires), signature: p.signature });
    return `${apiBase}mailAttachments:inline?${query.toString()}`;
  }

  /** Seconds the browser may cache what the link serves: never past its expiry. */
  secondsLeft(expires: number): number {
    return Math.max(0, Math.floor((expires - this.now()) / 1000));
  }

  verify(params: { attachmentId: unknown; expires: unknown; signature: unknown }): boolean {
    const attachmentId = typeof params.attachmentId === 'string' || typeof params.attachmentId === 'number' ? String(params.attachmentId) : '';
    const expires = Number(params.expires);
    const signature = typeof params.signature === 'string' ? params.signature : '';
    if (!attachmentId || !Number.isSafeInteger(expires) || !signature) return false;
    if (expires <= this.now() || expires > this.now() + 2 * WINDOW_MS) return false;
    const expected = Buffer.from(this.sign(attachmentId, expires));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
