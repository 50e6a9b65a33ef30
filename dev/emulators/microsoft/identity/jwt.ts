/**
 * RS256 JWTs for id and access tokens. msal-node only decodes id_token claims, but the
 * tokens are signed with a published key (jwks_uri) so any validating client works too.
 */
import { createHash, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

let signingKey: SigningKey | null = null;

/** One key per process: generating RSA keys is slow, and tokens need not outlive the process. */
function key(): SigningKey {
  if (signingKey) return signingKey;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 27);
  signingKey = { kid, privateKey, jwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e } };
  return signingKey;
}

export function signJwt(claims: Record<string, unknown>): string {
  const { kid, privateKey } = key();
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

export function jwks(): { keys: Array<Record<string, unknown>> } {
  return { keys: [key().jwk] };
}
