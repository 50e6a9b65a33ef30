/** From what the compose form holds to the `mailMessages:send` body, and back from a refusal to a field. Pure. */
import type { ComposeDraft, ComposeUpload, SendRequest } from '../mailbox-api';
import { toWireAddresses } from './addresses';
import { textToHtml } from './compose-html';

/** The form's fields; recipients are entries as the writer typed them (`Name <a@b.c>`). */
export interface ComposeValues {
  from?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  subject?: string;
  body?: string;
}

export interface ComposeExtras {
  /** The account sending; for a new message the writer may have picked another than the draft's. */
  accountId: string;
  includeQuote: boolean;
  uploads: ComposeUpload[];
  forwardAttachmentIds: string[];
  clientRequestId: string;
}

export function buildSendRequest(draft: ComposeDraft, values: ComposeValues, extras: ComposeExtras): SendRequest {
  const answering = draft.mode !== 'new';
  return {
    accountId: extras.accountId,
    mode: draft.mode,
    ...(answering ? { originalId: draft.originalId } : {}),
    from: values.from || draft.from.address,
    to: toWireAddresses(values.to ?? []),
    cc: toWireAddresses(values.cc ?? []),
    bcc: toWireAddresses(values.bcc ?? []),
    subject: (values.subject ?? '').trim(),
    html: textToHtml(values.body ?? ''),
    ...(answering && draft.quotedHtml ? { includeQuote: extras.includeQuote } : {}),
    attachments: extras.uploads,
    ...(draft.mode === 'forward' ? { forwardAttachmentIds: extras.forwardAttachmentIds } : {}),
    clientRequestId: extras.clientRequestId,
  };
}

// The server's `body` names the whole request, not the writer's text (that is `html`).
const FORM_FIELDS: Record<string, keyof ComposeValues> = { from: 'from', to: 'to', cc: 'cc', bcc: 'bcc', subject: 'subject', html: 'body' };

/** The form field a server refusal names (`to`, `cc[1]`, `html`…), or null when it names none we show. */
export function formFieldOf(field: string | undefined): keyof ComposeValues | null {
  if (!field) return null;
  return FORM_FIELDS[field.split(/[.[]/)[0]] ?? null;
}
