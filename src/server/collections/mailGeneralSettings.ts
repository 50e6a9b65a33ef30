import { defineCollection } from '@nocobase/database';

/** A single row of app-wide sync settings. */
export default defineCollection({
  name: 'mailGeneralSettings',
  dumpRules: 'required',
  shared: true,
  fields: [
    { type: 'integer', name: 'syncIntervalMinutes', defaultValue: 5 },
    { type: 'integer', name: 'defaultSyncWindowDays', defaultValue: 30 },
    { type: 'integer', name: 'attachmentSizeLimitMb', defaultValue: 25 },
    // Roles whose members may see every user's mailboxes (supervisors); nobody by default.
    { type: 'json', name: 'supervisorRoles', defaultValue: [] },
  ],
});
