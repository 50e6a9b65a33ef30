/**
 * Flag, read state, categories and folder moves on one message.
 * On Outlook a message lives in exactly one folder, so "labels" are categories:
 * `addFolderIds` / `removeFolderIds` name categories; `moveTo`, `trash` and `untrash` move.
 */
import type { MessageChange } from '../types';
import type { GraphApi } from './graph-client';

function destination(change: MessageChange): string | null {
  if (change.trash) return 'deleteditems';
  if (change.untrash) return 'inbox';
  return change.moveTo ?? null;
}

async function nextCategories(api: GraphApi, path: string, change: MessageChange): Promise<string[] | null> {
  const add = change.addFolderIds ?? [];
  const remove = new Set(change.removeFolderIds ?? []);
  if (add.length === 0 && remove.size === 0) return null;
  const current = await api.get<{ categories?: string[] }>(`${path}?$select=categories`);
  const next = (current.categories ?? []).filter((c) => !remove.has(c));
  for (const category of add) if (!next.includes(category) && !remove.has(category)) next.push(category);
  return next;
}

export async function modifyMessage(api: GraphApi, providerId: string, change: MessageChange): Promise<void> {
  const path = `/me/messages/${encodeURIComponent(providerId)}`;
  const patch: Record<string, unknown> = {};
  if (change.read !== undefined) patch.isRead = change.read;
  if (change.starred !== undefined) patch.flag = { flagStatus: change.starred ? 'flagged' : 'notFlagged' };
  const categories = await nextCategories(api, path, change);
  if (categories) patch.categories = categories;
  if (Object.keys(patch).length > 0) await api.patch(path, patch);
  // Moving last: with immutable ids the message keeps its id in the new folder.
  const target = destination(change);
  if (target) await api.post(`${path}/move`, { destinationId: target });
}
