import { defineCollection } from '@nocobase/database';

/**
 * One row per address per message, lower-cased with its domain and carrying the
 * message's date and conversation, for CRM filters ("all mail with acme.com"):
 * the newest mail with an address or a domain is one bounded range of the
 * (address, date) / (domain, date) index, across every account.
 */
export default defineCollection({
  name: 'mailParticipants',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'message', target: 'mailMessages', foreignKey: 'messageRowId', onDelete: 'CASCADE' },
    { type: 'bigInt', name: 'accountId' },
    { type: 'bigInt', name: 'threadRowId' },
    { type: 'date', name: 'date' },
    { type: 'string', name: 'role' },
    { type: 'string', name: 'address' },
    { type: 'string', name: 'domain' },
    { type: 'string', name: 'name' },
  ],
  indexes: [
    { fields: ['address', 'date'] },
    { fields: ['domain', 'date'] },
    { fields: ['accountId', 'address', 'date'] },
    { fields: ['accountId', 'domain', 'date'] },
    { fields: ['messageRowId'] },
  ],
});
