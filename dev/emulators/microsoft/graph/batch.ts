/**
 * `POST /v1.0/$batch` (JSON batching): up to 20 requests, optional `dependsOn`, each
 * dispatched through the same Graph routes with the caller's token. Injected faults can
 * hit individual requests of a batch, as throttling does in Graph.
 */
import { createRequest, type EmulatorRequest, type EmulatorResponse, type Router } from '../../core';
import { BATCH_MAX_REQUESTS } from '../constants';
import { graphError } from '../errors';
import { json } from '../http-util';
import type { MicrosoftState } from '../state';
import { authenticate } from './context';

interface BatchItem {
  id?: string;
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface BatchResponseItem {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Returns a fault response for a request inside a batch, or null. */
export type SubRequestFault = (req: EmulatorRequest) => EmulatorResponse | null;

function relativeUrl(url: string): string {
  let path = url.trim();
  const absolute = /^https?:\/\/[^/]+(\/.*)$/i.exec(path);
  if (absolute) path = absolute[1];
  if (!path.startsWith('/')) path = `/${path}`;
  return /^\/(v1\.0|beta)\//i.test(path) ? path.replace(/^\/beta\//i, '/v1.0/') : `/v1.0${path}`;
}

function subRequestBody(item: BatchItem, headers: Record<string, string>): Buffer | undefined {
  if (item.body === undefined || item.body === null) return undefined;
  if (typeof item.body === 'string') return Buffer.from(item.body);
  headers['content-type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(item.body));
}

function responseItem(id: string, response: EmulatorResponse): BatchResponseItem {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name] = value;
  let body: unknown = response.body;
  if (Buffer.isBuffer(body)) body = body.toString('base64');
  else if (body !== undefined && typeof body === 'object') headers['Content-Type'] ??= 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
  return { id, status: response.status, headers, ...(body === undefined || body === '' ? {} : { body }) };
}

export function registerBatchRoute(router: Router, state: MicrosoftState, faultFor: () => SubRequestFault | null): void {
  router.post('/v1.0/$batch', async (req) => {
    const auth = authenticate(state, req);
    if ('status' in auth) return auth;
    let payload: { requests?: BatchItem[] };
    try {
      payload = req.json<{ requests?: BatchItem[] }>();
    } catch {
      return graphError(400, 'BadRequest', 'Invalid batch payload format.', req);
    }
    const items = payload.requests;
    if (!Array.isArray(items) || items.length === 0) return graphError(400, 'BadRequest', 'Invalid batch payload format: requests is required.', req);
    if (items.length > BATCH_MAX_REQUESTS) {
      return graphError(400, 'BadRequest', `The number of batch requests exceeds the limit of ${BATCH_MAX_REQUESTS}.`, req);
    }
    const ids = new Set<string>();
    for (const item of items) {
      if (!item.id || !item.method || !item.url) return graphError(400, 'BadRequest', 'Each batch request needs id, method and url.', req);
      if (ids.has(item.id)) return graphError(400, 'BadRequest', `Batch request id '${item.id}' is not unique.`, req);
      ids.add(item.id);
    }

    const results = new Map<string, BatchResponseItem>();
    for (const item of items) {
      const id = item.id as string;
      const failed = (item.dependsOn ?? []).find((dep) => {
        const result = results.get(dep);
        return !result || result.status >= 400;
      });
      if (failed !== undefined) {
        results.set(id, responseItem(id, graphError(424, 'FailedDependency', `Request ${id} depends on request ${failed}, which failed or was not run.`, req)));
        continue;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(item.headers ?? {})) headers[name.toLowerCase()] = String(value);
      headers.authorization = String(req.headers.authorization ?? '');
      headers.host = String(req.headers.host ?? '');
      const body = subRequestBody(item, headers);
      const sub = createRequest({ method: item.method as string, url: relativeUrl(item.url as string), headers, body });
      sub.user = req.user;
      const injected = faultFor()?.(sub) ?? null;
      const response = injected ?? (await router.dispatch(sub)) ?? graphError(400, 'BadRequest', `Resource not found for the segment in '${item.url}'.`, sub);
      results.set(id, responseItem(id, response));
    }
    return json(200, { responses: items.map((item) => results.get(item.id as string)) });
  });
}
