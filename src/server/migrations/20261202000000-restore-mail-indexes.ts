/**
 * Upgrade repair: installs made before this version may have lost the indexes
 * our collections declare (on SQLite every sync rebuilt the mail tables without
 * them), and without the unique keys sync may have stored duplicates. Merges
 * those (oldest row kept, references repointed) and creates every missing index.
 * Runs after the upgrade's sync, when every table has its current columns.
 */
import { Migration } from '@nocobase/server';
import { MAIL_COLLECTIONS } from '../actions/mail-data-scope';
import { repairDeclaredIndexes } from '../db/indexes';
import { PLAIN_ROW_REFERENCES } from '../db/row-references';

export default class RestoreMailIndexes extends Migration {
  override on = 'afterSync';
  override appVersion = '';

  override async up() {
    await repairDeclaredIndexes(this.db, MAIL_COLLECTIONS, { plainReferences: PLAIN_ROW_REFERENCES, logger: this.app.logger });
  }
}
