import { defineCollection } from '@nocobase/database';

/** One row per provider: the OAuth app the admin registered at Google / Microsoft. */
export default defineCollection({
  name: 'mailSettings',
  dumpRules: 'required',
  migrationRules: ['overwrite', 'schema-only'],
  shared: true,
  fields: [
    { type: 'string', name: 'provider', unique: true, allowNull: false },
    { type: 'boolean', name: 'enabled', defaultValue: true },
    { type: 'string', name: 'clientId' },
    // AES-encrypted with the app key; `hidden` keeps it out of every JSON the host serializes.
    { type: 'text', name: 'clientSecret', hidden: true },
    { type: 'string', name: 'tenant', defaultValue: 'common' },
    { type: 'string', name: 'cloud', defaultValue: 'global' },
  ],
});
