/**
 * Outlook mail folders → ProviderFolder with roles. Graph v1.0 has no well-known
 * name on a folder, so the ids of the well-known folders are looked up by name in
 * one `$batch` and matched against the folder tree.
 */
import type { FolderRole, ProviderFolder } from '../types';
import { WELL_KNOWN_FOLDER_ROLES } from './constants';
import type { GraphApi } from './graph-client';

export interface GraphFolder {
  id: string;
  displayName?: string | null;
  parentFolderId?: string | null;
  childFolderCount?: number | null;
  totalItemCount?: number | null;
  unreadItemCount?: number | null;
  /** Only in Graph beta (and some emulators); used when present. */
  wellKnownName?: string | null;
}

export interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  '@odata.count'?: number;
}

const FOLDER_SELECT = '$select=id,displayName,parentFolderId,childFolderCount,totalItemCount,unreadItemCount&$top=100';

/** Every visible mail folder, depth first, each with the id of its parent (null at the top). */
export async function walkFolders(api: GraphApi): Promise<Array<GraphFolder & { parent: string | null }>> {
  const out: Array<GraphFolder & { parent: string | null }> = [];
  const visit = async (path: string, parent: string | null): Promise<void> => {
    let link: string | undefined = `${path}?${FOLDER_SELECT}`;
    while (link) {
      const page: GraphPage<GraphFolder> = await api.get<GraphPage<GraphFolder>>(link);
      for (const folder of page.value ?? []) {
        out.push({ ...folder, parent });
        if ((folder.childFolderCount ?? 0) > 0) {
          await visit(`/me/mailFolders/${encodeURIComponent(folder.id)}/childFolders`, folder.id);
        }
      }
      link = page['@odata.nextLink'];
    }
  };
  await visit('/me/mailFolders', null);
  return out;
}

/** Folder id → role for the well-known folders this mailbox has (a mailbox may lack Archive). */
export async function wellKnownRoles(api: GraphApi): Promise<Map<string, FolderRole>> {
  const responses = await api.batch<{ id?: string }>(
    WELL_KNOWN_FOLDER_ROLES.map(([name]) => ({ id: name, method: 'GET' as const, url: `/me/mailFolders/${name}?$select=id` })),
  );
  const roles = new Map<string, FolderRole>();
  for (const [name, role] of WELL_KNOWN_FOLDER_ROLES) {
    const response = responses.get(name);
    const id = response && response.status === 200 ? response.body?.id : undefined;
    if (id) roles.set(id, role);
  }
  return roles;
}

function roleOf(folder: GraphFolder, roles: Map<string, FolderRole>): FolderRole {
  const byId = roles.get(folder.id);
  if (byId) return byId;
  const named = folder.wellKnownName ? WELL_KNOWN_FOLDER_ROLES.find(([name]) => name === folder.wellKnownName?.toLowerCase()) : undefined;
  return named ? named[1] : 'custom';
}

export async function listFolders(api: GraphApi): Promise<ProviderFolder[]> {
  const [tree, roles] = await Promise.all([walkFolders(api), wellKnownRoles(api)]);
  return tree.map((folder) => ({
    id: folder.id,
    name: folder.displayName ?? '',
    role: roleOf(folder, roles),
    parentId: folder.parent,
    kind: 'folder' as const,
    totalCount: folder.totalItemCount ?? 0,
    unreadCount: folder.unreadItemCount ?? 0,
    color: null,
  }));
}
