import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { createRequest, encodeResponse, type EmulatorRequest, type EmulatorResponse, type Router } from '../core';
import { invalidArgument } from './errors';
import { parseMultipartBody } from './multipart';

export const BATCH_PATHS = ['/batch/gmail/v1', '/batch'] as const;
const MAX_PARTS = 100;

export interface BatchPart {
  contentId: string | null;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Reads the `application/http` parts of a batch body: request line, headers, blank line, body. */
export function parseBatch(req: EmulatorRequest): BatchPart[] | null {
  const parts = parseMultipartBody(String(req.headers['content-type'] ?? ''), req.body);
  if (!parts) return null;
  return parts.map((part) => {
    const text = part.body.toString('latin1');
    const headEnd = text.search(/\r?\n\r?\n/);
    const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
    const bodyStart = headEnd >= 0 ? headEnd + (/^\r?\n\r?\n/.exec(text.slice(headEnd))?.[0].length ?? 2) : text.length;
    const [requestLine, ...headerLines] = head.split(/\r?\n/);
    const [method = 'GET', target = '/'] = requestLine.trim().split(/\s+/);
    const headers: IncomingHttpHeaders = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const url = /^https?:\/\//i.test(target) ? new URL(target).pathname + new URL(target).search : target;
    const contentId = part.headers.find((h) => h.name.toLowerCase() === 'content-id')?.value ?? null;
    return { contentId, method: method.toUpperCase(), url, headers, body: part.body.subarray(bodyStart) };
  });
}

function renderPart(part: BatchPart, index: number, response: EmulatorResponse): string {
  const { headers, body } = encodeResponse(response);
  const id = part.contentId ? part.contentId.replace(/^<|>$/g, '') : `item${index + 1}`;
  const headerLines = Object.entries({ ...headers, 'content-length': String(body.length) })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return `Content-Type: application/http\r\nContent-ID: <response-${id}>\r\n\r\nHTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n${headerLines}\r\n\r\n${body.toString('utf8')}`;
}

/**
 * Gmail's batch endpoint: each embedded request runs through the same routes (inheriting the
 * outer Authorization when it has none) and the answers come back as multipart/mixed in order.
 */
export function registerBatchRoutes(router: Router): void {
  const handle = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const parts = parseBatch(req);
    if (!parts) return invalidArgument('Batch requests must be multipart/mixed');
    if (parts.length === 0) return invalidArgument('Batch request is empty');
    if (parts.length > MAX_PARTS) return invalidArgument(`A batch can contain at most ${MAX_PARTS} requests`);
    const rendered: string[] = [];
    for (const [index, part] of parts.entries()) {
      const headers = { ...part.headers };
      if (!headers.authorization && req.headers.authorization) headers.authorization = req.headers.authorization;
      const sub = createRequest({ method: part.method, url: part.url, headers, body: part.body });
      sub.user = req.user;
      const nested = BATCH_PATHS.some((p) => sub.path === p);
      const response = nested ? invalidArgument('Nested batch requests are not allowed') : await router.dispatch(sub);
      rendered.push(renderPart(part, index, response ?? { status: 404, body: 'Not Found' }));
    }
    const boundary = `batch_${randomBytes(12).toString('base64url')}`;
    const body = rendered.map((r) => `--${boundary}\r\n${r}\r\n`).join('') + `--${boundary}--\r\n`;
    return { status: 200, headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` }, body };
  };
  for (const path of BATCH_PATHS) router.post(path, handle);
}
