import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultRegistry, validateFault, type FaultRenderer } from './faults';
import { RequestLog } from './log';
import { QuotaTracker } from './quota';
import { createRequest } from './request';
import { Router } from './router';
import type {
  EmulatorRequest,
  EmulatorResponse,
  FaultKind,
  FaultSpec,
  QuotaPolicy,
  QuotaSettings,
} from './types';

export interface EmulatorServerOptions {
  /** Shown in logs and error messages, e.g. `google`. */
  name: string;
  router: Router;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The mailbox/user a request belongs to, for per-user faults, quota and logs. */
  identify?: (req: EmulatorRequest) => string | null;
  /** Provider-shaped error for a fault; null when the fault does not concern this request. */
  renderFault: FaultRenderer;
  /** Quota units a request costs (default 1). */
  cost?: (req: EmulatorRequest) => number;
  quota?: QuotaPolicy;
  /** Answer for unknown routes (default JSON 404). */
  notFound?: (req: EmulatorRequest) => EmulatorResponse;
  /** Extra counters reported under `provider` by `GET /__control/counters`. */
  counters?: () => Record<string, unknown>;
  /** Host name put in `url`: default `localhost` with TLS (the certificate's name), `127.0.0.1` without. */
  publicHost?: string;
  /**
   * Requests a plain-HTTP listener (listenBrowser) may answer: the pages a browser
   * visits, so a newcomer's browser never meets the dev certificate. Others get 404.
   */
  browserPages?: (method: string, path: string) => boolean;
}

export interface EmulatorServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:13101`; set once listening. */
  readonly url: string;
  readonly port: number;
  listen(port?: number): Promise<string>;
  /** Also serves `browserPages` over plain HTTP on localhost; resolves to `http://localhost:PORT`. */
  listenBrowser(port?: number): Promise<string>;
  /** `http://localhost:PORT` once listenBrowser resolved, else null. */
  readonly browserUrl: string | null;
  close(): Promise<void>;
  /** Provider control routes (`/__control/seed`, `/__control/deliver`, extras); `POST /__control/reset` here runs after the core's reset. */
  readonly controls: Router;
  /** Active faults, for providers that check a fault kind inside a handler. */
  readonly faults: FaultRegistry;
  readonly log: RequestLog;
  /** Requests currently in flight for a user. */
  inFlight(user: string): number;
}

const CONTROL_PREFIX = '/__control/';

export function createEmulatorServer(options: EmulatorServerOptions): EmulatorServer {
  const faults = new FaultRegistry();
  const log = new RequestLog();
  const quota = new QuotaTracker(options.quota);
  const controls = new Router();
  const coreControls = new Router();
  const inFlightByUser = new Map<string, number>();
  let latencyMs = 0;
  let url = '';
  let port = 0;

  const listener = (incoming: http.IncomingMessage, outgoing: http.ServerResponse): void => {
    void handle(incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) {
        send(outgoing, { status: 500, body: { error: `${options.name} emulator: ${String(error)}` } });
      } else {
        outgoing.destroy();
      }
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener);
  const browserServer = http.createServer((incoming, outgoing) => {
    const pathname = new URL(incoming.url ?? '/', 'http://localhost').pathname;
    if (!options.browserPages?.(incoming.method ?? 'GET', pathname)) {
      send(outgoing, { status: 404, body: { error: `${options.name} emulator: only sign-in pages are served over plain HTTP` } });
      return;
    }
    listener(incoming, outgoing);
  });
  let browserUrl: string | null = null;

  async function handle(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    const body = await readBody(incoming);
    const req = createRequest({ method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers, body });
    if (req.path.startsWith(CONTROL_PREFIX)) {
      send(outgoing, await handleControl(req));
      return;
    }
    await handleProvider(req, incoming, outgoing);
  }

  async function handleProvider(req: EmulatorRequest, incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    const started = Date.now();
    req.user = safeIdentify(req);
    const userKey = req.user ?? '';
    const inFlight = (inFlightByUser.get(userKey) ?? 0) + 1;
    inFlightByUser.set(userKey, inFlight);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      inFlightByUser.set(userKey, (inFlightByUser.get(userKey) ?? 1) - 1);
    };
    outgoing.on('close', release);

    const match = options.router.match(req.method, req.path);
    if (match) {
      req.params = match.params;
      req.route = match.route;
    }
    let fault: FaultKind | null = null;
    let quotaLimit: string | null = null;
    let units = 0;
    const finish = (status: number): void => {
      log.record({
        time: new Date(started).toISOString(),
        method: req.method,
        path: req.path,
        query: req.query.toString(),
        route: req.route,
        user: req.user,
        status,
        fault,
        quota: quotaLimit,
        units,
        durationMs: Date.now() - started,
        inFlight,
      });
    };

    try {
      if (latencyMs > 0) await sleep(latencyMs);
      const action = faults.take(req, options.renderFault);
      if (action) fault = action.fault.kind;
      if (action?.type === 'hangup') {
        finish(0);
        incoming.socket.destroy();
        return;
      }
      if (action?.type === 'delay') await sleep(action.ms);
      let response: EmulatorResponse;
      if (action?.type === 'respond') {
        response = withRetryAfter(action.response, action.fault.kind, action.fault.retryAfterSeconds);
      } else {
        units = match ? (options.cost?.(req) ?? 1) : 0;
        const rejection = req.user && match ? quota.charge(req.user, units, inFlight) : null;
        if (rejection && options.quota) {
          quotaLimit = rejection.limit;
          response = withRetryAfter(options.quota.reject(req, rejection), 'rate_limit', rejection.retryAfterSeconds);
        } else if (match) {
          response = await match.handler(req);
        } else {
          response = options.notFound?.(req) ?? { status: 404, body: { error: `no route for ${req.method} ${req.path}` } };
        }
      }
      if (action?.type === 'after') {
        // Processed: whatever the handler changed stays, but the caller never learns it.
        if (!action.response) {
          finish(0);
          incoming.socket.destroy();
          return;
        }
        response = action.response;
      }
      send(outgoing, response);
      finish(response.status);
    } catch (error) {
      const response = { status: 500, body: { error: `${options.name} emulator: ${String(error)}` } };
      send(outgoing, response);
      finish(500);
    } finally {
      release();
    }
  }

  function safeIdentify(req: EmulatorRequest): string | null {
    try {
      return options.identify?.(req) ?? null;
    } catch {
      return null;
    }
  }

  async function handleControl(req: EmulatorRequest): Promise<EmulatorResponse> {
    try {
      const core = await coreControls.dispatch(req);
      if (core) return core;
      const provider = await controls.dispatch(req);
      return provider ?? { status: 404, body: { error: `no control route ${req.method} ${req.path}` } };
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  }

  coreControls.post('/__control/reset', async (req) => {
    faults.clear();
    latencyMs = 0;
    quota.reset();
    log.clear();
    const provider = await controls.dispatch(req);
    return provider ?? { status: 200, body: { ok: true } };
  });
  coreControls.post('/__control/faults', (req) => {
    const body = req.json<FaultSpec | FaultSpec[] | { faults: FaultSpec[] }>();
    const specs = Array.isArray(body) ? body : 'faults' in body ? body.faults : [body];
    for (const spec of specs) {
      const problem = validateFault(spec);
      if (problem) return { status: 400, body: { error: problem } };
    }
    const added = specs.map((spec) => faults.add(spec));
    return { status: 200, body: { added, faults: faults.list() } };
  });
  coreControls.get('/__control/faults', () => ({ status: 200, body: { faults: faults.list() } }));
  coreControls.add('DELETE', '/__control/faults', () => {
    faults.clear();
    return { status: 200, body: { ok: true } };
  });
  coreControls.post('/__control/latency', (req) => {
    const { ms } = req.json<{ ms: number }>();
    if (!(typeof ms === 'number' && ms >= 0)) return { status: 400, body: { error: 'ms must be a number >= 0' } };
    latencyMs = ms;
    return { status: 200, body: { ms } };
  });
  coreControls.post('/__control/quota', (req) => {
    const settings = req.json<QuotaSettings>();
    if (typeof settings.enabled !== 'boolean') return { status: 400, body: { error: 'enabled must be a boolean' } };
    quota.configure(settings);
    return { status: 200, body: quota.settings() };
  });
  coreControls.get('/__control/quota', () => ({ status: 200, body: quota.settings() }));
  coreControls.get('/__control/log', () => ({ status: 200, body: { entries: log.list() } }));
  coreControls.add('DELETE', '/__control/log', () => {
    log.clear();
    return { status: 200, body: { ok: true } };
  });
  coreControls.get('/__control/counters', () => ({
    status: 200,
    body: { ...log.snapshot(), ...(options.counters ? { provider: options.counters() } : {}) },
  }));

  return {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    controls,
    faults,
    log,
    inFlight: (user) => inFlightByUser.get(user) ?? 0,
    listen(requestedPort = 0) {
      return new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(requestedPort, '127.0.0.1', () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          const host = options.publicHost ?? (options.tls ? 'localhost' : '127.0.0.1');
          url = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
          resolve(url);
        });
      });
    },
    get browserUrl() {
      return browserUrl;
    },
    listenBrowser(requestedPort = 0) {
      return new Promise<string>((resolve, reject) => {
        browserServer.once('error', reject);
        browserServer.listen(requestedPort, '127.0.0.1', () => {
          browserServer.off('error', reject);
          browserUrl = `http://localhost:${(browserServer.address() as AddressInfo).port}`;
          resolve(browserUrl);
        });
      });
    },
    close() {
      const stop = (s: http.Server) =>
        new Promise<void>((resolve) => {
          if (!s.listening) return resolve();
          s.close(() => resolve());
          s.closeAllConnections();
        });
      return Promise.all([stop(server), stop(browserServer)]).then(() => undefined);
    },
  };
}

function readBody(incoming: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

/** Serialises an EmulatorResponse: object bodies as JSON, strings as text unless a content type is given. */
export function encodeResponse(response: EmulatorResponse): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: Buffer;
  if (response.body === undefined) {
    body = Buffer.alloc(0);
  } else if (Buffer.isBuffer(response.body)) {
    body = response.body;
    headers['content-type'] ??= 'application/octet-stream';
  } else if (typeof response.body === 'string') {
    body = Buffer.from(response.body);
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = Buffer.from(JSON.stringify(response.body));
    headers['content-type'] ??= 'application/json; charset=UTF-8';
  }
  return { headers, body };
}

function send(outgoing: http.ServerResponse, response: EmulatorResponse): void {
  if (outgoing.destroyed || outgoing.headersSent) return;
  const { headers, body } = encodeResponse(response);
  headers['content-length'] = String(body.length);
  outgoing.writeHead(response.status, headers);
  outgoing.end(body);
}

function withRetryAfter(response: EmulatorResponse, kind: FaultKind, seconds: number | undefined): EmulatorResponse {
  if (kind !== 'rate_limit' && kind !== 'unavailable') return response;
  const headers = response.headers ?? {};
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')) return response;
  if (kind === 'unavailable' && seconds === undefined) return response;
  return { ...response, headers: { ...headers, 'Retry-After': String(seconds ?? 1) } };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
