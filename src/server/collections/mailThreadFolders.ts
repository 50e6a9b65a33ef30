import { defineCollection } from '@nocobase/database';

/**
 * Which folders / labels a conversation shows in, one row each, carrying the
 * conversation's date: "the newest conversations in this folder" is one bounded
 * range of the (accountId, folderId, lastMessageAt) index on every dialect, which
 * a JSON array on the thread row can never be. Maintained by the sync store with
 * the thread row it mirrors.
 */
export default defineCollection({
  name: 'mailThreadFolders',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'thread', target: 'mailThreads', foreignKey: 'threadRowId', onDelete: 'CASCADE' },
    { type: 'bigInt', name: 'accountId', allowNull: false },
    /** The provider's folder / label id, as in the messages' `folderIds`. */
    { type: 'string', name: 'folderId', allowNull: false },
    { type: 'date', name: 'lastMessageAt', allowNull: false },
  ],
  indexes: [
    { fields: ['threadRowId', 'folderId'], unique: true },
    // Named: the generated name would pass MariaDB's 64-character limit.
    { fields: ['accountId', 'folderId', 'lastMessageAt', 'threadRowId'], name: 'mail_thread_folders_by_folder_date' },
  ],
});
