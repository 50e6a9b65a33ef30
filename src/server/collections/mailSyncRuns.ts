import { defineCollection } from '@nocobase/database';

/** Audit of every sync run, so nothing is lost silently. */
export default defineCollection({
  name: 'mailSyncRuns',
  dumpRules: { group: 'log' },
  shared: true,
  fields: [
    { type: 'belongsTo', name: 'account', target: 'mailAccounts', foreignKey: 'accountId', onDelete: 'CASCADE' },
    { type: 'string', name: 'kind' },
    { type: 'string', name: 'status', defaultValue: 'running' },
    { type: 'string', name: 'runner' },
    { type: 'date', name: 'startedAt' },
    { type: 'date', name: 'finishedAt' },
    { type: 'integer', name: 'pages', defaultValue: 0 },
    { type: 'integer', name: 'fetched', defaultValue: 0 },
    { type: 'integer', name: 'stored', defaultValue: 0 },
    { type: 'integer', name: 'updated', defaultValue: 0 },
    { type: 'integer', name: 'deleted', defaultValue: 0 },
    { type: 'integer', name: 'skipped', defaultValue: 0 },
    { type: 'json', name: 'skippedReasons', defaultValue: [] },
    { type: 'json', name: 'errors', defaultValue: [] },
    { type: 'json', name: 'mismatches', defaultValue: [] },
  ],
  indexes: [{ fields: ['accountId', 'startedAt'] }],
});
