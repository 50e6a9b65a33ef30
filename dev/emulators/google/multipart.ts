import { parseHeaders, parseStructuredHeader, splitHeaderBlock, splitMultipart, headerValue, type MimeHeader } from './mime';

export interface BodyPart {
  headers: MimeHeader[];
  contentType: string;
  body: Buffer;
}

/** The parts of a multipart request body (upload or batch), bodies left as sent. */
export function parseMultipartBody(contentTypeHeader: string | undefined, body: Buffer): BodyPart[] | null {
  if (!contentTypeHeader) return null;
  const { value, params } = parseStructuredHeader(contentTypeHeader);
  if (!value.startsWith('multipart/') || !params.boundary) return null;
  return splitMultipart(body, params.boundary).map((part) => {
    const { head, body: content } = splitHeaderBlock(part);
    const headers = parseHeaders(head);
    return { headers, contentType: (headerValue(headers, 'content-type') ?? 'text/plain').toLowerCase(), body: content };
  });
}
