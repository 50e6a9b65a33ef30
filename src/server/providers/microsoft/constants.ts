/**
 * Fixed Graph / identity-platform vocabulary the Microsoft adapter relies on.
 */
import type { FolderRole } from '../types';

/** Delegated permissions; msal adds `openid profile offline_access` to every request itself. */
export const GRAPH_SCOPES = ['offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send'] as const;

export const DEFAULT_AUTHORITY_HOST = 'login.microsoftonline.com';
export const DEFAULT_TENANT = 'common';

/**
 * Sent on every Graph request: immutable ids survive moves between folders and a
 * sent draft keeps its id in Sent Items, so the store never sees a message change id.
 */
export const PREFER_IMMUTABLE_IDS = 'IdType="ImmutableId"';

/** Properties the normalizer reads; body comes in its stored format (html or text), not converted. */
export const MESSAGE_SELECT = [
  'id',
  'conversationId',
  'internetMessageId',
  'internetMessageHeaders',
  'subject',
  'from',
  'sender',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'receivedDateTime',
  'sentDateTime',
  'bodyPreview',
  'body',
  'parentFolderId',
  'categories',
  'isRead',
  'isDraft',
  'flag',
  'hasAttachments',
].join(',');

/**
 * Attachment metadata without contentBytes. `contentId` lives on the fileAttachment
 * subtype only: a bare `contentId` in this $select is a Graph 400, hence the cast.
 */
export const ATTACHMENT_EXPAND = 'attachments($select=id,name,contentType,size,isInline,microsoft.graph.fileAttachment/contentId)';

/** `?$select=…&$expand=…` for one full message. */
export const MESSAGE_QUERY = `$select=${MESSAGE_SELECT}&$expand=${ATTACHMENT_EXPAND}`;

/** Graph's `$batch` takes at most 20 requests. */
export const BATCH_LIMIT = 20;

/** Well-known folder names (usable in place of ids) and the role each plays. */
export const WELL_KNOWN_FOLDER_ROLES: ReadonlyArray<readonly [string, FolderRole]> = [
  ['inbox', 'inbox'],
  ['sentitems', 'sent'],
  ['drafts', 'drafts'],
  ['deleteditems', 'trash'],
  ['junkemail', 'spam'],
  ['archive', 'archive'],
];

export const DEFAULT_PAGE_SIZE = 50;
/** Graph caps message pages at 1000; bodies make big pages slow, so we stay well below. */
export const MAX_PAGE_SIZE = 200;
/** Page size asked for while walking a delta round to its end (ids only, so large pages are cheap). */
export const DELTA_ID_PAGE_SIZE = 200;

export const DEFAULT_TIMEOUT_MS = 30_000;
