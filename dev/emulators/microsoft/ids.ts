import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Graph ids are long opaque base64 strings. The emulator makes URL-safe ones
 * (no `/`, `+` or `=`), derived from a key so seeded mailboxes get the same ids
 * on every run.
 */
export function graphId(prefix: string, key: string): string {
  const digest = createHash('sha256').update(key).digest('base64url');
  return `${prefix}${digest}`;
}

export function randomGraphId(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** A GUID derived from a key (stable object ids for seeded users). */
export function stableGuid(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function newGuid(): string {
  return randomUUID();
}

export function opaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Graph timestamps have second precision: `2024-05-01T10:00:00Z`. */
export function graphDate(date: Date | number): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
