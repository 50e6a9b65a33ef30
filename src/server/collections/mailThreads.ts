import { defineCollection } from '@nocobase/database';

/** Denormalized conversation rows so mailbox lists are one indexed query. */
export default defineCollection({
  name: 'mailThreads',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'account', target: 'mailAccounts', foreignKey: 'accountId', onDelete: 'CASCADE' },
    { type: 'string', name: 'providerThreadId', allowNull: false },
    { type: 'string', name: 'subject', length: 1000 },
    { type: 'text', name: 'snippet' },
    // Written never null (a conversation without dates sorts as the epoch), so a plain
    // `lastMessageAt DESC` orders alike on every dialect and the index serves it.
    { type: 'date', name: 'lastMessageAt' },
    { type: 'integer', name: 'messageCount', defaultValue: 0 },
    { type: 'integer', name: 'unreadCount', defaultValue: 0 },
    { type: 'boolean', name: 'starred', defaultValue: false },
    { type: 'boolean', name: 'hasAttachments', defaultValue: false },
    { type: 'json', name: 'participants', defaultValue: [] },
    { type: 'json', name: 'folderIds', defaultValue: [] },
    { type: 'hasMany', name: 'messages', target: 'mailMessages', foreignKey: 'threadRowId', onDelete: 'CASCADE' },
    { type: 'hasMany', name: 'folders', target: 'mailThreadFolders', foreignKey: 'threadRowId', onDelete: 'CASCADE' },
  ],
  indexes: [
    { fields: ['accountId', 'providerThreadId'], unique: true },
    { fields: ['accountId', 'lastMessageAt', 'id'] },
  ],
});
