/** PKCE (RFC 7636, S256) and OAuth `state` values. Pure. */
import { createHash, randomBytes } from 'node:crypto';

function base64url(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface PkcePair {
  verifier: string;
  challenge: string;
}

export function createPkcePair(): PkcePair {
  // 32 random bytes → 43 characters, the minimum verifier length RFC 7636 allows.
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: challengeFor(verifier) };
}

export function challengeFor(verifier: string): string {
  return base64url(createHash('sha256').update(verifier).digest());
}

export function randomState(): string {
  return base64url(randomBytes(32));
}

/** The state travels through the browser; only its hash is stored. */
export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}
