import { defineCollection } from '@nocobase/database';

/** A linked mailbox. Tokens are encrypted; lease columns guard one sync runner per account. */
export default defineCollection({
  name: 'mailAccounts',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'user', target: 'users', foreignKey: 'userId', onDelete: 'CASCADE' },
    { type: 'string', name: 'provider', allowNull: false },
    { type: 'string', name: 'address', allowNull: false },
    { type: 'string', name: 'displayName' },
    { type: 'json', name: 'aliases', defaultValue: [] },
    { type: 'string', name: 'providerAccountId' },
    { type: 'text', name: 'tokens', hidden: true },
    { type: 'string', name: 'status', defaultValue: 'connecting' },
    { type: 'text', name: 'statusMessage' },
    { type: 'string', name: 'statusCode' },
    { type: 'date', name: 'rateLimitedUntil' },
    { type: 'date', name: 'syncFrom' },
    { type: 'json', name: 'cursor', hidden: true },
    { type: 'json', name: 'syncState', defaultValue: {} },
    { type: 'integer', name: 'progressDone', defaultValue: 0 },
    { type: 'integer', name: 'progressTotal' },
    { type: 'date', name: 'lastSyncAt' },
    { type: 'date', name: 'lastSuccessAt' },
    { type: 'boolean', name: 'syncRequested', defaultValue: false },
    // Set by "Resync": the next run re-reads the whole window (kept apart from syncState, which the runner rewrites per page).
    { type: 'boolean', name: 'resyncRequested', defaultValue: false },
    { type: 'string', name: 'leaseOwner', hidden: true },
    { type: 'date', name: 'leaseExpiresAt' },
    { type: 'hasMany', name: 'folders', target: 'mailFolders', foreignKey: 'accountId', onDelete: 'CASCADE' },
  ],
  indexes: [{ fields: ['userId', 'provider', 'address'], unique: true }, { fields: ['status'] }],
});
