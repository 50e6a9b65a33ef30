import { randomBytes } from 'node:crypto';

export const randomToken = (prefix: string, bytes = 32): string => prefix + randomBytes(bytes).toString('base64url');

/** Gmail encodes `raw` and part data as URL-safe base64 (with padding). */
export function toBase64Url(data: Buffer): string {
  return data.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Accepts standard or URL-safe base64, padded or not. */
export function fromBase64Url(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, ''), 'base64');
}
