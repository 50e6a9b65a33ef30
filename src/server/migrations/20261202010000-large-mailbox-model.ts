/**
 * Upgrade to the large-mailbox model (folder membership rows, dated
 * participants, dated conversations). Runs after the upgrade's sync has created
 * the new table and columns; see sync/large-mailbox-backfill.ts.
 */
import { Migration } from '@nocobase/server';
import { backfillLargeMailboxModel } from '../sync/large-mailbox-backfill';

export default class LargeMailboxModel extends Migration {
  override on = 'afterSync';
  override appVersion = '';

  override async up() {
    const outcome = await backfillLargeMailboxModel(this.db);
    this.app.logger.info('Email manager: mail converted to the large-mailbox model', { module: 'email-manager', ...outcome });
  }
}
