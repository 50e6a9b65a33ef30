/**
 * Outgoing mail for Gmail: the shared MIME builder, with Bcc kept in the raw
 * message because messages.send reads every recipient from the headers (Gmail
 * strips Bcc before delivery).
 */
import { buildMimeMessage, type BuiltMessage } from '../../mime/build';
import type { OutgoingMessage } from '../types';

export function buildOutgoingRaw(outgoing: OutgoingMessage): Promise<BuiltMessage> {
  return buildMimeMessage(outgoing, { keepBcc: true, messageId: outgoing.messageId });
}
