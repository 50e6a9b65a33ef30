/**
 * Folds a window of Gmail history records into one instruction per message, so a
 * message touched many times costs one fetch and a message that came and went
 * inside the window is only reported as deleted.
 */
import type { gmail_v1 } from '@googleapis/gmail';

export interface HistoryDigest {
  /** New messages: fetch them whole. */
  added: string[];
  /** Label (flag / folder) changes on messages we may already have: fetch their labels. */
  changed: string[];
  deleted: string[];
}

type Fate = 'added' | 'changed' | 'deleted';

export function digestHistory(records: readonly gmail_v1.Schema$History[]): HistoryDigest {
  const fates = new Map<string, Fate>();
  const mark = (id: string | null | undefined, fate: Fate): void => {
    if (!id) return;
    const current = fates.get(id);
    if (current === undefined || fate === 'deleted' || (fate === 'added' && current === 'changed')) {
      fates.set(id, fate);
    }
    // 'added' then 'changed' stays 'added' (the fetch sees the latest labels);
    // anything after 'deleted' cannot revive the id: Gmail ids are never reused.
  };
  for (const record of records) {
    for (const a of record.messagesAdded ?? []) mark(a.message?.id, 'added');
    for (const l of record.labelsAdded ?? []) mark(l.message?.id, 'changed');
    for (const l of record.labelsRemoved ?? []) mark(l.message?.id, 'changed');
    for (const d of record.messagesDeleted ?? []) mark(d.message?.id, 'deleted');
  }
  const digest: HistoryDigest = { added: [], changed: [], deleted: [] };
  for (const [id, fate] of fates) digest[fate].push(id);
  return digest;
}
