import { defineCollection } from '@nocobase/database';

/** Gmail labels and Graph mail folders, mapped to roles, with provider and local counts. */
export default defineCollection({
  name: 'mailFolders',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'account', target: 'mailAccounts', foreignKey: 'accountId', onDelete: 'CASCADE' },
    { type: 'string', name: 'providerId', allowNull: false },
    { type: 'string', name: 'name' },
    { type: 'string', name: 'role', defaultValue: 'custom' },
    { type: 'string', name: 'kind' },
    { type: 'string', name: 'parentProviderId' },
    { type: 'string', name: 'color' },
    { type: 'integer', name: 'totalCount', defaultValue: 0 },
    { type: 'integer', name: 'unreadCount', defaultValue: 0 },
  ],
  indexes: [{ fields: ['accountId', 'providerId'], unique: true }],
});
