/**
 * One account's Microsoft Graph access through @microsoft/microsoft-graph-client with
 * our own middleware chain instead of the default one:
 *  - BearerMiddleware: attaches the account's token (only to the configured Graph
 *    origin) and, on a 401, refreshes once through the account context and resends;
 *  - ScheduledFetch: sends through the per-account quota hook with a timeout and turns
 *    429, 5xx and socket failures into ProviderError *inside* the hook, so the limiter
 *    sees RATE_LIMITED / TRANSIENT with the Retry-After and owns the retries.
 * The default chain's RetryHandler is left out on purpose: the sync engine owns
 * retries and quotas, and two retry layers would multiply requests under throttling.
 */
import { Client, GraphClientError, ResponseType, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { ProviderError } from '../errors';
import type { ProviderCall, ScheduleFn } from '../types';
import { PREFER_IMMUTABLE_IDS } from './constants';
import { carriedProviderError, fromHttp, parseRetryAfter, readNetworkCode, toProviderError } from './errors';

export type { ScheduleFn };

const runNow: ScheduleFn = (_method, fn) => fn();

export interface GraphSessionOptions {
  /** MAIL_GRAPH_API_URL, e.g. https://graph.microsoft.com */
  graphUrl: string;
  getToken: (forceRefresh: boolean) => Promise<string>;
  schedule?: ScheduleFn;
  timeoutMs: number;
}

/** Smuggles an error through the Graph client, which rethrows GraphClientError untouched. */
function carry(error: unknown): GraphClientError {
  const carrier = new GraphClientError(error instanceof Error ? error.message : 'Graph request failed');
  carrier.customError = error;
  return carrier;
}

function setHeader(context: Context, name: string, value: string): void {
  const options = (context.options ??= {});
  if (options.headers instanceof Headers) options.headers.set(name, value);
  else options.headers = { ...(options.headers as Record<string, string> | undefined), [name]: value };
}

function requestUrl(context: Context): string {
  const request = context.request as unknown;
  if (typeof request === 'string') return request;
  if (request instanceof URL) return request.href;
  return (request as Request).url;
}

class BearerMiddleware implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly origin: string,
    private readonly getToken: (force: boolean) => Promise<string>,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) throw carry(new Error('Graph middleware chain has no transport'));
    if (new URL(requestUrl(context)).origin !== this.origin) {
      // Page links come from Graph itself; anything else must never receive the token.
      throw carry(new ProviderError('PROVIDER_ERROR', 'Refused to send a Graph request outside the configured Graph host.'));
    }
    setHeader(context, 'Authorization', `Bearer ${await this.token(false)}`);
    await next.execute(context);
    if (context.response?.status !== 401) return;
    // The token may have been revoked or expired early: refresh once and resend.
    await context.response.arrayBuffer().catch(() => undefined);
    setHeader(context, 'Authorization', `Bearer ${await this.token(true)}`);
    await next.execute(context);
  }

  private async token(force: boolean): Promise<string> {
    try {
      return await this.getToken(force);
    } catch (e) {
      throw carry(toProviderError(e, 'refresh'));
    }
  }
}

class ScheduledFetch implements Middleware {
  constructor(
    private readonly schedule: ScheduleFn,
    private readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    try {
      const { method, call } = quotaCall(context);
      context.response = await this.schedule(method, () => this.send(context, method === '$batch'), call);
    } catch (e) {
      throw carry(e);
    }
  }

  private async send(context: Context, isBatch: boolean): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(requestUrl(context), { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw fromHttp({ networkCode: readNetworkCode(e) }, 'api');
    }
    // Retryable answers fail inside the hook, so the limiter sees them (and their Retry-After) and can retry.
    if (response.status === 429 || response.status >= 500) {
      const graphCode = await readGraphCode(response);
      throw fromHttp({ status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), graphCode }, 'api');
    }
    if (isBatch && response.ok) {
      // Graph throttles requests inside a $batch one by one: any throttled item fails the whole
      // batch here, so the limiter pauses and retries it like a throttled request.
      const failed = retryableItem(await response.clone().json().catch(() => null));
      if (failed) throw failed;
    }
    return response;
  }
}

function retryableItem(body: unknown): ProviderError | null {
  const responses = (body as { responses?: BatchResponse[] } | null)?.responses ?? [];
  const item = responses.find((r) => r.status === 429 || r.status >= 500);
  if (!item) return null;
  const retryAfterMs = parseRetryAfter(headerValue(item.headers, 'retry-after'));
  return fromHttp({ status: item.status, retryAfterMs, graphCode: graphCodeOf(item.body) }, 'api');
}

/**
 * A POST that repeats safely: moving a message to a fixed folder (with immutable
 * ids it keeps its id, so a second move finds it already there).
 */
const REPEATABLE_POST = /\/messages\/[^/?]+\/move(\?|$)/;

/**
 * What the quota hook is told about a request: its method, its cost (a `$batch`
 * counts every request it carries) and whether repeating it is safe. GET,
 * PATCH, PUT and DELETE are idempotent in Graph, and so is a move; any other
 * POST creates or acts (a draft, createReply, an attachment, `/send`) and is
 * not, nor is a `$batch` carrying one.
 */
function quotaCall(context: Context): { method: string; call: ProviderCall } {
  const method = (context.options?.method ?? 'GET').toUpperCase();
  if (method !== 'POST') return { method, call: {} };
  const url = requestUrl(context);
  if (REPEATABLE_POST.test(new URL(url).pathname)) return { method, call: {} };
  if (!/\/\$batch(\?|$)/.test(url)) return { method, call: { idempotent: false } };
  const body = context.options?.body;
  try {
    const parsed = JSON.parse(typeof body === 'string' ? body : '{}') as { requests?: Array<{ method?: unknown; url?: unknown }> };
    const requests = parsed.requests ?? [];
    const idempotent = requests.every((r) => String(r.method ?? 'GET').toUpperCase() !== 'POST' || REPEATABLE_POST.test(String(r.url ?? '')));
    return { method: '$batch', call: { cost: Math.max(1, requests.length), ...(idempotent ? {} : { idempotent: false }) } };
  } catch {
    return { method: '$batch', call: { cost: 1, idempotent: false } };
  }
}

async function readGraphCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

/** Hosts the Graph client treats as Graph (it matches on the host name, without port). */
function customHostsFor(graphUrl: URL): Set<string> | undefined {
  const hostname = graphUrl.hostname.toLowerCase();
  return hostname === 'graph.microsoft.com' ? undefined : new Set([hostname]);
}

export interface BatchRequest {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version root, e.g. `/me/messages/{id}`. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchResponse<T = unknown> {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: T;
}

export class GraphApi {
  private readonly client: Client;

  constructor(options: GraphSessionOptions) {
    const graphUrl = new URL(options.graphUrl);
    const bearer = new BearerMiddleware(graphUrl.origin, options.getToken);
    bearer.setNext(new ScheduledFetch(options.schedule ?? runNow, options.timeoutMs));
    this.client = Client.initWithMiddleware({
      baseUrl: graphUrl.href.replace(/\/+$/, '') + '/',
      defaultVersion: 'v1.0',
      customHosts: customHostsFor(graphUrl),
      middleware: bearer,
    });
  }

  /** `path` is relative to the version root (`/me/messages`) or an absolute Graph link (`@odata.nextLink`). */
  get<T>(path: string, prefer: string[] = []): Promise<T> {
    return this.run(() => this.request(path, prefer).get());
  }

  /** `body` undefined sends no body (Graph actions such as `/send` take none). */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.run(() => this.request(path).post(body));
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.run(() => this.request(path).patch(body));
  }

  delete(path: string): Promise<void> {
    return this.run(() => this.request(path).delete());
  }

  async bytes(path: string): Promise<Buffer> {
    const data = await this.run<ArrayBuffer>(() => this.request(path).responseType(ResponseType.ARRAYBUFFER).get());
    return Buffer.from(data);
  }

  /**
   * One `$batch` round trip (≤ 20 requests). Throttling or an outage of any item fails
   * the call as RATE_LIMITED / TRANSIENT (in the transport, so the limiter retries the
   * batch as a whole); other per-item statuses are returned for the caller to judge.
   */
  async batch<T>(requests: BatchRequest[]): Promise<Map<string, BatchResponse<T>>> {
    if (requests.length === 0) return new Map();
    const withIds = requests.map((r) => ({ ...r, headers: { Prefer: PREFER_IMMUTABLE_IDS, ...r.headers } }));
    const result = await this.post<{ responses?: Array<BatchResponse<T>> }>('/$batch', { requests: withIds });
    const byId = new Map<string, BatchResponse<T>>();
    for (const response of result?.responses ?? []) byId.set(String(response.id), response);
    return byId;
  }

  private request(path: string, prefer: string[] = []) {
    return this.client.api(path).header('Prefer', [PREFER_IMMUTABLE_IDS, ...prefer].join(', '));
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw carriedProviderError(e) ?? toProviderError(e, 'api');
    }
  }
}

export function headerValue(headers: Record<string, string> | undefined, name: string): string | null {
  if (!headers) return null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : null;
}

export function graphCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
