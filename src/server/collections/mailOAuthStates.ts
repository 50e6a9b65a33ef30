import { defineCollection } from '@nocobase/database';

/** Pending OAuth authorizations: single-use, short-lived, bound to the user who started them. */
export default defineCollection({
  name: 'mailOAuthStates',
  dumpRules: 'skipped',
  shared: true,
  fields: [
    // SHA-256 of the state value; the value itself only travels through the browser.
    { type: 'string', name: 'stateHash', unique: true },
    { type: 'bigInt', name: 'userId' },
    { type: 'string', name: 'provider' },
    { type: 'text', name: 'verifier', hidden: true },
    { type: 'string', name: 'redirectUri', length: 2000 },
    { type: 'bigInt', name: 'accountId' },
    { type: 'string', name: 'returnTo', length: 2000 },
    { type: 'date', name: 'expiresAt' },
    { type: 'date', name: 'usedAt' },
  ],
});
