import { defineCollection } from '@nocobase/database';

/**
 * Mail being sent, and what became of it: one row per compose-form submission
 * (clientRequestId, unique per account), so a double submit or a retry after a
 * lost answer sends once, and a failed send keeps everything the writer wrote.
 * Files the writer uploaded stay here only until the message is sent.
 */
export default defineCollection({
  name: 'mailOutbox',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'account', target: 'mailAccounts', foreignKey: 'accountId', onDelete: 'CASCADE' },
    { type: 'belongsTo', name: 'user', target: 'users', foreignKey: 'userId', onDelete: 'CASCADE' },
    { type: 'string', name: 'clientRequestId', allowNull: false },
    // queued (recorded, not yet handed over) | sending (at the provider) | sent | failed
    { type: 'string', name: 'status', defaultValue: 'queued' },
    { type: 'string', name: 'mode' },
    { type: 'bigInt', name: 'originalRowId' },
    { type: 'string', name: 'subject', length: 1000 },
    /** The send request without the uploaded files' bytes (those are in `uploads`), to retry or show it. */
    { type: 'json', name: 'request', defaultValue: {} },
    /** JSON of the uploaded files (base64) while unsent; cleared once sent. */
    { type: 'text', name: 'uploads', length: 'long', hidden: true },
    { type: 'string', name: 'errorCode' },
    { type: 'text', name: 'errorMessage' },
    { type: 'integer', name: 'attempts', defaultValue: 0 },
    { type: 'date', name: 'lastAttemptAt' },
    { type: 'date', name: 'sentAt' },
    { type: 'string', name: 'providerMessageId' },
    { type: 'string', name: 'providerThreadId' },
    { type: 'string', name: 'internetMessageId', length: 998 },
    /** The sent copy as stored locally (mailMessages / mailThreads row ids). */
    { type: 'bigInt', name: 'messageRowId' },
    { type: 'bigInt', name: 'threadRowId' },
  ],
  indexes: [
    { fields: ['accountId', 'clientRequestId'], unique: true },
    { fields: ['userId'] },
    { fields: ['accountId', 'status'] },
  ],
});
