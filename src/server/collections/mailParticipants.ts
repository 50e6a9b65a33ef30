import { defineCollection } from '@nocobase/database';

/** One row per address per message, lower-cased with its domain, for CRM filters ("all mail with acme.com"). */
export default defineCollection({
  name: 'mailParticipants',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'message', target: 'mailMessages', foreignKey: 'messageRowId', onDelete: 'CASCADE' },
    { type: 'bigInt', name: 'accountId' },
    { type: 'string', name: 'role' },
    { type: 'string', name: 'address' },
    { type: 'string', name: 'domain' },
    { type: 'string', name: 'name' },
  ],
  indexes: [{ fields: ['address'] }, { fields: ['domain'] }, { fields: ['accountId', 'address'] }, { fields: ['messageRowId'] }],
});
