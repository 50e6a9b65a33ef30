import type { EmulatorRequest, EmulatorResponse } from '../core';
import { invalidArgument } from './errors';
import { fromBase64Url } from './ids';
import { parseMultipartBody } from './multipart';

export interface MessageResource {
  raw?: string;
  threadId?: string;
  labelIds?: string[];
}

export interface MessageInput {
  raw: Buffer;
  threadId?: string;
  labelIds?: string[];
}

const MISSING_RAW = "'raw' RFC822 payload message string or uploading message via /upload/* URL required";

/**
 * Reads a message from a JSON body (`{raw, threadId}`), or from a media upload
 * (`uploadType=media`: the body is the RFC 822 message; `uploadType=multipart`: JSON metadata part +
 * message part). `unwrap` picks the message resource out of the JSON (drafts nest it in `message`).
 */
export function readMessageInput(
  req: EmulatorRequest,
  unwrap: (json: Record<string, unknown>) => MessageResource | undefined = (json) => json as MessageResource,
): MessageInput | EmulatorResponse {
  if (req.path.startsWith('/upload/')) {
    const uploadType = req.query.get('uploadType');
    if (uploadType === 'media') {
      if (req.body.length === 0) return invalidArgument(MISSING_RAW);
      return { raw: req.body };
    }
    if (uploadType === 'multipart') {
      const parts = parseMultipartBody(String(req.headers['content-type'] ?? ''), req.body);
      if (!parts || parts.length < 2) return invalidArgument('Multipart upload needs a metadata part and a media part.');
      const metadata = unwrap(JSON.parse(parts[0].body.toString('utf8') || '{}') as Record<string, unknown>) ?? {};
      return { raw: parts[1].body, threadId: metadata.threadId, labelIds: metadata.labelIds };
    }
    return invalidArgument(`Invalid upload type: ${uploadType ?? '(none)'}. Use uploadType=media or uploadType=multipart.`);
  }
  let json: Record<string, unknown>;
  try {
    json = req.json<Record<string, unknown>>();
  } catch {
    return invalidArgument('Invalid JSON payload received.');
  }
  const resource = unwrap(json);
  if (!resource?.raw) return invalidArgument(MISSING_RAW);
  return { raw: fromBase64Url(resource.raw), threadId: resource.threadId, labelIds: resource.labelIds };
}

export function isResponse(value: MessageInput | EmulatorResponse): value is EmulatorResponse {
  return 'status' in value;
}
