/**
 * The body of `mailMessages:send`, checked before anything is recorded or sent:
 * the shape of every field, recipients that are real addresses (with a message
 * per field), files that decode, and the size limits. Pure: no database, no
 * provider, so every rule is tested on its own.
 */
import { UserFacingError } from '../http/errors';
import { MAX_SIMPLE_ATTACHMENT_BYTES } from '../providers/microsoft/outgoing';
import type { MailAddress, ProviderName } from '../providers/types';
import { normalizeAddress } from '../sync/participants';
import type { ComposeMode } from '../../shared/wire-types';

export const COMPOSE_MODES = ['new', 'reply', 'replyAll', 'forward'] as const satisfies readonly ComposeMode[];

/** Gmail refuses more than 500 recipients per message; Exchange's default is the same. */
export const MAX_RECIPIENTS = 500;
export const MAX_SUBJECT_LENGTH = 998;
const MAX_NAME_LENGTH = 200;
const MAX_FILENAME_LENGTH = 255;
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const ROW_ID = /^\d{1,20}$/;
const MB = 1024 * 1024;

export type RecipientField = 'to' | 'cc' | 'bcc';
const FIELD_LABEL: Record<RecipientField, string> = { to: 'To', cc: 'Cc', bcc: 'Bcc' };

export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A send request whose every field has the right shape and valid values. */
export interface SendInput {
  accountId: string;
  mode: ComposeMode;
  /** Row id of the message answered or forwarded; null for a new message. */
  originalId: string | null;
  /** The address asked to send as; null means the account's own. */
  from: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  html: string;
  includeQuote: boolean;
  uploads: UploadedFile[];
  forwardAttachmentIds: string[];
  clientRequestId: string;
}

function invalid(code: string, message: string, field: string): UserFacingError {
  return new UserFacingError(400, code, message, field);
}

function rowIdOf(value: unknown): string | null {
  const id = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof id === 'string' && ROW_ID.test(id) ? id : null;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** One line, no control characters (a header value must not carry a line break). */
function oneLine(value: string): string {
  return value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

const ADDR_SPEC = /^[^\s<>(),;:\\"[\]@]+@[^\s<>(),;:\\"[\]@]+$/;

/**
 * An address mail can be sent to: a bare `local@domain` (no display-name syntax,
 * which belongs in `name`), with a dotted domain, as people type them.
 */
export function isSendableAddress(address: string): boolean {
  if (!ADDR_SPEC.test(address) || address.length > 254) return false;
  const normalized = normalizeAddress(address);
  if (!normalized) return false;
  const domain = normalized.slice(normalized.lastIndexOf('@') + 1);
  return domain.includes('.') && !domain.startsWith('[');
}

function quoteForMessage(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
  return `"${shown}"`;
}

function recipientList(value: unknown, field: RecipientField): MailAddress[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('INVALID_RECIPIENTS', `${FIELD_LABEL[field]} must be a list of addresses.`, field);
  const out: MailAddress[] = [];
  const bad: string[] = [];
  for (const entry of value) {
    const raw = typeof entry === 'string' ? entry : (entry as { address?: unknown } | null)?.address;
    const address = typeof raw === 'string' ? raw.trim() : '';
    if (!isSendableAddress(address)) {
      bad.push(quoteForMessage(typeof raw === 'string' ? raw.trim() : String(raw ?? '')));
      continue;
    }
    const rawName = typeof entry === 'object' && entry ? (entry as { name?: unknown }).name : undefined;
    const name = typeof rawName === 'string' ? oneLine(rawName).slice(0, MAX_NAME_LENGTH) : '';
    out.push(name && name.toLowerCase() !== address.toLowerCase() ? { name, address } : { address });
  }
  if (bad.length) {
    const shown = bad.slice(0, 3).join(', ') + (bad.length > 3 ? ` and ${bad.length - 3} more` : '');
    const message =
      bad.length === 1
        ? `${shown} in ${FIELD_LABEL[field]} is not a valid email address. Correct or remove it.`
        : `${shown} in ${FIELD_LABEL[field]} are not valid email addresses. Correct or remove them.`;
    throw invalid('INVALID_ADDRESS', message, field);
  }
  return out;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DATA_URL_PREFIX = /^data:[^,]*;base64,/i;
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,127}\/[A-Za-z0-9!#$&^_.+-]{1,127}$/;

/** A file name that stays one harmless header parameter: no path, no control characters. */
export function safeFilename(name: string): string {
  const base = oneLine(name).split(/[\\/]/).pop() ?? '';
  const trimmed = base.replace(/^\.+/, '').slice(0, MAX_FILENAME_LENGTH);
  return trimmed || 'attachment';
}

function uploads(value: unknown): UploadedFile[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('INVALID_ATTACHMENT', 'Attachments must be a list of files.', 'attachments');
  return value.map((entry, index) => {
    const file = (entry ?? {}) as { filename?: unknown; contentType?: unknown; contentBase64?: unknown };
    const label = typeof file.filename === 'string' && file.filename ? quoteForMessage(file.filename) : `File ${index + 1}`;
    if (typeof file.contentBase64 !== 'string') throw invalid('INVALID_ATTACHMENT', `${label} has no content. Attach it again.`, 'attachments');
    const encoded = file.contentBase64.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
    if (!BASE64.test(encoded) || encoded.length % 4 === 1) {
      throw invalid('INVALID_ATTACHMENT', `${label} did not arrive intact (its content is not base64). Attach it again.`, 'attachments');
    }
    const type = typeof file.contentType === 'string' ? file.contentType.trim().toLowerCase() : '';
    return {
      filename: safeFilename(typeof file.filename === 'string' ? file.filename : ''),
      contentType: CONTENT_TYPE.test(type) ? type : 'application/octet-stream',
      content: Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64'),
    };
  });
}

function rowIds(value: unknown, field: string, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('INVALID_ATTACHMENT', `${what} must be a list.`, field);
  const ids = value.map(rowIdOf);
  if (ids.some((id) => id === null)) throw invalid('INVALID_ATTACHMENT', `${what} must be attachment ids.`, field);
  return [...new Set(ids as string[])];
}

/** Checks the shape and values of a send request; throws a 400 naming the field to fix. */
export function parseSendRequest(body: unknown): SendInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('INVALID_REQUEST', 'Send the message as a JSON object.', 'body');
  const input = body as Record<string, unknown>;

  const accountId = rowIdOf(input.accountId);
  if (!accountId) throw invalid('ACCOUNT_REQUIRED', 'Choose the mail account to send from (accountId).', 'accountId');
  const mode = input.mode ?? 'new';
  if (typeof mode !== 'string' || !(COMPOSE_MODES as readonly string[]).includes(mode)) {
    throw invalid('INVALID_MODE', `Unknown compose mode. Send one of: ${COMPOSE_MODES.join(', ')}.`, 'mode');
  }
  const composeMode = mode as ComposeMode;
  const clientRequestId = typeof input.clientRequestId === 'string' ? input.clientRequestId.trim() : '';
  if (!CLIENT_REQUEST_ID.test(clientRequestId)) {
    throw invalid('CLIENT_REQUEST_ID_REQUIRED', 'The compose form must send a clientRequestId (letters, digits, ".", "_", ":" or "-", at most 100).', 'clientRequestId');
  }
  let originalId: string | null = null;
  if (composeMode !== 'new') {
    originalId = rowIdOf(input.originalId);
    if (!originalId) throw invalid('ORIGINAL_REQUIRED', `A ${composeMode === 'forward' ? 'forward' : 'reply'} needs the message it answers (originalId).`, 'originalId');
  }

  let from: string | null = null;
  if (input.from !== undefined && input.from !== null && input.from !== '') {
    const requested = typeof input.from === 'string' ? input.from.trim() : '';
    if (!isSendableAddress(requested)) throw invalid('INVALID_FROM', 'The From address is not a valid email address.', 'from');
    from = requested;
  }

  const to = recipientList(input.to, 'to');
  const cc = recipientList(input.cc, 'cc');
  const bcc = recipientList(input.bcc, 'bcc');
  const count = to.length + cc.length + bcc.length;
  if (count === 0) throw invalid('NO_RECIPIENTS', 'Add at least one recipient in To, Cc or Bcc.', 'to');
  if (count > MAX_RECIPIENTS) throw invalid('TOO_MANY_RECIPIENTS', `A message can go to at most ${MAX_RECIPIENTS} recipients; this one has ${count}.`, 'to');

  if (input.subject !== undefined && input.subject !== null && typeof input.subject !== 'string') {
    throw invalid('INVALID_SUBJECT', 'The subject must be text.', 'subject');
  }
  const subject = oneLine(typeof input.subject === 'string' ? input.subject : '');
  if (subject.length > MAX_SUBJECT_LENGTH) {
    throw invalid('SUBJECT_TOO_LONG', `The subject is ${subject.length} characters long; shorten it to ${MAX_SUBJECT_LENGTH} at most.`, 'subject');
  }
  if (input.html !== undefined && input.html !== null && typeof input.html !== 'string') throw invalid('INVALID_BODY', 'The message text must be HTML text.', 'html');

  const forwardAttachmentIds = rowIds(input.forwardAttachmentIds, 'forwardAttachmentIds', 'Forwarded files');
  if (forwardAttachmentIds.length && composeMode !== 'forward') {
    throw invalid('INVALID_ATTACHMENT', "Only a forward carries the original message's files.", 'forwardAttachmentIds');
  }

  return {
    accountId,
    mode: composeMode,
    originalId,
    from,
    to,
    cc,
    bcc,
    subject,
    html: typeof input.html === 'string' ? input.html : '',
    includeQuote: input.includeQuote !== false,
    uploads: uploads(input.attachments),
    forwardAttachmentIds,
    clientRequestId,
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** The files going out, against the administrator's limit (mailGeneralSettings.attachmentSizeLimitMb): 413 when over. */
export function checkAttachmentTotal(files: ReadonlyArray<{ size: number }>, limitMb: number): void {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > limitMb * MB) {
    throw new UserFacingError(
      413,
      'ATTACHMENTS_TOO_LARGE',
      `The attachments add up to ${megabytes(total)}, more than the ${limitMb} MB limit set in Email settings. Remove some files, or share large ones as links.`,
      'attachments',
    );
  }
}

/** What a provider cannot take however the administrator set the limit (Graph: 3 MB per file through this adapter). */
export function checkProviderFileSizes(provider: ProviderName, files: ReadonlyArray<{ filename: string; size: number }>): void {
  if (provider !== 'microsoft') return;
  const tooBig = files.find((f) => f.size > MAX_SIMPLE_ATTACHMENT_BYTES);
  if (tooBig) {
    throw new UserFacingError(
      413,
      'ATTACHMENT_TOO_LARGE_FOR_PROVIDER',
      `"${tooBig.filename}" is ${megabytes(tooBig.size)}; Outlook files larger than 3 MB cannot be sent from here yet. Share it as a link instead.`,
      'attachments',
    );
  }
}

/** The upload as the outbox keeps it until sent (base64, as the form sent it). */
export function encodeUploads(files: readonly UploadedFile[]): string {
  return JSON.stringify(files.map((f) => ({ filename: f.filename, contentType: f.contentType, contentBase64: f.content.toString('base64') })));
}

export function decodeUploads(stored: string | null | undefined): UploadedFile[] {
  if (!stored) return [];
  const parsed = JSON.parse(stored) as Array<{ filename: string; contentType: string; contentBase64: string }>;
  return parsed.map((f) => ({ filename: f.filename, contentType: f.contentType, content: Buffer.from(f.contentBase64, 'base64') }));
}
