import { createHash } from 'node:crypto';
import { challengeFor, createPkcePair, hashState, randomState } from '../pkce';

describe('PKCE and state values', () => {
  it('derives the S256 challenge the provider will check (RFC 7636 appendix B vector)', () => {
    expect(challengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of a length and alphabet providers accept, different every time', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(challengeFor(a.verifier));
  });

  it('stores only a hash of the state', () => {
    const state = randomState();
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashState(state)).toBe(createHash('sha256').update(state).digest('hex'));
    expect(hashState(state)).not.toContain(state);
  });
});
