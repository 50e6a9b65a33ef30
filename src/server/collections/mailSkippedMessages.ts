import { defineCollection } from '@nocobase/database';

/** Messages that repeatedly failed to fetch or parse: counted, then skipped so they never block the account. */
export default defineCollection({
  name: 'mailSkippedMessages',
  dumpRules: { group: 'log' },
  shared: true,
  fields: [
    { type: 'bigInt', name: 'accountId' },
    { type: 'string', name: 'providerId' },
    { type: 'integer', name: 'attempts', defaultValue: 0 },
    { type: 'text', name: 'reason' },
    { type: 'boolean', name: 'skipped', defaultValue: false },
  ],
  indexes: [{ fields: ['accountId', 'providerId'], unique: true }],
});
