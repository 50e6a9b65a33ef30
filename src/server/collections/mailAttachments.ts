import { defineCollection } from '@nocobase/database';

/** Attachment metadata; bytes are fetched from the provider on first download and cached on disk. */
export default defineCollection({
  name: 'mailAttachments',
  dumpRules: { group: 'user' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'message', target: 'mailMessages', foreignKey: 'messageRowId', onDelete: 'CASCADE' },
    { type: 'bigInt', name: 'accountId' },
    { type: 'string', name: 'providerAttachmentId', length: 2000 },
    { type: 'string', name: 'filename', length: 1000 },
    { type: 'string', name: 'contentType' },
    { type: 'integer', name: 'size', defaultValue: 0 },
    { type: 'string', name: 'contentId', length: 998 },
    { type: 'boolean', name: 'inline', defaultValue: false },
    { type: 'string', name: 'cachePath', hidden: true },
  ],
  indexes: [{ fields: ['messageRowId'] }, { fields: ['accountId'] }],
});
