/**
 * Id columns that point at another mail row without being an association
 * (associations are read from the collection definitions). Merging duplicate
 * rows repoints these so nothing is left pointing at a removed row.
 */
import { MAIL_COLLECTION_RULES } from '../actions/mail-data-scope';
import type { RowReference } from './indexes';

/** Every collection whose rows belong to an account, by the column naming it. */
const accountColumns: RowReference[] = Object.entries(MAIL_COLLECTION_RULES).flatMap(([collection, rule]) =>
  rule.kind === 'account' && rule.column !== 'id' ? [{ collection, attribute: rule.column }] : [],
);

export const PLAIN_ROW_REFERENCES: Record<string, RowReference[]> = {
  mailAccounts: [...accountColumns, { collection: 'mailOAuthStates', attribute: 'accountId' }],
  mailMessages: [
    { collection: 'mailOutbox', attribute: 'messageRowId' },
    { collection: 'mailOutbox', attribute: 'originalRowId' },
  ],
  mailThreads: [
    { collection: 'mailOutbox', attribute: 'threadRowId' },
    { collection: 'mailParticipants', attribute: 'threadRowId' },
  ],
};
