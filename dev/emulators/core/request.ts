import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorRequest } from './types';

export interface RequestParts {
  method: string;
  /** Path with optional query string, e.g. `/gmail/v1/users/me/messages?maxResults=10`. */
  url: string;
  headers?: IncomingHttpHeaders;
  body?: Buffer | string;
}

/** Builds an EmulatorRequest; also used to dispatch requests embedded in a batch. */
export function createRequest(parts: RequestParts): EmulatorRequest {
  const parsed = new URL(parts.url, 'http://emulator.invalid');
  const body = typeof parts.body === 'string' ? Buffer.from(parts.body) : (parts.body ?? Buffer.alloc(0));
  const headers = parts.headers ?? {};
  return {
    method: parts.method.toUpperCase(),
    path: parsed.pathname,
    params: {},
    query: parsed.searchParams,
    headers,
    body,
    user: null,
    route: null,
    text() {
      return body.toString('utf8');
    },
    json<T>(): T {
      const text = body.toString('utf8').trim();
      if (text === '') return {} as T;
      return JSON.parse(text) as T;
    },
    form() {
      return new URLSearchParams(body.toString('utf8'));
    },
    bearer() {
      const header = headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
      return match ? match[1] : null;
    },
  };
}
